package integration

// Differential tests of the update operations: the same adds, modifies,
// modify DNs and deletes go to slapd 2.5 (back-mdb, core+cosine+
// inetorgperson+nis) and to lightdir, loaded with the same LDIF; the
// result codes, matched DNs and the entries left behind must agree.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

const writeFixture = matchFixture + `
dn: cn=g1,ou=people,dc=example,dc=com
objectClass: groupOfNames
cn: g1
member: uid=u1,ou=people,dc=example,dc=com

dn: ou=sub,ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: sub

dn: cn=c1,ou=sub,ou=people,dc=example,dc=com
objectClass: person
cn: c1
sn: c
`

// writeStep is one update request, sent to both servers.
type writeStep struct {
	what string
	do   func(c *ldap.Conn) error
}

// compareWrites sends each step to both servers in order and reports every
// difference in outcome; then it compares the entries named in read (all
// user attributes: descriptions as returned, values in stored order).
func compareWrites(t *testing.T, ours, theirs *ldap.Conn, read []string, steps ...writeStep) {
	t.Helper()
	for _, s := range steps {
		got, want := outcome(s.do(ours)), outcome(s.do(theirs))
		if got != want {
			t.Errorf("%s\nlightdir: %s\nslapd:    %s", s.what, got, want)
		}
	}
	for _, dn := range read {
		got := searchSummary(ours, dn, ldap.ScopeBaseObject, "(objectClass=*)", "*")
		want := searchSummary(theirs, dn, ldap.ScopeBaseObject, "(objectClass=*)", "*")
		if got != want {
			t.Errorf("entry %s afterwards\nlightdir: %s\nslapd:    %s", dn, got, want)
		}
	}
}

// addStep adds dn with attributes written as "type: value" lines; lines
// with the same type (as written) make one attribute, as in ldapadd.
func addStep(what, dn string, lines ...string) writeStep {
	return writeStep{what, func(c *ldap.Conn) error {
		req := ldap.NewAddRequest(dn, nil)
		at := map[string]int{}
		for _, l := range lines {
			typ, val, _ := strings.Cut(l, ":")
			val = strings.TrimPrefix(val, " ")
			if i, ok := at[typ]; ok {
				req.Attributes[i].Vals = append(req.Attributes[i].Vals, val)
				continue
			}
			at[typ] = len(req.Attributes)
			req.Attribute(typ, []string{val})
		}
		return c.Add(req)
	}}
}

// modStep applies changes to dn in one modify request.
func modStep(what, dn string, changes ...ldap.Change) writeStep {
	return writeStep{what, func(c *ldap.Conn) error {
		return c.Modify(&ldap.ModifyRequest{DN: dn, Changes: changes})
	}}
}

func change(op uint, typ string, vals ...string) ldap.Change {
	return ldap.Change{Operation: op, Modification: ldap.PartialAttribute{Type: typ, Vals: vals}}
}

func renameStep(what, dn, newRDN string, deleteOld bool, newSup string) writeStep {
	return writeStep{what, func(c *ldap.Conn) error {
		return c.ModifyDN(ldap.NewModifyDNRequest(dn, newRDN, deleteOld, newSup))
	}}
}

func deleteStep(what, dn string) writeStep {
	return writeStep{what, func(c *ldap.Conn) error { return c.Del(ldap.NewDelRequest(dn, nil)) }}
}

// serveBothAsRoot is serveBoth with both connections bound as the root DN.
func serveBothAsRoot(t *testing.T, ldif string) (ours, theirs *ldap.Conn) {
	t.Helper()
	ours, theirs = serveBoth(t, ldif)
	bindRoot(t, ours, theirs)
	return ours, theirs
}

const people = "ou=people,dc=example,dc=com"

// The schema checks of add and modify, the modify semantics of RFC 4511
// §4.6 and RFC 4525, and the checks of modify DN and delete answer as in
// slapd (these held before; they guard the fixes below).
func TestSlapdWrite_checks(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const m1 = "cn=m1," + people
	compareWrites(t, ours, theirs, []string{m1, "cn=r1b," + people, "uid=u1," + people},
		addStep("add missing MUST", "cn=a1,"+people, "objectClass: person", "cn: a1"),
		addStep("add attribute no class allows", "cn=a2,"+people, "objectClass: person", "cn: a2", "sn: x", "uid: a2"),
		addStep("add undefined type", "cn=a3,"+people, "objectClass: person", "cn: a3", "sn: x", "fooBar: 1"),
		addStep("add two values of a SINGLE-VALUE type", "cn=a4,"+people, "objectClass: inetOrgPerson", "cn: a4", "sn: x", "displayName: a", "displayName: b"),
		addStep("add bad DN value", "cn=a5,"+people, "objectClass: groupOfNames", "cn: a5", "member: notadn"),
		addStep("add bad Integer", "uid=a6,"+people, "objectClass: account", "objectClass: posixAccount", "uid: a6", "cn: a6", "uidNumber: 12x", "gidNumber: 1", "homeDirectory: /h"),
		addStep("add Integer with a leading zero", "uid=a7,"+people, "objectClass: account", "objectClass: posixAccount", "uid: a7", "cn: a7", "uidNumber: 012", "gidNumber: 1", "homeDirectory: /h"),
		addStep("add IA5 with 8-bit", "uid=a8,"+people, "objectClass: inetOrgPerson", "uid: a8", "cn: a8", "sn: a8", "mail: é@example.com"),
		addStep("add empty Directory String", "cn=a9,"+people, "objectClass: person", "cn: a9", "sn: x", "description: "),
		addStep("add unknown class", "cn=a10,"+people, "objectClass: person", "objectClass: nosuchclass", "cn: a10", "sn: x"),
		addStep("add two unrelated structural classes", "cn=a11,"+people, "objectClass: person", "objectClass: organizationalUnit", "cn: a11", "sn: x", "ou: a11"),
		addStep("add no structural class", "cn=a12,"+people, "objectClass: top", "cn: a12"),
		addStep("add auxiliary class only", "cn=a13,"+people, "objectClass: posixAccount", "cn: a13", "uid: a13", "uidNumber: 1", "gidNumber: 1", "homeDirectory: /x"),
		addStep("add extensibleObject with an undefined type", "cn=a14,"+people, "objectClass: person", "objectClass: extensibleObject", "cn: a14", "sn: x", "fooBar: 1"),
		addStep("add extensibleObject", "cn=a15,"+people, "objectClass: person", "objectClass: extensibleObject", "cn: a15", "sn: x", "uid: ok", "uidNumber: 5"),
		addStep("add cn twice, other case", "cn=a16,"+people, "objectClass: person", "cn: a16", "cn: A16", "sn: x"),
		addStep("add telephoneNumber twice, other spaces", "cn=a17,"+people, "objectClass: person", "cn: a17", "sn: x", "telephoneNumber: +1 555 1234", "telephoneNumber: +15551234"),
		addStep("add member twice, other DN form", "cn=a18,"+people, "objectClass: groupOfNames", "cn: a18", "member: uid=u1,ou=people,dc=example,dc=com", "member: UID=U1, ou=People,dc=EXAMPLE,dc=com"),
		addStep("add below a missing parent", "cn=a19,ou=nope,"+people, "objectClass: person", "cn: a19", "sn: x"),
		addStep("add two levels below a missing parent", "cn=a20,ou=x,ou=nope,dc=example,dc=com", "objectClass: person", "cn: a20", "sn: x"),
		addStep("add outside the suffix", "cn=a21,dc=other", "objectClass: person", "cn: a21", "sn: x"),
		addStep("add existing entry", "cn=g1,"+people, "objectClass: groupOfNames", "cn: g1", "member: cn=x"),
		addStep("add the suffix again", "dc=example,dc=com", "objectClass: dcObject", "objectClass: organization", "dc: example", "o: example"),
		addStep("add cn without value of the RDN", "cn=a22,"+people, "objectClass: person", "sn: x"),

		addStep("add m1", m1, "objectClass: inetOrgPerson", "cn: m1", "cn;lang-en: M One", "sn: x", "telephoneNumber: +1 555 1234", "description: d1", "description: d2"),
		modStep("modify add cn, other case", m1, change(ldap.AddAttribute, "cn", "M1")),
		modStep("modify add telephoneNumber, other spaces", m1, change(ldap.AddAttribute, "telephoneNumber", "+15551234")),
		modStep("modify add a value twice", m1, change(ldap.AddAttribute, "description", "d3", "D3")),
		modStep("modify add no values", m1, change(ldap.AddAttribute, "description")),
		modStep("modify delete absent value", m1, change(ldap.DeleteAttribute, "description", "nope")),
		modStep("modify delete absent attribute", m1, change(ldap.DeleteAttribute, "title")),
		modStep("modify replace absent attribute by nothing", m1, change(ldap.ReplaceAttribute, "title")),
		modStep("modify replace by nothing an attribute no class allows", m1, change(ldap.ReplaceAttribute, "uidNumber")),
		modStep("modify replace undefined type", m1, change(ldap.ReplaceAttribute, "fooBar")),
		modStep("modify delete the RDN value", m1, change(ldap.DeleteAttribute, "cn", "M1")),
		modStep("modify delete cn;lang-en", m1, change(ldap.DeleteAttribute, "cn;lang-en")),
		modStep("modify createTimestamp", m1, change(ldap.ReplaceAttribute, "createTimestamp", "20200101000000Z")),
		modStep("modify entryUUID", m1, change(ldap.ReplaceAttribute, "entryUUID", "00000000-0000-0000-0000-000000000000")),
		modStep("modify delete modifyTimestamp", m1, change(ldap.DeleteAttribute, "modifyTimestamp")),
		modStep("modify add structuralObjectClass", m1, change(ldap.AddAttribute, "structuralObjectClass", "person")),
		modStep("modify entryDN", m1, change(ldap.ReplaceAttribute, "entryDN", "cn=x")),
		modStep("modify add two values of a SINGLE-VALUE type", m1, change(ldap.AddAttribute, "displayName", "a", "b")),
		modStep("modify add a SINGLE-VALUE type twice", m1, change(ldap.AddAttribute, "displayName", "a"), change(ldap.AddAttribute, "displayName", "b")),
		modStep("modify change the structural class", m1, change(ldap.ReplaceAttribute, "objectClass", "person")),
		modStep("modify delete the structural class", m1, change(ldap.DeleteAttribute, "objectClass", "inetOrgPerson")),
		modStep("modify add an unrelated structural class", m1, change(ldap.AddAttribute, "objectClass", "organizationalUnit")),
		modStep("modify delete a MUST", m1, change(ldap.DeleteAttribute, "sn")),
		modStep("modify add an auxiliary class and its MUSTs", m1, change(ldap.AddAttribute, "objectClass", "posixAccount"), change(ldap.AddAttribute, "uid", "m1"),
			change(ldap.AddAttribute, "uidNumber", "10"), change(ldap.AddAttribute, "gidNumber", "10"), change(ldap.AddAttribute, "homeDirectory", "/h")),
		modStep("modify delete the auxiliary class only", m1, change(ldap.DeleteAttribute, "objectClass", "posixAccount")),
		modStep("modify increment", m1, change(ldap.IncrementAttribute, "uidNumber", "5")),
		modStep("modify increment by a non-integer", m1, change(ldap.IncrementAttribute, "uidNumber", "x")),
		modStep("modify increment by a negative", m1, change(ldap.IncrementAttribute, "uidNumber", "-20")),
		modStep("modify increment a non-integer syntax", m1, change(ldap.IncrementAttribute, "homeDirectory", "1")),
		modStep("modify increment an absent attribute", m1, change(ldap.IncrementAttribute, "shadowMin", "1")),
		modStep("modify increment without a value", m1, change(ldap.IncrementAttribute, "uidNumber")),
		modStep("modify increment by two values", m1, change(ldap.IncrementAttribute, "uidNumber", "1", "2")),
		modStep("modify missing entry", "cn=nope,"+people, change(ldap.ReplaceAttribute, "description", "x")),
		modStep("modify below a missing parent", "cn=nope,ou=x,dc=example,dc=com", change(ldap.ReplaceAttribute, "description", "x")),

		addStep("add r1", "cn=r1,"+people, "objectClass: inetOrgPerson", "cn: r1", "cn: other", "sn: x", "uid: r1u", "displayName: one"),
		renameStep("rename keeping the old RDN", "cn=r1,"+people, "cn=r1b", false, ""),
		renameStep("rename to a value already present", "cn=r1b,"+people, "cn=other", true, ""),
		renameStep("rename to a multi-valued RDN", "cn=other,"+people, "cn=other+sn=y", true, ""),
		renameStep("rename from a multi-valued RDN", "cn=other+sn=y,"+people, "cn=r1b", true, ""),
		renameStep("rename to a type no class allows", "cn=g1,"+people, "uid=g1", false, ""),
		renameStep("rename deleting a MUST", "cn=g1,"+people, "description=g1", true, ""),
		renameStep("rename to an undefined type", "cn=g1,"+people, "fooBar=g1", true, ""),
		renameStep("rename to a second SINGLE-VALUE value", "cn=r1b,"+people, "displayName=two", false, ""),
		renameStep("rename below a missing superior", "cn=g1,"+people, "cn=g1", false, "ou=nope,dc=example,dc=com"),
		renameStep("rename below itself", "ou=sub,"+people, "ou=sub", false, "ou=sub,"+people),
		renameStep("rename below a descendant", "ou=sub,"+people, "ou=sub", false, "cn=c1,ou=sub,"+people),
		renameStep("rename onto an existing entry", "cn=g1,"+people, "uid=u1", false, ""),
		renameStep("rename onto an existing entry, other case", "cn=r1b,"+people, "cn=G1", true, ""),
		renameStep("rename to itself", "cn=g1,"+people, "cn=g1", true, ""),
		renameStep("rename a missing entry", "cn=nope,"+people, "cn=nope2", true, ""),
		renameStep("rename the root DN", "cn=admin,dc=example,dc=com", "cn=adm", true, ""),

		deleteStep("delete a non-leaf", "ou=sub,"+people),
		deleteStep("delete the suffix", "dc=example,dc=com"),
		deleteStep("delete the root DN", "cn=admin,dc=example,dc=com"),
		deleteStep("delete below a missing parent", "cn=nope,ou=x,dc=example,dc=com"),
		modStep("modify the root DN", "cn=admin,dc=example,dc=com", change(ldap.ReplaceAttribute, "description", "x")),
		modStep("modify the suffix", "dc=example,dc=com", change(ldap.ReplaceAttribute, "description", "x")),
		deleteStep("delete a leaf", "cn=c1,ou=sub,"+people),
		deleteStep("delete it again", "cn=c1,ou=sub,"+people),
	)
}

// An add request listing an attribute twice (under descriptions that
// differ only in case or option order) is attributeOrValueExists in both.
func TestSlapdWrite_addRepeatedAttribute(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	compareWrites(t, ours, theirs, nil,
		addStep("cn and CN", "cn=p1,"+people, "objectClass: person", "cn: p1", "sn: x", "CN: P One"),
		addStep("options in another order", "cn=p2,"+people, "objectClass: person", "cn: p2", "sn: x", "cn;lang-de;lang-fr: a", "cn;lang-fr;lang-de: b"),
	)
}

// Tag options are a set (RFC 4512 §2.5): adding values to
// "givenName;lang-fr;lang-de" adds them to the entry's
// "givenName;lang-de;lang-fr", and slapd names the attribute with its
// options sorted. lightdir refused the modify with attributeOrValueExists
// ("provided more than once") and kept the options in the order written.
func TestSlapdWrite_optionOrder(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const dn = "cn=s1," + people
	compareWrites(t, ours, theirs, []string{dn},
		addStep("add", dn, "objectClass: inetOrgPerson", "CN;LANG-EN: English", "commonName: s1", "SN: x", "givenName;lang-de;lang-fr: g"),
		modStep("add values under reordered options", dn, change(ldap.AddAttribute, "givenName;lang-fr;lang-de", "h"),
			change(ldap.AddAttribute, "Cn;Lang-En", "english2")),
		modStep("delete a value under reordered options", dn, change(ldap.DeleteAttribute, "givenName;LANG-FR;lang-de", "G")),
		modStep("replace under reordered options", dn, change(ldap.ReplaceAttribute, "givenName;lang-fr;lang-de", "i", "j")),
	)
}

// DN values are checked against the schema as slapd's dnValidate does:
// every attribute type defined, every value valid for its syntax, no type
// twice in one RDN (X.501: an RDN holds one value per type). lightdir
// stored such member values (which then matched no filter, not even
// equality with themselves), took "cn=a+cn=b" as an entry name and "cn="
// as a search base.
func TestSlapdWrite_dnValues(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	group := func(n int, member string) writeStep {
		return addStep("add member: "+member, fmt.Sprintf("cn=gm%d,%s", n, people), "objectClass: groupOfNames", fmt.Sprintf("cn: gm%d", n), "member: "+member)
	}
	compareWrites(t, ours, theirs, []string{"cn=g1," + people, "cn=gm1," + people},
		group(1, "fooBar=x,dc=example,dc=com"),
		group(2, "uidNumber=abc,dc=example,dc=com"),
		group(3, "cn=a+cn=b,dc=example,dc=com"),
		group(4, "cn=a+commonName=b,dc=example,dc=com"),
		group(5, "1.2.3.4=x,dc=example,dc=com"),
		group(6, "cn=,dc=example,dc=com"),
		group(7, "cn=a+sn=b,dc=example,dc=com"),
		group(8, ""),
		modStep("modify add member with an undefined type", "cn=g1,"+people, change(ldap.AddAttribute, "member", "uod=u2,ou=people,dc=example,dc=com")),
		modStep("modify replace seeAlso with an invalid value", "cn=g1,"+people, change(ldap.ReplaceAttribute, "seeAlso", "cn=,dc=example,dc=com")),
		addStep("add entry named cn=a+cn=b", "cn=a+cn=b,"+people, "objectClass: person", "sn: x"),
		addStep("add entry named by an invalid value", "uidNumber=abc,"+people, "objectClass: person", "objectClass: extensibleObject", "cn: e8", "sn: x"),
		renameStep("rename to cn=a+cn=b", "cn=g1,"+people, "cn=g1+cn=b", true, ""),
		renameStep("rename to an empty value", "cn=g1,"+people, "cn=", true, ""),
	)
	for _, base := range []string{"cn=,dc=example,dc=com", "cn=a+cn=b,dc=example,dc=com", "cn=a+sn=b,dc=example,dc=com"} {
		got := searchSummary(ours, base, ldap.ScopeBaseObject, "(objectClass=*)")
		want := searchSummary(theirs, base, ldap.ScopeBaseObject, "(objectClass=*)")
		if got != want {
			t.Errorf("search base %s\nlightdir: %s\nslapd:    %s", base, got, want)
		}
	}
	compareFilters(t, ours, theirs, "(member=fooBar=x,dc=example,dc=com)", "(!(member=fooBar=x,dc=example,dc=com))",
		"(!(member=cn=a+cn=b,dc=example,dc=com))")
}

// Every value of a modify is checked against its syntax, those to delete
// and the increment too (slapd's slap_mods_check): lightdir answered
// noSuchAttribute for invalid values to delete, and incremented by "+5",
// "05" and "-0", which are not INTEGERs (RFC 4517 §3.3.16). A value listed
// twice for deletion goes once, as in slapd.
func TestSlapdWrite_modifyValueSyntax(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const u1 = "uid=u1," + people
	compareWrites(t, ours, theirs, []string{u1},
		modStep("add description", u1, change(ldap.AddAttribute, "description", "d1", "d2")),
		modStep("delete an invalid Integer", u1, change(ldap.DeleteAttribute, "uidNumber", "abc")),
		modStep("delete an empty Directory String", u1, change(ldap.DeleteAttribute, "description", "")),
		modStep("delete an invalid DN", u1, change(ldap.DeleteAttribute, "seeAlso", "nodn")),
		modStep("increment by +5", u1, change(ldap.IncrementAttribute, "uidNumber", "+5")),
		modStep("increment by 05", u1, change(ldap.IncrementAttribute, "uidNumber", "05")),
		modStep("increment by -0", u1, change(ldap.IncrementAttribute, "gidNumber", "-0")),
		modStep("increment by 7", u1, change(ldap.IncrementAttribute, "uidNumber", "7")),
		modStep("invalid value on a missing entry", "cn=nope,"+people, change(ldap.ReplaceAttribute, "uidNumber", "x")),
		modStep("delete a value listed twice", u1, change(ldap.DeleteAttribute, "description", "d1", "D1")),
	)
}

// slapd stores what clients write to objectClass and to DN-syntax
// attributes in canonical form (objectClassPretty, dnPretty): class names
// as the schema spells them, DNs with type names, no spaces around
// separators, sorted multi-valued RDNs and hex escapes, the same form as
// entry DNs. lightdir stored them as written, so "member" values and
// entry DNs no longer compared equal as strings.
func TestSlapdWrite_prettyValues(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const g, h = "cn=gp1," + people, "cn=h1," + people
	compareWrites(t, ours, theirs, []string{g, h},
		addStep("add group", g, "objectClass: groupOfNames", "objectClass: extensibleObject", "cn: gp1",
			"member: UID=u2 , OU=People,dc=example,dc=com", "member: 2.5.4.3=x+SN=y,dc=example,dc=com", "member: cn=a\\2cb,dc=example,dc=com",
			"uniqueMember: UID=u2 , OU=People,dc=example,dc=com#'0101'B", "seeAlso: commonName=Z,dc=example,dc=com", "owner: cn=\\c3\\a9,dc=example,dc=com"),
		modStep("modify add member", g, change(ldap.AddAttribute, "member", "CN=NEW ,  dc=example,dc=com")),
		modStep("modify replace seeAlso", g, change(ldap.ReplaceAttribute, "seeAlso", "UID=u3, ou=people, dc=example, dc=com")),
		addStep("add person", h, "objectClass: TOP", "objectClass: inetorgperson", "objectClass: 2.5.6.6", "cn: h1", "sn: x"),
		modStep("modify add classes", h, change(ldap.AddAttribute, "objectClass", "PosixAccount"), change(ldap.AddAttribute, "uid", "h1"),
			change(ldap.AddAttribute, "uidNumber", "1"), change(ldap.AddAttribute, "gidNumber", "1"), change(ldap.AddAttribute, "homeDirectory", "/h")),
		modStep("modify add class by OID", h, change(ldap.AddAttribute, "objectClass", "2.5.6.7")),
	)
}

// An update outside every naming context is unwillingToPerform ("no global
// superior knowledge") in slapd, for modify and delete as for add (lightdir
// answered noSuchObject, also for the Root DSE and cn=Subschema), a rename
// whose new superior is outside is affectsMultipleDSAs (lightdir:
// unwillingToPerform), and adding the Root DSE or the subschema subentry is
// entryAlreadyExists (lightdir: a schema error, or unwillingToPerform).
func TestSlapdWrite_outsideNamingContext(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	compareWrites(t, ours, theirs, nil,
		addStep("add", "cn=x,dc=other", "objectClass: person", "cn: x", "sn: x"),
		modStep("modify", "dc=other", change(ldap.ReplaceAttribute, "description", "x")),
		modStep("modify a superior of the suffix", "dc=com", change(ldap.ReplaceAttribute, "description", "x")),
		deleteStep("delete", "cn=x,dc=other"),
		deleteStep("delete a superior of the suffix", "dc=com"),
		renameStep("rename", "cn=x,dc=other", "cn=y", true, ""),
		renameStep("move outside", "uid=u3,"+people, "uid=u3", true, "dc=other"),
		modStep("modify the Root DSE", "", change(ldap.ReplaceAttribute, "description", "x")),
		deleteStep("delete the Root DSE", ""),
		addStep("add the Root DSE", "", "objectClass: extensibleObject", "description: x"),
		addStep("add the subschema subentry", "cn=Subschema", "objectClass: subentry", "cn: Subschema"),
		modStep("modify the subschema subentry", "cn=Subschema", change(ldap.AddAttribute, "description", "x")),
		deleteStep("delete the subschema subentry", "cn=Subschema"),
	)
}

// The value an RDN names must be in the attribute without options: a
// modify that leaves cn=k1 with "cn;lang-en: k1" alone is namingViolation
// in slapd. lightdir let the entry lose its plain cn value.
func TestSlapdWrite_rdnValueWithOptions(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const dn = "cn=k1," + people
	compareWrites(t, ours, theirs, []string{dn},
		addStep("add", dn, "objectClass: inetOrgPerson", "cn: k1", "cn: k1b", "cn;lang-en: k1", "sn: x"),
		modStep("delete the RDN value", dn, change(ldap.DeleteAttribute, "cn", "k1")),
		modStep("replace cn by another value", dn, change(ldap.ReplaceAttribute, "cn", "k1b")),
		modStep("delete cn", dn, change(ldap.DeleteAttribute, "cn")),
		renameStep("rename keeping the old value only under an option", dn, "cn=k1b", true, ""),
	)
}
