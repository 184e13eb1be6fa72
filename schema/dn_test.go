package schema

import (
	"errors"
	"reflect"
	"testing"
)

// TestParseDN_table checks parsing of RFC 4514 examples and lenient forms.
func TestParseDN_table(t *testing.T) {
	tests := []struct {
		in   string
		want DN
	}{
		{"", DN{}},
		{"UID=jsmith,DC=example,DC=net", DN{{{"UID", "jsmith"}}, {{"DC", "example"}}, {{"DC", "net"}}}},
		{"OU=Sales+CN=J.  Smith,DC=example,DC=net", DN{{{"OU", "Sales"}, {"CN", "J.  Smith"}}, {{"DC", "example"}}, {{"DC", "net"}}}},
		{`CN=James \"Jim\" Smith\, III,DC=example,DC=net`, DN{{{"CN", `James "Jim" Smith, III`}}, {{"DC", "example"}}, {{"DC", "net"}}}},
		{`CN=Before\0dAfter,DC=example,DC=net`, DN{{{"CN", "Before\rAfter"}}, {{"DC", "example"}}, {{"DC", "net"}}}},
		{"1.3.6.1.4.1.1466.0=#04024869", DN{{{"1.3.6.1.4.1.1466.0", "Hi"}}}},
		{`CN=Lu\C4\8Di\C4\87`, DN{{{"CN", "Lučić"}}}},
		{" cn = a b  ,  ou = x ", DN{{{"cn", "a b"}}, {{"ou", "x"}}}},
		{`cn=\ lead\ ,o=x`, DN{{{"cn", " lead "}}, {{"o", "x"}}}},
		{"cn=a;o=b", DN{{{"cn", "a"}}, {{"o", "b"}}}},
		{"cn=", DN{{{"cn", ""}}}},
		{"cn=a=b#c", DN{{{"cn", "a=b#c"}}}},
		{"oid.2.5.4.3=x", DN{{{"2.5.4.3", "x"}}}},
		{"cn=#0a01ff", DN{{{"cn", "\x0a\x01\xff"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDN(tt.in)
			if err != nil {
				t.Fatalf("ParseDN: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestParseDN_invalid checks that malformed DNs fail with ErrInvalidDN.
func TestParseDN_invalid(t *testing.T) {
	for _, in := range []string{"cn", "=a", "cn=a,", "cn=a,,o=b", "cn=a+", `cn=a\`, `cn=a\zz`, "cn=#abc", "cn=#", "c n=a", "1.=a", "cn=a<b", "cn=\"q\"", "01.2=a", "-x=a",
		"   ",                                                    // spaces alone: not the empty DN (slapd: invalidDNSyntax)
		"cn=#616263", "cn=#0403616263ff", "cn=#04", "cn=#0480"} { // hex that is not one BER element
		t.Run(in, func(t *testing.T) {
			if _, err := ParseDN(in); !errors.Is(err, ErrInvalidDN) {
				t.Fatalf("ParseDN(%q) error %v, want ErrInvalidDN", in, err)
			}
		})
	}
}

// TestDN_String_roundTrip checks that printing escapes what parsing needs.
func TestDN_String_roundTrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"UID=jsmith,DC=example,DC=net", "UID=jsmith,DC=example,DC=net"},
		{" cn = a b  ,  ou = x ", "cn=a b,ou=x"},
		{`CN=James \"Jim\" Smith\, III`, `CN=James \"Jim\" Smith\, III`},
		{`cn=\ lead\ `, `cn=\ lead\ `},
		{`cn=\#hash`, `cn=\#hash`},
		{`cn=a\+b+sn=c\;d`, `cn=a\+b+sn=c\;d`},
		{`cn=Before\0dAfter`, `cn=Before\0DAfter`},
		{`cn=x\3Cy\3E`, `cn=x\<y\>`},
		{"cn=#04024869", "cn=Hi"},
		{"cn=#0a01ff", `cn=\0A\01\FF`},
		{"cn=a=b", `cn=a\=b`},
		{`cn=Lu\C4\8Di\C4\87`, "cn=Lučić"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			dn, err := ParseDN(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			s := dn.String()
			if s != tt.want {
				t.Fatalf("String() = %q, want %q", s, tt.want)
			}
			again, err := ParseDN(s)
			if err != nil {
				t.Fatalf("reparse %q: %v", s, err)
			}
			if !again.Equal(dn) {
				t.Fatalf("reparse %q = %#v, want %#v", s, again, dn)
			}
		})
	}
}

// TestDN_Parent_IsDescendantOf checks the tree relations on exact DNs.
func TestDN_Parent_IsDescendantOf(t *testing.T) {
	mk := func(s string) DN {
		dn, err := ParseDN(s)
		if err != nil {
			t.Fatal(err)
		}
		return dn
	}
	a := mk("uid=a,ou=people,dc=example,dc=com")
	if got := a.Parent().String(); got != "ou=people,dc=example,dc=com" {
		t.Fatalf("Parent = %q", got)
	}
	if !DN(nil).Parent().IsEmpty() || !mk("dc=com").Parent().IsEmpty() {
		t.Fatal("parent of a top-level DN must be empty")
	}
	cases := []struct {
		dn, anc string
		want    bool
	}{
		{"uid=a,ou=people,dc=example,dc=com", "dc=example,dc=com", true},
		{"uid=a,ou=people,dc=example,dc=com", "DC=example,Dc=com", true},
		{"uid=a,ou=people,dc=example,dc=com", "ou=people,dc=example,dc=com", true},
		{"uid=a,ou=people,dc=example,dc=com", "uid=a,ou=people,dc=example,dc=com", false},
		{"dc=example,dc=com", "uid=a,ou=people,dc=example,dc=com", false},
		{"uid=a,ou=people,dc=example,dc=com", "dc=other,dc=com", false},
		{"dc=com", "", true},
		{"", "", false},
		{"uid=a,dc=examplex,dc=com", "dc=example,dc=com", false},
	}
	for _, c := range cases {
		if got := mk(c.dn).IsDescendantOf(mk(c.anc)); got != c.want {
			t.Errorf("%q IsDescendantOf %q = %v, want %v", c.dn, c.anc, got, c.want)
		}
	}
	if !a.IsChildOf(mk("ou=people,dc=example,dc=com")) || a.IsChildOf(mk("dc=example,dc=com")) {
		t.Fatal("IsChildOf wrong")
	}
}

var fuzzRegistry = Default()

// FuzzParseDN checks that any DN that parses prints to a string that parses to the same DN.
func FuzzParseDN(f *testing.F) {
	for _, s := range []string{"", "cn=a,dc=b", "CN=John  Smith+UID=js,dc=x", `cn=\"x\"+sn=y\,z`, "cn=#04024869", "1.2.3=a;o=b", `cn=\ a\ `, "cn=Lučić", "cn=\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dn, err := ParseDN(s)
		if err != nil {
			return
		}
		out := dn.String()
		again, err := ParseDN(out)
		if err != nil {
			t.Fatalf("reparse of %q (from %q): %v", out, s, err)
		}
		if !again.Equal(dn) {
			t.Fatalf("round trip %q -> %q changed %#v to %#v", s, out, dn, again)
		}
		n, err := fuzzRegistry.NormalizeDN(dn)
		if err != nil {
			return
		}
		if _, err := ParseDN(n.String()); err != nil {
			t.Fatalf("normalized form %q of %q does not parse: %v", n.String(), s, err)
		}
	})
}
