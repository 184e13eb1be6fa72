package backend

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// slapcatAfterModDN is what OpenLDAP 2.5's slapcat wrote (verbatim) after
// "cn=x,dc=example,dc=com" was moved (ldapmodify against slapd) below
// "ou=a,dc=example,dc=com", an entry created after it: back-mdb dumps in
// ID order, so the child comes before its parent. slapadd -q loads it.
const slapcatAfterModDN = `dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
o: x
dc: example
structuralObjectClass: organization
entryUUID: 3bf23852-79dc-1041-8783-4770c6f2e9c7
creatorsName:
createTimestamp: 20261121094656Z
entryCSN: 20261121094656.668814Z#000000#000#000000
modifiersName:
modifyTimestamp: 20261121094656Z

dn: cn=x,ou=a,dc=example,dc=com
objectClass: device
structuralObjectClass: device
entryUUID: 3bf239c4-79dc-1041-8784-4770c6f2e9c7
creatorsName:
createTimestamp: 20261121094656Z
cn: x
entryCSN: 20261121094659.713808Z#000000#000#000000
modifiersName: cn=admin,dc=example,dc=com
modifyTimestamp: 20261121094659Z

dn: ou=a,dc=example,dc=com
objectClass: organizationalUnit
ou: a
structuralObjectClass: organizationalUnit
entryUUID: 3bf23a1e-79dc-1041-8785-4770c6f2e9c7
creatorsName:
createTimestamp: 20261121094656Z
entryCSN: 20261121094656.668935Z#000000#000#000000
modifiersName:
modifyTimestamp: 20261121094656Z

`

// TestImport_acceptsSlapcatChildBeforeParent: import accepts what
// slapcat writes after a modrdn with newSuperior (slapadd does), and the
// result is a sound tree that exports parents first.
func TestImport_acceptsSlapcatChildBeforeParent(t *testing.T) {
	opts := testOptions(t)
	st, err := Import(opts, strings.NewReader(slapcatAfterModDN), ImportOptions{})
	if err != nil {
		t.Fatalf("import of slapcat output: %v", err)
	}
	if st.Entries != 3 {
		t.Fatalf("imported %d entries, want 3", st.Entries)
	}
	if err := Check(opts); err != nil {
		t.Fatal(err)
	}
	out := exportString(t, opts)
	if i, j := strings.Index(out, "dn: ou=a,dc=example,dc=com"), strings.Index(out, "dn: cn=x,ou=a,dc=example,dc=com"); i < 0 || j < i {
		t.Fatalf("export misses an entry or writes the child first:\n%s", out)
	}
	b := openTest(t, opts)
	got, err := doSearch(t, b, "ou=a,dc=example,dc=com", ldapserver.ScopeOne, "(objectClass=*)")
	if err != nil || strings.Join(got.dns(), " ") != "cn=x,ou=a,dc=example,dc=com" {
		t.Fatalf("one-level search below ou=a: %v %v", got.dns(), err)
	}
	// A parent that never comes is still refused, naming the orphan's line.
	opts2 := testOptions(t)
	_, err = Import(opts2, strings.NewReader(baseLDIF+"dn: cn=x,ou=nowhere,dc=example,dc=com\nobjectClass: device\ncn: x\n"), ImportOptions{})
	if !errors.Is(err, ErrBadEntry) || !strings.Contains(err.Error(), "line 7:") || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("orphan: %v", err)
	}
}

const baseLDIF = "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: x\ndc: example\n\n"

// TestImport_operationalAttributesByOID: operational attributes given by OID
// (1.3.6.1.1.16.4 is entryUUID, 2.5.18.1 createTimestamp) are kept once, as
// slapadd keeps them; they must not get a second, stamped value, which made
// the export impossible to import again.
func TestImport_operationalAttributesByOID(t *testing.T) {
	in := baseLDIF[:len(baseLDIF)-1] + "1.3.6.1.1.16.4: 5d2b1c48-1111-4222-8333-444455556666\n2.5.18.1: 20200101000000Z\n"
	opts := testOptions(t)
	if _, err := Import(opts, strings.NewReader(in), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	out := exportString(t, opts)
	if n := strings.Count(out, "entryUUID:"); n != 1 || !strings.Contains(out, "entryUUID: 5d2b1c48-1111-4222-8333-444455556666") {
		t.Errorf("export has %d entryUUID lines, want the given one only:\n%s", n, out)
	}
	if n := strings.Count(out, "createTimestamp:"); n != 1 || !strings.Contains(out, "createTimestamp: 20200101000000Z") {
		t.Errorf("export has %d createTimestamp lines, want the given one only:\n%s", n, out)
	}
	if _, err := Import(testOptions(t), strings.NewReader(out), ImportOptions{}); err != nil {
		t.Fatalf("re-import of the export: %v", err)
	}
}

// TestExport_changeTypeAttributeFirst: an entry whose first attribute is
// changeType (the changelog schema's attribute, e.g. from dsee.schema)
// exports as LDIF that import reads back as the same entry.
func TestExport_changeTypeAttributeFirst(t *testing.T) {
	reg := schema.Default()
	if err := reg.LoadSchemaFile("changelog.schema", []byte(`
attributetype ( 2.16.840.1.113730.3.1.7 NAME 'changeType'
	EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 2.16.840.1.113730.3.2.1 NAME 'changeLogEntry' SUP top STRUCTURAL
	MUST ( cn $ changeType ) )
`)); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	opts.Schema = reg
	b := openTest(t, opts)
	mustAdd(t, b, "cn=1,dc=example,dc=com", "changeType: add", "objectClass: changeLogEntry", "cn: 1")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	out := exportString(t, opts)
	opts2 := opts
	opts2.Dir = t.TempDir()
	if _, err := Import(opts2, strings.NewReader(out), ImportOptions{}); err != nil {
		t.Fatalf("re-import of the export: %v\n%s", err, out)
	}
	if again := exportString(t, opts2); again != out {
		t.Fatalf("round trip differs:\n%s\n----\n%s", out, again)
	}
}

// TestImport_dropsComputedAttributes: entryDN, hasSubordinates,
// numSubordinates and subschemaSubentry are computed, never stored; an
// LDIF that carries them (ldapsearch '*' '+' output) must not leave stale
// copies that searches return next to the computed values or match.
func TestImport_dropsComputedAttributes(t *testing.T) {
	in := baseLDIF[:len(baseLDIF)-1] + "hasSubordinates: FALSE\nentryDN: dc=old,dc=com\nsubschemaSubentry: cn=old\n\n" +
		"dn: cn=x,dc=example,dc=com\nobjectClass: device\ncn: x\n"
	opts := testOptions(t)
	if _, err := Import(opts, strings.NewReader(in), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	b := openTest(t, opts)
	got, err := doSearch(t, b, testSuffix, ldapserver.ScopeBase, "(objectClass=*)", "hasSubordinates", "entryDN", "subschemaSubentry")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"hasSubordinates", "entryDN", "subschemaSubentry"} {
		if vs := got.attr(0, a); len(vs) != 1 {
			t.Errorf("%s: %q, want one (computed) value", a, vs)
		}
	}
	if got, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(entryDN=dc=old,dc=com)"); err != nil || len(got.dns()) != 0 {
		t.Errorf("(entryDN=dc=old,dc=com) matched %v (%v)", got.dns(), err)
	}
}

// TestImport_refusesWrongStructuralObjectClass: slapadd refuses an
// entry whose structuralObjectClass is not its structural class ("(69)
// structural object class modification from 'organization' to 'device' not
// allowed"); import must not store it.
func TestImport_refusesWrongStructuralObjectClass(t *testing.T) {
	in := baseLDIF + "dn: cn=x,dc=example,dc=com\nobjectClass: device\ncn: x\nstructuralObjectClass: organization\n"
	opts := testOptions(t)
	_, err := Import(opts, strings.NewReader(in), ImportOptions{})
	if !errors.Is(err, ErrBadEntry) || !strings.Contains(err.Error(), "line 7:") {
		t.Fatalf("import: %v, want ErrBadEntry at line 7", err)
	}
	// The right class, in any spelling, is fine.
	in = baseLDIF + "dn: cn=x,dc=example,dc=com\nobjectClass: device\ncn: x\nstructuralObjectClass: DEVICE\n"
	if _, err := Import(testOptions(t), strings.NewReader(in), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestImport_killedImportsTemporaryDirectoryRemoved: an import killed with
// SIGKILL leaves its temporary database behind (it may be gigabytes); the
// next import must clean it up.
func TestImport_killedImportsTemporaryDirectoryRemoved(t *testing.T) {
	if dir := os.Getenv("BACKEND_IMPORT_CHILD"); dir != "" {
		opts := Options{Dir: dir, Suffix: testSuffix, MapSize: 64 << 20, Durability: 2, RootDN: testRoot}
		Import(opts, os.Stdin, ImportOptions{}) // stdin never ends: killed meanwhile
		return
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestImport_killedImportsTemporaryDirectoryRemoved$")
	cmd.Env = append(os.Environ(), "BACKEND_IMPORT_CHILD="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(parent, ".lightdir-import-*", "data.mdb")); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child import never started")
		}
	}
	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	opts := testOptions(t)
	opts.Dir = dir
	if _, err := Import(opts, strings.NewReader(sampleLDIF), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(parent, ".lightdir-import-*")); len(left) > 0 {
		t.Fatalf("temporary directories of the killed import left behind: %v", left)
	}
}

// TestImport_addsMissingRDNValues: slapadd (like slapd, and like this
// backend's Add, see TestAdd_missingRDNValueAdded) stores an entry whose
// attributes lack its RDN value with that value added ("cn: y" then
// "cn: x" for cn=x); import refused it with a naming error.
func TestImport_addsMissingRDNValues(t *testing.T) {
	in := baseLDIF + "dn: cn=x,dc=example,dc=com\nobjectClass: device\ncn: y\n\n" +
		"dn: uid=u,dc=example,dc=com\nobjectClass: account\nobjectClass: extensibleObject\n"
	opts := testOptions(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}}, IndexSpec{Attr: "cn", Kinds: []string{"eq"}})
	if _, err := Import(opts, strings.NewReader(in), ImportOptions{}); err != nil {
		t.Fatalf("import: %v", err)
	}
	b := openTest(t, opts) // its cleanup runs Check and checkNorms
	for filter, want := range map[string]string{"(cn=x)": "cn=x,dc=example,dc=com", "(cn=y)": "cn=x,dc=example,dc=com", "(uid=u)": "uid=u,dc=example,dc=com"} {
		got, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, filter)
		if err != nil || strings.Join(got.dns(), " ") != want {
			t.Errorf("%s: %v %v, want %s", filter, got.dns(), err, want)
		}
	}
}

// TestExport_attachedSeesNewDescriptions: Export from a read-only
// Backend attached to a running host (lightdir export, or any read-only
// process) reads one snapshot; an entry the host wrote with an attribute
// description new to the database (here description;lang-fr) after the
// reader opened must export, not fail as corrupted.
func TestExport_attachedSeesNewDescriptions(t *testing.T) {
	if dir := os.Getenv("BACKEND_EXPORT_CHILD"); dir != "" {
		opts := Options{Dir: dir, Suffix: testSuffix, MapSize: 64 << 20, ReadOnly: true}
		b, err := Open(opts)
		if err != nil {
			os.Stdout.WriteString("OPEN FAILED: " + err.Error() + "\n")
			return
		}
		defer b.Close()
		os.Stdout.WriteString("ready\n")
		var line [16]byte
		os.Stdin.Read(line[:])
		// A search, then an export, each after the host stored an entry
		// with a description new to the database: both must decode it.
		c, err := doSearch(t, b, "cn=x,dc=example,dc=com", ldapserver.ScopeBase, "(objectClass=*)", "description;lang-fr")
		if err != nil {
			os.Stdout.WriteString("SEARCH FAILED: " + err.Error() + "\n")
			return
		}
		os.Stdout.WriteString("SEARCH: " + strings.Join(c.attr(0, "description;lang-fr"), ",") + "\n")
		os.Stdin.Read(line[:]) // the host adds description;lang-de meanwhile
		var out strings.Builder
		if err := b.Export(t.Context(), &out); err != nil {
			os.Stdout.WriteString("EXPORT FAILED: " + err.Error() + "\n")
			return
		}
		os.Stdout.WriteString("EXPORT:\n" + out.String() + "END\n")
		return
	}
	opts := testOptions(t)
	host := openTest(t, opts)
	cmd := exec.Command(os.Args[0], "-test.run=^TestExport_attachedSeesNewDescriptions$")
	cmd.Env = append(os.Environ(), "BACKEND_EXPORT_CHILD="+opts.Dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	lines := bufio.NewReader(stdout)
	if l, err := lines.ReadString('\n'); err != nil || l != "ready\n" {
		rest, _ := io.ReadAll(lines)
		t.Fatalf("child: %q%s %v", l, rest, err)
	}
	mustAdd(t, host, "cn=x,dc=example,dc=com", "objectClass: device", "cn: x", "description;lang-fr: bonjour")
	stdin.Write([]byte("go\n"))
	if l, err := lines.ReadString('\n'); err != nil || l != "SEARCH: bonjour\n" {
		rest, _ := io.ReadAll(lines)
		t.Fatalf("search in the attached process: %q%s %v", l, rest, err)
	}
	mustAdd(t, host, "cn=y,dc=example,dc=com", "objectClass: device", "cn: y", "description;lang-de: hallo")
	stdin.Write([]byte("go\n"))
	out, _ := io.ReadAll(lines)
	if !strings.Contains(string(out), "EXPORT:\n") || !strings.Contains(string(out), "description;lang-fr: bonjour") ||
		!strings.Contains(string(out), "description;lang-de: hallo") {
		t.Fatalf("export in the attached process:\n%s", out)
	}
}
