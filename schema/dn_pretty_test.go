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
		`cn=Smith\, John,ou=people`:            `cn=Smith\2C John,ou=people`,
		`cn=p\+q\;r\<s\>t\"u\\v\=w`:            `cn=p\2Bq\3Br\3Cs\3Et\22u\5Cv\3Dw`,
		`cn=\ lead`:                            `cn=\20lead`,
		`cn=\#hash`:                            `cn=\23hash`,
		`cn=trail\ `:                           `cn=trail\20`,
		"cn=caf\u00e9":                         "cn=caf\u00e9",
		"x-unknown=v":                          "x-unknown=v",
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
