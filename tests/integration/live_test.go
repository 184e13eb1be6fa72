package integration

import (
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
