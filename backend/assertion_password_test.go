package backend

import (
	"context"
	"testing"

	"lightdir/ldapserver"
)

// TestAssertion_hidesPasswords: for anyone but the root identities
// userPassword does not exist, in the assertion control (RFC 4528) as in
// search filters and compare: an anonymous client must not be able to
// test a password guess, or whether an entry has a password, by putting
// userPassword in the assertion of a search or a compare. slapd
// evaluates an assertion with the reader's access rights (a value it may
// not read makes the assertion Undefined, so assertionFailed).
func TestAssertion_hidesPasswords(t *testing.T) {
	b := openTest(t, testOptions(t))
	// Added over LDAP, the password is stored hashed; lightdir import keeps
	// cleartext values as given, and (userPassword=guess) then tells a
	// right guess from a wrong one, as (userPassword=*) tells here whether
	// there is a password.
	const dn = "uid=a," + testSuffix
	mustAdd(t, b, dn, person("a", "userPassword: secret-a")...)
	search := func(hdr ldapserver.Header, assertion string) error {
		hdr.Controls.Assertion = mustFilter(t, assertion)
		req := &ldapserver.SearchRequest{Header: hdr, Base: mustDN(t, dn), RawBase: dn, Scope: ldapserver.ScopeBase,
			Filter: mustFilter(t, "(objectClass=*)"), Attributes: []string{"1.1"}}
		_, err := b.Search(context.Background(), req, &collector{})
		return err
	}
	compare := func(hdr ldapserver.Header, assertion string) error {
		hdr.Controls.Assertion = mustFilter(t, assertion)
		req := &ldapserver.CompareRequest{Header: hdr, DN: mustDN(t, dn), Attr: "sn", Value: []byte("a")}
		_, err := b.Compare(context.Background(), req)
		return err
	}
	anon := ldapserver.Header{}
	user := ldapserver.Header{Session: ldapserver.Session{Identity: dn}}
	for _, tc := range []struct {
		name      string
		hdr       ldapserver.Header
		assertion string
		want      ldapserver.ResultCode
	}{
		{"anonymous, right password", anon, "(userPassword=secret-a)", ldapserver.AssertionFailed},
		{"anonymous, presence", anon, "(userPassword=*)", ldapserver.AssertionFailed},
		{"anonymous, absence", anon, "(!(userPassword=*))", ldapserver.Success},
		{"user, presence on its own entry", user, "(userPassword=*)", ldapserver.AssertionFailed},
		{"anonymous, other attribute", anon, "(sn=a)", ldapserver.Success},
		{"root, presence", rootHdr(), "(userPassword=*)", ldapserver.Success},
		{"root, wrong password", rootHdr(), "(userPassword=wrong)", ldapserver.AssertionFailed},
	} {
		if got := codeOf(search(tc.hdr, tc.assertion)); got != tc.want {
			t.Errorf("search, %s %s: result %v, want %v", tc.name, tc.assertion, got, tc.want)
		}
		if got := codeOf(compare(tc.hdr, tc.assertion)); got != tc.want {
			t.Errorf("compare, %s %s: result %v, want %v", tc.name, tc.assertion, got, tc.want)
		}
	}
}
