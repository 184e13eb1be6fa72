package index

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestPackage_imports: index depends on the standard library only for
// now; the engine will be the one allowed addition.
func TestPackage_imports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("go list: %v", err)
		}
		t.Skipf("go list unavailable: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "lightdir/index" && p != "lightdir/engine" {
			t.Errorf("index imports %s; only the standard library and engine are allowed", p)
		}
	}
}
