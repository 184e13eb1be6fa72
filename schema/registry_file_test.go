package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const systemSchemaDir = "/etc/ldap/schema"

// systemSchemaFiles returns the .schema (or .ldif) files slapd installs,
// dependencies first; it skips the test when they are absent outside CI.
func systemSchemaFiles(t *testing.T, ext string) []string {
	t.Helper()
	all, _ := filepath.Glob(filepath.Join(systemSchemaDir, "*"+ext))
	if len(all) == 0 {
		if os.Getenv("CI") == "" {
			t.Skipf("no %s files in %s (install slapd)", ext, systemSchemaDir)
		}
		t.Fatalf("no %s files in %s; CI must install slapd", ext, systemSchemaDir)
	}
	first := []string{"core", "cosine", "inetorgperson", "nis"}
	var out []string
	for _, f := range first {
		out = append(out, filepath.Join(systemSchemaDir, f+ext))
	}
	for _, f := range all {
		base := strings.TrimSuffix(filepath.Base(f), ext)
		found := false
		for _, x := range first {
			found = found || x == base
		}
		if !found {
			out = append(out, f)
		}
	}
	return out
}

// TestRegistry_LoadSchemaFile_system checks that every installed slapd .schema file loads and resolves
// on top of the system schema, in dependency order, and that it is published afterwards.
func TestRegistry_LoadSchemaFile_system(t *testing.T) {
	r := New()
	for _, f := range systemSchemaFiles(t, ".schema") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.LoadSchemaFile(f, data); err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
	}
	checkLoadedSystemSchema(t, r)
}

// TestRegistry_LoadLDIF_system checks the same for the cn=config LDIF forms of the files.
func TestRegistry_LoadLDIF_system(t *testing.T) {
	r := New()
	for _, f := range systemSchemaFiles(t, ".ldif") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.LoadLDIF(f, data); err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
	}
	checkLoadedSystemSchema(t, r)
}

func checkLoadedSystemSchema(t *testing.T, r *Registry) {
	t.Helper()
	for _, name := range []string{"cn", "inetOrgPerson", "posixAccount", "groupOfURLs", "mstop", "dgIdentity", "javaObject", "corbaObject", "pmiUser", "labeledURIObject", "OpenLDAPperson"} {
		if r.AttributeType(name) == nil && r.ObjectClass(name) == nil {
			t.Errorf("%q not defined after loading all files", name)
		}
	}
	if at := r.AttributeType("cn"); at == nil || at.Equality == nil || at.Equality.Name() != "caseIgnoreMatch" || at.Sup == nil || at.Sup.Name() != "name" {
		t.Errorf("cn did not inherit from name: %+v", at)
	}
	// Macro expansion: dsee.schema's NSDSat:... names resolve to numeric OIDs.
	for _, at := range r.AttributeTypes() {
		if !isNumericOID(at.OID) {
			t.Errorf("attribute type %q kept a non-numeric OID %q", at.Name(), at.OID)
		}
		if at.Syntax == nil {
			t.Errorf("attribute type %q has no syntax", at.Name())
		}
	}
	if oc := r.ObjectClass("inetOrgPerson"); oc == nil || !containsType(oc.Must, r.AttributeType("sn")) || !containsType(oc.May, r.AttributeType("telephoneNumber")) {
		t.Errorf("inetOrgPerson closure wrong")
	}
}

func containsType(list []*AttributeType, at *AttributeType) bool {
	for _, x := range list {
		if x == at {
			return true
		}
	}
	return false
}

// TestRegistry_LoadSchemaFile_overDefault checks that the installed files also load on top of the
// built-in standard schemas (repeated definitions are skipped).
func TestRegistry_LoadSchemaFile_overDefault(t *testing.T) {
	r := Default()
	for _, f := range systemSchemaFiles(t, ".schema") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.LoadSchemaFile(f, data); err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
	}
}

// TestRegistry_LoadSchemaFile_atomic checks that a failing file adds nothing and reports the reason.
func TestRegistry_LoadSchemaFile_atomic(t *testing.T) {
	r := Default()
	n := len(r.AttributeTypes())
	bad := `
objectidentifier myOID 1.3.6.1.4.1.99999
attributetype ( myOID:1 NAME 'fooAttr' SUP name )
attributetype ( myOID:2 NAME 'barAttr' SUP noSuchType )
`
	err := r.LoadSchemaFile("bad.schema", []byte(bad))
	if !errors.Is(err, ErrUnresolved) || !strings.Contains(err.Error(), "noSuchType") {
		t.Fatalf("error = %v, want ErrUnresolved naming noSuchType", err)
	}
	if r.AttributeType("fooAttr") != nil || len(r.AttributeTypes()) != n {
		t.Fatal("failed load left definitions behind")
	}
	good := `
objectidentifier myOID 1.3.6.1.4.1.99999
attributetype ( myOID:1 NAME 'fooAttr' SUP name )
objectclass ( myOID:2 NAME 'fooClass' SUP top AUXILIARY MAY fooAttr )
`
	if err := r.LoadSchemaFile("good.schema", []byte(good)); err != nil {
		t.Fatal(err)
	}
	if at := r.AttributeType("FOOATTR"); at == nil || at.OID != "1.3.6.1.4.1.99999.1" || at.Sup != r.AttributeType("name") {
		t.Fatalf("fooAttr = %+v", at)
	}
	dup := `attributetype ( 1.3.6.1.4.1.99999.7 NAME 'cn' SUP name )`
	if err := r.LoadSchemaFile("dup.schema", []byte(dup)); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate name: %v", err)
	}
	cycle := "attributetype ( 1.9.1 NAME 'a1' SUP a2 )\nattributetype ( 1.9.2 NAME 'a2' SUP a1 )"
	if err := r.LoadSchemaFile("cycle.schema", []byte(cycle)); !errors.Is(err, ErrUnresolved) {
		t.Fatalf("cycle: %v", err)
	}
}

// TestRegistry_LoadLDIF_forms checks folded lines, base64 values, {n} prefixes and X-SUBST syntaxes.
func TestRegistry_LoadLDIF_forms(t *testing.T) {
	r := Default()
	// base64 of "( 1.3.6.1.4.1.99999.3 NAME 'b64Attr' SUP name )"
	ldif := `dn: cn={5}test,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: {5}test
olcObjectIdentifier: {0}testOID 1.3.6.1.4.1.99999
olcLdapSyntaxes: {0}( testOID:9 DESC 'my syntax' X-SUBST '1.3.6.1.4.1.1466.115.121.1.27' )
olcAttributeTypes: {0}( testOID:1 NAME 'foldedAttr'
  DESC 'folded over
  lines' SUP name )
olcAttributeTypes:: KCAxLjMuNi4xLjQuMS45OTk5OS4zIE5BTUUgJ2I2NEF0dHInIFNVUCBuYW1lICk=
olcAttributeTypes: {2}( testOID:4 NAME 'numAttr' EQUALITY integerMatch SYNTAX testOID:9 )
olcObjectClasses: {0}( testOID:2 NAME 'testClass' SUP top AUXILIARY MAY ( foldedAttr $ b64Attr $ numAttr ) )
`
	if err := r.LoadLDIF("test.ldif", []byte(ldif)); err != nil {
		t.Fatal(err)
	}
	at := r.AttributeType("foldedAttr")
	if at == nil || at.OID != "1.3.6.1.4.1.99999.1" || at.Desc != "folded over lines" {
		t.Fatalf("foldedAttr = %+v", at)
	}
	if r.AttributeType("b64Attr") == nil || r.ObjectClass("testClass") == nil {
		t.Fatal("base64 or class definition missing")
	}
	num := r.AttributeType("numAttr")
	if num.Syntax == nil || num.Syntax.OID != "1.3.6.1.4.1.99999.9" || !num.Validate([]byte("42")) || num.Validate([]byte("4x")) {
		t.Fatal("X-SUBST syntax does not validate as INTEGER")
	}
}

// TestRegistry_Load_lineForms: CRLF endings, continuation lines and
// comment lines longer than any description (here 2 MiB) do not hide the
// definitions that follow, in .schema and LDIF files alike.
func TestRegistry_Load_lineForms(t *testing.T) {
	long := "# " + strings.Repeat("x", 2<<20)
	schemaText := long + "\r\nattributetype ( 1.3.6.1.4.1.99999.71 NAME 'afterLong'\r\n  SUP name )\r\n" +
		long + "\nobjectclass ( 1.3.6.1.4.1.99999.72 NAME 'afterLongClass' SUP top AUXILIARY MAY afterLong )"
	r := Default()
	if err := r.LoadSchemaFile("long.schema", []byte(schemaText)); err != nil {
		t.Fatal(err)
	}
	if at := r.AttributeType("afterLong"); at == nil || at.Sup != r.AttributeType("name") {
		t.Fatalf("afterLong = %+v", at)
	}
	if oc := r.ObjectClass("afterLongClass"); oc == nil || !containsType(oc.May, r.AttributeType("afterLong")) {
		t.Fatalf("afterLongClass = %+v", oc)
	}
	ldifText := "dn: cn=long,cn=schema,cn=config\r\n" + long + "\r\nolcAttributeTypes: {0}( 1.3.6.1.4.1.99999.73\r\n  NAME 'afterLongLDIF' SUP name )\r\n"
	if err := r.LoadLDIF("long.ldif", []byte(ldifText)); err != nil {
		t.Fatal(err)
	}
	if r.AttributeType("afterLongLDIF") == nil {
		t.Fatal("afterLongLDIF not defined")
	}
	bad := "attributetype ( 1.3.6.1.4.1.99999.74 NAME 'tooLong' DESC '" + strings.Repeat("d", 2<<20) + "' SUP name )"
	if err := r.LoadSchemaFile("bad.schema", []byte(bad)); !errors.Is(err, ErrInvalidDescription) || !strings.Contains(err.Error(), "bad.schema:1:") {
		t.Fatalf("over-long description: %v", err)
	}
}

// TestRegistry_LoadSchemaFile_repeatedDefinitionAliases: a file that repeats
// a built-in definition with more names adds those names. core.schema
// defines facsimileTelephoneNumber as ( 'facsimileTelephoneNumber' 'fax' );
// with it loaded slapd accepts "fax: ..." in adds and (fax=*) in filters
// and publishes both names, where lightdir dropped 'fax' with the skipped
// definition and answered undefinedAttributeType.
func TestRegistry_LoadSchemaFile_repeatedDefinitionAliases(t *testing.T) {
	r := Default()
	fax := r.AttributeType("facsimileTelephoneNumber")
	text := `
attributetype ( 2.5.4.23 NAME ( 'facsimileTelephoneNumber' 'fax' )
	DESC 'RFC2256: Facsimile (Fax) Telephone Number'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.22 )
objectclass ( 2.5.6.6 NAME ( 'person' 'humanBeing' ) SUP top STRUCTURAL
	MUST ( sn $ cn ) )
`
	if err := r.LoadSchemaFile("core-like.schema", []byte(text)); err != nil {
		t.Fatal(err)
	}
	if got := r.AttributeType("FAX"); got != fax {
		t.Errorf("AttributeType(fax) = %v, want the built-in facsimileTelephoneNumber", got)
	}
	if got := r.ObjectClass("humanBeing"); got != r.ObjectClass("person") || got == nil {
		t.Errorf("ObjectClass(humanBeing) = %v", got)
	}
	if s := fax.String(); !strings.Contains(s, "NAME ( 'facsimileTelephoneNumber' 'fax' )") {
		t.Errorf("published definition %s lacks 'fax'", s)
	}
	// A name of another definition is a conflict, and a failed load adds
	// no alias.
	clash := `
attributetype ( 2.5.4.20 NAME ( 'telephoneNumber' 'phone' ) SYNTAX 1.3.6.1.4.1.1466.115.121.1.50 )
attributetype ( 2.5.4.4 NAME ( 'sn' 'cn' ) SUP name )
`
	if err := r.LoadSchemaFile("clash.schema", []byte(clash)); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("alias naming another type: %v, want ErrDuplicate", err)
	}
	if r.AttributeType("phone") != nil || len(r.AttributeType("telephoneNumber").Names) != 1 {
		t.Errorf("failed load left the alias 'phone' behind: %v", r.AttributeType("telephoneNumber").Names)
	}
	// The installed core.schema, loaded over the built-ins.
	data, err := os.ReadFile(filepath.Join(systemSchemaDir, "core.schema"))
	if err != nil {
		t.Skip(err)
	}
	r = Default()
	if err := r.LoadSchemaFile("core.schema", data); err != nil {
		t.Fatal(err)
	}
	if r.AttributeType("fax") == nil {
		t.Error("fax unknown after loading core.schema")
	}
}

// TestRegistry_LoadSchemaFile_errorLines: errors found while resolving a
// file's definitions (an unknown SUP, MUST, rule or syntax, a duplicate
// name) name the line of the definition, as syntax errors do and as
// slapd does ("cosine.schema: line 316 objectclass: ObjectClass not found:
// "person""). lightdir named only the file, so `lightdir test` left the
// administrator searching a 2,000-line file for the definition.
func TestRegistry_LoadSchemaFile_errorLines(t *testing.T) {
	cases := []struct{ text, want string }{
		{"objectidentifier myOID 1.3.6.1.4.1.99999\n\nattributetype ( myOID:1 NAME 'okAttr' SUP name )\nattributetype ( myOID:2\n  NAME 'badAttr'\n  SUP noSuchType )\n", "f.schema:4: "},
		{"attributetype ( 1.3.6.1.4.1.99999.1 NAME 'okAttr' SUP name )\n# comment\nobjectclass ( 1.3.6.1.4.1.99999.2 NAME 'badClass'\n\tSUP top AUXILIARY MAY ( okAttr $ noSuchAttr ) )\n", "f.schema:3: "},
		{"attributetype ( 1.3.6.1.4.1.99999.1 NAME 'okAttr' SUP name )\nattributetype ( 1.3.6.1.4.1.99999.3 NAME 'badRule' EQUALITY noSuchMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )\n", "f.schema:2: "},
		{"\n\nattributetype ( 1.3.6.1.4.1.99999.4 NAME 'cn' SUP name )\n", "f.schema:3: "},
		{"objectclass ( 1.3.6.1.4.1.99999.5 NAME 'c1' SUP c2 AUXILIARY )\nobjectclass ( 1.3.6.1.4.1.99999.6 NAME 'c2' SUP noSuchClass AUXILIARY )\n", "f.schema:2: "},
	}
	for _, c := range cases {
		err := Default().LoadSchemaFile("f.schema", []byte(c.text))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error = %v, want it to start with %q", err, c.want)
		}
		if !errors.Is(err, ErrUnresolved) && !errors.Is(err, ErrDuplicate) {
			t.Errorf("error %v wraps neither ErrUnresolved nor ErrDuplicate", err)
		}
	}
	ldif := "dn: cn=x,cn=schema,cn=config\nolcAttributeTypes: {0}( 1.3.6.1.4.1.99999.7 NAME 'x1' SUP name )\nolcAttributeTypes: {1}( 1.3.6.1.4.1.99999.8 NAME 'x2'\n  SUP nope )\n"
	if err := Default().LoadLDIF("x.ldif", []byte(ldif)); err == nil || !strings.HasPrefix(err.Error(), "x.ldif:3: ") {
		t.Errorf("LDIF error = %v, want x.ldif:3:", err)
	}
	// The installed cosine.schema needs core.schema's dSA.
	data, err := os.ReadFile(filepath.Join(systemSchemaDir, "cosine.schema"))
	if err != nil {
		t.Skip(err)
	}
	err = New().LoadSchemaFile("cosine.schema", data)
	if err == nil || !strings.HasPrefix(err.Error(), "cosine.schema:") || strings.HasPrefix(err.Error(), "cosine.schema: ") {
		t.Errorf("cosine.schema without core: %v, want cosine.schema:LINE:", err)
	}
}

// TestRegistry_LoadSchemaFile_cosineAloneOverDefault: an administrator who
// lists only cosine.schema in schema_files (core is built in) gets it
// loaded: the built-in core includes the RFC 2256 dSA class that
// cosine.schema's pilotDSA extends.
func TestRegistry_LoadSchemaFile_cosineAloneOverDefault(t *testing.T) {
	systemSchemaFiles(t, ".schema") // skips without slapd's files, except in CI
	f := filepath.Join(systemSchemaDir, "cosine.schema")
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	r := Default()
	if err := r.LoadSchemaFile(f, data); err != nil {
		t.Fatalf("cosine.schema alone over the built-ins: %v", err)
	}
	if r.ObjectClass("pilotDSA") == nil || r.ObjectClass("dSA") == nil {
		t.Fatal("pilotDSA or dSA missing after loading")
	}
}

// rfc2307bisExcerpt redefines, as rfc2307bis.schema (draft-howard-rfc2307bis)
// does, types and a class of RFC 2307 that Default holds: posixGroup is
// AUXILIARY (so a groupOfNames can be a posixGroup), gecos and memberUid
// are Directory Strings. It also adds a type and a class of its own.
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
attributeType ( 1.3.6.1.1.1.1.31 NAME 'automountMapName'
    EQUALITY caseExactMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectClass ( 1.3.6.1.1.1.2.2 NAME 'posixGroup' SUP top AUXILIARY
    DESC 'Abstraction of a group of accounts'
    MUST gidNumber
    MAY ( userPassword $ memberUid $ description ) )
objectClass ( 1.3.6.1.1.1.2.16 NAME 'automountMap' SUP top STRUCTURAL
    MUST ( automountMapName ) MAY description )
`

// TestRegistry_LoadSchemaFile_redefinesStandard: an operator who sets
// schema_files = ["rfc2307bis.schema"] (slapd: include it instead of
// nis.schema) got `lightdir test` ok, but every definition of the file
// with the OID and name of a built-in RFC 2307 one was skipped without a
// word: posixGroup stayed STRUCTURAL, so adding a groupOfNames that is
// also a posixGroup failed ("not in one superclass chain"; slapd accepts
// it), and gecos stayed IA5, refusing "José" (slapd accepts it). The
// file's definitions now replace the standard ones; repeating one with
// the same meaning still changes nothing, and a failed load restores them.
func TestRegistry_LoadSchemaFile_redefinesStandard(t *testing.T) {
	r := Default()
	if err := r.LoadSchemaFile("rfc2307bis.schema", []byte(rfc2307bisExcerpt)); err != nil {
		t.Fatal(err)
	}
	pg := r.ObjectClass("posixGroup")
	if pg.Kind != Auxiliary || containsType(pg.Must, r.AttributeType("cn")) || !containsType(pg.Must, r.AttributeType("gidNumber")) {
		t.Fatalf("posixGroup = %s (kind %s), want the file's AUXILIARY class", pg, pg.Kind)
	}
	if gecos := r.AttributeType("gecos"); gecos.Syntax == nil || gecos.Syntax.OID != SyntaxDirectoryString || gecos.Equality.Name() != "caseIgnoreMatch" || !gecos.Validate([]byte("José")) {
		t.Fatalf("gecos = %s, want the file's Directory String", gecos)
	}
	if mu := r.AttributeType("memberUid"); mu.Equality.Name() != "caseExactMatch" || mu.Substr != nil {
		t.Fatalf("memberUid = %s", mu)
	}
	group := testEntry(t, "cn=staff,dc=x", "objectClass", "groupOfNames", "objectClass", "posixGroup",
		"cn", "staff", "gidNumber", "100", "member", "cn=a,dc=x", "memberUid", "José")
	if err := r.CheckEntry(group, CheckOptions{}); err != nil {
		t.Errorf("groupOfNames + posixGroup (slapd with rfc2307bis accepts it): %v", err)
	}
	acct := testEntry(t, "uid=j,dc=x", "objectClass", "account", "objectClass", "posixAccount",
		"uid", "j", "cn", "j", "uidNumber", "1", "gidNumber", "1", "homeDirectory", "/h", "gecos", "José Núñez")
	if err := r.CheckEntry(acct, CheckOptions{}); err != nil {
		t.Errorf("UTF-8 gecos: %v", err)
	}
	published := strings.Join(func() (v []string) {
		for _, b := range r.SubschemaEntry(nil).Get("objectClasses").Values {
			v = append(v, string(b))
		}
		return
	}(), "\n")
	if !strings.Contains(published, "NAME 'posixGroup' DESC 'Abstraction of a group of accounts' SUP top AUXILIARY MUST gidNumber") {
		t.Errorf("cn=Subschema does not publish the file's posixGroup:\n%s", published)
	}

	// The same meaning written differently (Debian's nis.schema) changes nothing.
	d := Default()
	before := d.ObjectClass("posixGroup").String()
	if data, err := os.ReadFile(filepath.Join(systemSchemaDir, "nis.schema")); err == nil {
		if err := d.LoadSchemaFile("nis.schema", data); err != nil {
			t.Fatal(err)
		}
		if after := d.ObjectClass("posixGroup").String(); after != before {
			t.Errorf("nis.schema changed posixGroup:\n%s\n%s", before, after)
		}
	}

	// A failed load restores the standard definitions.
	f := Default()
	bad := rfc2307bisExcerpt + "attributetype ( 1.3.6.1.4.1.99999.1.1 NAME 'broken' SUP noSuchType )\n"
	if err := f.LoadSchemaFile("bad.schema", []byte(bad)); !errors.Is(err, ErrUnresolved) {
		t.Fatalf("bad file: %v", err)
	}
	if pg := f.ObjectClass("posixGroup"); pg.Kind != Structural || !containsType(pg.Must, f.AttributeType("cn")) {
		t.Errorf("posixGroup after a failed load = %s", pg)
	}
	if gecos := f.AttributeType("gecos"); gecos.Syntax.OID != syn+"26" || gecos.Equality.Name() != "caseIgnoreIA5Match" || gecos.Validate([]byte("José")) {
		t.Errorf("gecos after a failed load = %s", gecos)
	}
	if f.ObjectClass("automountMap") != nil || f.AttributeType("automountMapName") != nil {
		t.Error("failed load left definitions behind")
	}
	if err := f.LoadSchemaFile("rfc2307bis.schema", []byte(rfc2307bisExcerpt)); err != nil || f.ObjectClass("posixGroup").Kind != Auxiliary {
		t.Errorf("load after a failed one: %v", err)
	}
}
