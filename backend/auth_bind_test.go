package backend

import (
	"context"
	"testing"

	"lightdir/ldapserver"
)

// TestBind_rootDNEntryPassword: when the root DN is also an entry with a
// userPassword, a bind with the entry's password succeeds and is the root
// DN, as in slapd's back-mdb (mdb_bind gives the database a chance when
// the rootpw does not match, ITS#4962). This is what a root DN that ran
// ldappasswd without a user identity relies on: the request set the
// entry's userPassword, and slapd accepts the new password from then on.
func TestBind_rootDNEntryPassword(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	mustAdd(t, b, testRoot, "objectClass: person", "cn: admin", "sn: admin", "userPassword: entrypw")
	if code := bindCode(t, b, testRoot, "secret"); code != ldapserver.Success {
		t.Fatalf("bind with the root password: %v", code)
	}
	res, err := b.Bind(ctx, &ldapserver.BindRequest{DN: mustDN(t, "CN=Admin, dc=example,dc=com"), Password: []byte("entrypw")})
	if err != nil {
		t.Fatalf("bind as the root DN with its entry's userPassword: %v, want success (as slapd)", err)
	}
	if a := b.identity(res.Identity); !a.root {
		t.Errorf("identity %q after the entry-password bind is not the root DN", res.Identity)
	}
	if code := bindCode(t, b, testRoot, "wrong"); code != ldapserver.InvalidCredentials {
		t.Errorf("bind as the root DN with a wrong password: %v, want invalidCredentials", code)
	}
	// ldappasswd -D <root> -w secret -s changed: no user identity, so the
	// root DN's own entry gets the new password, which then binds.
	_, err = b.PasswordModify(ctx, &ldapserver.PasswordModifyRequest{Header: rootHdr(), NewPassword: []byte("changed")})
	if err != nil {
		t.Fatal(err)
	}
	if code := bindCode(t, b, testRoot, "changed"); code != ldapserver.Success {
		t.Errorf("bind as the root DN with the password it just set: %v, want success", code)
	}
}

// TestBind_aliasAndReferralEntries: slapd (mdb_bind) refuses a simple
// bind to an alias or a referral object with invalidCredentials, even
// when the entry holds a matching userPassword (extensibleObject allows
// one).
func TestBind_aliasAndReferralEntries(t *testing.T) {
	b := peopleFixture(t)
	alias := "uid=al,ou=people," + testSuffix
	ref := "uid=ref,ou=people," + testSuffix
	mustAdd(t, b, alias, "objectClass: alias", "objectClass: extensibleObject", "uid: al",
		"aliasedObjectName: uid=alice,ou=people,"+testSuffix, "userPassword: aliaspw")
	req := addReq(t, ref, "objectClass: referral", "objectClass: extensibleObject", "uid: ref",
		"ref: ldap://example.net/uid=ref,dc=example,dc=net", "userPassword: refpw")
	req.Controls.ManageDsaIT = true
	if _, err := b.Add(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if code := bindCode(t, b, alias, "aliaspw"); code != ldapserver.InvalidCredentials {
		t.Errorf("bind to an alias entry: %v, want invalidCredentials (as slapd)", code)
	}
	if code := bindCode(t, b, ref, "refpw"); code != ldapserver.InvalidCredentials {
		t.Errorf("bind to a referral entry: %v, want invalidCredentials (as slapd)", code)
	}
	if code := bindCode(t, b, "uid=alice,ou=people,"+testSuffix, "wonderland"); code != ldapserver.Success {
		t.Errorf("bind to a person: %v, want success", code)
	}
}

// TestBind_dnWithUndefinedType: a bind DN naming an attribute type the
// schema lacks is invalidDNSyntax, as slapd answers; it was
// invalidCredentials, which sent administrators looking for a wrong password.
func TestBind_dnWithUndefinedType(t *testing.T) {
	b := peopleFixture(t)
	if code := bindCode(t, b, "foo=bar,dc=example,dc=com", "secret"); code != ldapserver.InvalidDNSyntax {
		t.Fatalf("bind as foo=bar,dc=example,dc=com: %v, want invalidDNSyntax (slapd)", code)
	}
}
