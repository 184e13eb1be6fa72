package pwhash

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestImports_allowed: pwhash depends on the standard library and
// golang.org/x/crypto (with the x/sys/cpu it pulls in) only.
func TestImports_allowed(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("go tool not in PATH: %v", err)
		}
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "lightdir/pwhash",
			strings.HasPrefix(dep, "golang.org/x/crypto/"),
			dep == "golang.org/x/sys/cpu":
		default:
			t.Errorf("pwhash imports %s", dep)
		}
	}
}
