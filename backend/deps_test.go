package backend

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestImports_allowed: backend depends on the packages below it (engine,
// index, schema, pwhash, ldif and ldapserver's value types) and on what
// they bring (goldap inside ldapserver, zap, x/sys, x/text, x/crypto),
// never on conf, cmd or the tests.
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
	allowed := map[string]bool{"lightdir/backend": true, "lightdir/engine": true, "lightdir/index": true,
		"lightdir/schema": true, "lightdir/pwhash": true, "lightdir/ldif": true, "lightdir/ldapserver": true,
		"go.uber.org/zap": true, "go.uber.org/multierr": true}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case allowed[dep],
			strings.HasPrefix(dep, "go.uber.org/zap/"),
			strings.HasPrefix(dep, "github.com/lor00x/goldap/"),
			strings.HasPrefix(dep, "golang.org/x/sys/"),
			strings.HasPrefix(dep, "golang.org/x/text/"),
			strings.HasPrefix(dep, "golang.org/x/crypto/"):
		default:
			t.Errorf("backend imports %s", dep)
		}
	}
}
