package schema

import (
	"fmt"
	"strings"
	"testing"
)

// minimalCert and minimalCRL are the smallest values of the Certificate
// and Certificate List outlines: every field present, every one empty.
const (
	minimalCert = "\x30\x19\x30\x12\xa0\x03\x02\x01\x02\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00\x30\x00\x30\x00\x03\x01\x00"
	minimalCRL  = "\x30\x13\x30\x09\x30\x03\x06\x01\x2a\x30\x00\x17\x00\x30\x03\x06\x01\x2a\x03\x01\x00"
)

// TestSyntax_Validate_table checks valid and invalid values for every syntax with a validator.
var syntaxCases = []struct {
	oid     string
	valid   []string
	invalid []string
}{
	{SyntaxDirectoryString, []string{"John Smith", "Lučić", "  x "}, []string{"", "\xff\xfe"}},
	{SyntaxIA5String, []string{"foo@example.com", ""}, []string{"jöhn"}},
	{syn + "44", []string{"Hello World", "a'()+,-./:? ="}, []string{"", "a@b", "ü"}},
	{syn + "36", []string{"123 456", "0"}, []string{"", "12a", "-1"}},
	{SyntaxInteger, []string{"0", "-1", "42", "123456789012345678901234567890"}, []string{"", "-0", "007", "+1", "1.5", "-", " 1"}},
	{SyntaxBoolean, []string{"TRUE", "FALSE"}, []string{"true", "1", ""}},
	{SyntaxDN, []string{"", "cn=a,dc=b", `cn=a\,b`}, []string{"cn", "cn=a,,", "=x"}},
	{syn + "34", []string{"cn=a,dc=b", "cn=a,dc=b#'0101'B"}, []string{"cn=a#'012'B", "cn"}},
	{SyntaxOID, []string{"2.5.4.3", "cn", "a-b1"}, []string{"1", "2..5", "-a", "1a", "01.2"}},
	{SyntaxGeneralizedTime, []string{"20240102030405Z", "2024010203Z", "202401020304Z", "20240102030405.123Z", "20240102030405,5-0130", "20240229000000Z", "19991231235960Z"},
		[]string{"20240102030405", "2024010203041Z", "20241302030405Z", "20230229000000Z", "20240102250000Z", "20240102030405.Z", "20240102030405+24", "x"}},
	{syn + "53", []string{"2401020304Z", "240102030405Z", "9901020304+0100"}, []string{"2401020304", "24010203Z", "x"}},
	{syn + "50", []string{"+1 512 315 0280", "+49-151-2345"}, []string{"", "+1 (555) 123-4567 ext. 5 #"}},
	{syn + "41", []string{"1 Main St$Springfield", `a\24b$c`, `x\5Cy`}, []string{"", "a$$b", `a\zz`, `a\2`}},
	{syn + "11", []string{"DE", "us"}, []string{"DEU", "D", "ü1"}},
	{SyntaxOctetString, []string{"", "\x00\xff"}, nil},
	{syn + "6", []string{"'0101'B", "''B"}, []string{"0101", "'0102'B", "'01'"}},
	{SyntaxUUID, []string{"597ae2f6-16a6-1027-98f4-d28b5365dc14"}, []string{"597ae2f616a6102798f4d28b5365dc14", "597ae2f6-16a6-1027-98f4-d28b5365dc1g", ""}},
	{syn + "58", []string{"a*b", "*x*", "*"}, []string{"abc"}},
	{syn + "22", []string{"+1 512 315 0280", "+1 512 315 0280$fineResolution"}, []string{"+1$bogus"}},
	{syn + "14", []string{"telephone", "mhs $ telex"}, []string{"pigeon"}},
	{syn + "52", []string{"123$DE$ANS"}, []string{"123$DE"}},
	{syn + "39", []string{"internet$foo@example.com"}, []string{"internet", "intern@t$x"}},
	{"1.3.6.1.1.1.0.0", []string{"(host,user,domain)", "(,,)"}, []string{"host,user,domain"}},
	{"1.3.6.1.1.1.0.1", []string{"root=server:/export/root"}, []string{"root"}},
	{SyntaxCSN, []string{"20240101000000.000000Z#000000#000#000000"}, []string{"20240101000000Z#1#2", "x#0#0#0"}},
	{syn + "3", []string{"( 1.2.3 NAME 'x' SYNTAX 1.2.4 )"}, []string{"( 1.2.3 NAME 'x' )", "1.2.3"}},
	{syn + "37", []string{"( 1.2.3 NAME 'x' SUP top AUXILIARY )"}, []string{"( 1.2.3 BOGUS )"}},
	{syn + "54", []string{"( 1.2.3 DESC 'x' )"}, []string{"( 1.2.3 DESC )"}},
	{syn + "30", []string{"( 2.5.13.2 NAME 'caseIgnoreMatch' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )"}, []string{"( 2.5.13.2 NAME 'x' )"}},
	{syn + "31", []string{"( 2.5.13.2 APPLIES ( cn $ sn ) )"}, []string{"( 2.5.13.2 )"}},
	{syn + "16", []string{"( 2.5.6.6 AUX dcObject MUST cn NOT x )"}, []string{"( 2.5.6.6 SUP top )"}},
	{syn + "44", []string{"abc"}, []string{"a_b"}},
	{syn + "13", []string{"high"}, []string{""}},
	{syn + "51", []string{"abc$x"}, []string{"$x"}},
	{syn + "17", []string{"( 1 NAME 'r' FORM f )"}, []string{""}},
	{syn + "35", []string{"( 1.2 NAME 'f' OC x MUST cn )"}, []string{""}},
	{syn + "19", []string{"high"}, []string{""}},
	{syn + "45", []string{"{}"}, []string{""}},
	{syn + "21", []string{"person#level"}, []string{""}},
	{syn + "25", []string{"person#level"}, []string{""}},
	{syn + "42", []string{"1.2.3 x"}, []string{""}},
	{syn + "43", []string{"TELEX+00728722"}, []string{""}},
	// As slapd (certificateValidate, certificateListValidate): the
	// outline of the DER structure, fields in order, nothing after it.
	{syn + "8", []string{minimalCert},
		[]string{"", "\x30\x00", minimalCert + "\x00\x00", minimalCert[:len(minimalCert)-1], minimalCRL, "-----BEGIN CERTIFICATE-----",
			// version 1 (no [0]) with extensions
			"\x30\x18\x30\x11\x02\x01\x01\x30\x00\x30\x00\x30\x00\x30\x00\x30\x00\xa3\x02\x30\x00\x30\x00\x03\x01\x00"}},
	{syn + "9", []string{minimalCRL},
		[]string{"", "\x30\x00", minimalCRL[:len(minimalCRL)-1], minimalCert, "garbage"}},
	{syn + "10", []string{"\x30\x00"}, []string{""}},
	{syn + "23", []string{"\x00"}, []string{""}},
	{syn + "28", []string{"\xff\xd8"}, []string{""}},
	{syn + "49", []string{"\x30"}, []string{""}},
	{syn + "4", []string{"", "\x00"}, nil},
	{syn + "5", []string{"", "\x00"}, nil},
	{"1.3.6.1.4.1.4203.666.2.7", []string{"dn:cn=a"}, []string{""}},
	{"1.3.6.1.4.1.4203.666.11.10.2.1", []string{"\x30"}, []string{""}},
	{"1.3.6.1.1.15.1", []string{"\x30"}, []string{""}},
}

func TestSyntax_Validate_table(t *testing.T) {
	r := Default()
	for _, tt := range syntaxCases {
		s := r.Syntax(tt.oid)
		if s == nil {
			t.Fatalf("syntax %s missing", tt.oid)
		}
		for _, v := range tt.valid {
			if !s.Validate([]byte(v)) {
				t.Errorf("%s (%s): %q rejected", s.Desc, tt.oid, v)
			}
		}
		for _, v := range tt.invalid {
			if s.Validate([]byte(v)) {
				t.Errorf("%s (%s): %q accepted", s.Desc, tt.oid, v)
			}
		}
	}
}

// TestAttributeType_Validate_length: the {len} after a SYNTAX is a
// suggested minimum upper bound that "does not add restrictions to the
// syntax" (RFC 4512 §4.1.2), and slapd stores longer values. lightdir
// refused them as invalidAttributeSyntax ("not a valid Directory String"):
// an info value of 2,049 characters (cosine.schema's info is {2048}), a
// mail of 257 (core.schema {256}), a vendor type's value past its bound,
// and so an LDIF from slapcat that slapd holds did not import.
func TestAttributeType_Validate_length(t *testing.T) {
	r := Default()
	for _, tc := range []struct {
		name string
		n    int
		c    string
	}{{"buildingName", 257, "a"}, {"info", 2049, "x"}, {"mail", 257, "m"}} {
		at := r.AttributeType(tc.name)
		if at == nil || at.SyntaxLen == 0 || at.SyntaxLen >= tc.n {
			t.Fatalf("%s: want a bound below %d, have %+v", tc.name, tc.n, at)
		}
		if v := []byte(strings.Repeat(tc.c, tc.n)); !at.Validate(v) {
			t.Errorf("%s: a value of %d characters (bound %d) refused; slapd stores it", tc.name, tc.n, at.SyntaxLen)
		}
		if !strings.Contains(at.String(), fmt.Sprintf("{%d}", at.SyntaxLen)) {
			t.Errorf("%s: bound not published: %s", tc.name, at)
		}
	}
}

// TestSyntax_covered checks every built-in syntax has cases in the table above.
func TestSyntax_covered(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range syntaxCases {
		seen[c.oid] = true
	}
	for _, d := range builtinSyntaxes {
		if !seen[d.oid] {
			t.Errorf("syntax %s (%s) has no test cases", d.oid, d.desc)
		}
	}
}
