package schema

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports_allowed checks the package depends only on the standard library and golang.org/x/text.
func TestImports_allowed(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "lightdir/schema" && !strings.HasPrefix(p, "golang.org/x/text/") {
			t.Errorf("schema imports %s; allowed are the standard library and golang.org/x/text", p)
		}
	}
}
