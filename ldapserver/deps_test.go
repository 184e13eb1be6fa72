package ldapserver

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestImports_allowed: ldapserver depends on the standard library, lightdir/schema,
// goldap, zap (with multierr) and golang.org/x/sys only — never on backend or engine.
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
		switch {
		case dep == "lightdir/ldapserver", dep == "lightdir/schema",
			strings.HasPrefix(dep, "github.com/lor00x/goldap/"),
			dep == "go.uber.org/zap", strings.HasPrefix(dep, "go.uber.org/zap/"),
			dep == "go.uber.org/multierr",
			strings.HasPrefix(dep, "golang.org/x/sys/"),
			strings.HasPrefix(dep, "golang.org/x/text/"):
		default:
			t.Errorf("ldapserver imports %s", dep)
		}
	}
}
