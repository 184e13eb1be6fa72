package backend

import (
	"slices"
	"testing"

	"lightdir/ldapserver"
)

// TestSearch_computedFilter_anySpelling: a filter on a computed
// operational attribute (entryDN, hasSubordinates, subschemaSubentry)
// matches whatever spelling of the type it uses: any case, the OID, with
// options; the search and compare agree.
func TestSearch_computedFilter_anySpelling(t *testing.T) {
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	mustAdd(t, b, "uid=alice,ou=people,"+testSuffix, person("alice")...)
	alice := "uid=alice,ou=people," + testSuffix
	people := "ou=people," + testSuffix
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"(entryDN=" + alice + ")", []string{alice}},
		{"(entrydn=" + alice + ")", []string{alice}},
		{"(EntryDN=" + alice + ")", []string{alice}},
		{"(ENTRYDN=" + alice + ")", []string{alice}},
		{"(1.3.6.1.1.20=" + alice + ")", []string{alice}},
		{"(hasSubordinates=TRUE)", []string{testSuffix, people}},
		{"(HasSubordinates=FALSE)", []string{alice}},
		{"(2.5.18.9=FALSE)", []string{alice}},
		{"(&(objectClass=inetOrgPerson)(SUBSCHEMASUBENTRY=cn=Subschema))", []string{alice}},
		{"(2.5.18.10=cn=subschema)", []string{testSuffix, people, alice}},
	} {
		got, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.filter, err)
		}
		if !slices.Equal(got.dns(), tc.want) {
			t.Errorf("%s: got %v, want %v", tc.filter, got.dns(), tc.want)
		}
	}
}

// A filter on a computed attribute must not make that attribute appear twice
// in the entries returned (once from the filter's view, once as computed).
func TestSearch_computedFilter_attributesOnce(t *testing.T) {
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	mustAdd(t, b, "uid=alice,ou=people,"+testSuffix, person("alice")...)
	for _, filter := range []string{"(hasSubordinates=TRUE)", "(entryDN=ou=people," + testSuffix + ")", "(subschemaSubentry=cn=Subschema)"} {
		got, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, filter, "+")
		if err != nil {
			t.Fatalf("%s: %v", filter, err)
		}
		if len(got.entries) == 0 {
			t.Fatalf("%s: no entry", filter)
		}
		for i := range got.entries {
			for _, name := range []string{"entryDN", "hasSubordinates", "subschemaSubentry"} {
				if vals := got.attr(i, name); len(vals) != 1 {
					t.Errorf("%s: entry %s has %s %q, want one value", filter, got.entries[i].DN, name, vals)
				}
			}
		}
	}
}
