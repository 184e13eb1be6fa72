package schema

import "testing"

// Matching where slapd 2.5 and the RFCs decide. Expected values are slapd's
// answers (the differential tests in tests/integration/slapd_match_test.go
// compare with a running slapd) and the RFC sections named.

func matchBoth(t *testing.T, r *Registry, e *Entry, cases map[string]Truth) {
	t.Helper()
	for s, want := range cases {
		f, err := ParseFilter(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Match(f, e); got != want {
			t.Errorf("Match(%s) = %v, want %v", s, got, want)
		}
		p := *e
		p.Attrs = append([]Attribute(nil), e.Attrs...)
		r.PrepareEntry(&p)
		if got := r.Match(f, &p); got != want {
			t.Errorf("prepared: Match(%s) = %v, want %v", s, got, want)
		}
	}
}

func posixEntry(t *testing.T) *Entry {
	return testEntry(t, "uid=u1,ou=people,dc=example,dc=com",
		"objectClass", "inetOrgPerson", "objectClass", "posixAccount", "structuralObjectClass", "inetOrgPerson",
		"uid", "u1", "cn", "John Smith", "sn", "Smith", "uidNumber", "1000", "gidNumber", "0",
		"homeDirectory", "/home/u1", "hasSubordinates", "FALSE")
}

// slapd 2.5 defines uidNumber and gidNumber with ORDERING
// integerOrderingMatch, so (uidNumber>=1000) is TRUE for uidNumber 1000.
func TestSchema_uidNumberGidNumberOrdering(t *testing.T) {
	r := Default()
	for _, n := range []string{"uidNumber", "gidNumber"} {
		if at := r.AttributeType(n); at.Ordering == nil || at.Ordering.Name() != "integerOrderingMatch" {
			t.Errorf("%s: ORDERING %v, want integerOrderingMatch", n, at.Ordering)
		}
	}
	matchBoth(t, r, posixEntry(t), map[string]Truth{
		"(uidNumber>=1000)": True, "(uidNumber>=999)": True, "(uidNumber>=1001)": False,
		"(uidNumber<=-1)": False, "(gidNumber<=0)": True, "(gidNumber>=-3)": True,
	})
}

// An assertion value the rule's assertion syntax refuses makes the
// item Undefined (RFC 4511 §4.5.1.7): Integer has no leading zeros, '+'
// or "-0" (RFC 4517 §3.3.16), Boolean is "TRUE" or "FALSE" (§3.3.3),
// Directory String is 1*UTF8 (§3.3.6), an OID has no spaces (§3.3.26).
func TestMatch_invalidAssertionValueIsUndefined(t *testing.T) {
	matchBoth(t, Default(), posixEntry(t), map[string]Truth{
		"(uidNumber=01000)": Undefined, "(uidNumber=+1000)": Undefined, "(!(uidNumber=01000))": Undefined,
		"(gidNumber=-0)": Undefined, "(gidNumber=00)": Undefined, "(uidNumber=1000)": True,
		"(hasSubordinates=false)": Undefined, "(hasSubordinates=FALSE)": True,
		"(cn=)": Undefined, "(!(cn=))": Undefined,
		"(objectClass=person )": Undefined, "(objectClass=person)": True,
		"(uidNumber:integerMatch:=01000)": Undefined,
	})
}

// objectIdentifierMatch: "If an LDAP client supplies an assertion value
// in the <descr> form and the chosen descriptor is not recognized by the
// server, then the objectIdentifierMatch rule evaluates to Undefined."
// (RFC 4517 §4.2.26).
func TestMatch_unknownDescrIsUndefined(t *testing.T) {
	matchBoth(t, Default(), posixEntry(t), map[string]Truth{
		"(objectClass=noSuchClass)": Undefined, "(!(objectClass=noSuchClass))": Undefined,
		"(|(objectClass=noSuchClass)(uid=u1))": True, "(objectClass=posixAccount)": True,
	})
}

// slapd matches structuralObjectClass with objectSubClassMatch, as it
// does objectClass.
func TestMatch_structuralObjectClassSubclasses(t *testing.T) {
	matchBoth(t, Default(), posixEntry(t), map[string]Truth{
		"(structuralObjectClass=person)": True, "(structuralObjectClass=organizationalPerson)": True,
		"(structuralObjectClass=inetOrgPerson)": True, "(structuralObjectClass=posixAccount)": False,
	})
}

// The Directory String rules apply, in extensible matches, to Telephone
// Number values too: RFC 4517 §3.3.31 makes TelephoneNumber a
// PrintableString, and slapd 2.5 lists telephoneNumber, homePhone, mobile,
// pager and facsimile numbers' syntax among caseIgnoreMatch's and
// caseExactMatch's compatible syntaxes (its matchingRuleUse says so).
// lightdir answered Undefined, so (telephoneNumber:caseExactMatch:=...)
// found nothing where slapd finds the entry.
func TestMatch_directoryStringRulesOnTelephoneNumber(t *testing.T) {
	e := testEntry(t, "cn=p1,dc=example,dc=com", "objectClass", "person", "cn", "p1", "sn", "s",
		"telephoneNumber", "+1 555-123 4567")
	matchBoth(t, Default(), e, map[string]Truth{
		"(telephoneNumber:caseExactMatch:=+1 555-123 4567)":    True,
		"(telephoneNumber:caseExactMatch:=+1 5551234567)":      False,
		"(telephoneNumber:caseIgnoreMatch:=+1  555-123 4567)":  True,
		"(telephoneNumber:caseIgnoreOrderingMatch:=+2)":        True,
		"(:caseExactMatch:=+1 555-123 4567)":                   True,
		"(telephoneNumber:telephoneNumberMatch:=15551234567)":  False,
		"(telephoneNumber:telephoneNumberMatch:=+15551234567)": True,
	})
	mr := Default().MatchingRule("caseExactMatch")
	if !ruleApplies(mr, Default().AttributeType("telephoneNumber")) {
		t.Errorf("caseExactMatch does not apply to telephoneNumber")
	}
}

// The Directory String rules do not apply to IA5 String or Numeric String
// attributes in extensible matches: slapd 2.5's matchingRuleUse of
// caseIgnoreMatch, caseExactMatch and caseIgnoreOrderingMatch lists
// neither mail, homeDirectory, dc nor x121Address, and
// (mail:caseIgnoreMatch:=...) is Undefined there. lightdir applied them,
// so such filters, and (:caseIgnoreOrderingMatch:=...) without a type,
// returned entries slapd does not.
func TestMatch_directoryStringRulesNotOnIA5(t *testing.T) {
	e := testEntry(t, "uid=u1,dc=example,dc=com", "objectClass", "inetOrgPerson", "objectClass", "posixAccount",
		"objectClass", "extensibleObject", "uid", "u1", "cn", "c", "sn", "s", "uidNumber", "1", "gidNumber", "1",
		"homeDirectory", "/home/u1", "mail", "John@example.com", "x121Address", "123")
	matchBoth(t, Default(), e, map[string]Truth{
		"(mail:caseIgnoreMatch:=john@example.com)":    Undefined,
		"(mail:2.5.13.5:=John@example.com)":           Undefined,
		"(homeDirectory:caseIgnoreMatch:=/home/u1)":   Undefined,
		"(mail:caseIgnoreOrderingMatch:=k)":           Undefined,
		"(x121Address:caseIgnoreMatch:=123)":          Undefined,
		"(mail:caseIgnoreIA5Match:=JOHN@example.com)": True,
		"(:caseIgnoreMatch:=john@example.com)":        False,
		"(:caseIgnoreIA5Match:=john@example.com)":     True,
		"(:caseIgnoreOrderingMatch:=d)":               True, // cn and sn
		"(:caseIgnoreOrderingMatch:=a)":               False,
	})
	for _, n := range []string{"mail", "homeDirectory", "dc", "x121Address"} {
		if ruleApplies(Default().MatchingRule("caseIgnoreMatch"), Default().AttributeType(n)) {
			t.Errorf("caseIgnoreMatch applies to %s", n)
		}
	}
}

// An approximate match on a type without an approximate rule is an
// equality match (RFC 4511 §4.5.1.7.6), and objectClass equality holds for
// subclasses: slapd finds every inetOrgPerson entry with
// (objectClass~=person) and every entry with (objectClass~=top). lightdir
// compared the names only and found neither.
func TestMatch_approxOnObjectClassIsEquality(t *testing.T) {
	matchBoth(t, Default(), posixEntry(t), map[string]Truth{
		"(objectClass~=person)": True, "(objectClass~=top)": True, "(!(objectClass~=top))": False,
		"(structuralObjectClass~=person)": True, "(structuralObjectClass~=2.5.6.6)": True,
		"(objectClass~=inetOrgPerson)": True, "(objectClass~=groupOfNames)": False,
		"(objectClass~=noSuchClass)": Undefined,
	})
}

// RFC 4512 §2.5: "Servers SHALL treat an attribute description with an
// unrecognized attribute option as unrecognized", so a filter item on one
// is Undefined (RFC 4511 §4.5.1.7) and so is its NOT; slapd 2.5 answers
// so. lightdir ignored ;binary on a Directory String and made an unknown
// option FALSE, so (!(uid;foo=u1)) returned every entry.
func TestMatch_unrecognizedOptionIsUndefined(t *testing.T) {
	matchBoth(t, Default(), posixEntry(t), map[string]Truth{
		"(uid;foo=u1)": Undefined, "(!(uid;foo=u1))": Undefined, "(!(uid;foo=*u*))": Undefined,
		"(cn;binary=John Smith)": Undefined, "(!(cn;binary=*))": True, // Present: FALSE, as for an unknown type "(uid;foo:=u1)": Undefined,
		"(uid;lang-en=u1)": False, "(!(uid;lang-en=u1))": True, "(uid;x-private=u1)": False,
	})
}

// The AVAs of an entry's DN have types without options, so an extensible
// match with dnAttributes on cn;lang-en does not look at the RDN's cn
// (slapd 2.5 finds cn=John Smith,... with (cn:dn:=John Smith) but not with
// (cn;lang-en:dn:=John Smith)); lightdir ignored the options there.
func TestMatch_dnAttributesWithOptions(t *testing.T) {
	e := testEntry(t, "cn=John Smith,ou=people,dc=example,dc=com", "objectClass", "person", "cn", "Johnny",
		"cn;lang-de", "Johann", "sn", "Smith")
	matchBoth(t, Default(), e, map[string]Truth{
		"(cn:dn:=John Smith)": True, "(cn;lang-en:dn:=John Smith)": False, "(CN;LANG-DE:dn:=John Smith)": False,
		"(cn;lang-de:dn:=Johann)": True, "(ou;lang-en:dn:=people)": False, "(ou:dn:=people)": True,
		"(!(cn;lang-en:dn:=John Smith))": True,
	})
}

// slapd 2.5 implements the Active Directory bitwise rules
// integerBitAndMatch (1.2.840.113556.1.4.803: all asserted bits set) and
// integerBitOrMatch (1.2.840.113556.1.4.804: any asserted bit set) on
// INTEGER values and publishes them in cn=Subschema; clients use them as
// (userAccountControl:1.2.840.113556.1.4.803:=2). lightdir did not know
// them, so such filters matched nothing.
func TestMatch_integerBitRules(t *testing.T) {
	e := testEntry(t, "uid=u1,ou=people,dc=example,dc=com",
		"objectClass", "inetOrgPerson", "objectClass", "posixAccount", "structuralObjectClass", "inetOrgPerson",
		"uid", "u1", "cn", "u", "sn", "u", "uidNumber", "1001", "gidNumber", "-6", "homeDirectory", "/home/u1")
	matchBoth(t, Default(), e, map[string]Truth{
		"(uidNumber:1.2.840.113556.1.4.803:=1)":                True, // 1001 = 0b1111101001
		"(uidNumber:integerBitAndMatch:=9)":                    True,
		"(uidNumber:integerBitAndMatch:=3)":                    False,
		"(uidNumber:1.2.840.113556.1.4.804:=6)":                False,
		"(uidNumber:integerBitOrMatch:=3)":                     True,
		"(gidNumber:integerBitAndMatch:=2)":                    True, // -6 = ...11010 in two's complement
		"(gidNumber:integerBitAndMatch:=4)":                    False,
		"(:integerBitAndMatch:=8)":                             True,
		"(uidNumber:integerBitAndMatch:=01)":                   Undefined, // not an INTEGER
		"(cn:integerBitAndMatch:=1)":                           Undefined, // not an INTEGER attribute
		"(!(uidNumber:integerBitOrMatch:=16))":                 True,
		"(uidNumber:integerBitAndMatch:=99999999999999999999)": Undefined, // out of range, as in slapd
	})
}

// octetStringSubstringsMatch (X.520's 2.5.13.19) is built into slapd, so a schema file may name it as SUBSTR; lightdir
// refused to load such a file ("unresolved reference").
func TestSchema_octetStringSubstringsMatch(t *testing.T) {
	r := Default()
	text := "attributetype ( 1.3.6.1.4.1.99999.1 NAME 'blob' EQUALITY octetStringMatch SUBSTR octetStringSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )\n" +
		"objectclass ( 1.3.6.1.4.1.99999.2 NAME 'blobHolder' SUP top AUXILIARY MAY blob )\n"
	if err := r.LoadSchemaFile("blob.schema", []byte(text)); err != nil {
		t.Fatal(err)
	}
	e := testEntry(t, "cn=b,dc=example,dc=com", "objectClass", "device", "objectClass", "blobHolder", "cn", "b", "blob", "AbC  d")
	matchBoth(t, r, e, map[string]Truth{
		"(blob=Ab*)": True, "(blob=ab*)": False, "(blob=*C  d)": True, "(blob=*C d)": False, "(blob=*b*)": True,
		`(blob:octetStringSubstringsMatch:=A\2Ad)`: True,
	})
}
