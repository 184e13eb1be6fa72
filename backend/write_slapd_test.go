package backend

import (
	"context"
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
