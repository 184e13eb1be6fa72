package backend

import (
	"errors"
	"strings"
	"testing"
)

// TestImport_errorAfterChildBeforeParent: in slapcat's order (a child
// moved by modrdn comes before its parent) an error later in the file
// must be reported as itself, as slapadd reports it ("line=12: object
// class 'person' requires attribute 'sn'"), and not as the child's
// parent being missing: the parent is in the file, after the error, and
// was never read.
func TestImport_errorAfterChildBeforeParent(t *testing.T) {
	in := baseLDIF + // lines 1-6
		"dn: cn=c,ou=p,dc=example,dc=com\nobjectClass: person\ncn: c\nsn: r\n\n" + // line 7: waits for ou=p
		"dn: cn=bad,dc=example,dc=com\nobjectClass: person\ncn: bad\n\n" + // line 12: no sn
		"dn: ou=p,dc=example,dc=com\nobjectClass: organizationalUnit\nou: p\n" // line 16
	opts := testOptions(t)
	_, err := Import(opts, strings.NewReader(in), ImportOptions{})
	if !errors.Is(err, ErrBadEntry) || !strings.Contains(err.Error(), "line 12:") || !strings.Contains(err.Error(), "sn") {
		t.Fatalf("import error %v, want the missing sn of line 12", err)
	}
	// The same for a syntax error that stops the reader.
	in = baseLDIF +
		"dn: cn=c,ou=p,dc=example,dc=com\nobjectClass: person\ncn: c\nsn: r\n\n" +
		"dn: cn=bad,dc=example,dc=com\nnot ldif\n\n" + // line 13
		"dn: ou=p,dc=example,dc=com\nobjectClass: organizationalUnit\nou: p\n"
	_, err = Import(testOptions(t), strings.NewReader(in), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "line 13:") || strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("import error %v, want the syntax error of line 13", err)
	}
}
