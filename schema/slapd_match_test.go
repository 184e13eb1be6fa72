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
