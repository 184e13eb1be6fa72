package ldif

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPackage_imports: ldif depends on the standard library only.
func TestPackage_imports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "lightdir/ldif" {
			t.Errorf("ldif imports %s; only the standard library is allowed", p)
		}
	}
}
