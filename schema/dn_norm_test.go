package schema

import (
	"errors"
	"testing"
)

// TestRegistry_NormalizeDNString_sameEntry checks that spellings of one DN normalize to one key.
func TestRegistry_NormalizeDNString_sameEntry(t *testing.T) {
	r := Default()
	groups := [][]string{
		{
			"uid=jsmith,ou=People,dc=example,dc=com",
			"UID=JSmith, OU=people, DC=Example, DC=COM",
			"  uid = jsmith ;ou=People;dc=example;dc=com",
			"userid=jsmith,organizationalUnitName=people,domainComponent=example,dc=com",
			"0.9.2342.19200300.100.1.1=jsmith,2.5.4.11=People,dc=example,dc=com",
			`uid=\6Asmith,ou=Pe\6fple,dc=example,dc=com`,
			"uid=#04066a736d697468,ou=People,dc=example,dc=com",
			"uid=jsmith,ou=  People  ,dc=example,dc=com",
		},
		{
			"cn=John   Smith+sn=Smith,dc=example",
			"SN=smith+CN=john smith,DC=example",
			"commonName=JOHN SMITH+surname=SMITH,dc=EXAMPLE",
		},
		{`cn=a\,b,dc=x`, `CN=A\2cB,dc=x`, `cn=A\,B , dc=X`},
		{"cn=Ärger,dc=x", `cn=\C3\A4rger,dc=x`, "cn=a\u0308rger,dc=x"},
	}
	for _, g := range groups {
		want, err := r.NormalizeDNString(g[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range g[1:] {
			got, err := r.NormalizeDNString(s)
			if err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			if got != want {
				t.Errorf("%q normalizes to %q, want %q (from %q)", s, got, want, g[0])
			}
		}
	}
	a, _ := r.NormalizeDNString("uid=jsmith,ou=People,dc=example,dc=com")
	b, _ := r.NormalizeDNString("uid=jsmith2,ou=People,dc=example,dc=com")
	if a == b {
		t.Fatal("different DNs normalized to one key")
	}
}

// TestRegistry_NormalizeDN_form checks the exact normalized form and the tree relations on it.
func TestRegistry_NormalizeDN_form(t *testing.T) {
	r := Default()
	got, err := r.NormalizeDNString("CN=John  Smith+UID=JS, OU=People,DC=Example")
	if err != nil {
		t.Fatal(err)
	}
	if want := "cn=john smith+uid=js,ou=people,dc=example"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	child, _ := ParseDN("uid=x,OU=people,dc=EXAMPLE")
	parent, _ := ParseDN("ou=People,  dc=example")
	nc, _ := r.NormalizeDN(child)
	np, _ := r.NormalizeDN(parent)
	if !nc.IsDescendantOf(np) || !nc.IsChildOf(np) || !nc.Parent().Equal(np) {
		t.Fatal("normalized child is not below normalized parent")
	}
	var se *Error
	if _, err := r.NormalizeDNString("fooBar=x,dc=example"); !errors.As(err, &se) || se.Code != InvalidDNSyntax || !errors.Is(err, ErrUndefinedAttributeType) {
		t.Fatalf("unknown type: %v", err)
	}
	if _, err := r.NormalizeDNString("cn=a,,dc=x"); !errors.As(err, &se) || se.Code != InvalidDNSyntax || !errors.Is(err, ErrInvalidDN) {
		t.Fatalf("bad syntax: %v", err)
	}
}

// TestRegistry_NormalizeDN_roundTrip checks normalized strings parse back to the same normalized DN.
func TestRegistry_NormalizeDN_roundTrip(t *testing.T) {
	r := Default()
	for _, s := range []string{"cn=\\ lead,dc=x", `cn=a\+b+sn=c,dc=x`, "cn=#04024869", "entryUUID=597ae2f6-16a6-1027-98f4-d28b5365dc14,dc=x", "cn=a=b"} {
		n, err := r.NormalizeDNString(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		dn, err := ParseDN(n)
		if err != nil {
			t.Fatalf("normalized %q does not parse: %v", n, err)
		}
		if dn.String() != n {
			t.Fatalf("normalized %q prints as %q", n, dn.String())
		}
	}
}
