package integration

// Differential tests of matching and attribute selection: the same LDIF is
// loaded into slapd 2.5 (back-mdb, core+cosine+inetorgperson+nis) and into
// lightdir, and the same requests must give the same answers.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// peopleBase is the suffix entry and ou=people, which the fixtures start with.
const peopleBase = `dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

`

const matchFixture = peopleBase + `dn: uid=u1,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: u1
cn: John Smith
sn: Smith
uidNumber: 1000
gidNumber: 100
homeDirectory: /home/u1

dn: uid=u2,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: u2
cn: Jane Doe
cn;lang-en: Jane
cn;lang-de: Johanna
sn: Doe
uidNumber: -5
gidNumber: 0
homeDirectory: /home/u2

dn: uid=u3,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: u3
cn: Max Power
sn: Power
uidNumber: 20000
gidNumber: 100
homeDirectory: /home/u3

dn: cn=Smith\, John,ou=people,dc=example,dc=com
objectClass: person
cn: Smith, John
sn: Smith

dn: CN=Upper,ou=people,dc=example,dc=com
objectClass: person
cn: Upper
sn: u

dn: sn=c+cn=d,ou=people,dc=example,dc=com
objectClass: person
cn: d
sn: c
`

// startSlapd loads the LDIF file ldifPath with slapadd -q into a back-mdb
// database for dc=example,dc=com (root DN cn=admin,dc=example,dc=com,
// password secret) with the named schema files (names in /etc/ldap/schema,
// or absolute paths) and the extra database
// lines dbConf, serves it with slapd on a free port, and returns its URL.
func startSlapd(t testing.TB, ldifPath string, schemas []string, dbConf string) string {
	t.Helper()
	slapd, slapadd := sbinTool(t, "slapd"), sbinTool(t, "slapadd")
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o700); err != nil {
		t.Fatal(err)
	}
	var conf strings.Builder
	for _, s := range schemas {
		p := "/etc/ldap/schema/" + s + ".schema"
		if filepath.IsAbs(s) {
			p = s
		}
		if !fileExists(p) {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing in CI", p)
			}
			t.Skipf("%s missing", p)
		}
		fmt.Fprintf(&conf, "include %s\n", p)
	}
	for _, d := range []string{"/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib/aarch64-linux-gnu/ldap", "/usr/libexec/openldap"} {
		if fileExists(filepath.Join(d, "back_mdb.la")) || fileExists(filepath.Join(d, "back_mdb.so")) {
			fmt.Fprintf(&conf, "modulepath %s\nmoduleload back_mdb\n", d)
			break
		}
	}
	conf.WriteString("pidfile " + filepath.Join(dir, "slapd.pid") + "\n" +
		"database mdb\nsuffix \"dc=example,dc=com\"\nrootdn \"cn=admin,dc=example,dc=com\"\nrootpw secret\n" +
		"directory " + db + "\n" + dbConf)
	cp := filepath.Join(dir, "slapd.conf")
	writeFile(t, cp, conf.String())
	if out, err := exec.Command(slapadd, "-q", "-f", cp, "-l", ldifPath).CombinedOutput(); err != nil {
		t.Fatalf("slapadd: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "ldap://" + l.Addr().String()
	l.Close()
	cmd := exec.Command(slapd, "-f", cp, "-h", url+"/", "-d", "0")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-done })
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := ldap.DialURL(url); err == nil {
			c.Close()
			return url
		}
		select {
		case <-done:
			t.Fatalf("slapd exited:\n%s", out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("slapd not answering on %s:\n%s", url, out.String())
		}
	}
}

// serveFile imports the LDIF file fixture into lightdir (default
// configuration) and into slapd with Debian's default schema (core,
// cosine, inetorgperson, nis: what lightdir's built-in schema covers),
// serves both on their default limits (500 entries for clients other than
// the root DN) and returns the URL of each.
func serveFile(t *testing.T, fixture string) (ours, theirs string) {
	t.Helper()
	slapdURL := startSlapd(t, fixture, []string{"core", "cosine", "inetorgperson", "nis"}, "maxsize 104857600\nindex objectClass eq\n")
	dir := t.TempDir()
	if code, _, errOut := lightdir(t, dir, "import", "-q", fixture); code != 0 {
		t.Fatalf("lightdir import: %s", errOut)
	}
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0")
	return s.url("ldap"), slapdURL
}

// serveLDIF is serveFile for the LDIF text ldif.
func serveLDIF(t *testing.T, ldif string) (ours, theirs string) {
	t.Helper()
	fixture := filepath.Join(t.TempDir(), "fixture.ldif")
	writeFile(t, fixture, ldif)
	return serveFile(t, fixture)
}

// serveBoth is serveLDIF with a connection to each server.
func serveBoth(t *testing.T, ldif string) (ours, theirs *ldap.Conn) {
	t.Helper()
	oursURL, theirsURL := serveLDIF(t, ldif)
	return dial(t, oursURL), dial(t, theirsURL)
}

// bindRoot binds each connection as the root DN.
func bindRoot(t *testing.T, conns ...*ldap.Conn) {
	t.Helper()
	for _, c := range conns {
		if err := c.Bind(rootDN, "secret"); err != nil {
			t.Fatal(err)
		}
	}
}

// searchSummary returns the result code, or the entries found (DNs exactly as
// returned, sorted; with attrs other than "1.1", each attribute as name=values).
func searchSummary(c *ldap.Conn, base string, scope int, filter string, attrs ...string) string {
	return searchSummaryDN(c, base, scope, filter, func(dn string) string { return dn }, attrs...)
}

// searchSummaryDN is searchSummary with the DNs mapped through form.
func searchSummaryDN(c *ldap.Conn, base string, scope int, filter string, form func(string) string, attrs ...string) string {
	if len(attrs) == 0 {
		attrs = []string{"1.1"}
	}
	res, err := c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil))
	var le *ldap.Error
	if errors.As(err, &le) {
		return fmt.Sprintf("resultCode %d", le.ResultCode)
	}
	if err != nil {
		return "error " + err.Error()
	}
	var out []string
	for _, e := range res.Entries {
		s := form(e.DN)
		var as []string
		for _, a := range e.Attributes {
			as = append(as, fmt.Sprintf("%s=%q", a.Name, a.Values))
		}
		slices.Sort(as)
		if len(as) > 0 {
			s += " {" + strings.Join(as, " ") + "}"
		}
		out = append(out, s)
	}
	slices.Sort(out)
	if len(out) == 0 {
		return "no entries"
	}
	return strings.Join(out, " | ")
}

// compareFilters runs each filter as a subtree search from the suffix
// on both servers and reports every difference.
func compareFilters(t *testing.T, ours, theirs *ldap.Conn, filters ...string) {
	t.Helper()
	for _, f := range filters {
		got := searchSummaryDN(ours, "dc=example,dc=com", ldap.ScopeWholeSubtree, f, canonDN)
		want := searchSummaryDN(theirs, "dc=example,dc=com", ldap.ScopeWholeSubtree, f, canonDN)
		if got != want {
			t.Errorf("filter %s\nlightdir: %s\nslapd:    %s", f, got, want)
		}
	}
}

// canonDN lower-cases a DN and sorts multi-valued RDNs, so that the
// DN's presentation (slapd returns its own form of entry DNs) does not hide
// matching differences.
func canonDN(s string) string {
	dn, err := ldap.ParseDN(s)
	if err != nil {
		return "unparsable " + s
	}
	var rdns []string
	for _, r := range dn.RDNs {
		var avas []string
		for _, a := range r.Attributes {
			avas = append(avas, strings.ToLower(a.Type)+"="+ldap.EscapeDN(strings.ToLower(a.Value)))
		}
		slices.Sort(avas)
		rdns = append(rdns, strings.Join(avas, "+"))
	}
	return strings.Join(rdns, ",")
}

// uidNumber and gidNumber have an ORDERING rule in slapd 2.5 (they are
// built into slapd, nis.schema comments them out), so (uidNumber>=1000)
// works there (lightdir's built-in definitions used to lack it).
func TestSlapd_uidNumberOrdering(t *testing.T) {
	ours, theirs := serveBoth(t, matchFixture)
	compareFilters(t, ours, theirs,
		"(uidNumber>=1000)", "(uidNumber<=1000)", "(uidNumber>=-10)", "(uidNumber<=-1)",
		"(gidNumber>=1)", "(gidNumber<=0)", "(&(objectClass=posixAccount)(uidNumber>=1000)(uidNumber<=60000))")
}

// A requested attribute description with options returns only the
// values of the attribute with those options (RFC 4511 §4.5.1.8, RFC 4512
// §2.5); lightdir used to ignore the options.
func TestSlapd_requestedAttributeOptions(t *testing.T) {
	ours, theirs := serveBoth(t, matchFixture)
	for _, attrs := range [][]string{{"cn;lang-en"}, {"CN;LANG-EN"}, {"cn;lang-fr"}, {"name;lang-de"}, {"cn;x-unknown"}} {
		got := searchSummary(ours, "uid=u2,ou=people,dc=example,dc=com", ldap.ScopeBaseObject, "(objectClass=*)", attrs...)
		want := searchSummary(theirs, "uid=u2,ou=people,dc=example,dc=com", ldap.ScopeBaseObject, "(objectClass=*)", attrs...)
		if got != want {
			t.Errorf("attributes %q\nlightdir: %s\nslapd:    %s", attrs, got, want)
		}
	}
}

// The Root DSE names cn=Subschema as subschemaSubentry (RFC 4512 §5.1),
// and serves it (lightdir used to answer noSuchObject).
func TestSlapd_subschemaSubentry(t *testing.T) {
	ours, theirs := serveBoth(t, matchFixture)
	for _, c := range [][2]string{{"(objectClass=subschema)", "1.1"}, {"(objectClass=*)", "1.1"}, {"(objectClass=subschema)", "cn"}} {
		got := searchSummary(ours, "cn=Subschema", ldap.ScopeBaseObject, c[0], c[1])
		want := searchSummary(theirs, "cn=Subschema", ldap.ScopeBaseObject, c[0], c[1])
		if got != want {
			t.Errorf("base cn=Subschema %s %s\nlightdir: %s\nslapd:    %s", c[0], c[1], got, want)
		}
	}
	// And the schema it publishes is usable: uidNumber is there.
	res, err := ours.Search(ldap.NewSearchRequest("cn=Subschema", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=subschema)", []string{"attributeTypes"}, nil))
	if err != nil || len(res.Entries) != 1 || !slices.ContainsFunc(res.Entries[0].GetAttributeValues("attributeTypes"), func(s string) bool {
		return strings.Contains(s, "'uidNumber'")
	}) {
		t.Errorf("lightdir attributeTypes of cn=Subschema: %v", err)
	}
}

// Assertion values must be valid for the matching rule's syntax
// (RFC 4517 §3.3.3 Boolean, §3.3.16 Integer, §3.3.6 Directory String =
// 1*UTF8, §3.3.26 OID); otherwise the filter item is Undefined (RFC 4511
// §4.5.1.7) and its NOT is Undefined too (lightdir used to normalize them).
func TestSlapd_invalidAssertionValues(t *testing.T) {
	ours, theirs := serveBoth(t, matchFixture)
	compareFilters(t, ours, theirs,
		"(uidNumber=01000)", "(uidNumber=+1000)", "(!(uidNumber=01000))", "(gidNumber=-0)", "(gidNumber=00)",
		"(hasSubordinates=true)", "(!(hasSubordinates=true))", "(cn=)", "(!(cn=))",
		"(objectClass=person )", "(!(objectClass=person ))")
	// A compare with such a value is invalidAttributeSyntax in slapd.
	for _, c := range [][2]string{{"uidNumber", "01000"}, {"uidNumber", "abc"}, {"cn", ""}, {"hasSubordinates", "false"}} {
		const u1 = "uid=u1,ou=people,dc=example,dc=com"
		got, want := compareSummary(ours, u1, c[0], c[1]), compareSummary(theirs, u1, c[0], c[1])
		if got != want {
			t.Errorf("compare uid=u1 %s=%q\nlightdir: %s\nslapd:    %s", c[0], c[1], got, want)
		}
	}
}

// compareSummary is the outcome of a compare of dn as a string: its result
// code, or compareTrue/False.
func compareSummary(c *ldap.Conn, dn, attr, value string) string {
	ok, err := c.Compare(dn, attr, value)
	var le *ldap.Error
	if errors.As(err, &le) {
		return fmt.Sprintf("resultCode %d", le.ResultCode)
	}
	if err != nil {
		return "error " + err.Error()
	}
	return fmt.Sprint("compare ", ok)
}

// objectIdentifierMatch with a descr the server does not know is
// Undefined (RFC 4517 §4.2.26), so NOT of it is Undefined too (lightdir
// made it FALSE, and (!(objectClass=typo)) returned every entry).
func TestSlapd_unknownObjectClassName(t *testing.T) {
	ours, theirs := serveBoth(t, matchFixture)
	compareFilters(t, ours, theirs, "(objectClass=nosuchclass)", "(!(objectClass=nosuchclass))",
		"(|(objectClass=posixGroupp)(uid=u1))", "(!(|(objectClass=posixGroupp)(uid=u1)))")
}

// slapd matches structuralObjectClass with objectSubClassMatch, like
// objectClass: (structuralObjectClass=person) holds for inetOrgPerson entries.
func TestSlapd_structuralObjectClassSubclasses(t *testing.T) {
	ours, theirs := serveBoth(t, matchFixture)
	compareFilters(t, ours, theirs, "(structuralObjectClass=person)",
		"(structuralObjectClass=organizationalPerson)", "(structuralObjectClass=top)", "(structuralObjectClass=inetOrgPerson)")
}

// slapd returns entry DNs in its pretty form: attribute types by the
// schema's name (CN= and 2.5.4.3= become cn=), AVAs of a multi-valued RDN
// sorted, special characters as \XX; lightdir stores and returns the same
// form (it used to return types and escapes as written).
func TestSlapd_entryDNForm(t *testing.T) {
	ours, theirs := serveBoth(t, matchFixture)
	for _, f := range []string{"(cn=upper)", "(cn=d)", "(cn=smith, john)"} {
		got := searchSummary(ours, "dc=example,dc=com", ldap.ScopeWholeSubtree, f)
		want := searchSummary(theirs, "dc=example,dc=com", ldap.ScopeWholeSubtree, f)
		if got != want {
			t.Errorf("filter %s\nlightdir: %s\nslapd:    %s", f, got, want)
		}
	}
}

const ruleFixture = peopleBase + `dn: uid=p1,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: p1
cn: p1
sn: Smith
uidNumber: 1001
gidNumber: -6
homeDirectory: /home/p1
telephoneNumber: +1 555-123 4567
mobile: 555 1234567
postalAddress: 1 Main St$Springfield$ USA
homePostalAddress: A$B

dn: uid=p2,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: p2
cn: p2
sn: Jones
uidNumber: 5
gidNumber: 0
homeDirectory: /home/p2
telephoneNumber: 5551234567
postalAddress: 1 main st $ springfield $ usa
`

// Extensible matches with the Directory String rules on telephone numbers,
// the bitwise integer rules and list substrings answer as in slapd 2.5
// (lightdir found nothing for the first two, and let substrings of a
// postalAddress match across its lines).
func TestSlapd_extensibleRulesAndListSubstrings(t *testing.T) {
	ours, theirs := serveBoth(t, ruleFixture)
	compareFilters(t, ours, theirs,
		"(telephoneNumber:caseExactMatch:=+1 555-123 4567)", "(telephoneNumber:caseIgnoreMatch:=+1  555-123 4567)",
		"(mobile:caseExactMatch:=555 1234567)", "(:caseExactMatch:=5551234567)",
		"(!(telephoneNumber:caseExactMatch:=+1 5551234567))", "(telephoneNumber:caseIgnoreOrderingMatch:=+2)",
		"(uidNumber:1.2.840.113556.1.4.803:=1)", "(uidNumber:integerBitAndMatch:=9)", "(uidNumber:integerBitOrMatch:=6)",
		"(gidNumber:integerBitAndMatch:=2)", "(!(gidNumber:integerBitAndMatch:=4))", "(:integerBitAndMatch:=0)",
		"(uidNumber:integerBitAndMatch:=01)", "(cn:integerBitAndMatch:=1)",
		"(postalAddress=*springfield*)", "(postalAddress=*main st springfield*)", "(postalAddress=*st spring*)",
		"(postalAddress=1 main*usa)", "(homePostalAddress=*a b*)", "(homePostalAddress=a*b)", "(homePostalAddress=*b)")
}
