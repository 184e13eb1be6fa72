package backend

import (
	"context"
	"testing"

	"lightdir/ldapserver"
)

// bindCode binds dn with password and returns the result code.
func bindCode(t *testing.T, b *Backend, dn, password string) ldapserver.ResultCode {
	t.Helper()
	_, err := b.Bind(context.Background(), &ldapserver.BindRequest{DN: mustDN(t, dn), Password: []byte(password)})
	return codeOf(err)
}

// TestAdd_cleartextPrefixedPassword: a userPassword written as
// "{CLEARTEXT}pw" (what `lightdir passwd -m {CLEARTEXT}` prints for a
// password starting with '{', and what Verify reads as the password "pw")
// is hashed as "pw" on add and modify, so the same value binds with the
// same password whether it was imported or written over LDAP.
func TestAdd_cleartextPrefixedPassword(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	dn := "uid=bob,ou=people," + testSuffix
	mustAdd(t, b, dn, person("bob", "userPassword: {CLEARTEXT}{x}y")...)
	if code := bindCode(t, b, dn, "{x}y"); code != ldapserver.Success {
		t.Errorf("bind with {x}y after adding {CLEARTEXT}{x}y: %v, want success", code)
	}
	if code := bindCode(t, b, dn, "{CLEARTEXT}{x}y"); code != ldapserver.InvalidCredentials {
		t.Errorf("bind with the prefix itself: %v, want invalidCredentials", code)
	}
	_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, dn),
		Changes: []ldapserver.Change{change(ldapserver.ModReplace, "userPassword", "{cleartext}second")}})
	if err != nil {
		t.Fatal(err)
	}
	if code := bindCode(t, b, dn, "second"); code != ldapserver.Success {
		t.Errorf("bind with second after replacing by {cleartext}second: %v, want success", code)
	}
	c, err := doSearch(t, b, dn, ldapserver.ScopeBase, "(objectClass=*)", "userPassword")
	if err != nil {
		t.Fatal(err)
	}
	if pw := c.attr(0, "userPassword"); len(pw) != 1 || pw[0] == "{cleartext}second" {
		t.Errorf("stored userPassword %q, want one hash", pw)
	}
}

// TestBind_onlyPlainUserPassword: simple bind checks the values of
// userPassword itself, as slapd does (attr_find on the exact description):
// a value kept under a tagging option such as userPassword;lang-en (which
// slapd accepts and stores) is not a credential there, and must not become
// one after `slapcat | lightdir import`. The same holds for the current
// password of a Password Modify request.
func TestBind_onlyPlainUserPassword(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	dn := "uid=carol,ou=people," + testSuffix
	mustAdd(t, b, dn, person("carol", "userPassword: current", "userPassword;lang-en: tagged")...)
	if code := bindCode(t, b, dn, "current"); code != ldapserver.Success {
		t.Errorf("bind with userPassword: %v, want success", code)
	}
	if code := bindCode(t, b, dn, "tagged"); code != ldapserver.InvalidCredentials {
		t.Errorf("bind with the userPassword;lang-en value: %v, want invalidCredentials (as slapd)", code)
	}
	self := ldapserver.Header{Session: ldapserver.Session{Identity: dn}}
	_, err := b.PasswordModify(ctx, &ldapserver.PasswordModifyRequest{Header: self,
		UserIdentity: "dn:" + dn, OldPassword: []byte("tagged"), NewPassword: []byte("next")})
	if codeOf(err) != ldapserver.UnwillingToPerform {
		t.Errorf("password modify with the tagged value as old password: %v, want unwillingToPerform", err)
	}
}
