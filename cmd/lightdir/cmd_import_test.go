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
