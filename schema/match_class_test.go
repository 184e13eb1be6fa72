package schema

import "testing"

// TestMatcher_Match_objectClassSubclasses: (objectClass=X) holds for an
// entry whose classes are X or subclasses of X, by name, OID or any case,
// on prepared (Norm) and raw entries alike; other classes, unknown names
// and negations keep their plain meaning.
func TestMatcher_Match_objectClassSubclasses(t *testing.T) {
	r := Default()
	tests := []struct {
		filter string
		want   Truth
	}{
		{"(objectClass=inetOrgPerson)", True},
		{"(objectClass=person)", True},
		{"(objectClass=PERSON)", True},
		{"(objectClass=2.5.6.6)", True},
		{"(objectClass=organizationalPerson)", True},
		{"(objectClass=top)", True},
		{"(objectClass=simpleSecurityObject)", True}, // the auxiliary class listed
		{"(objectClass=organizationalUnit)", False},
		{"(objectClass=alias)", False},
		{"(objectClass=residentialPerson)", False}, // a sibling subclass of person
		{"(objectClass=noSuchClass)", Undefined},   // RFC 4517 §4.2.26; slapd: Undefined
		{"(!(objectClass=person))", False},
		{"(&(objectClass=organizationalPerson)(uid=ann))", True},
		{"(|(objectClass=organizationalUnit)(objectClass=person))", True},
		{"(objectClass:=person)", True},                        // extensible match with the type's equality
		{"(objectClass:objectIdentifierMatch:=person)", False}, // a named rule compares names only
		{"(objectClass>=person)", Undefined},
	}
	for _, prepared := range []bool{false, true} {
		e := testEntry(t, "uid=ann,dc=example,dc=com", "objectClass", "inetOrgPerson", "objectClass", " simpleSecurityObject ",
			"uid", "ann", "cn", "ann", "sn", "a", "userPassword", "x")
		if prepared {
			r.PrepareEntry(e)
		}
		for _, tc := range tests {
			f, err := ParseFilter(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Match(f, e); got != tc.want {
				t.Errorf("prepared=%v %s: %v, want %v", prepared, tc.filter, got, tc.want)
			}
		}
	}
}

// TestMatcher_Match_objectClassSuperclassOnly: an entry listing only a
// superclass does not match its subclasses.
func TestMatcher_Match_objectClassSuperclassOnly(t *testing.T) {
	r := Default()
	e := testEntry(t, "cn=p,dc=example,dc=com", "objectClass", "person", "cn", "p", "sn", "p")
	for filter, want := range map[string]Truth{
		"(objectClass=person)":               True,
		"(objectClass=top)":                  True,
		"(objectClass=inetOrgPerson)":        False,
		"(objectClass=organizationalPerson)": False,
	} {
		f, err := ParseFilter(filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Match(f, e); got != want {
			t.Errorf("%s: %v, want %v", filter, got, want)
		}
	}
}

// TestMatcher_Match_objectClassUndefined: an objectClass value that does
// not normalize makes (objectClass=X) Undefined unless another value names
// X or a subclass, prepared or raw, as plain equality would.
func TestMatcher_Match_objectClassUndefined(t *testing.T) {
	r := Default()
	for _, prepared := range []bool{false, true} {
		e := testEntry(t, "cn=p,dc=example,dc=com", "objectClass", "person", "objectClass", "not a class!", "cn", "p", "sn", "p")
		if prepared {
			r.PrepareEntry(e)
			if n := e.Get("objectClass").Norm; len(n) != 2 || n[0] == nil || n[1] != nil {
				t.Fatalf("PrepareEntry: objectClass Norm = %q, want the bad value unnormalized", n)
			}
		}
		for filter, want := range map[string]Truth{
			"(objectClass=person)":             True,
			"(objectClass=top)":                True,
			"(objectClass=organizationalUnit)": Undefined,
			"(objectClass=inetOrgPerson)":      Undefined,
			"(!(objectClass=inetOrgPerson))":   Undefined,
			"(objectClass:=inetOrgPerson)":     Undefined,
		} {
			f, err := ParseFilter(filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Match(f, e); got != want {
				t.Errorf("prepared=%v %s: %v, want %v", prepared, filter, got, want)
			}
		}
	}
}
