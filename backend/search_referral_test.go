package backend

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// refCollector keeps the DNs of entries and the URLs of references.
type refCollector struct {
	collector
	refs []string
}

func (c *refCollector) SendReference(urls []string) error {
	c.refs = append(c.refs, strings.Join(urls, " "))
	return nil
}

// TestSearch_referralObjects: without the ManageDsaIT control, a referral
// object (RFC 3296, objectClass referral with ref URLs) is a pointer to
// another server, as slapd (back-mdb) treats it: a search whose base is
// the referral object, or lies below it, ends with a referral result
// naming the referral object as matched DN and its URLs rewritten for the
// base and scope; one in the scope of a one-level or subtree search is a
// search result reference (scope base for a one-level search, sub
// otherwise), never an entry. With ManageDsaIT it is an ordinary entry.
// The same holds when the objectClass index cannot be used (as while it
// is built online): each entry is then looked at.
func TestSearch_referralObjects(t *testing.T) {
	for _, indexed := range []bool{true, false} {
		t.Run(fmt.Sprint("objectClass index ", indexed), func(t *testing.T) { searchReferralObjects(t, indexed) })
	}
}

func searchReferralObjects(t *testing.T, indexed bool) {
	b := openTest(t, testOptions(t))
	if !indexed {
		b.ixByTyp[b.ocAttr].built = false // and not ready: unusable
	}
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	mustAdd(t, b, "uid=a,ou=people,"+testSuffix, person("a")...)
	mustAdd(t, b, "ou=remote,"+testSuffix, "objectClass: referral", "objectClass: extensibleObject", "ou: remote",
		"ref: ldap://other.example.net/ou=remote,dc=example,dc=com")
	search := func(base string, scope ldapserver.Scope, filter string, manage bool) (*refCollector, error) {
		req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, base), RawBase: base, Scope: scope,
			Filter: mustFilter(t, filter), Attributes: []string{"1.1"}}
		req.Controls.ManageDsaIT = manage
		c := &refCollector{}
		_, err := b.Search(context.Background(), req, c)
		return c, err
	}
	for _, tc := range []struct {
		base          string
		scope         ldapserver.Scope
		wantMatched   string
		wantReferral  string
		wantEntries   []string
		wantReference []string
	}{
		{"ou=remote," + testSuffix, ldapserver.ScopeBase, "ou=remote,dc=example,dc=com",
			"ldap://other.example.net/ou=remote,dc=example,dc=com??base", nil, nil},
		{"cn=x,ou=remote," + testSuffix, ldapserver.ScopeSubtree, "ou=remote,dc=example,dc=com",
			"ldap://other.example.net/cn=x,ou=remote,dc=example,dc=com??sub", nil, nil},
		{testSuffix, ldapserver.ScopeSubtree, "", "",
			[]string{"dc=example,dc=com", "ou=people,dc=example,dc=com", "uid=a,ou=people,dc=example,dc=com"},
			[]string{"ldap://other.example.net/ou=remote,dc=example,dc=com??sub"}},
		{testSuffix, ldapserver.ScopeOne, "", "",
			[]string{"ou=people,dc=example,dc=com"},
			[]string{"ldap://other.example.net/ou=remote,dc=example,dc=com??base"}},
		{"ou=people," + testSuffix, ldapserver.ScopeSubtree, "", "",
			[]string{"ou=people,dc=example,dc=com", "uid=a,ou=people,dc=example,dc=com"}, nil},
	} {
		c, err := search(tc.base, tc.scope, "(objectClass=*)", false)
		var le *ldapserver.Error
		if tc.wantReferral != "" {
			if !asLDAPErr(err, &le) || le.Code != ldapserver.Referral || !strings.EqualFold(le.MatchedDN, tc.wantMatched) ||
				strings.Join(le.Referral, " ") != tc.wantReferral || len(c.entries) != 0 {
				t.Errorf("base %s scope %d: %v (%+v), %d entries; want referral %s matched %s", tc.base, tc.scope, err, le,
					len(c.entries), tc.wantReferral, tc.wantMatched)
			}
			continue
		}
		if err != nil || !slices.Equal(c.dns(), tc.wantEntries) || !slices.Equal(c.refs, tc.wantReference) {
			t.Errorf("base %s scope %d: %v, entries %v, references %v; want entries %v, references %v", tc.base, tc.scope, err,
				c.dns(), c.refs, tc.wantEntries, tc.wantReference)
		}
	}
	// A filter the referral object does not match still gives the
	// reference: it points to where matching entries may be.
	if c, err := search(testSuffix, ldapserver.ScopeSubtree, "(uid=a)", false); err != nil || len(c.refs) != 1 || len(c.entries) != 1 {
		t.Errorf("(uid=a) below the suffix: %v, entries %v, references %v", err, c.dns(), c.refs)
	}
	// With ManageDsaIT the referral object is an entry like any other.
	if c, err := search("ou=remote,"+testSuffix, ldapserver.ScopeBase, "(objectClass=*)", true); err != nil || len(c.entries) != 1 {
		t.Errorf("manageDsaIT, base: %v, %d entries", err, len(c.entries))
	}
	if c, err := search(testSuffix, ldapserver.ScopeSubtree, "(ou=remote)", true); err != nil || len(c.entries) != 1 || len(c.refs) != 0 {
		t.Errorf("manageDsaIT, subtree: %v, entries %v, references %v", err, c.dns(), c.refs)
	}
	if _, err := search("cn=x,ou=remote,"+testSuffix, ldapserver.ScopeBase, "(objectClass=*)", true); codeOf(err) != ldapserver.NoSuchObject {
		t.Errorf("manageDsaIT, below the referral object: %v", err)
	}
}

func asLDAPErr(err error, le **ldapserver.Error) bool {
	e, ok := err.(*ldapserver.Error)
	if ok {
		*le = e
	}
	return ok
}

// TestSearch_referralObjects_followWrites: the referral objects a search
// knows are those of its own snapshot: one added after a search is a
// reference for the next, and one deleted is no longer.
func TestSearch_referralObjects_followWrites(t *testing.T) {
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	refsBelowSuffix := func() []string {
		t.Helper()
		req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, testSuffix), RawBase: testSuffix,
			Scope: ldapserver.ScopeSubtree, Filter: mustFilter(t, "(objectClass=*)"), Attributes: []string{"1.1"}}
		c := &refCollector{}
		if _, err := b.Search(context.Background(), req, c); err != nil {
			t.Fatal(err)
		}
		return c.refs
	}
	if refs := refsBelowSuffix(); len(refs) != 0 {
		t.Fatalf("references before any referral object: %v", refs)
	}
	const dn = "ou=remote," + testSuffix
	mustAdd(t, b, dn, "objectClass: referral", "objectClass: extensibleObject", "ou: remote",
		"ref: ldap://other.example.net/ou=remote,dc=example,dc=com")
	if refs := refsBelowSuffix(); len(refs) != 1 {
		t.Fatalf("references after adding one: %v", refs)
	}
	req := &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, dn)}
	req.Controls.ManageDsaIT = true
	if _, err := b.Delete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if refs := refsBelowSuffix(); len(refs) != 0 {
		t.Fatalf("references after deleting it: %v", refs)
	}
}

// A paged search counts entries only (RFC 2696): a referral object met
// after a full page is sent with that page, and the next page starts after
// it. The last page is the one with the last entry and its cookie is
// empty, as in slapd; lightdir used to stop at the reference, send a
// cookie, and answer the next request with a page of no entries.
func TestSearch_pagedReferenceAfterFullPage(t *testing.T) {
	b := openTest(t, testOptions(t))
	for _, ou := range []string{"a", "b", "c"} {
		mustAdd(t, b, "ou="+ou+","+testSuffix, "objectClass: organizationalUnit", "ou: "+ou)
	}
	mustAdd(t, b, "ou=remote,"+testSuffix, "objectClass: referral", "objectClass: extensibleObject", "ou: remote",
		"ref: ldap://other.example.net/ou=remote,dc=example,dc=com")
	mustAdd(t, b, "ou=d,"+testSuffix, "objectClass: organizationalUnit", "ou: d")
	for _, tc := range []struct {
		filter string
		size   int
		pages  string
	}{{"(objectClass=*)", 3, "3+1 1"}, {"(objectClass=*)", 2, "2 2+1"}, {"(objectClass=*)", 4, "4+1"},
		{"(objectClass=*)", 1, "1 1 1+1 1"}, {"(!(ou=d))", 3, "3+1"}, {"(!(ou=d))", 1, "1 1 1+1"}} {
		var pages []string
		var cookie []byte
		for range 10 {
			req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, testSuffix), RawBase: testSuffix,
				Scope: ldapserver.ScopeOne, Filter: mustFilter(t, tc.filter), Attributes: []string{"1.1"}}
			req.Controls.Paged = &ldapserver.PagedResults{Size: tc.size, Cookie: cookie}
			c := &refCollector{}
			res, err := b.Search(context.Background(), req, c)
			if err != nil {
				t.Fatal(err)
			}
			page := fmt.Sprint(len(c.entries))
			if len(c.refs) > 0 {
				page += fmt.Sprintf("+%d", len(c.refs))
			}
			pages = append(pages, page)
			if cookie = res.Paged.Cookie; len(cookie) == 0 {
				break
			}
		}
		if got := strings.Join(pages, " "); got != tc.pages {
			t.Errorf("%s, pages of %d: %s, want %s", tc.filter, tc.size, got, tc.pages)
		}
	}
}
