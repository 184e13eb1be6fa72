package conf

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestImports_allowed: conf depends on the standard library and BurntSushi/toml only.
func TestImports_allowed(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("go tool not in PATH")
		}
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "lightdir/conf" && !strings.HasPrefix(dep, "github.com/BurntSushi/toml") {
			t.Errorf("conf imports %s", dep)
		}
	}
}
