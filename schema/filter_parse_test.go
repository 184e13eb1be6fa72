package schema

import (
	"errors"
	"reflect"
	"testing"
)

func b(s string) []byte { return []byte(s) }

// TestParseFilter_table checks the RFC 4515 examples and the node shapes they produce.
func TestParseFilter_table(t *testing.T) {
	tests := []struct {
		in   string
		want *Filter
	}{
		{"(cn=Babs Jensen)", &Filter{Op: FilterEquality, Attr: "cn", Value: b("Babs Jensen")}},
		{"cn=Babs Jensen", &Filter{Op: FilterEquality, Attr: "cn", Value: b("Babs Jensen")}},
		{"(!(cn=Tim Howes))", &Filter{Op: FilterNot, Children: []*Filter{{Op: FilterEquality, Attr: "cn", Value: b("Tim Howes")}}}},
		{"(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))", &Filter{Op: FilterAnd, Children: []*Filter{
			{Op: FilterEquality, Attr: "objectClass", Value: b("Person")},
			{Op: FilterOr, Children: []*Filter{
				{Op: FilterEquality, Attr: "sn", Value: b("Jensen")},
				{Op: FilterSubstrings, Attr: "cn", Initial: b("Babs J")},
			}},
		}}},
		{"(o=univ*of*mich*)", &Filter{Op: FilterSubstrings, Attr: "o", Initial: b("univ"), Any: [][]byte{b("of"), b("mich")}}},
		{"(seeAlso=)", &Filter{Op: FilterEquality, Attr: "seeAlso", Value: b("")}},
		{"(cn:caseExactMatch:=Fred Flintstone)", &Filter{Op: FilterExtensible, Attr: "cn", MatchingRule: "caseExactMatch", Value: b("Fred Flintstone")}},
		{"(cn:=Betty Rubble)", &Filter{Op: FilterExtensible, Attr: "cn", Value: b("Betty Rubble")}},
		{"(sn:dn:2.4.6.8.10:=Barney Rubble)", &Filter{Op: FilterExtensible, Attr: "sn", DNAttributes: true, MatchingRule: "2.4.6.8.10", Value: b("Barney Rubble")}},
		{"(o:dn:=Ace Industry)", &Filter{Op: FilterExtensible, Attr: "o", DNAttributes: true, Value: b("Ace Industry")}},
		{"(:1.2.3:=Wilma Flintstone)", &Filter{Op: FilterExtensible, MatchingRule: "1.2.3", Value: b("Wilma Flintstone")}},
		{"(:DN:2.4.6.8.10:=Dino)", &Filter{Op: FilterExtensible, DNAttributes: true, MatchingRule: "2.4.6.8.10", Value: b("Dino")}},
		{`(o=Parens R Us \28for all your parenthetical needs\29)`, &Filter{Op: FilterEquality, Attr: "o", Value: b("Parens R Us (for all your parenthetical needs)")}},
		{`(cn=*\2A*)`, &Filter{Op: FilterSubstrings, Attr: "cn", Any: [][]byte{b("*")}}},
		{`(filename=C:\5cMyFile)`, &Filter{Op: FilterEquality, Attr: "filename", Value: b(`C:\MyFile`)}},
		{`(bin=\00\00\00\04)`, &Filter{Op: FilterEquality, Attr: "bin", Value: []byte{0, 0, 0, 4}}},
		{`(sn=Lu\c4\8di\c4\87)`, &Filter{Op: FilterEquality, Attr: "sn", Value: b("Lučić")}},
		{`(1.3.6.1.4.1.1466.0=\04\02\48\69)`, &Filter{Op: FilterEquality, Attr: "1.3.6.1.4.1.1466.0", Value: []byte{4, 2, 0x48, 0x69}}},
		{"(cn=*)", &Filter{Op: FilterPresent, Attr: "cn"}},
		{"(cn;lang-de=x*)", &Filter{Op: FilterSubstrings, Attr: "cn;lang-de", Initial: b("x")}},
		{"(cn=*x)", &Filter{Op: FilterSubstrings, Attr: "cn", Final: b("x")}},
		{"(cn=a**b)", &Filter{Op: FilterSubstrings, Attr: "cn", Initial: b("a"), Final: b("b")}},
		{"(age>=5)", &Filter{Op: FilterGreaterOrEqual, Attr: "age", Value: b("5")}},
		{"(age<=5)", &Filter{Op: FilterLessOrEqual, Attr: "age", Value: b("5")}},
		{"(sn~=smyth)", &Filter{Op: FilterApprox, Attr: "sn", Value: b("smyth")}},
		{"(&)", &Filter{Op: FilterAnd}},
		{"(|)", &Filter{Op: FilterOr}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFilter(tt.in)
			if err != nil {
				t.Fatalf("ParseFilter: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
			again, err := ParseFilter(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("round trip via %q: %v %#v", got.String(), err, again)
			}
		})
	}
}

// TestParseFilter_invalid checks that malformed filters fail with ErrInvalidFilter.
func TestParseFilter_invalid(t *testing.T) {
	for _, in := range []string{"", "()", "(cn=a", "(cn=a))", "(cn=a)(sn=b)", "(=a)", "(cn)", "(cn~a)", "(cn=a(b)", `(cn=\4)`, `(cn=\zz)`,
		"(!(a=b)(c=d))", "(!)", "(cn=**)", "(:=x)", "(cn:dn:dn:=x)", "(c n=x)", "(cn;=x)", "(cn<=a*)", "(&(cn=a)x)"} {
		t.Run(in, func(t *testing.T) {
			if f, err := ParseFilter(in); !errors.Is(err, ErrInvalidFilter) {
				t.Fatalf("ParseFilter(%q) = %v, %v; want ErrInvalidFilter", in, f, err)
			}
		})
	}
}

// TestFilter_String checks the canonical printed form, escapes included.
func TestFilter_String(t *testing.T) {
	tests := []struct{ in, want string }{
		{"cn=a", "(cn=a)"},
		{`(o=Parens R Us \28x\29)`, `(o=Parens R Us \28x\29)`},
		{`(cn=*\2A*)`, `(cn=*\2a*)`},
		{`(filename=C:\5CMyFile)`, `(filename=C:\5cMyFile)`},
		{`(bin=\00\ff)`, `(bin=\00\ff)`},
		{"(sn:dn:2.4.6.8.10:=Barney Rubble)", "(sn:dn:2.4.6.8.10:=Barney Rubble)"},
		{"(&(a=*)(!(b>=1))(c~=x)(d<=2)(e=f*g*h))", "(&(a=*)(!(b>=1))(c~=x)(d<=2)(e=f*g*h))"},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.String(); got != tt.want {
			t.Errorf("%q: String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseFilter checks that every parsed filter prints to a string that parses back to it.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"(cn=a)", "(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))", "(o=univ*of*mich*)", `(cn=\2a\00)`,
		"(sn:dn:2.4.6.8.10:=Barney Rubble)", "(!(a>=1))", "(&)", "(x~=y)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		out := flt.String()
		again, err := ParseFilter(out)
		if err != nil {
			t.Fatalf("reparse of %q (from %q): %v", out, s, err)
		}
		if !reflect.DeepEqual(again, flt) {
			t.Fatalf("round trip %q -> %q changed the filter", s, out)
		}
	})
}
