package mdbtool

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"lightdir/engine"
)

const fixtureDir = "../../shared/fixtures/lmdb"

// copyFixture copies a fixture's data.mdb into a temporary environment
// directory (every LMDB program creates lock.mdb beside it).
func copyFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name, "data.mdb"))
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("fixture %s not available: %v", name, err)
		}
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.mdb"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func fixtureFile(t testing.TB, name, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name, file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// needTool returns the path of an LMDB utility; a missing tool skips the test
// outside CI and fails it in CI.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s not installed (lmdb-utils)", name)
		}
		t.Fatalf("%s not installed (lmdb-utils): %v", name, err)
	}
	return p
}

// runTool runs a real LMDB utility and returns its standard output; it fails
// the test on a non-zero exit.
func runTool(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(needTool(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, stderr.Bytes())
	}
	return out
}

// equalText fails with the first differing line.
func equalText(t testing.TB, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if !bytes.Equal(gl[i], wl[i]) {
			t.Fatalf("line %d: got %q, want %q", i+1, gl[i], wl[i])
		}
	}
	t.Fatalf("got %d lines, want %d", len(gl), len(wl))
}

// needDups skips a test case that reads duplicate values while the engine
// does not support DupSort yet (its writes return engine.ErrIncompatible);
// once DupSort works the case runs.
func needDups(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	env, err := engine.Open(dir, &engine.Options{Durability: engine.NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	err = env.Update(func(txn *engine.Txn) error {
		dbi, err := txn.OpenDB("probe", engine.DupSort|engine.Create)
		if err != nil {
			return err
		}
		if err := txn.Put(dbi, []byte("k"), []byte("a"), 0); err != nil {
			return err
		}
		return txn.Put(dbi, []byte("k"), []byte("b"), 0)
	})
	if errors.Is(err, engine.ErrIncompatible) {
		t.Skip("needs DupSort: the engine refuses DupSort writes (engine/dup*.go not landed)")
	}
	if err != nil {
		t.Fatal(err)
	}
}
