package engine

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestLMDBProgram_blockedWhileOpen: while the engine holds an environment, a
// real LMDB program (mdb_stat) cannot open it — it waits in its open for the
// first-opener lock — and once the engine closes, it opens and reads what the
// engine committed.
func TestLMDBProgram_blockedWhileOpen(t *testing.T) {
	if _, err := exec.LookPath("mdb_stat"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("mdb_stat (lmdb-utils) is required in CI")
		}
		t.Skip("mdb_stat not installed")
	}
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) }); err != nil {
		t.Fatal(err)
	}
	// A negative result needs a bound: mdb_stat answers in milliseconds when it can open.
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	out, err := exec.CommandContext(ctx, "mdb_stat", "-e", dir).CombinedOutput()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("mdb_stat ran while the engine held the environment: %v\n%s", err, out)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command("mdb_stat", "-e", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Last transaction ID: 1") {
		t.Fatalf("mdb_stat after Close: %v\n%s", err, out)
	}
}
