package backend

import (
	"strings"
	"testing"

	"lightdir/schema"
)

// TestExport_typeNamedWithUnderscore: the schema loader accepts vendor
// schemas whose type names hold '_' (NAME ( 'vendor_attr' 'vendorAttr' )),
// and entries store such a type under its first name; LDIF (RFC 2849)
// cannot carry that name, so export failed on the first such entry
// ("invalid attribute description") and the database could not be
// exported at all. The export names the type another way LDIF allows (a
// name that is a descr, else the OID), options kept, and reloads as the
// same entry.
func TestExport_typeNamedWithUnderscore(t *testing.T) {
	reg := schema.Default()
	if err := reg.LoadSchemaFile("vendor.schema", []byte(`
attributetype ( 1.3.6.1.4.1.99999.1.1 NAME ( 'vendor_attr' 'vendorAttr' )
	EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributetype ( 1.3.6.1.4.1.99999.1.2 NAME 'only_under'
	EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'vendorAux' AUXILIARY
	MAY ( vendorAttr $ only_under ) )
`)); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	opts.Schema = reg
	b := openTest(t, opts)
	mustAdd(t, b, "cn=x,dc=example,dc=com", "objectClass: organizationalRole", "objectClass: vendorAux", "cn: x",
		"vendorAttr: hello", "vendorAttr;lang-de: hallo", "1.3.6.1.4.1.99999.1.2: only")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	out := exportString(t, opts)
	for _, want := range []string{"\nvendorAttr: hello\n", "\nvendorAttr;lang-de: hallo\n", "\n1.3.6.1.4.1.99999.1.2: only\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", strings.TrimSpace(want), out)
		}
	}
	opts2 := opts
	opts2.Dir = t.TempDir()
	if _, err := Import(opts2, strings.NewReader(out), ImportOptions{}); err != nil {
		t.Fatalf("re-import of the export: %v\n%s", err, out)
	}
	if again := exportString(t, opts2); again != out {
		t.Fatalf("round trip differs:\n%s\n----\n%s", out, again)
	}
}
