package integration

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServe_exportWhileServing: `lightdir export` and `lightdir mdb-stat` run
// as separate processes against the database a running server holds, read a
// consistent snapshot through the engine's shared reader table, and the server
// keeps serving (slapcat on a live back-mdb, the way operators use it).
func TestServe_exportWhileServing(t *testing.T) {
	needTool(t, "ldapadd")
	dir := t.TempDir()
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0")
	ldapTool(t, nil, peopleLDIF, 0, "ldapadd", "-x", "-H", s.url("ldap"), "-D", rootDN, "-w", "secret")

	code, out, errOut := lightdir(t, dir, "export")
	if code != 0 {
		t.Fatalf("export while serving: exit %d: %s", code, errOut)
	}
	for _, dn := range []string{"dn: dc=example,dc=com", "dn: uid=alice,ou=people,dc=example,dc=com", "dn: uid=carol,ou=people,dc=example,dc=com"} {
		if !strings.Contains(out, dn) {
			t.Fatalf("export lacks %q:\n%s", dn, out)
		}
	}
	code, out, errOut = lightdir(t, dir, "mdb-stat", "-e", "lightdir-data")
	if code != 0 || !strings.Contains(out, "Last transaction ID") {
		t.Fatalf("mdb-stat while serving: exit %d: %s%s", code, out, errOut)
	}
	// The server still answers and still writes.
	ldapTool(t, nil, "dn: uid=carol,ou=people,dc=example,dc=com\nchangetype: delete\n", 0,
		"ldapmodify", "-x", "-H", s.url("ldap"), "-D", rootDN, "-w", "secret")
	code, out, _ = lightdir(t, dir, "export")
	if code != 0 || strings.Contains(out, "uid=carol") || !strings.Contains(out, "uid=bob") {
		t.Fatalf("second export (exit %d) does not show the delete:\n%s", code, out)
	}
}

// TestServe_startsWhileExportRuns: a server started while `lightdir export`
// reads the stopped database (a nightly backup meeting a restart) starts and
// writes. The export, which opened the database first, hands it over and
// finishes its snapshot from before the server's writes. The server used to
// exit with "environment in use" until the export ended.
func TestServe_startsWhileExportRuns(t *testing.T) {
	needTool(t, "ldapmodify")
	dir := t.TempDir()
	var ldif strings.Builder
	ldif.WriteString("dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example\n\n" +
		"dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n\n")
	for i := range 1000 {
		fmt.Fprintf(&ldif, "dn: uid=u%d,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: u%d\ncn: User %d\nsn: %d\ndescription: %s\n\n",
			i, i, i, i, strings.Repeat("x", 200))
	}
	writeFile(t, filepath.Join(dir, "people.ldif"), ldif.String())
	if code, _, errOut := lightdir(t, dir, "import", "-q", "people.ldif"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}

	// The export blocks on a full pipe, its read transaction open.
	exp := exec.Command(binary, "export")
	exp.Dir = dir
	stdout, err := exp.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var expErr strings.Builder
	exp.Stderr = &expErr
	if err := exp.Start(); err != nil {
		t.Fatal(err)
	}
	defer exp.Process.Kill()
	first := make([]byte, 4096)
	if _, err := io.ReadFull(stdout, first); err != nil {
		t.Fatalf("export: %v: %s", err, expErr.String())
	}

	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0")
	ldapTool(t, nil, "dn: uid=u5,ou=people,dc=example,dc=com\nchangetype: delete\n\n"+
		"dn: uid=new,ou=people,dc=example,dc=com\nchangetype: add\nobjectClass: inetOrgPerson\nuid: new\ncn: New\nsn: New\n", 0,
		"ldapmodify", "-x", "-H", s.url("ldap"), "-D", rootDN, "-w", "secret")

	rest, err := io.ReadAll(stdout)
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Wait(); err != nil {
		t.Fatalf("export: %v: %s", err, expErr.String())
	}
	out := string(first) + string(rest)
	if n := strings.Count(out, "\ndn: uid=u"); n != 1000 || !strings.Contains(out, "dn: uid=u5,") || strings.Contains(out, "uid=new") {
		t.Fatalf("export is not its snapshot from before the server's writes (%d people entries)", n)
	}
	code, out, errOut := lightdir(t, dir, "export")
	if code != 0 || strings.Contains(out, "dn: uid=u5,") || !strings.Contains(out, "dn: uid=new,") {
		t.Fatalf("export after the writes (exit %d, %s) does not show them", code, errOut)
	}
}
