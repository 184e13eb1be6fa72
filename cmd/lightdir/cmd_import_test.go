package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const importLDIF = `dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: Liddell
userPassword: {SSHA}abcdefghijklmnopqrstuvwxyz01

`

// TestImportExportCheck_cli: import, check, index and export work on a -b/-d database, the export reloads with our import and with slapadd -q.
func TestImportExportCheck_cli(t *testing.T) {
	dir := t.TempDir()
	db := []string{"-b", "dc=example,dc=com", "-d", filepath.Join(dir, "db"), "-i", "uid:eq;cn:eq,sub"}
	if code, _, e := runCmd(importLDIF, append([]string{"import", "-q"}, db...)...); code != 0 {
		t.Fatalf("import: %d %s", code, e)
	}
	if code, out, e := runCmd("", append([]string{"check"}, db...)...); code != 0 || out != "ok\n" {
		t.Fatalf("check: %d %q %s", code, out, e)
	}
	if code, _, e := runCmd("", append([]string{"index"}, append(db, "cn")...)...); code != 0 {
		t.Fatalf("index: %d %s", code, e)
	}
	code, ldif, e := runCmd("", append([]string{"export"}, db...)...)
	if code != 0 || !strings.Contains(ldif, "dn: uid=alice,ou=people,dc=example,dc=com") {
		t.Fatalf("export: %d %s\n%s", code, e, ldif)
	}
	db2 := []string{"-b", "dc=example,dc=com", "-d", filepath.Join(dir, "db2")}
	if code, _, e := runCmd(ldif, append([]string{"import", "-q"}, db2...)...); code != 0 {
		t.Fatalf("re-import: %d %s", code, e)
	}
	if _, again, _ := runCmd("", append([]string{"export"}, db2...)...); again != ldif {
		t.Errorf("round trip differs:\n%s\n---\n%s", ldif, again)
	}
	file := filepath.Join(dir, "out.ldif")
	if code, out, e := runCmd("", append([]string{"export", "-l", file}, db2...)...); code != 0 || out != "" {
		t.Fatalf("export -l: %d %q %s", code, out, e)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != ldif {
		t.Errorf("export -l wrote %q (%v), want what standard output got", b, err)
	}
	// The export holds every entry and password hash: readable by its
	// owner only, like the database files.
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("export -l file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	if code, _, e := runCmd("", append([]string{"export", "-l", filepath.Join(dir, "no", "such", "dir")}, db2...)...); code != exitError || e == "" {
		t.Errorf("export -l into a missing directory: exit %d %q", code, e)
	}
	if code, _, e := runCmd("dn: dc=example,dc=com\nchangetype: delete\n", append([]string{"import", "-q"}, "-b", "dc=example,dc=com", "-d", filepath.Join(dir, "db3"))...); code != 1 || !strings.Contains(e, "line 1") {
		t.Errorf("change record: %d %s", code, e)
	}
	slapadd(t, ldif)
}

// slapadd loads ldif into a scratch slapd database with slapadd -q.
func slapadd(t *testing.T, ldif string) {
	path, err := exec.LookPath("slapadd")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/slapadd"); err2 == nil {
			path = "/usr/sbin/slapadd"
		} else if os.Getenv("CI") == "" {
			t.Skip("slapadd not installed")
		} else {
			t.Fatal("slapadd not installed")
		}
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "slapd.conf")
	cfg := "include /etc/ldap/schema/core.schema\ninclude /etc/ldap/schema/cosine.schema\n" +
		"include /etc/ldap/schema/inetorgperson.schema\n" +
		"moduleload back_mdb\nmodulepath /usr/lib/ldap\n" +
		"database mdb\nsuffix \"dc=example,dc=com\"\ndirectory " + dir + "\n"
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.ldif")
	if err := os.WriteFile(in, []byte(ldif), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "-q", "-f", conf, "-l", in).CombinedOutput()
	if err != nil {
		t.Fatalf("slapadd -q: %v\n%s", err, out)
	}
}

// TestDatabaseCommands_exitCodes: import, export, index and check exit 1 on a
// configuration they cannot use (missing file, unknown key, no database with
// the suffix), as serve and test do, and 2 only on a command-line mistake.
func TestDatabaseCommands_exitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("bogus = 1\n"), 0o644)
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("[[database]]\nsuffix = \"o=a\"\ndirectory = \"a\"\n[[database]]\nsuffix = \"o=b\"\ndirectory = \"b\"\n"), 0o644)
	for _, cmd := range []string{"import", "export", "index", "check"} {
		for _, tc := range []struct {
			args []string
			code int
		}{
			{[]string{"-c", filepath.Join(dir, "missing.toml")}, exitError},
			{[]string{"-c", bad}, exitError},
			{[]string{"-c", good, "-b", "o=c"}, exitError},
			{[]string{"-c", good}, exitUsage},            // several databases, no -b
			{[]string{"-c", good, "-d", "x"}, exitUsage}, // -d is for use without -c
			{[]string{"-d", "x"}, exitUsage},             // -d needs -b
		} {
			args := append([]string{cmd}, tc.args...)
			code, _, errs := runCmd("", args...)
			if code != tc.code || strings.Count(errs, "\n") != 1 {
				t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, tc.code, errs)
			}
		}
	}
}

// TestImport_entryOfASubordinateDatabase: with nested databases, importing
// into the upper one refuses an entry at or below the lower one's suffix, as
// slapadd does ("database #1 (dc=example,dc=com) not configured to hold ...").
// Before, the entry was stored in the upper database, where the server never
// routes its DN: a base search of it found nothing, while subtree searches
// of the upper suffix returned it.
func TestImport_entryOfASubordinateDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "lightdir.toml")
	os.WriteFile(cfg, []byte(`[[database]]
suffix = "dc=example,dc=com"
directory = "top"
[[database]]
suffix = "ou=Sub,dc=example,dc=com"
directory = "sub"
`), 0o644)
	ldif := importLDIF + "dn: ou=sub,dc=example,dc=com\nobjectClass: organizationalUnit\nou: sub\n"
	code, _, e := runCmd(ldif, "import", "-q", "-c", cfg, "-b", "dc=example,dc=com")
	if code != exitError || !strings.Contains(e, "line 18") || !strings.Contains(e, "ou=Sub,dc=example,dc=com") {
		t.Fatalf("import: exit %d %q", code, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "top", "data.mdb")); err == nil {
		t.Fatal("the refused import left a database")
	}
	// The lower database takes it, and the upper one the rest.
	if code, _, e := runCmd(importLDIF, "import", "-q", "-c", cfg, "-b", "dc=example,dc=com"); code != exitOK {
		t.Fatalf("import into the upper database: exit %d %s", code, e)
	}
	sub := "dn: ou=sub,dc=example,dc=com\nobjectClass: organizationalUnit\nou: sub\n\n" +
		"dn: cn=x,ou=sub,dc=example,dc=com\nobjectClass: person\ncn: x\nsn: x\n"
	if code, _, e := runCmd(sub, "import", "-q", "-c", cfg, "-b", "ou=sub,dc=example,dc=com"); code != exitOK {
		t.Fatalf("import into the lower database: exit %d %s", code, e)
	}
}

// TestExport_helpMatchesREADME: export --help says what the README (and
// TestServe_exportWhileServing) shows: it runs while serve has the database
// open. It used to tell operators to stop the server first.
func TestExport_helpMatchesREADME(t *testing.T) {
	code, out, _ := runCmd("", "export", "--help")
	if code != exitOK || strings.Contains(out, "stop it first") || !strings.Contains(out, "while\nserve has the database open") {
		t.Fatalf("export --help:\n%s", out)
	}
}

// TestDatabaseCommands_withoutTheServersCertificate: import, export, index and
// check open no listener, so the [tls] files are not theirs to load: a backup
// job that cannot read the server's private key, or a restore on a host whose
// certificate is not installed yet, still works (slapadd and slapcat run with
// TLSCertificateFile and TLSCertificateKeyFile naming missing files). They
// used to refuse with "tls: conf: invalid value: open ...".
func TestDatabaseCommands_withoutTheServersCertificate(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "lightdir.toml")
	os.WriteFile(cfg, []byte(`listen = ["ldaps://127.0.0.1:6360"]
[tls]
cert = "missing-cert.pem"
key = "missing-key.pem"
[[database]]
suffix = "dc=example,dc=com"
directory = "db"
[database.indices]
uid = ["eq"]
`), 0o644)
	if code, _, e := runCmd(importLDIF, "import", "-q", "-c", cfg); code != exitOK {
		t.Fatalf("import: exit %d %s", code, e)
	}
	for _, cmd := range []string{"export", "index", "check"} {
		if code, _, e := runCmd("", cmd, "-c", cfg); code != exitOK {
			t.Errorf("%s: exit %d %s", cmd, code, e)
		}
	}
	// serve and test still check the files.
	if code, _, e := runCmd("", "test", "-c", cfg); code != exitError || !strings.Contains(e, "missing-cert.pem") {
		t.Errorf("test: exit %d %q", code, e)
	}
}

// Without -q, an import to a pipe or file ends with one summary line, not two.
func TestImport_oneSummaryLine(t *testing.T) {
	db := []string{"-b", "dc=example,dc=com", "-d", filepath.Join(t.TempDir(), "db")}
	code, _, e := runCmd(importLDIF, append([]string{"import"}, db...)...)
	if code != 0 {
		t.Fatalf("import: %d %s", code, e)
	}
	lines := strings.Split(strings.TrimSuffix(e, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "imported 3 entries in ") || !strings.HasSuffix(lines[0], "/s)") {
		t.Fatalf("standard error %q, want one summary line with the rate", e)
	}
}
