package backend

import (
	"strings"
	"sync"
	"testing"

	"lightdir/ldapserver"
)

// TestSearch_pooledStateConcurrent: searches of different kinds (alias
// dereferencing, one-level, subtree, computed attributes) run at once,
// over recycled search states, give the answers they give alone.
func TestSearch_pooledStateConcurrent(t *testing.T) {
	b := aliasFixture(t)
	type q struct {
		deref  ldapserver.DerefAliases
		base   string
		scope  ldapserver.Scope
		filter string
	}
	qs := []q{
		{drAlways, "ou=links", ldapserver.ScopeSubtree, "(objectClass=*)"},
		{drNever, "ou=links", ldapserver.ScopeOne, "(objectClass=alias)"},
		{drFind, "ou=togroups,ou=links", ldapserver.ScopeSubtree, "(hasSubordinates=TRUE)"},
		{drSearch, "", ldapserver.ScopeSubordinate, "(|(uid=alice)(ou=c18))"},
	}
	want := make([]string, len(qs))
	for i, x := range qs {
		dns, err := aliasSearch(t, b, x.deref, x.base, x.scope, x.filter)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = strings.Join(dns, " ")
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 50 {
				i := (g + n) % len(qs)
				x := qs[i]
				dns, err := aliasSearch(t, b, x.deref, x.base, x.scope, x.filter)
				if got := strings.Join(dns, " "); err != nil || got != want[i] {
					t.Errorf("query %d: %q %v, want %q", i, got, err, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestNormCache_bounded: the cache never holds more than normCacheSize
// entries, and keys longer than normCacheKeyMax are not kept at all, so
// clients sending huge bases cannot make it large.
func TestNormCache_bounded(t *testing.T) {
	var c normCache[int]
	long := strings.Repeat("x", normCacheKeyMax+1)
	c.store(long, 1)
	if _, ok := c.load(long); ok {
		t.Errorf("a %d-byte key was cached", len(long))
	}
	short := strings.Repeat("y", normCacheKeyMax)
	c.store(short, 2)
	if v, ok := c.load(short); !ok || v != 2 {
		t.Errorf("a %d-byte key: %v %v, want 2 true", len(short), v, ok)
	}
	for i := range 3 * normCacheSize {
		c.store(strings.Repeat("z", i%200)+string(rune('a'+i%26))+string(rune(i)), i)
	}
	n := 0
	c.m.Range(func(any, any) bool { n++; return true })
	if n > normCacheSize {
		t.Errorf("cache holds %d entries, bound %d", n, normCacheSize)
	}
}
