package backend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// aliasFixture opens a backend loaded with testdata/aliases.ldif, with
// or without an objectClass index that can answer (objectClass=alias).
func aliasFixture(t *testing.T) *Backend {
	t.Helper()
	opts := testOptions(t)
	f, err := os.Open("testdata/aliases.ldif")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Import(opts, f, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return openTest(t, opts)
}

// aliasSearch runs a search with the given derefAliases and returns the
// distinct DNs (short form: the suffix cut off), sorted, or the error.
func aliasSearch(t *testing.T, b *Backend, deref ldapserver.DerefAliases, base string, scope ldapserver.Scope, filter string) ([]string, error) {
	t.Helper()
	full := testSuffix
	if base != "" {
		full = base + "," + testSuffix
	}
	req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, full), RawBase: full, Scope: scope,
		Deref: deref, Filter: mustFilter(t, filter), Attributes: []string{"1.1"}}
	c := &collector{}
	if _, err := b.Search(context.Background(), req, c); err != nil {
		return nil, err
	}
	dns := c.dns()
	for i := range dns {
		dns[i] = strings.TrimSuffix(strings.TrimSuffix(dns[i], testSuffix), ",")
		if dns[i] == "" {
			dns[i] = "@"
		}
	}
	sort.Strings(dns)
	for i := 1; i < len(dns); i++ {
		if dns[i] == dns[i-1] {
			t.Errorf("%s returned twice", dns[i])
		}
	}
	return dns, nil
}

const (
	drNever  = ldapserver.NeverDerefAliases
	drSearch = ldapserver.DerefInSearching
	drFind   = ldapserver.DerefFindingBaseObj
	drAlways = ldapserver.DerefAlways
)

// TestSearch_deref_slapdResults: every derefAliases mode on every scope
// gives the entries slapd 2.5 returns on the same data (duplicates that
// slapd sends removed), and the same result codes and matched DNs.
func TestSearch_deref_slapdResults(t *testing.T) {
	b := aliasFixture(t)
	const (
		one  = ldapserver.ScopeOne
		sub  = ldapserver.ScopeSubtree
		kids = ldapserver.ScopeSubordinate
		base = ldapserver.ScopeBase
	)
	links := "ou=links"
	everything := "@ cn=g1,ou=groups ou=c18,ou=links ou=groups ou=l2 ou=links ou=people uid=alice,ou=people uid=bob,ou=people"
	tests := []struct {
		deref  ldapserver.DerefAliases
		scope  ldapserver.Scope
		base   string
		filter string
		want   string // sorted DNs without the suffix ("@" is the suffix), or "err=N matched"
	}{
		{drNever, one, "ou=toalice," + links, "(objectClass=*)", ""},
		{drNever, base, "ou=toalice," + links, "(objectClass=*)", "ou=toalice,ou=links"},
		{drSearch, base, "ou=toalice," + links, "(objectClass=*)", "ou=toalice,ou=links"},
		{drSearch, one, links, "(objectClass=*)", "@ ou=c18,ou=links ou=groups uid=alice,ou=people"},
		{drSearch, sub, links, "(objectClass=*)", everything},
		{drAlways, kids, "ou=l2", "(objectClass=*)", "cn=g1,ou=groups"},
		{drAlways, sub, "ou=l2", "(objectClass=*)", "cn=g1,ou=groups ou=groups ou=l2 uid=alice,ou=people"},
		{drAlways, one, "ou=l2", "(objectClass=*)", "ou=groups uid=alice,ou=people"},
		{drSearch, sub, "ou=toalice," + links, "(objectClass=*)", "ou=toalice,ou=links"},
		{drSearch, sub, "ou=toalice," + links, "(objectClass=alias)", "ou=toalice,ou=links"},
		{drSearch, sub, "", "(objectClass=*)", everything},
		{drSearch, one, "ou=togroups," + links, "(objectClass=*)", ""},
		{drFind, base, "ou=toalice," + links, "(objectClass=*)", "uid=alice,ou=people"},
		{drFind, base, "ou=chain," + links, "(objectClass=*)", "uid=alice,ou=people"},
		{drFind, base, "ou=c3," + links, "(objectClass=*)", "ou=c18,ou=links"},
		{drFind, one, "ou=togroups," + links, "(objectClass=*)", "cn=g1,ou=groups"},
		{drFind, sub, "ou=togroups," + links, "(objectClass=*)", "cn=g1,ou=groups ou=groups"},
		{drFind, one, "ou=up," + links, "(objectClass=*)", "ou=groups ou=l2 ou=links ou=people"},
		{drFind, one, links, "(ou=toalice)", "ou=toalice,ou=links"},
		{drFind, base, "ou=dangling," + links, "(objectClass=*)", "err=33 ou=dangling,ou=links"},
		{drFind, base, "ou=tochain," + links, "(objectClass=*)", "err=33 ou=dangling,ou=links"},
		{drFind, sub, "ou=loop1," + links, "(objectClass=*)", "err=33 ou=loop1,ou=links"},
		{drFind, one, "ou=loop2," + links, "(objectClass=*)", "err=33 ou=loop2,ou=links"},
		{drFind, base, "ou=outside," + links, "(objectClass=*)", "err=33 ou=outside,ou=links"},
		{drFind, base, "ou=c1," + links, "(objectClass=*)", "err=36 ou=c16,ou=links"},
		{drFind, base, "ou=c2," + links, "(objectClass=*)", "err=36 ou=c17,ou=links"},
		{drAlways, base, "uid=x,ou=toalice," + links, "(objectClass=*)", "err=32 uid=alice,ou=people"},
		{drNever, base, "uid=x,ou=toalice," + links, "(objectClass=*)", "err=32 ou=toalice,ou=links"},
		{drAlways, base, "ou=g1,ou=togroups," + links, "(objectClass=*)", "err=32 ou=groups"},
		{drAlways, base, "cn=g1,ou=togroups," + links, "(objectClass=*)", "cn=g1,ou=groups"},
		{drAlways, one, links, "(objectClass=*)", "@ ou=c18,ou=links ou=groups uid=alice,ou=people"},
		{drAlways, one, links, "(uid=alice)", "uid=alice,ou=people"},
		{drAlways, sub, links, "(objectClass=alias)", ""},
		{drAlways, sub, links, "(objectClass=*)", everything},
		{drAlways, kids, links, "(objectClass=*)", everything[2:]},
		{drAlways, kids, "ou=togroups," + links, "(objectClass=*)", "cn=g1,ou=groups"},
		{drAlways, sub, "ou=c1," + links, "(objectClass=*)", "err=36 ou=c16,ou=links"},
		{drAlways, one, "ou=dangling," + links, "(objectClass=*)", "err=33 ou=dangling,ou=links"},
		{drAlways, sub, "ou=up," + links, "(objectClass=*)", everything},
		{drAlways, sub, "ou=up," + links, "(|(ou=people)(cn=g1))", "cn=g1,ou=groups ou=people"},
	}
	for _, tc := range tests {
		for _, loop := range []bool{false, true} {
			b.noScopeWalk = loop
			name := fmt.Sprintf("%s/%s/loop=%v", tc.base, tc.filter, loop)
			t.Run(name, func(t *testing.T) {
				dns, err := aliasSearch(t, b, tc.deref, tc.base, tc.scope, tc.filter)
				got := strings.Join(dns, " ")
				var le *ldapserver.Error
				if errors.As(err, &le) {
					got = "err=" + itoa(int(le.Code)) + " " + strings.TrimSuffix(strings.ToLower(le.MatchedDN), ","+testSuffix)
				} else if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("deref %d scope %d: got %q, want %q", tc.deref, tc.scope, got, tc.want)
				}
			})
		}
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		if n /= 10; n == 0 {
			return s
		}
	}
}

// TestSearch_deref_paged: a dereferencing subtree search paged by 2
// returns the same entries as unpaged, each once.
func TestSearch_deref_paged(t *testing.T) {
	b := aliasFixture(t)
	want, err := aliasSearch(t, b, drAlways, "ou=links", ldapserver.ScopeSubtree, "(objectClass=*)")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var cookie []byte
	for page := 0; page < 20; page++ {
		req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, "ou=links,"+testSuffix), Scope: ldapserver.ScopeSubtree,
			Deref: drAlways, Filter: mustFilter(t, "(objectClass=*)")}
		req.Controls.Paged = &ldapserver.PagedResults{Size: 2, Cookie: cookie}
		c := &collector{}
		res, err := b.Search(context.Background(), req, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, dn := range c.dns() {
			seen[dn]++
		}
		if cookie = res.Paged.Cookie; len(cookie) == 0 {
			break
		}
	}
	if len(seen) != len(want) {
		t.Errorf("paged: %d distinct entries, unpaged %d", len(seen), len(want))
	}
	for dn, n := range seen {
		if n != 1 {
			t.Errorf("%s returned %d times", dn, n)
		}
	}
}
