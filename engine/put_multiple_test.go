package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// ids packs the IDs from..to-1 as native 8-byte integers.
func ids(from, to uint64) []byte {
	var b []byte
	for id := from; id < to; id++ {
		b = binary.NativeEndian.AppendUint64(b, id)
	}
	return b
}

// readAllMultiple reads every value of key with GetMultiple/NextMultiple.
func readAllMultiple(t *testing.T, txn *Txn, dbi DBI, key []byte) []byte {
	t.Helper()
	c := mustCursor(t, txn, dbi)
	defer c.Close()
	if _, _, err := c.Get(key, nil, Set); err != nil {
		t.Fatal(err)
	}
	var out []byte
	_, v, err := c.Get(nil, nil, GetMultiple)
	for err == nil {
		out = append(out, v...)
		_, v, err = c.Get(nil, nil, NextMultiple)
	}
	if !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	return out
}

func TestPutMultiple_sortedRunLoadsPackedLeaves(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	const n = 100000
	want := ids(1, n+11) // n by PutMultiple, then 10 by its fast path directly
	var dbi DBI
	err = env.Update(func(txn *Txn) error {
		if dbi, err = txn.OpenDB("ix", DupSort|DupFixed|IntegerDup|Create); err != nil {
			return err
		}
		// In three calls, as an import's batches would make them.
		for _, part := range [][]byte{want[:8*10], want[8*10 : 8*60000], want[8*60000 : 8*n]} {
			k, err := txn.PutMultiple(dbi, []byte("objectclass=person"), part, 8, AppendDup)
			if err != nil || k != len(part)/8 {
				t.Fatalf("PutMultiple: %d of %d, %v", k, len(part)/8, err)
			}
		}
		// PutMultiple left the state its leaf-at-a-time copy resumes from.
		if k := txn.w.opCursor.appendValues([]byte("objectclass=person"), want[8*n:], 8); k != 10 {
			t.Fatalf("the bulk copy took %d of 10 further values; PutMultiple does not reach it", k)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after PutMultiple")
	txn, _ := env.BeginRead()
	defer txn.Abort()
	if got := readAllMultiple(t, txn, dbi, []byte("objectclass=person")); !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes, want %d", len(got), len(want))
	}
	st, _ := txn.Stat(dbi)
	if st.Entries != n+10 {
		t.Fatalf("entries %d, want %d", st.Entries, n+10)
	}
	// Appends fill each LEAF2 leaf before starting the next: 509 IDs per
	// leaf make 197 leaves, where half-full leaves would need about 393.
	info := env.Info()
	if info.LastPgno > 230 {
		t.Fatalf("the values tree takes pages up to %d; appended leaves are not packed", info.LastPgno)
	}
}

func TestPutMultiple_stopsAtTheFirstRefusedValue(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("ix", DupSort|DupFixed|IntegerDup|Create)
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("k")
	if _, err := txn.PutMultiple(dbi, key, ids(10, 2000), 8, 0); err != nil {
		t.Fatal(err)
	}
	// AppendDup refuses a new value that is not after the last; the ones
	// before it are stored, the ones after it are not.
	run := append(ids(2000, 2500), ids(5, 6)...)
	run = append(run, ids(3000, 3010)...)
	k, err := txn.PutMultiple(dbi, key, run, 8, AppendDup)
	if !errors.Is(err, ErrKeyExists) || k != 500 {
		t.Fatalf("AppendDup out of order: stored %d, %v; want 500, ErrKeyExists", k, err)
	}
	// Without flags, values already there are skipped, as Put skips them.
	if k, err := txn.PutMultiple(dbi, key, ids(1990, 2600), 8, 0); err != nil || k != 610 {
		t.Fatalf("overlapping run: %d, %v", k, err)
	}
	if k, err := txn.PutMultiple(dbi, key, ids(2599, 2601), 8, NoDupData); !errors.Is(err, ErrKeyExists) || k != 0 {
		t.Fatalf("NoDupData of a present value: %d, %v", k, err)
	}
	if got, want := readAllMultiple(t, txn, dbi, key), ids(10, 2600); !bytes.Equal(got, want) {
		t.Fatalf("values: %d bytes, want %d", len(got), len(want))
	}
	if err := txn.Check(); err != nil {
		t.Fatal(err)
	}

	plain, err := txn.OpenDB("plain", DupSort|Create)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := txn.PutMultiple(plain, key, ids(0, 2), 8, 0); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("PutMultiple on a DupSort database without DupFixed: %v", err)
	}
	if _, err := txn.PutMultiple(dbi, key, make([]byte, 12), 8, 0); !errors.Is(err, ErrBadValSize) {
		t.Fatalf("12 bytes of 8-byte values: %v", err)
	}
	if _, err := txn.PutMultiple(dbi, key, make([]byte, 8), 4, 0); !errors.Is(err, ErrBadValSize) {
		t.Fatalf("4-byte values into a database of 8-byte values: %v", err)
	}
}

// NoOverwrite is about the key: PutMultiple stores every value of a new key
// (the fast packed path included), and refuses a key that has values without
// storing any.
func TestPutMultiple_noOverwrite_wholeCall(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("ix", DupSort|DupFixed|IntegerDup|Create)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range [][]byte{[]byte("a"), []byte("b")} {
		if k, err := txn.PutMultiple(dbi, key, ids(1, 3000), 8, NoOverwrite); err != nil || k != 2999 {
			t.Fatalf("new key %s: stored %d, %v", key, k, err)
		}
		if k, err := txn.PutMultiple(dbi, key, ids(5000, 5100), 8, NoOverwrite); !errors.Is(err, ErrKeyExists) || k != 0 {
			t.Fatalf("key %s with values: stored %d, %v; want 0, ErrKeyExists", key, k, err)
		}
		if got, want := readAllMultiple(t, txn, dbi, key), ids(1, 3000); !bytes.Equal(got, want) {
			t.Fatalf("key %s: %d bytes of values, want %d", key, len(got), len(want))
		}
	}
	if err := txn.Check(); err != nil {
		t.Fatal(err)
	}
}

// committedIDs returns an environment (closed with the test) whose database
// "ix" (DupSort, DupFixed, IntegerDup) holds vals under key, committed.
func committedIDs(t *testing.T, key, vals []byte) (*Env, DBI) {
	t.Helper()
	env, err := Open(t.TempDir(), &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	var dbi DBI
	if err := env.Update(func(txn *Txn) error {
		if dbi, err = txn.OpenDB("ix", DupSort|DupFixed|IntegerDup|Create); err != nil {
			return err
		}
		_, err := txn.PutMultiple(dbi, key, vals, 8, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return env, dbi
}

// A put of a value the key already has changes nothing, so it must not leave
// the values tree's path to be resumed as if it had been made writable: the
// packed PutMultiple path writes into that leaf.
func TestPutMultiple_afterPutOfPresentValue(t *testing.T) {
	key := []byte("k")
	env, dbi := committedIDs(t, key, ids(0, 3000))
	if err := env.Update(func(txn *Txn) error {
		// Make the key's leaf writable first, so the put below allocates
		// nothing and the Txn.Put cursor remembers its path.
		if err := txn.Put(dbi, []byte("j"), ids(1, 2), 0); err != nil {
			return err
		}
		if err := txn.Put(dbi, key, ids(2999, 3000), 0); err != nil {
			return err
		}
		if txn.w.append.sub {
			t.Fatal("a put that added nothing left the values tree's path remembered as writable")
		}
		if _, err := txn.PutMultiple(dbi, key, ids(3000, 3100), 8, 0); err != nil {
			return err
		}
		if got, want := readAllMultiple(t, txn, dbi, key), ids(0, 3100); !bytes.Equal(got, want) {
			t.Fatalf("%d bytes of values, want %d", len(got), len(want))
		}
		return txn.Check()
	}); err != nil {
		t.Fatal(err)
	}
	// The committed snapshot before that transaction was never written over.
	if err := env.View(func(txn *Txn) error {
		if got, want := readAllMultiple(t, txn, dbi, key), ids(0, 3100); !bytes.Equal(got, want) {
			t.Fatalf("after commit: %d bytes of values, want %d", len(got), len(want))
		}
		return txn.Check()
	}); err != nil {
		t.Fatal(err)
	}
}

// A put refused with NoDupData has walked the values tree to a leaf it only
// read: a following PutMultiple must not resume that path as writable.
func TestPutMultiple_afterRefusedPut(t *testing.T) {
	evens := func(from, to uint64) []byte {
		var b []byte
		for n := from; n < to; n += 2 {
			b = append(b, ids(n, n+1)...)
		}
		return b
	}
	key := []byte("k")
	env, dbi := committedIDs(t, key, evens(0, 6000))
	if err := env.Update(func(txn *Txn) error {
		// Two values into the first leaf of the values tree: the second
		// allocates nothing, so its path is remembered.
		for _, n := range []uint64{1, 3} {
			if err := txn.Put(dbi, key, ids(n, n+1), 0); err != nil {
				return err
			}
		}
		// Refused, after walking to the last leaf, which it only read.
		if err := txn.Put(dbi, key, ids(5998, 5999), NoDupData); !errors.Is(err, ErrKeyExists) {
			t.Fatalf("NoDupData of a present value: %v", err)
		}
		if txn.w.append.valid {
			t.Fatal("a refused put left its path remembered")
		}
		// Values after the last: the packed path must not take that leaf
		// as writable.
		if _, err := txn.PutMultiple(dbi, key, ids(6000, 6100), 8, 0); err != nil {
			return err
		}
		want := append(append(ids(0, 4), evens(4, 6000)...), ids(6000, 6100)...)
		if got := readAllMultiple(t, txn, dbi, key); !bytes.Equal(got, want) {
			t.Fatalf("%d bytes of values, want %d", len(got), len(want))
		}
		return txn.Check()
	}); err != nil {
		t.Fatal(err)
	}
}

// ownsDirty, which guards PutMultiple's packed copy, accepts only the
// transaction's own copy of a page: not the map's page, not a copy held by
// a parent transaction.
func TestOwnsDirty(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("a"), []byte("1"), 0) }); err != nil {
		t.Fatal(err)
	}
	top, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	defer top.Abort()
	root := top.dbs[MainDB].rec.root
	mapPage, err := top.page(root)
	if err != nil {
		t.Fatal(err)
	}
	if top.w.ownsDirty(mapPage) {
		t.Fatal("the map's page counted as the transaction's own")
	}
	if err := top.Put(MainDB, []byte("b"), []byte("2"), 0); err != nil {
		t.Fatal(err)
	}
	own, err := top.page(top.dbs[MainDB].rec.root)
	if err != nil {
		t.Fatal(err)
	}
	if !top.w.ownsDirty(own) {
		t.Fatal("the transaction's own copy not recognised")
	}
	if top.w.ownsDirty(append(page(nil), own...)) {
		t.Fatal("a copy of the bytes elsewhere counted as the transaction's own")
	}
	child, err := top.BeginChild()
	if err != nil {
		t.Fatal(err)
	}
	defer child.Abort()
	if child.w.ownsDirty(own) {
		t.Fatal("the parent's copy counted as the child's own")
	}
}
