package backend

import (
	"context"
	"strings"
	"testing"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// TestWrite_obsoleteSchemaElements: with a vendor schema that retires an
// attribute type and an object class with OBSOLETE, slapd 2.5 refuses a
// client's add and modify/add or replace of the type ("vOld: attribute is
// obsolete", constraintViolation) but lets it be deleted, and refuses an
// entry of the class ("objectClass 'vendorOld' is OBSOLETE",
// objectClassViolation), also when the class is added by a modify. An
// import (like slapadd) still loads values of the type. lightdir stored
// them all.
func TestWrite_obsoleteSchemaElements(t *testing.T) {
	reg := schema.Default()
	if err := reg.LoadSchemaFile("vendor.schema", []byte(`
attributetype ( 1.3.6.1.4.1.99999.1.5 NAME 'vOld' OBSOLETE SUP description )
objectclass ( 1.3.6.1.4.1.99999.2.5 NAME 'vendorOld' OBSOLETE SUP top AUXILIARY MAY vOld )
objectclass ( 1.3.6.1.4.1.99999.2.6 NAME 'vendorAux' SUP top AUXILIARY MAY vOld )
`)); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	opts.Schema = reg
	ldif := "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example\n\n" +
		"dn: cn=legacy,dc=example,dc=com\nobjectClass: person\nobjectClass: vendorAux\ncn: legacy\nsn: l\nvOld: imported\n"
	if _, err := Import(opts, strings.NewReader(ldif), ImportOptions{}); err != nil {
		t.Fatalf("import of an OBSOLETE type's values: %v (slapadd loads them)", err)
	}
	b := openTest(t, opts)
	ctx := context.Background()

	_, err := b.Add(ctx, addReq(t, "cn=a,dc=example,dc=com", "objectClass: person", "objectClass: vendorAux", "cn: a", "sn: a", "vOld: x"))
	if code := codeOf(err); code != ldapserver.ConstraintViolation || !strings.Contains(err.Error(), "vOld: attribute is obsolete") {
		t.Errorf("add with an OBSOLETE type: %d (%v), want constraintViolation", code, err)
	}
	_, err = b.Add(ctx, addReq(t, "cn=b,dc=example,dc=com", "objectClass: person", "objectClass: vendorOld", "cn: b", "sn: b"))
	if code := codeOf(err); code != ldapserver.ObjectClassViolation {
		t.Errorf("add of an OBSOLETE class: %d (%v), want objectClassViolation", code, err)
	}
	mustAdd(t, b, "cn=c,dc=example,dc=com", "objectClass: person", "objectClass: vendorAux", "cn: c", "sn: c")
	for _, tc := range []struct {
		name   string
		dn     string
		change ldapserver.Change
		code   ldapserver.ResultCode
	}{
		{"add a value", "cn=c", change(ldapserver.ModAdd, "vOld", "y"), ldapserver.ConstraintViolation},
		{"replace with a value", "cn=c", change(ldapserver.ModReplace, "vOld", "y"), ldapserver.ConstraintViolation},
		{"add the class", "cn=c", change(ldapserver.ModAdd, "objectClass", "vendorOld"), ldapserver.ObjectClassViolation},
		{"delete an absent type", "cn=c", change(ldapserver.ModDelete, "vOld"), ldapserver.NoSuchAttribute},
		{"change another type of an entry holding one", "cn=legacy", change(ldapserver.ModReplace, "description", "d"), ldapserver.Success},
		{"delete its values", "cn=legacy", change(ldapserver.ModDelete, "vOld"), ldapserver.Success},
		{"replace with no values", "cn=legacy", change(ldapserver.ModReplace, "vOld"), ldapserver.Success},
	} {
		req := &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, tc.dn+","+testSuffix), Changes: []ldapserver.Change{tc.change}}
		if _, err := b.Modify(ctx, req); codeOf(err) != tc.code {
			t.Errorf("modify %s: %d (%v), want %d (slapd)", tc.name, codeOf(err), err, tc.code)
		}
	}
}
