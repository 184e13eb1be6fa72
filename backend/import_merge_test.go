package backend

import (
	"fmt"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// TestImport_mergesLinesOfOneAttributeSpelledApart: the lines of one
// attribute may name it differently (a type's other name, its OID, options
// in another order or case); slapadd loads such an entry with all the
// values, where import refused it ("attribute "commonName" provided more
// than once").
func TestImport_mergesLinesOfOneAttributeSpelledApart(t *testing.T) {
	opts := testOptions(t, IndexSpec{Attr: "cn", Kinds: []string{"eq"}})
	const in = `dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: cn=x,dc=example,dc=com
objectClass: person
cn: x
sn: x
commonName: y
description;lang-de;lang-fr: a
2.5.4.3: z
description;LANG-FR;lang-de: b

`
	// An entry with many attributes (the search for one spelled apart
	// takes another path past a few dozen).
	var many strings.Builder
	many.WriteString("dn: cn=many,dc=example,dc=com\nobjectClass: person\ncn: many\nsn: many\n")
	for i := range 40 {
		fmt.Fprintf(&many, "description;x-t%d: v%d\n", i, i)
	}
	many.WriteString("2.5.4.13;X-T7: w7\n\n")
	if _, err := Import(opts, strings.NewReader(in+many.String()), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	out := exportString(t, opts)
	for _, want := range []string{"\ncn: x\ncn: y\ncn: z\n", "\ndescription;lang-de;lang-fr: a\ndescription;lang-de;lang-fr: b\n",
		"\ndescription;x-t7: v7\ndescription;x-t7: w7\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	b := openTest(t, opts)
	for _, f := range []string{"(cn=y)", "(cn=z)", "(description;lang-fr=b)", "(description;x-t7=w7)"} {
		c, err := doSearch(t, b, "dc=example,dc=com", ldapserver.ScopeSubtree, f)
		if err != nil || len(c.entries) != 1 {
			t.Errorf("%s: %v, %d entries", f, err, len(c.entries))
		}
	}
}
