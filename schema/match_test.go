package schema

import (
	"testing"
)

func testEntry(t testing.TB, dn string, attrs ...string) *Entry {
	t.Helper()
	d, err := ParseDN(dn)
	if err != nil {
		t.Fatal(err)
	}
	e := &Entry{DN: d}
	for i := 0; i+1 < len(attrs); i += 2 {
		if a := e.Get(attrs[i]); a != nil {
			a.Values = append(a.Values, []byte(attrs[i+1]))
			continue
		}
		e.Attrs = append(e.Attrs, Attribute{Desc: attrs[i], Values: [][]byte{[]byte(attrs[i+1])}})
	}
	return e
}

func johnEntry(t testing.TB) *Entry {
	return testEntry(t, "uid=jsmith,ou=People,dc=example,dc=com",
		"objectClass", "top", "objectClass", "person", "objectClass", "organizationalPerson", "objectClass", "inetOrgPerson",
		"uid", "jsmith", "cn", "john smith", "cn;lang-de", "Johann Schmidt", "sn", "Smith", "givenName", "John",
		"telephoneNumber", "+491512345", "mail", "John.Smith@Example.COM", "employeeNumber", "0042",
		"createTimestamp", "20240102030405Z", "entryUUID", "597ae2f6-16a6-1027-98f4-d28b5365dc14",
		"manager", "uid=Boss, ou=People, dc=Example, dc=COM", "postalAddress", "1 Main St$Springfield",
		"description", "Ärger über Straße", "shadowExpire", "-5", "numSubordinates", "12")
}

// TestMatcher_Match_table checks filter evaluation, including the RFC 4518 and 4517 matching cases.
func TestMatcher_Match_table(t *testing.T) {
	r := Default()
	e := johnEntry(t)
	tests := []struct {
		filter string
		want   Truth
	}{
		{"(cn=  John   SMITH)", True},
		{"(cn=john smith)", True},
		{"(cn=john  smyth)", False},
		{"(CN=JOHN SMITH)", True},
		{"(commonName=John Smith)", True},
		{"(2.5.4.3=John Smith)", True},
		{"(name=john smith)", True},     // supertype matches subtypes
		{"(name=johann schmidt)", True}, // ... including tagged values
		{"(cn;lang-de=johann schmidt)", True},
		{"(cn;lang-de=john smith)", False}, // untagged value does not match a tagged assertion
		{"(cn;lang-fr=johann schmidt)", False},
		{"(cn;binary=john smith)", Undefined}, // ;binary is no option of a Directory String (RFC 4522): unrecognized, as in slapd
		{"(cn;x-private=john smith)", False},  // private x- options are recognized (schema.unsupportedOption)
		{"(!(cn;foo=john smith))", Undefined}, // RFC 4512 §2.5: unrecognized option, unrecognized description
		{"(cn;foo=*)", False},
		{"(telephoneNumber=+49 151 2345)", True},
		{"(telephoneNumber=+49-151-2345)", True},
		{"(telephoneNumber=+49 151 2346)", False},
		{"(telephoneNumber=*1 23*)", True},
		{"(mail=john.smith@example.com)", True},
		{"(mail=*@EXAMPLE.com)", True},
		{"(mail~=jon smith)", False},
		{"(sn~=smyth)", True},
		{"(sn~=jones)", False},
		{"(cn=J*SM*h)", True},
		{"(cn=j*x*h)", False},
		{"(cn=john *)", True},
		{"(cn=*  smith)", True},
		{"(cn=johnsmith*)", False},
		{"(cn=*)", True},
		{"(cn;lang-de=*)", True},
		{"(title=*)", False},
		{"(noSuchAttr=*)", False},
		{"(noSuchAttr=x)", Undefined},
		{"(!(noSuchAttr=x))", Undefined},
		{"(|(noSuchAttr=x)(cn=john smith))", True},
		{"(&(noSuchAttr=x)(cn=nobody))", False},
		{"(&(noSuchAttr=x)(cn=john smith))", Undefined},
		{"(objectClass=inetOrgPerson)", True},
		{"(objectClass=INETORGPERSON)", True},
		{"(objectClass=2.16.840.1.113730.3.2.2)", True},
		{"(objectClass=posixAccount)", False},
		{"(employeeNumber=42)", False}, // caseIgnoreMatch, not integer
		{"(employeeNumber=0042)", True},
		{"(shadowExpire<=-4)", Undefined}, // RFC 2307 gives it no ORDERING rule
		{"(numSubordinates>=9)", True},    // numeric, not lexicographic
		{"(numSubordinates<=100)", True},
		{"(numSubordinates>=13)", False},
		{"(numSubordinates<=-100)", False},
		{"(shadowExpire=-05)", Undefined}, // not an Integer (RFC 4517 §3.3.16); slapd: Undefined
		{"(numSubordinates>=x)", Undefined},
		{"(createTimestamp>=20240102030405Z)", True},
		{"(createTimestamp>=20240102040405+0100)", True},
		{"(createTimestamp<=202401020304Z)", False},
		{"(createTimestamp=20240102040405.0+0100)", True},
		{"(createTimestamp>=20240102030405.5Z)", False},
		{"(entryUUID=597AE2F6-16A6-1027-98F4-D28B5365DC14)", True},
		{"(entryUUID=not-a-uuid)", Undefined},
		{"(manager=uid=boss,ou=people,dc=example,dc=com)", True},
		{"(manager=UID=BOSS,OU=PEOPLE,DC=EXAMPLE,DC=COM)", True},
		{"(manager=uid=other,ou=people,dc=example,dc=com)", False},
		{"(postalAddress=1 MAIN ST $ springfield)", True},
		{"(postalAddress=*main st*)", True},
		{"(description=ärger ÜBER STRASSE)", True},
		{"(description=*straße)", True},
		{"(cn:caseExactMatch:=john smith)", True},
		{"(cn:caseExactMatch:=John Smith)", False},
		{"(cn:=JOHN SMITH)", True},
		{"(cn:2.5.13.5:=john smith)", True},
		{"(cn:2.5.13.5:=John Smith)", False},
		{"(entryDN:1.3.6.1.4.1.4203.666.4.9:=ou=people,dc=example,dc=com)", False}, // entryDN is added by the backend
		{"(manager:dnSubtreeMatch:=dc=EXAMPLE,dc=com)", True},
		{"(manager:dnOneLevelMatch:=ou=people,dc=example,dc=com)", True},
		{"(manager:dnOneLevelMatch:=dc=example,dc=com)", False},
		{"(manager:dnSubordinateMatch:=uid=boss,ou=people,dc=example,dc=com)", False},
		{"(manager:dnSuperiorMatch:=uid=x,uid=boss,ou=people,dc=example,dc=com)", True},
		{`(cn:caseIgnoreSubstringsMatch:=jo\2asm\2a)`, True},
		{"(cn:caseIgnoreOrderingMatch:=k)", True}, // an ordering rule in an extensible match means "less than"
		{"(cn:caseIgnoreOrderingMatch:=a)", False},
		{"(ou:dn:=people)", True},
		{"(ou=people)", False},
		{"(ou:dn:caseExactMatch:=People)", True},
		{"(ou:dn:caseExactMatch:=people)", False},
		{"(:dn:caseIgnoreMatch:=example)", False}, // dc is IA5: caseIgnoreMatch does not apply (slapd)
		{"(:dn:caseIgnoreIA5Match:=example)", True},
		{"(:caseIgnoreMatch:=smith)", True},
		{"(:caseIgnoreIA5Match:=JSMITH)", False}, // uid is a Directory String, not IA5
		{"(cn:integerMatch:=1)", Undefined},
		{"(cn:noSuchRule:=1)", Undefined},
		{"(description:wordMatch:=über)", True},
		{"(description:wordMatch:=ueber)", False},
		{"(&)", True},
		{"(|)", False},
		{"(!(cn=nobody))", True},
		{"(&(objectClass=person)(|(sn=Jensen)(cn=john s*)))", True},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			f, err := ParseFilter(tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Match(f, e); got != tt.want {
				t.Fatalf("Match(%s) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}

// TestMatcher_Match_preparedAgrees checks that evaluation over stored normalized values
// (PrepareEntry, what the backend keeps) gives the same result as normalizing on the fly.
func TestMatcher_Match_preparedAgrees(t *testing.T) {
	r := Default()
	raw := johnEntry(t)
	prepared := johnEntry(t)
	r.PrepareEntry(prepared)
	for _, s := range []string{"(cn=  John   SMITH)", "(telephoneNumber=+49 151 2345)", "(cn=J*SM*h)", "(objectClass=person)", "(manager=uid=boss,ou=people,dc=example,dc=com)",
		"(createTimestamp>=20240102040405+0100)", "(sn~=smyth)", "(cn:caseExactMatch:=john smith)", "(description=*straße)", "(numSubordinates>=9)",
		"(entryUUID=597AE2F6-16A6-1027-98F4-D28B5365DC14)", "(postalAddress=*main st*)", "(ou:dn:=people)", "(mail=*@EXAMPLE.com)"} {
		f, err := ParseFilter(s)
		if err != nil {
			t.Fatal(err)
		}
		a, b := r.Match(f, raw), r.Match(f, prepared)
		if a != b || a != True {
			t.Errorf("%s: raw %v, prepared %v; want both TRUE", s, a, b)
		}
	}
}

// FuzzMatcher_Match checks that any parsed filter evaluates without panicking and that
// prepared and raw entries agree.
func FuzzMatcher_Match(f *testing.F) {
	for _, s := range []string{"(cn=john smith)", "(&(objectClass=person)(|(sn=Jensen)(cn=Babs J*)))", "(telephoneNumber=*1 23*)",
		"(createTimestamp>=2024)", "(:dn:caseIgnoreMatch:=example)", "(cn:1.3.6.1.4.1.4203.666.4.9:=x)", "(!(uid~=js))"} {
		f.Add(s)
	}
	r := Default()
	raw := johnEntry(f)
	prepared := johnEntry(f)
	r.PrepareEntry(prepared)
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		if a, b := r.Match(flt, raw), r.Match(flt, prepared); a != b {
			t.Fatalf("%s: raw %v, prepared %v", s, a, b)
		}
	})
}

// TestMatcher_Match_malformed checks hand-built filters that no parser would produce are Undefined, not panics.
func TestMatcher_Match_malformed(t *testing.T) {
	r := Default()
	e := johnEntry(t)
	for _, f := range []*Filter{
		{Op: FilterEquality, Value: []byte("x")},
		{Op: FilterNot},
		{Op: FilterNot, Children: []*Filter{nil}},
		{Op: FilterAnd, Children: []*Filter{nil}},
		{Op: FilterSubstrings, Attr: "cn"},
		{Op: FilterExtensible, Value: []byte("x")},
		{Op: 0, Attr: "cn"},
		{Op: 99, Attr: "cn"},
	} {
		if got := r.Match(f, e); got != Undefined {
			t.Errorf("%#v: %v, want Undefined", f, got)
		}
	}
}
