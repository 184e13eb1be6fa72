package schema

import "testing"

// PrettyDN writes DNs as slapd 2.5 returns entry DNs (observed with
// ldapsearch against slapd): types by their schema name, the AVAs of a
// multi-valued RDN sorted, special characters as \XX.
func TestPrettyDN(t *testing.T) {
	r := Default()
	for in, want := range map[string]string{
		"CN=Upper,ou=people,dc=example,dc=com": "cn=Upper,ou=people,dc=example,dc=com",
		"2.5.4.3=x,DC=example":                 "cn=x,dc=example",
		"sn=c+cn=d,ou=people":                  "cn=d+sn=c,ou=people",
		"CN=b+commonName=a,ou=people":          "cn=a+cn=b,ou=people",
		`cn=Smith\, John,ou=people`:            `cn=Smith\2C John,ou=people`,
		`cn=p\+q\;r\<s\>t\"u\\v\=w`:            `cn=p\2Bq\3Br\3Cs\3Et\22u\5Cv\3Dw`,
		`cn=\ lead`:                            `cn=\20lead`,
		`cn=\#hash`:                            `cn=\23hash`,
		`cn=trail\ `:                           `cn=trail\20`,
		"cn=caf\u00e9":                         "cn=caf\u00e9",
		"x-unknown=v":                          "x-unknown=v",
		// Values take their syntax's pretty form, as slapd's dnPretty
		// makes them: a DN value like a stored member, a class name.
		`member=CN=X\, DC=Y,ou=people`: `member=cn\3DX\2Cdc\3DY,ou=people`,
		`cn=z+member=UID=x\,DC=y`:      `cn=z+member=uid\3Dx\2Cdc\3Dy`,
		"objectClass=PERSON":           "objectClass=person",
	} {
		dn, err := ParseDN(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := r.PrettyDN(dn); got != want {
			t.Errorf("PrettyDN(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestRegistry_DNValuesAgainstSchema: a DN value is valid only with
// defined types, values valid for their syntax and one AVA per type in an
// RDN, as in slapd's dnValidate; NormalizeDN refuses the same DNs.
func TestRegistry_DNValuesAgainstSchema(t *testing.T) {
	r := Default()
	member := r.AttributeType("member")
	for v, want := range map[string]bool{
		"uid=u1,ou=people,dc=example,dc=com": true, "cn=a+sn=b,dc=x": true, "": true, "2.5.4.3=x,dc=y": true,
		"fooBar=x,dc=y": false, "1.2.3.4=x,dc=y": false, "uidNumber=abc,dc=y": false, "cn=,dc=y": false,
		"cn=a+cn=b,dc=y": false, "cn=a+commonName=b,dc=y": false,
	} {
		if got := member.Validate([]byte(v)); got != want {
			t.Errorf("member %q valid: %v, want %v", v, got, want)
		}
		dn, err := ParseDN(v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.NormalizeDN(dn); (err == nil) != want {
			t.Errorf("NormalizeDN(%q): %v", v, err)
		}
	}
}

// TestRegistry_PrettyValue: class names and DN values take slapd's stored form.
func TestRegistry_PrettyValue(t *testing.T) {
	r := Default()
	for _, c := range []struct{ attr, in, want string }{
		{"objectClass", "INETORGPERSON", "inetOrgPerson"},
		{"objectClass", "2.5.6.6", "person"},
		{"objectClass", "noSuchClass", "noSuchClass"},
		{"member", "UID=u1 , OU=People,dc=example,dc=com", "uid=u1,ou=People,dc=example,dc=com"},
		{"member", "2.5.4.3=x+SN=y,dc=example", "cn=x+sn=y,dc=example"},
		{"member", "cn=a\\2cb,dc=x", "cn=a\\2Cb,dc=x"},
		{"member", "not a dn", "not a dn"},
		{"uniqueMember", "UID=u1 , dc=x#'0101'B", "uid=u1,dc=x#'0101'B"},
		{"description", "UID=u1 , dc=x", "UID=u1 , dc=x"},
	} {
		if got := string(r.PrettyValue(r.AttributeType(c.attr), []byte(c.in))); got != c.want {
			t.Errorf("%s %q: got %q, want %q", c.attr, c.in, got, c.want)
		}
	}
}
