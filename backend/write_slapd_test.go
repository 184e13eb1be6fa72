package backend

import (
	"context"
	"errors"
	"strings"
	"testing"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// TestModify_removingRDNValueIsNamingViolation: slapd 2.5 answers a
// modify that removes (replace, delete value, delete attribute) the value
// the RDN names with namingViolation (64), not notAllowedOnRDN (67), and
// changes nothing.
func TestModify_removingRDNValueIsNamingViolation(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	alice := mustDN(t, "uid=alice,ou=people,dc=example,dc=com")
	for name, ch := range map[string]ldapserver.Change{
		"replace":      change(ldapserver.ModReplace, "uid", "other"),
		"delete value": change(ldapserver.ModDelete, "uid", "alice"),
		"delete attr":  change(ldapserver.ModDelete, "uid"),
	} {
		_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: alice, Changes: []ldapserver.Change{ch}})
		if codeOf(err) != ldapserver.NamingViolation {
			t.Errorf("%s: %v, want namingViolation (slapd)", name, err)
		}
	}
}

// TestModify_incrementNeedsIntegerSyntax: slapd refuses increment on an
// attribute whose syntax is not INTEGER with constraintViolation (19,
// "attribute syntax inappropriate for increment") and leaves the value.
func TestModify_incrementNeedsIntegerSyntax(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	alice := mustDN(t, "uid=alice,ou=people,dc=example,dc=com")
	if _, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: alice,
		Changes: []ldapserver.Change{change(ldapserver.ModReplace, "description", "5")}}); err != nil {
		t.Fatal(err)
	}
	_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: alice,
		Changes: []ldapserver.Change{change(ldapserver.ModIncrement, "description", "1")}})
	if codeOf(err) != ldapserver.ConstraintViolation {
		t.Errorf("increment of description: %v, want constraintViolation (slapd)", err)
	}
	c, _ := doSearch(t, b, alice.String(), ldapserver.ScopeBase, "(objectClass=*)", "description")
	if got := strings.Join(c.attr(0, "description"), ","); got != "5" {
		t.Errorf("description after the refused increment: %q", got)
	}
}

// TestModifyDN_caseOnlyRenameDeletesOldSpelling: renaming cn=Foo to cn=FOO with
// deleteoldrdn replaces the naming value by the new spelling in slapd
// (the entry then holds cn: FOO); the old spelling must not stay.
func TestModifyDN_caseOnlyRenameDeletesOldSpelling(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	mustAdd(t, b, "cn=Foo,ou=people,dc=example,dc=com", "objectClass: person", "cn: Foo", "sn: bar")
	if _, err := b.ModifyDN(ctx, &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: mustDN(t, "cn=Foo,ou=people,dc=example,dc=com"),
		NewRDN: mustDN(t, "cn=FOO")[0], DeleteOldRDN: true}); err != nil {
		t.Fatal(err)
	}
	c, _ := doSearch(t, b, "ou=people,dc=example,dc=com", ldapserver.ScopeOne, "(cn=foo)", "cn")
	if len(c.entries) != 1 || strings.Join(c.attr(0, "cn"), ",") != "FOO" || c.entries[0].DN != "cn=FOO,ou=people,dc=example,dc=com" {
		var got []string
		for i := range c.entries {
			got = append(got, c.entries[i].DN+" cn="+strings.Join(c.attr(i, "cn"), ","))
		}
		t.Errorf("after rename: %v, want [cn=FOO,ou=people,dc=example,dc=com cn=FOO]", got)
	}
}

// TestFindAttr: a change names the attribute of the same type (by any name
// or OID) with the same set of tag options, in any order and case, as
// slapd does ("givenName;lang-fr;lang-de" adds to
// "givenName;lang-de;lang-fr"); an undefined type by its description.
func TestFindAttr(t *testing.T) {
	b := openTest(t, testOptions(t))
	e := &schema.Entry{Attrs: []schema.Attribute{{Desc: "cn"}, {Desc: "cn;lang-de;lang-fr"}, {Desc: "2.5.4.4"}, {Desc: "x-unknown;Opt"}}}
	for desc, want := range map[string]int{
		"commonName": 0, "CN;Lang-FR;lang-de": 1, "cn;lang-fr;lang-de": 1, "cn;lang-de": -1, "cn;lang-de;lang-fr;lang-en": -1,
		"sn": 2, "surname": 2, "X-Unknown;opt": 3, "x-unknown": -1, "mail": -1,
	} {
		if got := findAttr(b.reg, e, desc); got != want {
			t.Errorf("findAttr(%q) = %d, want %d", desc, got, want)
		}
	}
}

// TestLongRDN_refusedClearly: the DN tree keys an entry by its parent and
// normalized RDN, so an RDN past the engine's key size cannot be stored. An
// add and a rename to such an RDN are both unwillingToPerform "RDN too long"
// and change nothing; the rename used to fail as an internal error (80).
func TestLongRDN_refusedClearly(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	long := strings.Repeat("x", 600)
	if _, err := b.Add(ctx, addReq(t, "cn="+long+",ou=people,dc=example,dc=com", "objectClass: person", "cn: "+long, "sn: s")); codeOf(err) != ldapserver.UnwillingToPerform {
		t.Fatalf("add with a 600-byte RDN: %v, want unwillingToPerform", err)
	}
	mustAdd(t, b, "cn=short,ou=people,dc=example,dc=com", "objectClass: person", "cn: short", "sn: s")
	_, err := b.ModifyDN(ctx, modDNReq(t, "cn=short,ou=people,dc=example,dc=com", "cn="+long, true, ""))
	if codeOf(err) != ldapserver.UnwillingToPerform || !strings.Contains(err.Error(), "RDN too long") {
		t.Fatalf("rename to a 600-byte RDN: %v, want unwillingToPerform (RDN too long)", err)
	}
	c, _ := doSearch(t, b, "ou=people,dc=example,dc=com", ldapserver.ScopeOne, "(cn=short)", "cn")
	if len(c.entries) != 1 || c.entries[0].DN != "cn=short,ou=people,dc=example,dc=com" {
		t.Fatalf("after the refused rename: %d entries", len(c.entries))
	}
}

// TestModifyDN_newSuperiorBelowEntryByName: slapd refuses a new superior
// at or below the entry with unwillingToPerform by name alone, also when
// that superior (or the entry itself) does not exist; lightdir looked the
// superior up first and answered noSuchObject.
func TestModifyDN_newSuperiorBelowEntryByName(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	for _, c := range [][2]string{
		{"ou=people,dc=example,dc=com", "cn=nope,ou=people,dc=example,dc=com"},
		{"uid=alice,ou=people,dc=example,dc=com", "cn=nope,cn=nope,uid=alice,ou=people,dc=example,dc=com"},
		{"cn=nope,ou=people,dc=example,dc=com", "cn=x,cn=nope,ou=people,dc=example,dc=com"},
		{"uid=alice,ou=people,dc=example,dc=com", "UID=Alice,ou=people,dc=example,dc=com"},
	} {
		_, err := b.ModifyDN(ctx, modDNReq(t, c[0], "cn=x", true, c[1]))
		if codeOf(err) != ldapserver.UnwillingToPerform {
			t.Errorf("move %s below %s: %v, want unwillingToPerform (slapd)", c[0], c[1], err)
		}
	}
}

// TestModify_requestChecksComeFirst: slapd checks a modify request in
// three passes: protocol errors of any change (add without values,
// increment without exactly one value), then each change in turn (type,
// NO-USER-MODIFICATION, increment syntax, value syntax, several values of
// a SINGLE-VALUE type, a value given twice), and only then the entry.
// lightdir checked single values and repeats when applying the change, so
// a later change's problem, or a missing entry, won.
func TestModify_requestChecksComeFirst(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	alice := "uid=alice,ou=people,dc=example,dc=com"
	for _, c := range []struct {
		name    string
		dn      string
		changes []ldapserver.Change
		want    ldapserver.ResultCode
	}{
		{"a repeated value, then an undefined type", alice,
			[]ldapserver.Change{change(ldapserver.ModAdd, "l", "L", "l"), change(ldapserver.ModAdd, "fooBar", "1")}, ldapserver.AttributeOrValueExists},
		{"a repeated value in a replace, then a bad increment", alice,
			[]ldapserver.Change{change(ldapserver.ModReplace, "l", "L", "l"), change(ldapserver.ModIncrement, "description", "1")}, ldapserver.AttributeOrValueExists},
		{"two values of a SINGLE-VALUE type, then an invalid value", alice,
			[]ldapserver.Change{change(ldapserver.ModReplace, "displayName", "a", "b"), change(ldapserver.ModAdd, "uidNumber", "x")}, ldapserver.ConstraintViolation},
		{"an invalid value, then an add without values", alice,
			[]ldapserver.Change{change(ldapserver.ModAdd, "uidNumber", "x"), change(ldapserver.ModAdd, "l")}, ldapserver.ProtocolError},
		{"an undefined type, then an increment by two values", alice,
			[]ldapserver.Change{change(ldapserver.ModAdd, "fooBar", "x"), change(ldapserver.ModIncrement, "uidNumber", "1", "2")}, ldapserver.ProtocolError},
		{"an unknown class to delete", alice,
			[]ldapserver.Change{change(ldapserver.ModDelete, "objectClass", "nosuchclass")}, ldapserver.InvalidAttributeSyntax},
		{"a repeated value on a missing entry", "cn=nope,ou=people,dc=example,dc=com",
			[]ldapserver.Change{change(ldapserver.ModAdd, "l", "L", "L")}, ldapserver.AttributeOrValueExists},
		{"two values of a SINGLE-VALUE type on a missing entry", "cn=nope,ou=people,dc=example,dc=com",
			[]ldapserver.Change{change(ldapserver.ModAdd, "displayName", "a", "b")}, ldapserver.ConstraintViolation},
	} {
		_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, c.dn), Changes: c.changes})
		if codeOf(err) != c.want {
			t.Errorf("%s: %v, want %v (slapd)", c.name, err, c.want)
		}
	}
}

// TestCompare_taggedAttributeAbsent: comparing an attribute description
// with tag options the entry holds no values under is noSuchAttribute in
// slapd, as for an absent type; lightdir answered compareFalse whenever
// the type was there without those tags.
func TestCompare_taggedAttributeAbsent(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	dn := "cn=k,ou=people,dc=example,dc=com"
	mustAdd(t, b, dn, "objectClass: person", "cn: k", "sn: x", "description: d", "description;lang-en;lang-fr: e")
	for _, c := range []struct {
		attr, value string
		want        ldapserver.ResultCode // 0: compared
		result      bool
	}{
		{"description;lang-de", "d", ldapserver.NoSuchAttribute, false},
		{"cn;lang-en", "k", ldapserver.NoSuchAttribute, false},
		{"name;lang-fr", "e", ldapserver.NoSuchAttribute, false},
		{"description;LANG-FR", "E", 0, true},
		{"description;lang-en", "d", 0, false},
		{"description", "e", 0, true},
	} {
		got, err := b.Compare(ctx, &ldapserver.CompareRequest{Header: rootHdr(), DN: mustDN(t, dn), Attr: c.attr, Value: []byte(c.value)})
		if codeOf(err) != c.want || err == nil && got != c.result {
			t.Errorf("compare %s=%s: %v %v, want code %v result %v (slapd)", c.attr, c.value, got, err, c.want, c.result)
		}
	}
}

// TestWrites_matchedDNAsStored: the matchedDN of noSuchObject names the
// deepest existing entry as stored, as slapd returns it, whatever the
// request's spelling of it (type names, case, escapes, spaces); lightdir
// echoed the request's spelling.
func TestWrites_matchedDNAsStored(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	mustAdd(t, b, `cn=a\+b,ou=people,dc=example,dc=com`, "objectClass: person", "cn: a+b", "sn: x")
	for _, c := range [][2]string{
		{"uid=x,OU=PEOPLE,dc=example,dc=com", "ou=people,dc=example,dc=com"},
		{"uid=x,2.5.4.11=people, DC=Example,dc=com", "ou=people,dc=example,dc=com"},
		{`uid=x,cn=A\2bB,ou=people,dc=example,dc=com`, `cn=a\2Bb,ou=people,dc=example,dc=com`},
	} {
		dn := mustDN(t, c[0])
		errs := map[string]error{}
		_, errs["delete"] = b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: dn})
		_, errs["modify"] = b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: dn, Changes: []ldapserver.Change{change(ldapserver.ModAdd, "l", "x")}})
		_, errs["compare"] = b.Compare(ctx, &ldapserver.CompareRequest{Header: rootHdr(), DN: dn, Attr: "cn", Value: []byte("x")})
		_, errs["add below"] = b.Add(ctx, addReq(t, "cn=y,"+c[0], "objectClass: person", "cn: y", "sn: y"))
		_, errs["search"] = doSearch(t, b, c[0], ldapserver.ScopeBase, "(objectClass=*)")
		for op, err := range errs {
			var le *ldapserver.Error
			if !errors.As(err, &le) {
				t.Errorf("%s %s: %v, want noSuchObject", op, c[0], err)
			} else if le.Code != ldapserver.NoSuchObject || le.MatchedDN != c[1] {
				t.Errorf("%s %s: %v (matched %q), want noSuchObject matching %q (slapd)", op, c[0], err, le.MatchedDN, c[1])
			}
		}
	}
}

// TestModifyDN_suffixOutOfNamingContext: renaming the suffix entry to a
// DN outside every naming context is affectsMultipleDSAs in slapd, as for
// any entry; lightdir answered unwillingToPerform (which stays the answer
// for a rename of the suffix within its own context).
func TestModifyDN_suffixOutOfNamingContext(t *testing.T) {
	b := peopleFixture(t)
	_, err := b.ModifyDN(context.Background(), modDNReq(t, "dc=example,dc=com", "o=example", true, ""))
	if codeOf(err) != ldapserver.AffectsMultipleDSAs {
		t.Errorf("rename the suffix to o=example,dc=com: %v, want affectsMultipleDSAs (slapd)", err)
	}
	_, err = b.ModifyDN(context.Background(), modDNReq(t, "dc=example,dc=com", "dc=Example", true, ""))
	if codeOf(err) != ldapserver.UnwillingToPerform {
		t.Errorf("rename the suffix to itself: %v, want unwillingToPerform", err)
	}
}
