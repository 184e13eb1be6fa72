package schema

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestRegistry_CheckEntry_table checks each entry rule and the result code it maps to.
func TestRegistry_CheckEntry_table(t *testing.T) {
	r := Default()
	base := []string{"objectClass", "top", "objectClass", "person", "cn", "John Smith", "sn", "Smith"}
	with := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	tests := []struct {
		name     string
		dn       string
		attrs    []string
		internal bool
		code     ResultCode
		sentinel error
		msg      string
	}{
		{"valid person", "cn=John Smith,dc=example,dc=com", base, false, 0, nil, ""},
		{"rdn differs in case and spaces", "CN=john  SMITH,dc=example,dc=com", base, false, 0, nil, ""},
		{"auxiliary and inherited may", "cn=John Smith,dc=example,dc=com",
			append(with("objectClass", "organizationalPerson", "objectClass", "inetOrgPerson", "objectClass", "posixAccount"),
				"uid", "js", "uidNumber", "1000", "gidNumber", "1000", "homeDirectory", "/home/js", "mail", "js@example.com", "title", "Boss"), false, 0, nil, ""},
		{"undefined type", "cn=John Smith,dc=example,dc=com", with("fooBar", "x"), false, UndefinedAttributeType, ErrUndefinedAttributeType, "fooBar"},
		{"missing must", "cn=John Smith,dc=example,dc=com", []string{"objectClass", "person", "cn", "John Smith"}, false, ObjectClassViolation, ErrObjectClassViolation, `requires attribute "sn"`},
		{"not allowed", "cn=John Smith,dc=example,dc=com", with("mail", "a@b.c"), false, ObjectClassViolation, ErrObjectClassViolation, `"mail" is not allowed`},
		{"extensibleObject allows all", "cn=John Smith,dc=example,dc=com", with("objectClass", "extensibleObject", "mail", "a@b.c"), false, 0, nil, ""},
		{"no structural", "cn=x,dc=example,dc=com", []string{"objectClass", "top", "objectClass", "dcObject", "dc", "x", "cn", "x"}, false, ObjectClassViolation, ErrObjectClassViolation, "no structural"},
		{"two chains", "cn=John Smith,dc=example,dc=com", with("objectClass", "device"), false, ObjectClassViolation, ErrObjectClassViolation, "one superclass chain"},
		{"no objectClass", "cn=x", []string{"cn", "x"}, false, ObjectClassViolation, ErrObjectClassViolation, "no objectClass"},
		{"unknown class", "cn=John Smith", with("objectClass", "nonsense"), false, InvalidAttributeSyntax, ErrInvalidSyntax, "nonsense"},
		// slapd checks each attribute's values in turn: the unknown class
		// comes before the repeated sn value.
		{"unknown class, then a repeated value", "cn=John Smith", with("objectClass", "nonsense", "sn", "SMITH"), false, InvalidAttributeSyntax, ErrInvalidSyntax, "nonsense"},
		{"single-value", "cn=John Smith,dc=x", with("objectClass", "inetOrgPerson", "displayName", "a", "displayName", "b"), false, ConstraintViolation, ErrConstraintViolation, "single-valued"},
		{"single-value, one value invalid", "cn=John Smith,dc=x", with("objectClass", "posixAccount", "uid", "u", "uidNumber", "1", "uidNumber", "x", "gidNumber", "1", "homeDirectory", "/"), false, InvalidAttributeSyntax, ErrInvalidSyntax, "uidNumber"},
		{"bad syntax", "cn=John Smith,dc=x", with("objectClass", "posixAccount", "uid", "u", "uidNumber", "12a", "gidNumber", "1", "homeDirectory", "/"), false, InvalidAttributeSyntax, ErrInvalidSyntax, "uidNumber"},
		{"bad ia5", "cn=John Smith,dc=x", with("objectClass", "inetOrgPerson", "mail", "jöhn@example.com"), false, InvalidAttributeSyntax, ErrInvalidSyntax, "IA5"},
		{"duplicate after normalization", "cn=John Smith,dc=x", with("cn", "JOHN   smith"), false, AttributeOrValueExists, ErrValueExists, "repeats"},
		{"telephone duplicate", "cn=John Smith,dc=x", with("telephoneNumber", "+49 151 2345", "telephoneNumber", "+491512345"), false, AttributeOrValueExists, ErrValueExists, "repeats"},
		{"no-user-modification", "cn=John Smith,dc=x", with("entryUUID", "597ae2f6-16a6-1027-98f4-d28b5365dc14"), false, ConstraintViolation, ErrConstraintViolation, "entryUUID"},
		{"no-user-modification internal", "cn=John Smith,dc=x", with("entryUUID", "597ae2f6-16a6-1027-98f4-d28b5365dc14", "createTimestamp", "20240101000000Z"), true, 0, nil, ""},
		{"rdn value missing", "cn=Jane,dc=x", base, false, NamingViolation, ErrNamingViolation, "cn=Jane"},
		{"rdn multi-valued", "cn=John Smith+sn=smith,dc=x", base, false, 0, nil, ""},
		{"tagged values", "cn=John Smith,dc=x", with("cn;lang-de", "Johann", "cn;lang-en", "John"), false, 0, nil, ""},
		{"same options reordered", "cn=John Smith,dc=x", with("cn;lang-de;x-a", "Johann", "cn;X-A;lang-de", "J"), false, AttributeOrValueExists, ErrValueExists, "more than once"},
		{"bad option", "cn=John Smith,dc=x", with("cn;lang_de", "Johann"), false, UndefinedAttributeType, ErrUndefinedAttributeType, "lang_de"},
		// RFC 4512 §2.5, as slapd: an option the server does not know makes
		// the description unrecognized; binary only on certificate syntaxes.
		{"unknown option", "cn=John Smith,dc=x", with("description;foo", "d"), false, UndefinedAttributeType, ErrUndefinedAttributeType, `option "foo"`},
		{"binary on a string", "cn=John Smith,dc=x", with("description;binary", "d"), false, UndefinedAttributeType, ErrUndefinedAttributeType, `option "binary"`},
		{"binary on a certificate", "cn=John Smith,dc=x", with("objectClass", "inetOrgPerson", "userCertificate;binary", minimalCert), false, 0, nil, ""},
		{"private x- tag", "cn=John Smith,dc=x", with("description;x-note", "d"), false, 0, nil, ""},
		{"binary on the other certificate syntaxes", "cn=John Smith,dc=x", with("objectClass", "extensibleObject",
			"certificateRevocationList;binary", minimalCRL, "crossCertificatePair;binary", "\x30\x00", "supportedAlgorithms;binary", "\x30\x00"), false, 0, nil, ""},
		// As slapd: a tagged value does not hold the RDN's value, and a glue
		// entry needs none.
		{"rdn value only tagged", "cn=Johann,dc=x", with("cn;lang-de", "Johann"), false, NamingViolation, ErrNamingViolation, "cn=Johann"},
		{"glue without its rdn value", "ou=glued,dc=x", []string{"objectClass", "top", "objectClass", "glue"}, false, 0, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := testEntry(t, tt.dn, tt.attrs...)
			err := r.CheckEntry(e, CheckOptions{Internal: tt.internal})
			if tt.code == 0 {
				if err != nil {
					t.Fatalf("CheckEntry: %v", err)
				}
				return
			}
			var se *Error
			if !errors.As(err, &se) || se.Code != tt.code || !errors.Is(err, tt.sentinel) {
				t.Fatalf("CheckEntry = %v, want code %d wrapping %v", err, tt.code, tt.sentinel)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("message %q does not mention %q", err.Error(), tt.msg)
			}
		})
	}
}

// TestRegistry_CheckModify checks structural class changes and RDN removal on modify.
func TestRegistry_CheckModify(t *testing.T) {
	r := Default()
	old := testEntry(t, "cn=John Smith,dc=x", "objectClass", "person", "cn", "John Smith", "sn", "Smith")
	changed := testEntry(t, "cn=John Smith,dc=x", "objectClass", "device", "cn", "John Smith")
	var se *Error
	if err := r.CheckModify(old, changed, CheckOptions{}); !errors.As(err, &se) || se.Code != ObjectClassModsProhibited {
		t.Fatalf("structural change: %v", err)
	}
	noRDN := testEntry(t, "cn=John Smith,dc=x", "objectClass", "person", "cn", "Other", "sn", "Smith")
	if err := r.CheckModify(old, noRDN, CheckOptions{}); !errors.As(err, &se) || se.Code != NamingViolation {
		t.Fatalf("rdn removal: %v", err)
	}
	sub := testEntry(t, "cn=John Smith,dc=x", "objectClass", "person", "objectClass", "organizationalPerson", "cn", "John Smith", "sn", "Smith")
	if err := r.CheckModify(old, sub, CheckOptions{}); !errors.As(err, &se) || se.Code != ObjectClassModsProhibited {
		t.Fatalf("structural subclass change: %v", err)
	}
	if err := r.CheckModify(old, old, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	// The updated entry must pass CheckEntry; removing the RDN value is
	// reported as such even when it also breaks a MUST.
	noSN := testEntry(t, "cn=John Smith,dc=x", "objectClass", "person", "cn", "John Smith")
	if err := r.CheckModify(old, noSN, CheckOptions{}); !errors.As(err, &se) || se.Code != ObjectClassViolation ||
		!errors.Is(err, ErrObjectClassViolation) || !strings.Contains(err.Error(), `requires attribute "sn"`) {
		t.Fatalf("missing MUST: %v", err)
	}
	noCN := testEntry(t, "cn=John Smith,dc=x", "objectClass", "person", "sn", "Smith")
	if err := r.CheckModify(old, noCN, CheckOptions{}); !errors.As(err, &se) || se.Code != NamingViolation || !errors.Is(err, ErrNamingViolation) {
		t.Fatalf("rdn and MUST removal: %v", err)
	}
	if err := r.CheckModify(old, changed, CheckOptions{}); !errors.Is(err, ErrObjectClassViolation) ||
		!strings.Contains(err.Error(), `from "person" to "device"`) {
		t.Fatalf("structural change message: %v", err)
	}
	if err := r.CheckUserModifiable("modifyTimestamp"); !errors.As(err, &se) || se.Code != ConstraintViolation {
		t.Fatalf("CheckUserModifiable: %v", err)
	}
	if err := r.CheckUserModifiable("cn;lang-de"); err != nil {
		t.Fatal(err)
	}
}

// TestRegistry_CheckEntry_repeatedAttributeLast: an attribute given twice
// is attributeOrValueExists only when every attribute passes its own
// checks; slapd checks each as given before merging them, so an invalid
// value in the second is invalidAttributeSyntax.
func TestRegistry_CheckEntry_repeatedAttributeLast(t *testing.T) {
	r := Default()
	e := testEntry(t, "cn=g,dc=x", "objectClass", "groupOfNames", "cn", "g", "member", "cn=a")
	e.Attrs = append(e.Attrs, Attribute{Desc: "MEMBER", Values: [][]byte{[]byte("1")}})
	var se *Error
	if err := r.CheckEntry(e, CheckOptions{}); !errors.As(err, &se) || se.Code != InvalidAttributeSyntax {
		t.Errorf("member given twice, then an invalid member: %v, want invalidAttributeSyntax (slapd)", err)
	}
	e.Attrs[len(e.Attrs)-1].Values[0] = []byte("cn=b")
	if err := r.CheckEntry(e, CheckOptions{}); !errors.As(err, &se) || se.Code != AttributeOrValueExists {
		t.Errorf("member given twice: %v, want attributeOrValueExists", err)
	}
}

// TestRegistry_CheckModify_order: a modify result with several problems
// gets the code of slapd's entry_schema_check, which checks the structural
// class change before the RDN values and both before MUST and MAY:
// objectClassModsProhibited for a structural change that also drops the
// RDN value or a MUST (lightdir answered namingViolation, objectClassViolation).
func TestRegistry_CheckModify_order(t *testing.T) {
	r := Default()
	old := testEntry(t, "cn=m1,dc=x", "objectClass", "inetOrgPerson", "cn", "m1", "sn", "x")
	var se *Error
	for name, updated := range map[string]*Entry{
		"structural change and no RDN value":       testEntry(t, "cn=m1,dc=x", "objectClass", "person", "sn", "x"),
		"structural change and no MUST":            testEntry(t, "cn=m1,dc=x", "objectClass", "person", "objectClass", "organizationalPerson", "cn", "m1"),
		"structural change and a type not allowed": testEntry(t, "cn=m1,dc=x", "objectClass", "person", "cn", "m1", "sn", "x", "mail", "a@b"),
	} {
		if err := r.CheckModify(old, updated, CheckOptions{}); !errors.As(err, &se) || se.Code != ObjectClassModsProhibited {
			t.Errorf("%s: %v, want objectClassModsProhibited (slapd)", name, err)
		}
	}
	noRDNNotAllowed := testEntry(t, "cn=m1,dc=x", "objectClass", "inetOrgPerson", "cn", "m2", "sn", "x", "uidNumber", "1")
	if err := r.CheckModify(old, noRDNNotAllowed, CheckOptions{}); !errors.As(err, &se) || se.Code != NamingViolation {
		t.Errorf("no RDN value and a type not allowed: %v, want namingViolation (slapd)", err)
	}
}

// TestRegistry_CheckEntry_contentRule checks DIT content rules: AUX, MUST, MAY and NOT.
func TestRegistry_CheckEntry_contentRule(t *testing.T) {
	r := Default()
	rule := "ditcontentrule ( 2.5.6.6 NAME 'personRule' AUX uidObject MUST description MAY mail NOT telephoneNumber )"
	if err := r.LoadSchemaFile("rule.schema", []byte(rule)); err != nil {
		t.Fatal(err)
	}
	base := []string{"objectClass", "person", "cn", "a", "sn", "b", "description", "d"}
	cases := []struct {
		name  string
		extra []string
		msg   string
	}{
		{"allowed aux and may", []string{"objectClass", "uidObject", "uid", "u", "mail", "a@b"}, ""},
		{"aux not listed", []string{"objectClass", "dcObject", "dc", "x"}, "auxiliary object class \"dcObject\""},
		{"precluded", []string{"telephoneNumber", "1"}, "precludes"},
	}
	for _, c := range cases {
		e := testEntry(t, "cn=a,dc=x", append(append([]string{}, base...), c.extra...)...)
		err := r.CheckEntry(e, CheckOptions{})
		if c.msg == "" && err != nil || c.msg != "" && (err == nil || !strings.Contains(err.Error(), c.msg)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	e := testEntry(t, "cn=a,dc=x", "objectClass", "person", "cn", "a", "sn", "b")
	if err := r.CheckEntry(e, CheckOptions{}); err == nil || !strings.Contains(err.Error(), "requires attribute \"description\"") {
		t.Errorf("missing content rule MUST: %v", err)
	}
	if len(r.SubschemaEntry(nil).Get("dITContentRules").Values) != 1 {
		t.Error("content rule not published")
	}
}

// TestRegistry_ObjectClassClosure checks superclasses are added once, before their subclasses.
func TestRegistry_ObjectClassClosure(t *testing.T) {
	r := Default()
	got := r.ObjectClassClosure([][]byte{[]byte("inetOrgPerson"), []byte("posixAccount"), []byte("PERSON"), []byte("unknownThing")})
	var names []string
	for _, v := range got {
		names = append(names, string(v))
	}
	if want := "top person organizationalPerson inetOrgPerson posixAccount unknownThing"; strings.Join(names, " ") != want {
		t.Fatalf("closure = %v, want %q", names, want)
	}
	e := testEntry(t, "cn=a", "objectClass", "top", "objectClass", "person", "objectClass", "inetOrgPerson", "objectClass", "posixAccount")
	oc, err := r.StructuralObjectClass(e)
	if err != nil || oc.Name() != "inetOrgPerson" {
		t.Fatalf("StructuralObjectClass = %v, %v", oc, err)
	}
}

// TestRegistry_CheckEntry_repeatedValues: a value equal to an earlier one
// under the equality rule is reported with both positions, the first
// repeat and its first occurrence, for few and many values, raw and
// prepared (stored Norm).
func TestRegistry_CheckEntry_repeatedValues(t *testing.T) {
	r := Default()
	for _, n := range []int{4, 40} {
		for _, prepared := range []bool{false, true} {
			attrs := []string{"objectClass", "groupOfNames", "cn", "staff"}
			for i := range n {
				attrs = append(attrs, "member", fmt.Sprintf("uid=u%d,dc=example,dc=com", i))
			}
			e := testEntry(t, "cn=staff,dc=example,dc=com", attrs...)
			if prepared {
				r.PrepareEntry(e)
			}
			if err := r.CheckEntry(e, CheckOptions{}); err != nil {
				t.Fatalf("n=%d prepared=%v: distinct members rejected: %v", n, prepared, err)
			}
			m := e.Get("member")
			last := n - 1
			m.Values[last] = []byte("UID=u1 , DC=Example,dc=COM") // repeats #1 (and the next line's #2)
			m.Values[2] = []byte("uid=U1,dc=example,dc=com")      // repeats #1 first
			if prepared {
				m.Norm[2], m.Norm[last] = nil, nil // changed values lose their Norm
			}
			err := r.CheckEntry(e, CheckOptions{})
			var se *Error
			if !errors.As(err, &se) || se.Code != AttributeOrValueExists || !errors.Is(err, ErrValueExists) ||
				!strings.Contains(err.Error(), "value #2 repeats value #1") {
				t.Errorf("n=%d prepared=%v: %v, want value #2 repeats value #1", n, prepared, err)
			}
		}
	}
}

// TestRegistry_CheckEntry_obsolete: a vendor schema marks a type or a class
// OBSOLETE to retire it; slapd then refuses a client's add that gives the
// type a value (constraintViolation "vOld: attribute is obsolete") and any
// entry of the class (objectClassViolation "objectClass 'vendorOld' is
// OBSOLETE", slapadd too), while slapadd still loads values of the type.
// lightdir ignored OBSOLETE and stored both.
func TestRegistry_CheckEntry_obsolete(t *testing.T) {
	r := Default()
	if err := r.LoadSchemaFile("vendor.schema", []byte(`
attributetype ( 1.3.6.1.4.1.99999.1.5 NAME 'vOld' OBSOLETE SUP description )
objectclass ( 1.3.6.1.4.1.99999.2.5 NAME 'vendorOld' OBSOLETE SUP top AUXILIARY MAY vOld )
objectclass ( 1.3.6.1.4.1.99999.2.6 NAME 'vendorAux' SUP top AUXILIARY MAY vOld )
`)); err != nil {
		t.Fatal(err)
	}
	var se *Error
	e := testEntry(t, "cn=a,dc=x", "objectClass", "person", "objectClass", "vendorAux", "cn", "a", "sn", "b", "vOld", "x")
	if err := r.CheckEntry(e, CheckOptions{}); !errors.As(err, &se) || se.Code != ConstraintViolation || !strings.Contains(err.Error(), "vOld: attribute is obsolete") {
		t.Errorf("client add with an OBSOLETE type: %v, want constraintViolation (slapd)", err)
	}
	if err := r.CheckEntry(e, CheckOptions{Internal: true}); err != nil {
		t.Errorf("import of an OBSOLETE type: %v, want success (slapadd)", err)
	}
	// The values of the other attributes are checked first, as slapd does.
	bad := testEntry(t, "cn=a,dc=x", "objectClass", "person", "objectClass", "vendorAux", "cn", "a", "sn", "b", "vOld", "x", "telephoneNumber", "")
	if err := r.CheckEntry(bad, CheckOptions{}); !errors.As(err, &se) || se.Code != InvalidAttributeSyntax {
		t.Errorf("OBSOLETE type and a later invalid value: %v, want invalidAttributeSyntax", err)
	}
	for _, internal := range []bool{false, true} {
		e := testEntry(t, "cn=a,dc=x", "objectClass", "person", "objectClass", "vendorOld", "cn", "a", "sn", "b")
		if err := r.CheckEntry(e, CheckOptions{Internal: internal}); !errors.As(err, &se) || se.Code != ObjectClassViolation || !strings.Contains(err.Error(), "OBSOLETE") {
			t.Errorf("entry of an OBSOLETE class (internal %v): %v, want objectClassViolation (slapd, slapadd)", internal, err)
		}
	}
}
