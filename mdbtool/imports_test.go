package mdbtool

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports_onlyEngineAndStdlib: mdbtool stands on the engine alone.
func TestImports_onlyEngineAndStdlib(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.Contains(imp, ".") || strings.HasPrefix(imp, "lightdir/") && imp != "lightdir/engine" {
			t.Errorf("mdbtool imports %s", imp)
		}
	}
}
