package ldapserver

import (
	"fmt"
	"strings"
	"testing"
)

// TestBaseCache_parse: a base parses as parseDN does, once: the second search on it
// gets the same shared DN; invalid and overlong bases are not kept, and the cache
// never holds more than baseCacheSize bases.
func TestBaseCache_parse(t *testing.T) {
	var c baseCache
	a, err := c.parse("ou=People,dc=example,dc=com")
	if err != nil || a.String() != "ou=People,dc=example,dc=com" {
		t.Fatalf("parsed %v, %v", a, err)
	}
	b, _ := c.parse("ou=People,dc=example,dc=com")
	if &a[0] != &b[0] {
		t.Fatal("second parse of the same base did not come from the cache")
	}
	if _, err := c.parse("not-a-dn"); resultFor(err).Code != InvalidDNSyntax {
		t.Fatalf("invalid base: %v, want invalidDNSyntax", err)
	}
	long := "cn=" + strings.Repeat("x", baseCacheMaxLen) + ",dc=com"
	if dn, err := c.parse(long); err != nil || len(dn) != 2 {
		t.Fatalf("long base: %v, %v", dn, err)
	}
	if _, ok := c.m[long]; ok {
		t.Fatal("a base longer than baseCacheMaxLen was kept")
	}
	if _, ok := c.m["not-a-dn"]; ok {
		t.Fatal("an invalid base was kept")
	}
	for i := range 3 * baseCacheSize {
		if _, err := c.parse(fmt.Sprintf("cn=%d", i)); err != nil {
			t.Fatal(err)
		}
		if len(c.m) > baseCacheSize {
			t.Fatalf("cache holds %d bases, limit %d", len(c.m), baseCacheSize)
		}
	}
}
