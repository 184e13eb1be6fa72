package backend

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"lightdir/ldapserver"
)

// TestUpdate_referralObjects: without ManageDsaIT an add whose parent is a
// referral object, or lies below one, is a referral (the object as matched
// DN, its URLs with the new entry's DN, no scope) and stores nothing; a
// rename onto a referral object as new superior is affectsMultipleDSAs.
// A modify, delete or compare at or below the referral object is a
// referral too. With ManageDsaIT the referral object is an ordinary
// parent. The same holds whether the class is looked up in the
// objectClass index or read from the entry.
func TestUpdate_referralObjects(t *testing.T) {
	for _, indexed := range []bool{true, false} {
		t.Run(fmt.Sprint("objectClass index ", indexed), func(t *testing.T) {
			b := openTest(t, testOptions(t, IndexSpec{Attr: "objectClass", Kinds: []string{"eq"}}))
			if b.referralKey == nil {
				t.Fatal("no objectClass index key for referral")
			}
			if !indexed {
				b.referralKey = nil
			}
			mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
			mustAdd(t, b, "uid=a,ou=people,"+testSuffix, person("a")...)
			mustAdd(t, b, "ou=remote,"+testSuffix, "objectClass: referral", "objectClass: extensibleObject", "ou: remote",
				"ref: ldap://other.example.net/ou=remote,dc=example,dc=com??one")
			for _, tc := range []struct{ dn, url string }{
				{"uid=b,ou=remote," + testSuffix, "ldap://other.example.net/uid=b,ou=remote,dc=example,dc=com??one"},
				{"uid=b,ou=x,ou=remote," + testSuffix, "ldap://other.example.net/uid=b,ou=x,ou=remote,dc=example,dc=com??one"},
			} {
				_, err := b.Add(context.Background(), addReq(t, tc.dn, person("b")...))
				wantReferral(t, "add "+tc.dn, err, tc.url)
			}
			// A modify, delete or compare of the referral object, or of a
			// name below it, is a referral too (the URL keeps its scope).
			for _, tc := range []struct{ dn, url string }{
				{"ou=remote," + testSuffix, "ldap://other.example.net/ou=remote,dc=example,dc=com??one"},
				{"uid=b,ou=remote," + testSuffix, "ldap://other.example.net/uid=b,ou=remote,dc=example,dc=com??one"},
			} {
				ctx, dn := context.Background(), mustDN(t, tc.dn)
				_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: dn, Changes: []ldapserver.Change{
					{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "description", Values: [][]byte{[]byte("d")}}}}})
				wantReferral(t, "modify "+tc.dn, err, tc.url)
				_, err = b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: dn})
				wantReferral(t, "delete "+tc.dn, err, tc.url)
				_, err = b.Compare(ctx, &ldapserver.CompareRequest{Header: rootHdr(), DN: dn, Attr: "ou", Value: []byte("remote")})
				wantReferral(t, "compare "+tc.dn, err, tc.url)
			}
			if n := countSubtree(t, b, "ou=remote,"+testSuffix); n != 1 {
				t.Fatalf("%d entries at and below the referral object after refused adds, want 1", n)
			}
			move := &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: mustDN(t, "uid=a,ou=people,"+testSuffix),
				NewRDN: mustDN(t, "uid=a")[0], DeleteOldRDN: true, NewSuperior: mustDN(t, "ou=remote,"+testSuffix)}
			if _, err := b.ModifyDN(context.Background(), move); codeOf(err) != ldapserver.AffectsMultipleDSAs {
				t.Fatalf("move under the referral object: %v, want affectsMultipleDSAs", err)
			}
			req := addReq(t, "uid=b,ou=remote,"+testSuffix, person("b")...)
			req.Controls.ManageDsaIT = true
			if _, err := b.Add(context.Background(), req); err != nil {
				t.Fatalf("add below the referral object with ManageDsaIT: %v", err)
			}
			move.Controls.ManageDsaIT = true
			if _, err := b.ModifyDN(context.Background(), move); err != nil {
				t.Fatalf("move under the referral object with ManageDsaIT: %v", err)
			}
		})
	}
}

// wantReferral fails unless err is a referral result naming ou=remote as
// matched DN, with url as its only URL.
func wantReferral(t *testing.T, what string, err error, url string) {
	t.Helper()
	var le *ldapserver.Error
	if !errors.As(err, &le) || le.Code != ldapserver.Referral || le.MatchedDN != "ou=remote,dc=example,dc=com" ||
		len(le.Referral) != 1 || le.Referral[0] != url {
		t.Fatalf("%s: %#v, want a referral to %s", what, err, url)
	}
}

// countSubtree counts the entries of base's subtree, with ManageDsaIT.
func countSubtree(t *testing.T, b *Backend, base string) int {
	t.Helper()
	req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, base), RawBase: base, Scope: ldapserver.ScopeSubtree,
		Filter: mustFilter(t, "(objectClass=*)"), Attributes: []string{"1.1"}}
	req.Controls.ManageDsaIT = true
	c := &collector{}
	if _, err := b.Search(context.Background(), req, c); err != nil {
		t.Fatal(err)
	}
	return len(c.entries)
}
