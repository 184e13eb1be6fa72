package backend

import (
	"testing"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// TestSearch_selectsUnderscoreTypes: an attribute list naming a vendor type
// whose name holds '_' (accepted by the schema loader) selects it, with or
// without options; a malformed description ("cn;", an empty option) selects
// nothing.
func TestSearch_selectsUnderscoreTypes(t *testing.T) {
	reg := schema.Default()
	if err := reg.LoadSchemaFile("vendor.schema", []byte(`
attributetype ( 1.3.6.1.4.1.99999.1.2 NAME 'only_under'
	EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'vendorAux' AUXILIARY MAY only_under )
`)); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	opts.Schema = reg
	b := openTest(t, opts)
	dn := "cn=x,dc=example,dc=com"
	mustAdd(t, b, dn, "objectClass: organizationalRole", "objectClass: vendorAux", "cn: x",
		"1.3.6.1.4.1.99999.1.2: plain", "1.3.6.1.4.1.99999.1.2;lang-de: deutsch")
	for _, c := range []struct {
		attr string
		want int
	}{{"only_under", 2}, {"only_under;lang-de", 1}, {"only_under;", 0}, {"cn;", 0}, {"cn", 1}} {
		got, err := doSearch(t, b, dn, ldapserver.ScopeBase, "(objectClass=*)", c.attr)
		if err != nil || len(got.entries) != 1 {
			t.Fatalf("%s: %v", c.attr, err)
		}
		n := 0
		for _, a := range got.entries[0].Attributes {
			n += len(a.Values)
		}
		if n != c.want {
			t.Errorf("attributes %q: %d values, want %d (%+v)", c.attr, n, c.want, got.entries[0].Attributes)
		}
	}
}
