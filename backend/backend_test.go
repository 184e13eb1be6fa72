package backend

import (
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// TestBackend_Add_search: entries added under the suffix are found by every scope.
func TestBackend_Add_search(t *testing.T) {
	b := openTest(t, testOptions(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}}))
	mustAdd(t, b, "ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people")
	mustAdd(t, b, "uid=alice,ou=people,dc=example,dc=com", person("alice")...)
	mustAdd(t, b, "uid=bob,ou=people,dc=example,dc=com", person("bob")...)
	cases := []struct {
		base   string
		scope  ldapserver.Scope
		filter string
		want   string
	}{
		{testSuffix, ldapserver.ScopeSubtree, "(uid=alice)", "uid=alice,ou=people,dc=example,dc=com"},
		{testSuffix, ldapserver.ScopeSubtree, "(objectClass=*)", "dc=example,dc=com ou=people,dc=example,dc=com uid=alice,ou=people,dc=example,dc=com uid=bob,ou=people,dc=example,dc=com"},
		{testSuffix, ldapserver.ScopeOne, "(objectClass=*)", "ou=people,dc=example,dc=com"},
		{testSuffix, ldapserver.ScopeBase, "(objectClass=*)", "dc=example,dc=com"},
		{"ou=people,dc=example,dc=com", ldapserver.ScopeOne, "(uid=*)", "uid=alice,ou=people,dc=example,dc=com uid=bob,ou=people,dc=example,dc=com"},
		{"ou=people,dc=example,dc=com", ldapserver.ScopeSubordinate, "(objectClass=*)", "uid=alice,ou=people,dc=example,dc=com uid=bob,ou=people,dc=example,dc=com"},
		{"ou=people,dc=example,dc=com", ldapserver.ScopeSubtree, "(uid=bob)", "uid=bob,ou=people,dc=example,dc=com"},
		{"ou=people,dc=example,dc=com", ldapserver.ScopeSubtree, "(cn=alice*)", "uid=alice,ou=people,dc=example,dc=com"},
		{"ou=people,dc=example,dc=com", ldapserver.ScopeSubtree, "(objectClass=person)", "uid=alice,ou=people,dc=example,dc=com uid=bob,ou=people,dc=example,dc=com"},
	}
	for _, c := range cases {
		t.Run(c.filter+"/"+c.scope.String(), func(t *testing.T) {
			got, err := doSearch(t, b, c.base, c.scope, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if g := strings.Join(got.dns(), " "); g != c.want {
				t.Errorf("got %q, want %q", g, c.want)
			}
		})
	}
	_, err := doSearch(t, b, "uid=carol,ou=people,dc=example,dc=com", ldapserver.ScopeBase, "(objectClass=*)")
	var le *ldapserver.Error
	if codeOf(err) != ldapserver.NoSuchObject {
		t.Fatalf("missing base: %v", err)
	}
	if le = err.(*ldapserver.Error); le.MatchedDN != "ou=people,dc=example,dc=com" {
		t.Errorf("matchedDN %q", le.MatchedDN)
	}
}
