package engine

import (
	"context"
	"errors"
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
	needTool(t, "mdb_stat")
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

// TestLMDBProgram_waitingWriterAfterClose: an LMDB program that waited in its
// open while the engine held the environment gets LMDB's shared lock once the
// engine closes, and then trusts lock.mdb as its first opener left it: the
// reader table, and the txnid that picks the meta its transactions start
// from. A lock file left by an earlier LMDB run (here mdb_stat's, from txnid
// 1) must not survive the engine's commits: mdb_load would start from that
// stale txnid, from the older meta, and its commit would overwrite the
// engine's newest meta, losing the engine's last commit and its own.
func TestLMDBProgram_waitingWriterAfterClose(t *testing.T) {
	for _, tool := range []string{"mdb_stat", "mdb_load", "mdb_dump"} {
		needTool(t, tool)
	}
	dir := t.TempDir()
	put := func(env *Env, k string) {
		t.Helper()
		if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte(k), []byte("v"), 0) }); err != nil {
			t.Fatal(err)
		}
	}
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	put(env, "e1")
	env.Close()
	// An LMDB program initialises lock.mdb with txnid 1.
	if out, err := exec.Command("mdb_stat", "-e", dir).CombinedOutput(); err != nil {
		t.Fatalf("mdb_stat: %v\n%s", err, out)
	}
	env, err = Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	put(env, "e2")
	put(env, "e3")
	put(env, "e4") // txnid 4: the newest meta is in slot 0
	load := exec.Command("mdb_load", dir)
	load.Stdin = strings.NewReader("VERSION=3\nformat=print\ntype=btree\nHEADER=END\n lmdb\n wrote\nDATA=END\n")
	var loadOut strings.Builder
	load.Stdout, load.Stderr = &loadOut, &loadOut
	if err := load.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // mdb_load now waits for the first-opener lock
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	loadErr := load.Wait()
	env, err = Open(dir, &Options{Durability: NoSync, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var missing []string
	env.View(func(txn *Txn) error {
		for _, k := range []string{"e1", "e2", "e3", "e4"} {
			if _, err := txn.Get(MainDB, []byte(k)); err != nil {
				missing = append(missing, k)
			}
		}
		if _, err := txn.Get(MainDB, []byte("lmdb")); err != nil && loadErr == nil {
			missing = append(missing, "lmdb (mdb_load reported success)")
		}
		return nil
	})
	if len(missing) > 0 {
		t.Fatalf("after mdb_load waited for the engine to close (mdb_load: %v %s), lost: %v", loadErr, loadOut.String(), missing)
	}
}

// TestLMDBProgram_waitingReaderAfterClose: an LMDB program that waited in its
// open while the engine held a fresh environment (whose lock.mdb the engine
// created empty) proceeds once the engine closes, and sees the newest commit
// (before, it got LMDB's shared lock on the empty file and failed:
// "mdb_env_open failed, error 22 Invalid argument").
func TestLMDBProgram_waitingReaderAfterClose(t *testing.T) {
	needTool(t, "mdb_stat")
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b", "c"} {
		if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte(k), []byte("v"), 0) }); err != nil {
			t.Fatal(err)
		}
	}
	stat := exec.Command("mdb_stat", "-e", dir)
	var out strings.Builder
	stat.Stdout, stat.Stderr = &out, &out
	if err := stat.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // mdb_stat now waits for the first-opener lock
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	if err := stat.Wait(); err != nil || !strings.Contains(out.String(), "Last transaction ID: 3") {
		t.Fatalf("mdb_stat that waited for the engine to close: %v\n%s", err, out.String())
	}
}
