package integration

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// rfc2307bisExcerpt redefines, as rfc2307bis.schema (draft-howard-rfc2307bis)
// does, definitions of RFC 2307 that lightdir has built in: posixGroup is
// AUXILIARY, gecos and memberUid are Directory Strings.
const rfc2307bisExcerpt = `
attributeType ( 1.3.6.1.1.1.1.2 NAME 'gecos'
    DESC 'The GECOS field; the common name'
    EQUALITY caseIgnoreMatch
    SUBSTR caseIgnoreSubstringsMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
    SINGLE-VALUE )
attributeType ( 1.3.6.1.1.1.1.12 NAME 'memberUid'
    EQUALITY caseExactMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributeType ( 1.3.6.1.1.1.1.3 NAME 'homeDirectory'
    EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )
attributeType ( 1.3.6.1.1.1.1.4 NAME 'loginShell'
    EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )
attributeType ( 1.3.6.1.1.1.1.5 NAME 'shadowLastChange'
    EQUALITY integerMatch ORDERING integerOrderingMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectClass ( 1.3.6.1.1.1.2.2 NAME 'posixGroup' SUP top AUXILIARY
    DESC 'Abstraction of a group of accounts'
    MUST gidNumber
    MAY ( userPassword $ memberUid $ description ) )
objectClass ( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY
    DESC 'Abstraction of an account with POSIX attributes'
    MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory )
    MAY ( userPassword $ loginShell $ gecos $ description ) )
objectClass ( 1.3.6.1.1.1.2.1 NAME 'shadowAccount' SUP top AUXILIARY
    DESC 'Additional attributes for shadow passwords'
    MUST uid
    MAY ( userPassword $ description $ shadowLastChange ) )
`

// vendorSchema retires a type and a class with OBSOLETE, bounds a type's
// values ({8}) and builds a SUP chain whose types inherit their rules.
const vendorSchema = `# a vendor's schema
objectidentifier VendorRoot 1.3.6.1.4.1.99999
objectidentifier VendorAttr VendorRoot:1
objectidentifier VendorOC VendorRoot:2

attributetype ( VendorAttr:1 NAME 'vName' SUP name )
attributetype ( VendorAttr:4 NAME 'vSubName' SUP vName )
attributetype ( VendorAttr:5 NAME 'vOld' OBSOLETE SUP description )
attributetype ( VendorAttr:15 NAME 'vShort'
	EQUALITY caseIgnoreMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{8} X-ORIGIN 'vendor' )
objectclass ( VendorOC:1 NAME 'vendorPerson' SUP inetOrgPerson STRUCTURAL
	MAY ( vName $ vSubName $ vOld $ vShort ) )
objectclass ( VendorOC:5 NAME 'vendorOld' OBSOLETE SUP top AUXILIARY MAY vShort )
`

// TestSlapd_schemaFiles: slapd 2.5 with core, cosine, inetorgperson,
// misc, an rfc2307bis excerpt (instead of nis) and a vendor schema, and
// lightdir with schema_files = [misc, rfc2307bis, vendor], answer the same
// writes and searches and publish the same definitions. lightdir stored
// values of OBSOLETE types and entries of OBSOLETE classes (slapd:
// constraintViolation, objectClassViolation), refused values longer than
// a SYNTAX {len} bound (slapd stores them; RFC 4512: the bound adds no
// restriction), and kept its built-in RFC 2307 posixGroup (STRUCTURAL)
// and IA5 gecos over the file's definitions, refusing a groupOfNames that
// is a posixGroup and a UTF-8 gecos.
func TestSlapd_schemaFiles(t *testing.T) {
	dir := t.TempDir()
	bis, vendor := filepath.Join(dir, "rfc2307bis.schema"), filepath.Join(dir, "vendor.schema")
	writeFile(t, bis, rfc2307bisExcerpt)
	writeFile(t, vendor, vendorSchema)
	fixture := filepath.Join(dir, "fixture.ldif")
	writeFile(t, fixture, peopleBase)
	slapdURL := startSlapd(t, fixture, []string{"core", "cosine", "inetorgperson", "misc", bis, vendor}, "maxsize 104857600\n")
	ours, theirs := dial(t, serveWithSchema(t, fixture, "/etc/ldap/schema/misc.schema", bis, vendor)), dial(t, slapdURL)
	bindRoot(t, ours, theirs)

	long := strings.Repeat("x", 20)
	compareWrites(t, ours, theirs, []string{"uid=v1," + people, "cn=staff," + people, "uid=jose," + people, "uid=mail," + people},
		addStep("vendor entry, SUP chain, value past the bound", "uid=v1,"+people, "objectClass: vendorPerson", "uid: v1", "cn: v1", "sn: v",
			"vName: Foo Bar", "vSubName: Sub Baz", "vShort: "+long),
		addStep("OBSOLETE type", "uid=v2,"+people, "objectClass: vendorPerson", "uid: v2", "cn: v2", "sn: v", "vOld: x"),
		addStep("OBSOLETE class", "uid=v3,"+people, "objectClass: vendorPerson", "objectClass: vendorOld", "uid: v3", "cn: v3", "sn: v"),
		modStep("add an OBSOLETE type's value", "uid=v1,"+people, change(ldap.AddAttribute, "vOld", "y")),
		modStep("replace an OBSOLETE type", "uid=v1,"+people, change(ldap.ReplaceAttribute, "vOld", "y")),
		modStep("add an OBSOLETE class", "uid=v1,"+people, change(ldap.AddAttribute, "objectClass", "vendorOld")),
		modStep("delete an absent OBSOLETE type", "uid=v1,"+people, change(ldap.DeleteAttribute, "vOld")),
		addStep("groupOfNames that is a posixGroup", "cn=staff,"+people, "objectClass: groupOfNames", "objectClass: posixGroup",
			"cn: staff", "gidNumber: 100", "member: uid=v1,"+people, "memberUid: v1", "memberUid: José"),
		addStep("UTF-8 gecos", "uid=jose,"+people, "objectClass: account", "objectClass: posixAccount", "objectClass: shadowAccount",
			"uid: jose", "cn: José", "uidNumber: 1001", "gidNumber: 100", "homeDirectory: /home/jose", "gecos: José Núñez", "shadowLastChange: 19000"),
		addStep("inetLocalMailRecipient", "uid=mail,"+people, "objectClass: inetOrgPerson", "objectClass: inetLocalMailRecipient",
			"uid: mail", "cn: m", "sn: m", "mailLocalAddress: m@example.com", "mailRoutingAddress: m@mx.example.com", "mailHost: mx.example.com"),
	)
	compareFilters(t, ours, theirs, "(vName=foo bar)", "(name=sub baz)", "(vSubName=SUB*)", "(vName=*baz)", "(vShort=XXXX*)",
		"(gecos=josé*)", "(gecos=JOSÉ NÚÑEZ)", "(memberUid=josé)", "(memberUid=José)", "(objectClass=posixGroup)",
		"(&(objectClass=groupOfNames)(gidNumber>=100))", "(mailLocalAddress=M@EXAMPLE.COM)", "(shadowLastChange<=19000)")

	// cn=Subschema: the file's definitions as slapd publishes them.
	for _, kind := range []string{"attributeTypes", "objectClasses"} {
		want, got := subschemaValues(t, theirs, kind), subschemaValues(t, ours, kind)
		for _, oid := range []string{"1.3.6.1.4.1.99999.1.1 ", "1.3.6.1.4.1.99999.1.4 ", "1.3.6.1.4.1.99999.1.5 ", "1.3.6.1.4.1.99999.1.15 ",
			"1.3.6.1.4.1.99999.2.1 ", "1.3.6.1.4.1.99999.2.5 ", "1.3.6.1.1.1.1.2 ", "1.3.6.1.1.1.1.12 ", "1.3.6.1.1.1.2.2 ",
			"2.16.840.1.113730.3.1.13 ", "2.16.840.1.113730.3.2.147 "} {
			if w, g := want["( "+oid], got["( "+oid]; w != g {
				t.Errorf("%s %s\nlightdir: %s\nslapd:    %s", kind, oid, g, w)
			}
		}
	}
}

// subschemaValues returns the values of one attribute of cn=Subschema, by
// their "( OID " prefix.
func subschemaValues(t *testing.T, c *ldap.Conn, kind string) map[string]string {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest("cn=Subschema", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{kind}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("cn=Subschema: %v", err)
	}
	out := map[string]string{}
	for _, v := range res.Entries[0].GetAttributeValues(kind) {
		if f := strings.Fields(v); len(f) > 2 {
			out["( "+f[1]+" "] = v
		}
	}
	return out
}

// serveWithSchema imports the LDIF file into a lightdir database
// configured with the given schema files, and serves it.
func serveWithSchema(t *testing.T, fixture string, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "lightdir.toml")
	var list []string
	for _, f := range files {
		list = append(list, fmt.Sprintf("%q", f))
	}
	writeFile(t, conf, "schema_files = ["+strings.Join(list, ", ")+"]\n[[database]]\nsuffix = \"dc=example,dc=com\"\n"+
		"directory = \"db\"\nroot_dn = \"cn=admin,dc=example,dc=com\"\n")
	if code, _, errOut := lightdir(t, dir, "import", "-c", conf, "-q", fixture); code != 0 {
		t.Fatalf("lightdir import: %s", errOut)
	}
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-c", conf, "-l", "ldap://127.0.0.1:0")
	return s.url("ldap")
}
