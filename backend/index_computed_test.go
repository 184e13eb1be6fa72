package backend

import (
	"errors"
	"testing"

	"lightdir/ldapserver"
)

// TestOpen_refusesIndexOnComputedAttribute: entryDN, hasSubordinates,
// numSubordinates and subschemaSubentry are computed, never stored, so an
// index on one stays empty and every search using it finds nothing while
// the same search without the index finds the entries. slapd refuses
// "index entryDN eq" ('index of attribute "entryDN" disallowed'); Open
// must refuse such an index too instead of answering wrongly.
func TestOpen_refusesIndexOnComputedAttribute(t *testing.T) {
	cases := map[string]string{
		"entryDN":           "(entryDN=uid=u1,dc=example,dc=com)",
		"hasSubordinates":   "(hasSubordinates=FALSE)",
		"numSubordinates":   "(numSubordinates>=0)",
		"subschemaSubentry": "(subschemaSubentry=cn=Subschema)",
	}
	plain := openTest(t, testOptions(t))
	mustAdd(t, plain, "uid=u1,"+testSuffix, person("u1")...)
	for attr, filter := range cases {
		want, err := doSearch(t, plain, "uid=u1,"+testSuffix, ldapserver.ScopeSubtree, filter)
		if err != nil {
			t.Fatal(err)
		}
		opts := testOptions(t, IndexSpec{Attr: attr, Kinds: []string{"eq", "pres"}})
		b, err := Open(opts)
		if errors.Is(err, ErrBadIndexSpec) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", attr, err)
		}
		if _, err := b.EnsureSuffix(t.Context()); err != nil {
			t.Fatal(err)
		}
		mustAdd(t, b, "uid=u1,"+testSuffix, person("u1")...)
		c, err := doSearch(t, b, "uid=u1,"+testSuffix, ldapserver.ScopeSubtree, filter)
		t.Errorf("index on %s accepted; %s then finds %d entries (%v), unindexed %d", attr, filter, len(c.entries), err, len(want.entries))
		b.Close()
	}
}
