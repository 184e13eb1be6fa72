package backend

import (
	"math/rand"
	"testing"

	"lightdir/schema"
)

// TestParseSimpleRDN_matchesSchema: whenever the import's RDN shortcut
// accepts a string, it parses, prints and normalizes it exactly as
// package schema does (random strings over an alphabet of DN specials,
// plus a table of edge cases).
func TestParseSimpleRDN_matchesSchema(t *testing.T) {
	cases := []string{
		"uid=001010000012345", "cn=hlr", "CN=Hlr", "ou=services", "cn=Subscriber 12", "cn= lead", "cn=trail ",
		"cn=#41", "cn=a#b", "cn=a=b", "cn=a+sn=b", "cn=a\\,b", "cn=", "=x", "1cn=x", "2.5.4.3=x", "oid.2.5.4.3=x",
		"cn=caf\u00e9", "cn=tab\there", "nosuchtype=x", "telephoneNumber=+46 70-123", "mail=A@B.example",
		"dc=Example", "uid=x y  z", "cn=\"q\"", "cn=<a>", "cn=a;b",
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("aZ09 -=+,;#\\\"<>.\x01\x7fé")
	types := []string{"cn", "uid", "CN", "telephoneNumber", "mail", "dc", "description", "x-unknown"}
	for range 5000 {
		v := make([]byte, rng.Intn(8))
		for j := range v {
			v[j] = alphabet[rng.Intn(len(alphabet))]
		}
		cases = append(cases, types[rng.Intn(len(types))]+"="+string(v))
	}
	p := newImportPrep(&importer{b: &Backend{reg: schema.Default()}})
	accepted := 0
	for _, s := range cases {
		r, ok := parseSimpleRDN(s)
		if !ok {
			continue
		}
		accepted++
		want, err := schema.ParseRDN(s)
		if err != nil {
			t.Errorf("%q: shortcut accepts, ParseRDN fails: %v", s, err)
			continue
		}
		if !want.Equal(r.rdn) || want[0] != r.rdn[0] || want.String() != s {
			t.Errorf("%q: shortcut %v, ParseRDN %v (String %q)", s, r.rdn, want, want.String())
		}
		nwant, err := p.reg.NormalizeDN(schema.DN{want})
		if !p.normalizeSimple(&r) {
			if err == nil {
				t.Errorf("%q: shortcut cannot normalize, NormalizeDN gives %v", s, nwant)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: shortcut normalizes, NormalizeDN fails: %v", s, err)
			continue
		}
		if len(r.nrdn) != 1 || nwant[0][0] != r.nrdn[0] || nwant[0].String() != r.nstr {
			t.Errorf("%q: shortcut %v %q, NormalizeDN %v %q", s, r.nrdn, r.nstr, nwant[0], nwant[0].String())
		}
	}
	if accepted < 200 {
		t.Errorf("shortcut accepted only %d strings", accepted)
	}
}

// TestRDNEnd_matchesSchema: the first-RDN split agrees with ParseDN on
// every DN it parses.
func TestRDNEnd_matchesSchema(t *testing.T) {
	for _, s := range []string{
		"cn=a,dc=b", "cn=a\\,b,dc=c", "cn=a\\2Cb;dc=c", "cn=#04024869,dc=x", "cn=a+sn=b , dc=c", "cn=a\\\\,dc=c",
	} {
		dn, err := schema.ParseDN(s)
		if err != nil {
			t.Fatal(err)
		}
		i := rdnEnd(s)
		first, err1 := schema.ParseRDN(s[:i])
		rest, err2 := schema.ParseDN(s[i+1:])
		if err1 != nil || err2 != nil || !first.Equal(dn[0]) || !rest.Equal(dn[1:]) {
			t.Errorf("%q split at %d: %v %v / %v %v", s, i, first, err1, rest, err2)
		}
	}
}
