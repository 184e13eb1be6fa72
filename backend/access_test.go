package backend

import (
	"fmt"
	"testing"
)

// TestBackend_identity_cached: identities classify the same from the
// cache as the first time (root in any spelling, others normalized, an
// invalid DN lower-cased), and the cache stays bounded.
func TestBackend_identity_cached(t *testing.T) {
	b := openTest(t, testOptions(t))
	for _, tc := range []struct {
		raw, dn string
		root    bool
	}{
		{testRoot, testRoot, true},
		{"CN=Admin, DC=Example,DC=COM", testRoot, true},
		{"gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth", "", true},
		{"uid=Alice,ou=People," + testSuffix, "uid=alice,ou=people," + testSuffix, false},
		{"not a DN", "not a dn", false},
	} {
		for round := range 2 {
			a := b.identity(tc.raw)
			if a.raw != tc.raw || a.root != tc.root || (tc.dn != "" && a.dn != tc.dn) {
				t.Errorf("round %d: identity(%q) = %+v, want dn %q root %v", round, tc.raw, a, tc.dn, tc.root)
			}
		}
	}
	if a := b.identity(""); a != (actor{}) {
		t.Errorf("anonymous: %+v", a)
	}
	for i := range normCacheSize + 10 {
		b.identity(fmt.Sprintf("uid=u%d,%s", i, testSuffix))
	}
	n := 0
	b.idCache.m.Range(func(any, any) bool { n++; return true })
	if n > normCacheSize {
		t.Errorf("identity cache holds %d entries, bound %d", n, normCacheSize)
	}
	if a := b.identity(testRoot); !a.root {
		t.Errorf("root after the cache started over: %+v", a)
	}
}
