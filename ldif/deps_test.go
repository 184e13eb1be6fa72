package ldif

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestPackage_imports: ldif depends on the standard library only.
func TestPackage_imports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("go list: %v", err)
		}
		t.Skipf("go list unavailable: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "lightdir/ldif" {
			t.Errorf("ldif imports %s; only the standard library is allowed", p)
		}
	}
}
