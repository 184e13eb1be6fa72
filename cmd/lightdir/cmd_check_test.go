package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck_notesUnbuiltIndexes: an index configured but not built (added
// since the import, or its build was interrupted) is not an inconsistency,
// but check says so, since searches scan until it is built.
func TestCheck_notesUnbuiltIndexes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db")
	ldif := "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: x\ndc: example\n\n" +
		"dn: cn=a,dc=example,dc=com\nobjectClass: person\ncn: a\nsn: a\n"
	if code, _, e := runCmd(ldif, "import", "-q", "-b", "dc=example,dc=com", "-d", db, "-i", "uid:eq"); code != 0 {
		t.Fatalf("import: %d %s", code, e)
	}
	code, out, e := runCmd("", "check", "-b", "dc=example,dc=com", "-d", db, "-i", "uid:eq;cn:eq,sub")
	if code != 0 || out != "ok\n" || !strings.Contains(e, "index cn (eq,sub) is not built") || strings.Contains(e, "uid") {
		t.Fatalf("check with cn added: exit %d, out %q, err %q", code, out, e)
	}
	if code, out, e := runCmd("", "check", "-b", "dc=example,dc=com", "-d", db, "-i", "uid:eq"); code != 0 || out != "ok\n" || e != "" {
		t.Fatalf("check as imported: exit %d, out %q, err %q", code, out, e)
	}
}
