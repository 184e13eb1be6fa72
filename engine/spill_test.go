package engine

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// modelDirtyLimit is Options.DirtyLimit in the model tests (0: the default).
var modelDirtyLimit int

// The model tests again with a dirty limit of a few pages, so that nearly
// every write operation of a larger transaction spills first: everything the
// model checks (contents after each transaction, after aborts, after reopening,
// Check, cursors kept across writes) must hold the same.
func TestModel_spilling_matchSortedMap(t *testing.T) {
	runWithDirtyLimit(t, 4, func(seed uint64) int { return runModel(t, seed, 30) })
}

func TestModelDup_spilling_matchSortedSets(t *testing.T) {
	runWithDirtyLimit(t, 4, func(seed uint64) int { return runDupModel(t, seed, 30) })
}

func runWithDirtyLimit(t *testing.T, limit int, run func(seed uint64) (spills int)) {
	old := modelDirtyLimit
	modelDirtyLimit = limit
	defer func() { modelDirtyLimit = old }()
	seeds := seedsToRun()
	for _, seed := range seeds[:min(2, len(seeds))] {
		if n := run(seed); n == 0 {
			t.Fatalf("seed %d: no transaction spilled with a limit of %d pages", seed, limit)
		} else {
			t.Logf("seed %d: %d spills", seed, n)
		}
	}
}

// One transaction far larger than its dirty limit: its memory stays bounded,
// it reads its own spilled writes (values, overflow runs, a cursor walk across
// spills), and after commit and reopen everything is there and Check passes.
// An abort after spills leaves the database as it was.
func TestSpill_largeTransaction_boundedAndComplete(t *testing.T) {
	dir := t.TempDir()
	const limit = 32
	opts := &Options{MapSize: 256 << 20, Durability: NoSync, DirtyLimit: limit}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	key := func(i int) []byte { return fmt.Appendf(nil, "key-%07d", (i*7919)%20000) }
	val := func(i int) []byte {
		if i%500 == 0 {
			return bytes.Repeat([]byte{byte(i)}, 9000) // an overflow run
		}
		return fmt.Appendf(nil, "value-%d-%s", i, bytes.Repeat([]byte{'v'}, i%90))
	}
	txn, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	walker, err := txn.OpenCursor(MainDB)
	if err != nil {
		t.Fatal(err)
	}
	maxDirty := 0
	stored := map[string]bool{}
	var at []byte // the walker's key
	for i := 0; i < 20000; i++ {
		if err := txn.Put(MainDB, key(i), val(i), 0); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
		stored[string(key(i))] = true
		maxDirty = max(maxDirty, len(txn.w.dirty))
		if i == 10000 {
			k, _, err := walker.Get(nil, nil, First)
			if err != nil {
				t.Fatal(err)
			}
			at = bytes.Clone(k)
		}
		if i > 10000 && i%1000 == 0 {
			// The walker keeps its place across the spills of the puts:
			// Next gives the smallest stored key after its own.
			var want string
			for s := range stored {
				if s > string(at) && (want == "" || s < want) {
					want = s
				}
			}
			k, _, err := walker.Get(nil, nil, Next)
			if err != nil || string(k) != want {
				t.Fatalf("walker at put %d: got %q, %v; want %q", i, k, err, want)
			}
			at = bytes.Clone(k)
		}
	}
	spills := env.spills
	if spills == 0 {
		t.Fatal("no spill in a transaction of 20,000 puts with a limit of 32 pages")
	}
	// A put dirties at most a path and a split's new pages past the check.
	if maxDirty > limit+16 {
		t.Fatalf("%d dirty pages held, limit %d", maxDirty, limit)
	}
	for i := 0; i < 20000; i += 7 {
		v, err := txn.Get(MainDB, key(i))
		if err != nil || !bytes.Equal(v, val(i)) {
			t.Fatalf("own write %d before commit: %v", i, err)
		}
	}
	if n := len(scanAll(t, txn, MainDB)); n != 20000 {
		t.Fatalf("cursor walk in the transaction saw %d keys, want 20000", n)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d spills, at most %d dirty pages", spills, maxDirty)

	// A second large transaction spills, then aborts: nothing of it remains.
	txn, err = env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000; i++ {
		if err := txn.Put(MainDB, fmt.Appendf(nil, "aborted-%05d", i), val(i), 0); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if err := txn.Del(MainDB, key(i), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if env.spills == spills {
		t.Fatal("the aborted transaction did not spill")
	}
	txn.Abort()
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}

	env, err = Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	checkEnv(t, env, "spilled")
	err = env.View(func(txn *Txn) error {
		for i := 0; i < 20000; i++ {
			v, err := txn.Get(MainDB, key(i))
			if err != nil || !bytes.Equal(v, val(i)) {
				return fmt.Errorf("key %d after reopen: %v", i, err)
			}
		}
		if _, err := txn.Get(MainDB, []byte("aborted-00001")); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("a key of the aborted transaction: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A nested transaction cannot spill: past the dirty limit its next write
// fails with ErrTxnFull, having changed nothing, and the child stays usable.
// What it stored before commits into its parent; the parent, no longer with
// a child, spills as usual.
func TestSpill_nestedPastLimit_txnFullChangesNothing(t *testing.T) {
	dir := t.TempDir()
	const limit = 8
	env, err := Open(dir, &Options{MapSize: 64 << 20, Durability: NoSync, DirtyLimit: limit})
	if err != nil {
		t.Fatal(err)
	}
	key := func(i int) []byte { return fmt.Appendf(nil, "key-%05d", (i*7919)%10000) }
	val := bytes.Repeat([]byte{'v'}, 200)
	top, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	child, err := top.BeginChild()
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for ; ; stored++ {
		err := child.Put(MainDB, key(stored), val, 0)
		if errors.Is(err, ErrTxnFull) {
			break
		}
		if err != nil {
			t.Fatalf("put %d: %v", stored, err)
		}
		if stored > 10000 {
			t.Fatal("no ErrTxnFull from a nested transaction far past its dirty limit")
		}
	}
	if stored == 0 || len(child.w.dirty) <= limit {
		t.Fatalf("ErrTxnFull after %d puts with %d dirty pages (limit %d)", stored, len(child.w.dirty), limit)
	}
	// Nothing of the failed put, nor of a failed delete, is there.
	if _, err := child.Get(MainDB, key(stored)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the refused put's key: %v, want ErrNotFound", err)
	}
	if err := child.Del(MainDB, key(0), nil); !errors.Is(err, ErrTxnFull) {
		t.Fatalf("delete past the limit: %v, want ErrTxnFull", err)
	}
	if spills := env.spills; spills != 0 {
		t.Fatalf("%d spills while a child was active", spills)
	}
	// Still usable: reads work and the child commits into the parent.
	for i := 0; i < stored; i++ {
		if v, err := child.Get(MainDB, key(i)); err != nil || !bytes.Equal(v, val) {
			t.Fatalf("child's own write %d: %v", i, err)
		}
	}
	if err := child.Commit(); err != nil {
		t.Fatal(err)
	}
	// The parent holds more than the limit now, and spills on its next put.
	if err := top.Put(MainDB, []byte("after"), val, 0); err != nil {
		t.Fatal(err)
	}
	if env.spills == 0 {
		t.Fatal("the parent did not spill past its limit")
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	env, err = Open(dir, &Options{MapSize: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if err := env.View(func(txn *Txn) error {
		for i := 0; i < stored; i++ {
			if _, err := txn.Get(MainDB, key(i)); err != nil {
				return fmt.Errorf("key %d after reopen: %w", i, err)
			}
		}
		if _, err := txn.Get(MainDB, key(stored)); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("refused key after reopen: %v", err)
		}
		st, err := txn.Stat(MainDB)
		if err != nil {
			return err
		}
		if st.Entries != uint64(stored)+1 {
			return fmt.Errorf("%d entries, want %d", st.Entries, stored+1)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "spilled")
}
