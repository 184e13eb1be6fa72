package schema

import (
	"bytes"
	"errors"
	"testing"
)

// TestMatchingRule_Normalize_equality checks, for every equality rule, which values are equal and which are not.
func TestMatchingRule_Normalize_equality(t *testing.T) {
	r := Default()
	for _, tt := range equalityCases {
		t.Run(tt.rule+"/"+tt.a+"/"+tt.b, func(t *testing.T) {
			mr := r.MatchingRule(tt.rule)
			if mr == nil || !mr.Implemented() || (mr.Kind != RuleEquality && mr.Kind != RuleApprox) {
				t.Fatalf("rule %s missing or not an equality or approximate rule", tt.rule)
			}
			na, err := mr.Normalize(nil, []byte(tt.a))
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tt.a, err)
			}
			nb, err := mr.NormalizeAssertion(nil, []byte(tt.b))
			if err != nil {
				t.Fatalf("NormalizeAssertion(%q): %v", tt.b, err)
			}
			if got := mr.Match(na, nb); got != tt.equal {
				t.Fatalf("%q vs %q: normalized %q and %q, match %v, want %v", tt.a, tt.b, na, nb, got, tt.equal)
			}
		})
	}
}

var equalityCases = []struct {
	rule  string
	a, b  string
	equal bool
}{
	{"caseIgnoreMatch", "  John   SMITH ", "john smith", true},
	{"caseIgnoreMatch", "John\tSmith", "john smith", true},
	{"caseIgnoreMatch", "Straße", "STRASSE", true},            // full case folding
	{"caseIgnoreMatch", "ǅemal", "DŽEMAL", true},              // titlecase digraph
	{"caseIgnoreMatch", "Cafe\u0301", "CAFÉ", true},           // NFKC composes
	{"caseIgnoreMatch", "ﬁle", "FILE", true},                  // compatibility ligature
	{"caseIgnoreMatch", "Ⅻ", "xii", true},                     // roman numeral: fold and NFKC do not commute
	{"caseIgnoreMatch", "a\u00a0b", "a b", true},              // no-break space is a space
	{"caseIgnoreMatch", "so\u00adft", "soft", true},           // soft hyphen maps to nothing
	{"caseIgnoreMatch", "zero\u200bwidth", "zerowidth", true}, // zero width space maps to nothing
	{"caseIgnoreMatch", "Σίσυφος", "ΣΊΣΥΦΟΣ", true},           // Greek final sigma
	{"caseIgnoreMatch", "john smith", "john  smyth", false},
	{"caseIgnoreMatch", "a b", "ab", false},
	{"caseExactMatch", "  John   Smith ", "John Smith", true},
	{"caseExactMatch", "John", "john", false},
	{"caseExactMatch", "Cafe\u0301", "Café", true},
	{"caseIgnoreIA5Match", "Foo@Example.COM ", "foo@example.com", true},
	{"caseExactIA5Match", "/home/Foo", "/home/foo", false},
	{"caseExactIA5Match", "/home/foo", "/home/foo", true},
	{"numericStringMatch", "123 456  7", "1234567", true},
	{"numericStringMatch", "1234567", "1234568", false},
	{"telephoneNumberMatch", "+49 151 2345", "+491512345", true},
	{"telephoneNumberMatch", "+1 (555) 123-4567", "+1 (555)1234567", true},
	{"telephoneNumberMatch", "+49 151 2345", "+49 151 2346", false},
	{"integerMatch", "0042", "42", true},
	{"integerMatch", "-0", "0", true},
	{"integerMatch", "-17", "17", false},
	{"integerMatch", "123456789012345678901234567890", "123456789012345678901234567890", true},
	{"booleanMatch", "TRUE", "true", true},
	{"booleanMatch", "TRUE", "FALSE", false},
	{"octetStringMatch", "abc", "abc", true},
	{"octetStringMatch", "abc", "ABC", false},
	{"objectIdentifierMatch", "Person", "2.5.6.6", true},
	{"objectIdentifierMatch", "CN", "commonName", true},
	{"objectIdentifierMatch", "unknownThing", "1.2.3.4", false}, // an unknown descr as assertion is Undefined (TestReview_unknownDescrIsUndefined)
	{"objectIdentifierMatch", "person", "2.5.6.7", false},
	{"distinguishedNameMatch", "CN=John  Smith , DC=Example,dc=COM", "cn=john smith,dc=example,dc=com", true},
	{"distinguishedNameMatch", "commonName=john smith,domainComponent=example", "2.5.4.3=John Smith,0.9.2342.19200300.100.1.25=EXAMPLE", true},
	{"distinguishedNameMatch", `cn=J\6fhn Smith,dc=x`, "cn=john smith,dc=x", true},
	{"distinguishedNameMatch", "cn=#04024869,dc=x", "cn=hi,dc=x", true},
	{"distinguishedNameMatch", "sn=b+cn=a,dc=x", "CN=A+SN=B,dc=x", true},
	{"distinguishedNameMatch", "cn=a,dc=x", "cn=a,dc=y", false},
	{"distinguishedNameMatch", "", "", true},
	{"uniqueMemberMatch", "CN=A,DC=X#'0101'B", "cn=a,dc=x#'0101'B", true},
	{"uniqueMemberMatch", "CN=A,DC=X#'0101'B", "cn=a,dc=x", false},
	{"uniqueMemberMatch", "CN=A,DC=X", "cn=a, dc=x", true},
	{"generalizedTimeMatch", "199412161032Z", "199412160532-0500", true}, // RFC 4517 §3.3.13 example
	{"generalizedTimeMatch", "20240102030405Z", "20240102040405+0100", true},
	{"generalizedTimeMatch", "202401020304Z", "20240102030400Z", true},
	{"generalizedTimeMatch", "2024010203Z", "20240102030000.000Z", true},
	{"generalizedTimeMatch", "2024010203.5Z", "20240102033000Z", true},
	{"generalizedTimeMatch", "20240102030405,25Z", "20240102030405.250Z", true},
	{"generalizedTimeMatch", "20240102030405Z", "20240102030406Z", false},
	{"UUIDMatch", "597ae2f6-16a6-1027-98f4-d28b5365dc14", "597AE2F6-16A6-1027-98F4-D28B5365DC14", true},
	{"UUIDMatch", "597ae2f6-16a6-1027-98f4-d28b5365dc14", "597ae2f6-16a6-1027-98f4-d28b5365dc15", false},
	{"caseIgnoreListMatch", "1 Main  St$Springfield", "1 MAIN ST $ springfield", true},
	{"caseIgnoreListMatch", `a\24b$c`, `A\24B $ C`, true},
	{"caseIgnoreListMatch", "a$b", "a b", false},
	{"bitStringMatch", "'0101'B", "'0101'B", true},
	{"bitStringMatch", "'0101'B", "'0100'B", false},
	{"CSNMatch", "20240101000000.000000Z#000000#000#000000", "20240101000000.000000Z#000000#000#000000", true},
	{"objectIdentifierFirstComponentMatch", "( 2.5.4.3 NAME 'cn' SUP name )", "cn", true},
	{"integerFirstComponentMatch", "( 1 NAME 'rule' FORM x )", "01", true},
	{"directoryStringFirstComponentMatch", "( Foo  Bar )", "foo", true},
	{"presentationAddressMatch", "TELEX+00728722+RFC-1006+03+10.0.0.6", "TELEX+00728722+RFC-1006+03+10.0.0.6", true},
	{"protocolInformationMatch", "1.2.3 x", "1.2.3 y", false},
	{"certificateExactMatch", "\x30\x03\x02\x01\x05", "\x30\x03\x02\x01\x05", true},
	{"attributeCertificateExactMatch", "\x30\x01", "\x30\x02", false},
	{"authzMatch", "dn:cn=a", "dn:cn=a", true},
	{"keywordMatch", "Linux, Unix; BSD", "unix", true},
	{"keywordMatch", "Linux, Unix; BSD", "windows", false},
	{"wordMatch", "the quick  brown fox", "QUICK", true},
	{"wordMatch", "the quick brown fox", "quick brown", false},
	{"directoryStringApproxMatch", "Jon Smyth", "john smith", true},
	{"directoryStringApproxMatch", "John Smith", "peter", false},
	{"IA5StringApproxMatch", "Jensen", "jenson", true},
	{"dnSubtreeMatch", "uid=a,ou=People,dc=x", "dc=X", true},
	{"dnSubtreeMatch", "dc=x", "dc=x", true},
	{"dnOneLevelMatch", "uid=a,ou=people,dc=x", "dc=x", false},
	{"dnSubordinateMatch", "dc=x", "dc=x", false},
	{"dnSuperiorMatch", "dc=x", "uid=a,dc=x", true},
	{"integerBitAndMatch", "1001", "9", true},
	{"integerBitAndMatch", "1001", "3", false},
	{"integerBitAndMatch", "-1", "9223372036854775807", true},
	{"integerBitOrMatch", "1001", "6", false},
	{"integerBitOrMatch", "-6", "0002", true},
}

// TestMatchingRule_Normalize_forms checks exact normalized forms that index keys depend on.
func TestMatchingRule_Normalize_forms(t *testing.T) {
	r := Default()
	tests := []struct{ rule, in, want string }{
		{"caseIgnoreMatch", "  John   SMITH ", "john smith"},
		{"caseIgnoreMatch", "   ", ""},
		{"caseExactMatch", " A  b ", "A b"},
		{"telephoneNumberMatch", "+49 151-2345", "+491512345"},
		{"numericStringMatch", " 1 2 3 ", "123"},
		{"integerMatch", "-000120", "-120"},
		{"integerMatch", "+5", "5"},
		{"generalizedTimeMatch", "20240102040405.5000+0100", "20240102030405.5Z"},
		{"distinguishedNameMatch", "UID=A+CN=B , OU=People,DC=Example", "cn=b+uid=a,ou=people,dc=example"},
		{"distinguishedNameMatch", "CN=a\\,b,DC=x", `cn=a\,b,dc=x`},
		{"objectIdentifierMatch", "inetOrgPerson", "2.16.840.1.113730.3.2.2"},
		{"UUIDMatch", "597ae2f6-16a6-1027-98f4-d28b5365dc14", "\x59\x7a\xe2\xf6\x16\xa6\x10\x27\x98\xf4\xd2\x8b\x53\x65\xdc\x14"},
		{"directoryStringApproxMatch", "John  Smythe", "jn smt"},
		{"caseIgnoreIA5Match", "Foo@BAR", "foo@bar"},
	}
	for _, tt := range tests {
		mr := r.MatchingRule(tt.rule)
		got, err := mr.Normalize([]byte("prefix:"), []byte(tt.in))
		if err != nil {
			t.Errorf("%s(%q): %v", tt.rule, tt.in, err)
			continue
		}
		if string(got) != "prefix:"+tt.want {
			t.Errorf("%s(%q) = %q, want %q (appended to dst)", tt.rule, tt.in, got, "prefix:"+tt.want)
		}
	}
}

// TestMatchingRule_Normalize_invalid checks that values outside a rule's syntax fail to normalize.
func TestMatchingRule_Normalize_invalid(t *testing.T) {
	r := Default()
	tests := []struct{ rule, in string }{
		{"integerMatch", "12a"}, {"integerMatch", ""}, {"integerMatch", "-"},
		{"booleanMatch", "yes"},
		{"numericStringMatch", "12-3"},
		{"caseIgnoreIA5Match", "jöhn"},
		{"caseIgnoreMatch", "bad \xff utf8"},
		{"caseIgnoreMatch", "private \ue000 use"},
		{"generalizedTimeMatch", "20241302000000Z"}, {"generalizedTimeMatch", "20240230000000Z"}, {"generalizedTimeMatch", "20240101000000"},
		{"generalizedTimeMatch", "2024010100Z0"},
		{"UUIDMatch", "597ae2f6-16a6-1027-98f4-d28b5365dc1"},
		{"distinguishedNameMatch", "cn=a,,dc=x"}, {"distinguishedNameMatch", "noSuchType=a"},
		{"objectIdentifierMatch", "1..2"}, {"bitStringMatch", "'012'B"},
	}
	for _, tt := range tests {
		if n, err := r.MatchingRule(tt.rule).Normalize(nil, []byte(tt.in)); err == nil {
			t.Errorf("%s(%q) = %q, want an error", tt.rule, tt.in, n)
		}
	}
	loaded := &MatchingRule{OID: "1.2.3.4"}
	if _, err := loaded.Normalize(nil, []byte("x")); !errors.Is(err, ErrInappropriateMatching) {
		t.Errorf("unimplemented rule: %v", err)
	}
}

// TestMatchingRule_Compare_ordering checks ordering rules order by value, not by bytes.
var orderingCases = []struct {
	rule string
	a, b string
	sign int
}{
	{"integerOrderingMatch", "9", "12", -1},
	{"integerOrderingMatch", "-12", "-9", -1},
	{"integerOrderingMatch", "-1", "0", -1},
	{"integerOrderingMatch", "007", "7", 0},
	{"integerOrderingMatch", "100000000000000000000", "99999999999999999999", 1},
	{"generalizedTimeOrderingMatch", "20240101000000Z", "20240101000000.5Z", -1},
	{"generalizedTimeOrderingMatch", "20240101000000.05Z", "20240101000000.5Z", -1},
	{"generalizedTimeOrderingMatch", "20240101010000+0100", "20240101000000Z", 0},
	{"generalizedTimeOrderingMatch", "19991231235959Z", "20000101000000Z", -1},
	{"caseIgnoreOrderingMatch", "apple", "BANANA", -1},
	{"caseExactOrderingMatch", "B", "a", -1},
	{"numericStringOrderingMatch", "1 2", "13", -1},
	{"octetStringOrderingMatch", "\x01", "\x02", -1},
	{"UUIDOrderingMatch", "00000000-0000-0000-0000-000000000001", "10000000-0000-0000-0000-000000000000", -1},
	{"CSNOrderingMatch", "20240101000000.000000Z#000000#000#000000", "20240101000000.000001Z#000000#000#000000", -1},
}

func TestMatchingRule_Compare_ordering(t *testing.T) {
	r := Default()
	for _, tt := range orderingCases {
		mr := r.MatchingRule(tt.rule)
		if mr == nil || mr.Kind != RuleOrdering {
			t.Fatalf("%s is not an ordering rule", tt.rule)
		}
		na, err1 := mr.Normalize(nil, []byte(tt.a))
		nb, err2 := mr.Normalize(nil, []byte(tt.b))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", tt.rule, err1, err2)
		}
		got := mr.Compare(na, nb)
		if got < 0 {
			got = -1
		} else if got > 0 {
			got = 1
		}
		if got != tt.sign {
			t.Errorf("%s(%q, %q) = %d, want %d", tt.rule, tt.a, tt.b, got, tt.sign)
		}
	}
}

// TestMatchingRule_NormalizeSubstring checks chunk preparation and substring matching for every substrings rule.
var substringCases = []struct {
	rule           string
	value          string
	initial, final string
	any            []string
	want           bool
}{
	{"caseIgnoreSubstringsMatch", "John  Smith", "JOHN ", "", nil, true},
	{"caseIgnoreSubstringsMatch", "John Smith", "", "  smith", nil, true},
	{"caseIgnoreSubstringsMatch", "John Smith", "", "", []string{"  SMI"}, true},
	{"caseIgnoreSubstringsMatch", "John Smith", "johns", "", nil, false},
	{"caseIgnoreSubstringsMatch", "abcabc", "abc", "abc", nil, true},
	{"caseIgnoreSubstringsMatch", "abc", "abc", "abc", nil, false}, // initial and final must not overlap
	{"caseIgnoreSubstringsMatch", "Straße", "STRASS", "", nil, true},
	{"caseExactSubstringsMatch", "John Smith", "john", "", nil, false},
	{"caseExactSubstringsMatch", "John Smith", "John", "", nil, true},
	{"caseIgnoreIA5SubstringsMatch", "Foo@Example.com", "", "@EXAMPLE.COM", nil, true},
	{"caseExactIA5SubstringsMatch", "/home/Foo", "/home/F", "", nil, true},
	{"caseExactIA5SubstringsMatch", "/home/Foo", "/home/f", "", nil, false},
	{"numericStringSubstringsMatch", "123 456", "", "", []string{"3 4"}, true},
	{"telephoneNumberSubstringsMatch", "+49 151 2345", "+49151", "", nil, true},
	{"telephoneNumberSubstringsMatch", "+491512345", "", "", []string{"1-23"}, true},
	{"octetStringSubstringsMatch", "AbC  d", "Ab", "C  d", nil, true},
	{"octetStringSubstringsMatch", "AbC  d", "", "", []string{"c"}, false},
	// RFC 4517 §4.2.12: no substring of the assertion matches across two
	// lines of the value (slapd 2.5 agrees).
	{"caseIgnoreListSubstringsMatch", "1 Main St$Springfield", "", "", []string{"st spring"}, false},
	{"caseIgnoreListSubstringsMatch", "1 Main St$Springfield", "", "", []string{"main st"}, true},
	{"caseIgnoreListSubstringsMatch", "1 Main St$Springfield", "", "", []string{"st", "spring"}, true},
	{"caseIgnoreListSubstringsMatch", "1 Main St $ Springfield $ USA", "1 MAIN", "usa", []string{"SPRINGFIELD"}, true},
	{"caseIgnoreListSubstringsMatch", "A$B", "", "", []string{"a b"}, false},
	{"caseIgnoreListSubstringsMatch", "A$B", "a b", "", nil, false},
	{"caseIgnoreListSubstringsMatch", "A$B", "", "a b", nil, false},
}

func TestMatchingRule_NormalizeSubstring(t *testing.T) {
	r := Default()
	for _, tt := range substringCases {
		t.Run(tt.rule+"/"+tt.value, func(t *testing.T) {
			mr := r.MatchingRule(tt.rule)
			if mr == nil || mr.Kind != RuleSubstrings {
				t.Fatalf("%s is not a substrings rule", tt.rule)
			}
			nv, err := mr.Normalize(nil, []byte(tt.value))
			if err != nil {
				t.Fatal(err)
			}
			var ini, fin []byte
			if tt.initial != "" {
				ini, _ = mr.NormalizeSubstring(nil, []byte(tt.initial), SubInitial)
			}
			if tt.final != "" {
				fin, _ = mr.NormalizeSubstring(nil, []byte(tt.final), SubFinal)
			}
			var anys [][]byte
			for _, a := range tt.any {
				n, _ := mr.NormalizeSubstring(nil, []byte(a), SubAny)
				anys = append(anys, n)
			}
			if got := MatchSubstrings(nv, ini, anys, fin); got != tt.want {
				t.Fatalf("value %q initial %q any %q final %q: %v, want %v", nv, ini, anys, fin, got, tt.want)
			}
		})
	}
}

// TestAssertion_matchesIndexForm checks that the Assertion value of an equality filter is
// byte-identical to the normalized attribute value an index would store.
func TestAssertion_matchesIndexForm(t *testing.T) {
	r := Default()
	pairs := []struct{ filter, attr, value, key string }{
		{"(cn=  John   SMITH)", "cn", "john smith", "john smith"},
		{"(telephoneNumber=+49 151 2345)", "telephoneNumber", "+491512345", "+491512345"},
		{"(mobile=+49-170-0004242)", "mobile", "+491700004242", "+491700004242"},
		{"(manager=UID=Boss , DC=Example)", "manager", "uid=boss,dc=example", "uid=boss,dc=example"},
		{"(objectClass=Person)", "objectClass", "person", "2.5.6.6"},
	}
	for _, p := range pairs {
		f, err := ParseFilter(p.filter)
		if err != nil {
			t.Fatal(err)
		}
		a, err := r.Assertion(f)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := r.AttributeType(p.attr).NormalizeValue(nil, []byte(p.value))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Value, stored) || string(stored) != p.key {
			t.Errorf("%s: assertion key %q, stored key %q, want both %q", p.filter, a.Value, stored, p.key)
		}
	}
}

// TestMatchingRule_covered checks every built-in matching rule has cases in the tables above.
func TestMatchingRule_covered(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range equalityCases {
		seen[c.rule] = true
	}
	for _, c := range orderingCases {
		seen[c.rule] = true
	}
	for _, c := range substringCases {
		seen[c.rule] = true
	}
	for _, d := range builtinRules {
		if !seen[d.name] {
			t.Errorf("matching rule %s has no test cases", d.name)
		}
	}
}
