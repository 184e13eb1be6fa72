package engine

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestSyncInterval_reboot_rollsBackToTheLastFlush simulates the crash that
// SyncInterval must survive: commits after the last interval flush were
// written to the page cache only, and the system went down, so their meta
// page reached the disk but their data pages did not. The crash image keeps
// the newest meta pages and turns every other page written since the flush
// into garbage. After the "reboot" (another boot ID) the environment must
// open at the flushed snapshot, whole: this holds only if no page of that
// snapshot was reused, even by spills, before the next flush.
func TestSyncInterval_reboot_rollsBackToTheLastFlush(t *testing.T) {
	dir := t.TempDir()
	opts := &Options{MapSize: 64 << 20, MaxDBs: 8, Durability: SyncInterval, SyncInterval: time.Hour, DirtyLimit: 16}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	durable := copyWorkload(t, env, 1, 30)
	if err := env.Sync(false); err != nil {
		t.Fatal(err)
	}
	dataPath := filepath.Join(dir, "data.mdb")
	flushed := readFile(t, dataPath)
	sideFile := readFile(t, dataPath+"-sync")
	spillsBefore := env.spills
	copyWorkload(t, env, 2, 60) // rewrites and deletes the same keys: frees pages, reuses old ones
	if env.spills == spillsBefore {
		t.Fatal("no transaction spilled: the test misses spilled pages")
	}
	cached := readFile(t, dataPath)

	crashDir, reused := crashImage(t, cached, flushed, sideFile, env.PageSize(), rand.New(rand.NewPCG(3, 4)))
	if reused == 0 {
		t.Fatal("no page of the flushed file was rewritten: the test misses page reuse")
	}

	realBoot := bootID
	defer func() { bootID = realBoot }()
	bootID = func() string { return "00000000-0000-0000-0000-00000000beef" }

	// A read-only open uses the flushed snapshot without repairing the file.
	ro, err := Open(crashDir, &Options{MaxDBs: 8, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	verifyCopyModel(t, ro, durable)
	ro.Close()

	rec, err := Open(crashDir, opts)
	if err != nil {
		t.Fatal(err)
	}
	verifyCopyModel(t, rec, durable)
	checkEnv(t, rec, "after the reboot")
	copyWorkload(t, rec, 5, 10) // the recovered environment takes writes
	after := envItems(t, rec)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	bootID = realBoot
	rec, err = Open(crashDir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	checkEnv(t, rec, "reopened")
	if got := envItems(t, rec); !equalEnvItems(got, after) {
		t.Fatal("reopened environment differs from what was committed")
	}
}

// crashImage writes, in a new directory, what a system crash may leave after
// the flush that left flushed (the data file) and sideFile (its record): the
// data file as cached now, but every page written since the flush turned to
// garbage. It also counts the pages of the flushed file that were rewritten.
func crashImage(t *testing.T, cached, flushed, sideFile []byte, ps int, garbage *rand.Rand) (dir string, reused int) {
	t.Helper()
	torn := bytes.Clone(cached)
	for off := 2 * ps; off < len(torn); off += ps {
		if off+ps <= len(flushed) && bytes.Equal(cached[off:off+ps], flushed[off:off+ps]) {
			continue // not written since the flush
		}
		if off+ps <= len(flushed) {
			reused++
		}
		for i := off; i < off+ps; i++ {
			torn[i] = byte(garbage.Uint32())
		}
	}
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.mdb"), torn, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.mdb-sync"), sideFile, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, reused
}

// envItems lists the items of every database, by name ("" is the main one).
func envItems(t *testing.T, env *Env) map[string][]kv {
	t.Helper()
	out := map[string][]kv{}
	err := env.View(func(txn *Txn) error {
		names, err := txn.DBNames()
		if err != nil {
			return err
		}
		for _, name := range append(names, "") {
			dbi, err := txn.OpenDB(name, 0)
			if err != nil {
				return err
			}
			out[name] = scanAll(t, txn, dbi)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalEnvItems(a, b map[string][]kv) bool {
	if len(a) != len(b) {
		return false
	}
	for name, items := range a {
		if !slices.EqualFunc(items, b[name], func(x, y kv) bool {
			return bytes.Equal(x.k, y.k) && bytes.Equal(x.v, y.v)
		}) {
			return false
		}
	}
	return true
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An environment opened by a relative path keeps writing to its own files
// after the working directory changes: its durable meta writes and its
// SyncInterval record used to be reopened by name, into another
// environment's files.
func TestEnv_relativePath_survivesChdir(t *testing.T) {
	for _, mode := range []Durability{SyncFull, SyncInterval} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			a, b := t.TempDir(), t.TempDir()
			t.Chdir(b)
			other, err := Open("db", nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := other.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("other"), []byte("x"), 0) }); err != nil {
				t.Fatal(err)
			}
			other.Close()
			t.Chdir(a)
			env, err := Open("db", &Options{Durability: mode, SyncInterval: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			t.Chdir(b)
			for i := range 3 {
				if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte{'k', byte(i)}, []byte("v"), 0) }); err != nil {
					t.Fatal(err)
				}
				if err := env.Sync(false); err != nil {
					t.Fatal(err)
				}
			}
			if err := env.Close(); err != nil {
				t.Fatal(err)
			}
			for dir, want := range map[string]int{a: 3, b: 1} {
				e, err := Open(filepath.Join(dir, "db"), nil)
				if err != nil {
					t.Fatal(err)
				}
				checkEnv(t, e, dir)
				var n int
				e.View(func(txn *Txn) error { n = len(scanAll(t, txn, MainDB)); return nil })
				e.Close()
				if n != want {
					t.Fatalf("%s holds %d keys, want %d", dir, n, want)
				}
				if _, err := os.Stat(filepath.Join(dir, "db", "data.mdb-sync")); err == nil {
					t.Fatalf("%s: a SyncInterval record after Close", dir)
				}
			}
		})
	}
}

// A SyncInterval record left by a killed process is not trusted once an
// LMDB program has committed to the file: those commits are durable and may
// have reused the recorded snapshot's pages, so after a reboot the open keeps
// the LMDB program's state instead of rolling back to the record.
func TestSyncInterval_recordAfterForeignCommits_ignored(t *testing.T) {
	mdbLoad := needTool(t, "mdb_load")
	src := t.TempDir()
	env, err := Open(src, &Options{Durability: SyncInterval, SyncInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	put := func(round int) {
		err := env.Update(func(txn *Txn) error {
			for i := range 400 {
				if err := txn.Put(MainDB, fmt.Appendf(nil, "k%04d", i), bytes.Repeat([]byte{byte('a' + round)}, 50+round), 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(0)
	if err := env.Sync(false); err != nil {
		t.Fatal(err)
	}
	put(1)
	dir := t.TempDir() // the process is killed: its files as the page cache holds them
	for _, f := range []string{"data.mdb", "data.mdb-sync"} {
		if err := os.WriteFile(filepath.Join(dir, f), readFile(t, filepath.Join(src, f)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var in bytes.Buffer // then an LMDB program rewrites every key four times
	for round := 2; round < 6; round++ {
		for i := range 400 {
			fmt.Fprintf(&in, "k%04d\n%s\n", i, bytes.Repeat([]byte{byte('a' + round)}, 50+round))
		}
	}
	cmd := exec.Command(mdbLoad, "-T", dir)
	cmd.Stdin = &in
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mdb_load: %v\n%s", err, out)
	}

	realBoot := bootID
	defer func() { bootID = realBoot }()
	bootID = func() string { return "00000000-0000-0000-0000-00000000beef" } // and the machine reboots

	e2, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	checkEnv(t, e2, "after the reboot")
	e2.View(func(txn *Txn) error {
		items := scanAll(t, txn, MainDB)
		if len(items) != 400 || !bytes.Equal(items[0].v, bytes.Repeat([]byte{'f'}, 55)) {
			t.Fatalf("after the reboot: %d keys, first value %q; want mdb_load's last round", len(items), items[0].v)
		}
		return nil
	})
}

// After a failed interval flush the environment takes no more writes: the
// kernel may have dropped the pages it could not write, and a later flush
// would succeed without saying so. What was recorded durable before stays.
func TestSyncInterval_failedFlush_refusesWrites(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: SyncInterval, SyncInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	put := func(k string) error {
		return env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte(k), []byte("v"), 0) })
	}
	if err := put("a"); err != nil {
		t.Fatal(err)
	}
	if err := env.Sync(false); err != nil {
		t.Fatal(err)
	}
	if err := put("b"); err != nil {
		t.Fatal(err)
	}
	ioErr := errors.New("input/output error")
	defer func() { fdatasync = fdatasyncRetry }()
	fdatasync = func(*os.File) error { return ioErr }
	if err := env.Sync(false); !errors.Is(err, ioErr) {
		t.Fatalf("failed flush: %v", err)
	}
	fdatasync = fdatasyncRetry
	if err := env.Sync(false); !errors.Is(err, ioErr) {
		t.Fatalf("flush after a failed one: %v", err)
	}
	if err := put("c"); !errors.Is(err, ioErr) {
		t.Fatalf("write after a failed flush: %v", err)
	}
	if err := env.Close(); !errors.Is(err, ioErr) {
		t.Fatalf("close after a failed flush: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data.mdb-sync")); err != nil {
		t.Fatalf("the record of the last durable commit is gone: %v", err)
	}
}
