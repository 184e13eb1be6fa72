package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// Cursor behaviour checked against LMDB 0.9 (lmdb-go, tests/bench's
// TestDiffLMDB): each case is a sequence on which the two used to differ.

// A refused AppendDup put leaves the cursor on the key's last value, where
// LMDB leaves it: Next goes on to the next key, also after a put elsewhere.
func TestLMDBDiff_refusedAppendDup_standsOnTheLastValue(t *testing.T) {
	for _, between := range []bool{false, true} {
		txn := edgeTxn(t)
		dbi := dupDB(t, txn, 0) // a:{a1} k:{k1,k2,k3} z:{z1}
		c := mustCursor(t, txn, dbi)
		if err := c.Put([]byte("k"), []byte("k0"), AppendDup); !errors.Is(err, ErrKeyExists) {
			t.Fatalf("AppendDup before the last value: %v", err)
		}
		if got := move(t, c, nil, nil, GetCurrent); got != "k/k3" {
			t.Errorf("GetCurrent after the refused put: %s, LMDB: k/k3", got)
		}
		if between {
			if err := txn.Put(dbi, []byte("b"), []byte("b1"), 0); err != nil {
				t.Fatal(err)
			}
		}
		if got := move(t, c, nil, nil, Next); got != "z/z1" {
			t.Errorf("Next after the refused put (put between: %v): %s, LMDB: z/z1", between, got)
		}
	}
}

// AppendDup of a value already stored is refused with ErrKeyExists, as
// LMDB refuses it (MDB_KEYEXIST: the value is not after the key's last),
// whether it is the key's only value, its last, or one before; in a
// sub-page and in a values tree.
func TestLMDBDiff_appendDupOfAStoredValue_refused(t *testing.T) {
	for _, n := range []int{1, 3, 600} {
		for _, flags := range []DBFlags{0, DupFixed} {
			txn := edgeTxn(t)
			dbi, err := txn.OpenDB("d", DupSort|Create|flags)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				if err := txn.Put(dbi, []byte("k"), id(uint64(i)), 0); err != nil {
					t.Fatal(err)
				}
			}
			for _, v := range []uint64{uint64(n - 1), 0} {
				if err := txn.Put(dbi, []byte("k"), id(v), AppendDup); !errors.Is(err, ErrKeyExists) {
					t.Errorf("%d values, flags %#x: AppendDup of stored value %d: %v, LMDB: MDB_KEYEXIST", n, flags, v, err)
				}
			}
			if got := dupValues(t, txn, dbi, []byte("k")); len(got) != n {
				t.Fatalf("%d values became %d", n, len(got))
			}
			if err := txn.Put(dbi, []byte("k"), id(uint64(n)), AppendDup); err != nil {
				t.Fatal(err)
			}
			txn.Abort()
		}
	}
}

// A cursor Put leaves the cursor on the pair it stored, also when the
// value goes into a key's values tree (LMDB: GetCurrent returns it, and a
// Del then deletes it).
func TestLMDBDiff_cursorPutIntoValuesTree_standsOnThePair(t *testing.T) {
	for _, flags := range []DBFlags{0, DupFixed, DupFixed | IntegerDup} {
		txn := edgeTxn(t)
		dbi, err := txn.OpenDB("d", DupSort|Create|flags)
		if err != nil {
			t.Fatal(err)
		}
		le := func(n uint64) []byte { return binary.LittleEndian.AppendUint64(nil, n) }
		k := []byte("bb")
		for i := uint64(0); i < 1200; i++ {
			if err := txn.Put(dbi, k, le(i*1000), 0); err != nil {
				t.Fatal(err)
			}
		}
		c := mustCursor(t, txn, dbi)
		if _, _, err := c.Get(nil, nil, Last); err != nil {
			t.Fatal(err)
		}
		for _, v := range []uint64{500_500, 1_000_001, 1, 1_500_000} {
			if err := c.Put(k, le(v), 0); err != nil {
				t.Fatal(err)
			}
			_, got, err := c.Get(nil, nil, GetCurrent)
			if err != nil || !bytes.Equal(got, le(v)) {
				t.Errorf("flags %#x: GetCurrent after putting %d: %x %v, LMDB: the put pair", flags, v, got, err)
			}
		}
	}
}

// A lookup key longer than MaxKeySize cannot be stored, but it can be
// looked for: LMDB's Set, SetKey, GetBoth and GetBothRange find nothing
// (MDB_NOTFOUND), SetRange finds the first key after it, and mdb_del finds
// nothing to delete, as lightdir's own Txn.Get answers ErrNotFound. Only
// an empty key is refused (MDB_BAD_VALSIZE).
func TestLMDBDiff_longLookupKey_searches(t *testing.T) {
	txn := edgeTxn(t)
	dbi := dupDB(t, txn, 0) // a:{a1} k:{k1,k2,k3} z:{z1}
	long := bytes.Repeat([]byte("m"), MaxKeySize+89)
	c := mustCursor(t, txn, dbi)
	for _, op := range []CursorOp{Set, SetKey, GetBoth, GetBothRange} {
		if _, _, err := c.Get(long, []byte("k1"), op); !errors.Is(err, ErrNotFound) {
			t.Errorf("op %d with a %d-byte key: %v, LMDB: MDB_NOTFOUND", op, len(long), err)
		}
	}
	if got := move(t, c, long, nil, SetRange); got != "z/z1" {
		t.Errorf("SetRange with a %d-byte key: %s, LMDB: z/z1", len(long), got)
	}
	if _, err := txn.Get(dbi, long); !errors.Is(err, ErrNotFound) {
		t.Errorf("Txn.Get: %v", err)
	}
	if err := txn.Del(dbi, long, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Txn.Del with a %d-byte key: %v, LMDB: MDB_NOTFOUND", len(long), err)
	}
	if err := txn.Put(dbi, long, []byte("x"), 0); !errors.Is(err, ErrBadValSize) {
		t.Errorf("Put with a %d-byte key: %v, LMDB: MDB_BAD_VALSIZE", len(long), err)
	}
	if _, _, err := c.Get(nil, nil, Set); !errors.Is(err, ErrBadValSize) {
		t.Errorf("Set with an empty key: %v, LMDB: MDB_BAD_VALSIZE", err)
	}
}

// After the cursor's own Del of a value of the first key, a PrevNoDup that
// finds no key before leaves the cursor at the deleted value's place, as
// any dup move that finds nothing does: Prev then returns the value before
// the deleted one (LMDB: k/k1). It used to leave the cursor on that value,
// so Prev skipped it.
func TestLMDBDiff_afterDelete_failedPrevNoDupKeepsThePlace(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("d", DupSort|Create)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"k/k1", "k/k2", "k/k3", "z/z1"} {
		if err := txn.Put(dbi, []byte(p[:1]), []byte(p[2:]), 0); err != nil {
			t.Fatal(err)
		}
	}
	c := mustCursor(t, txn, dbi)
	if got := move(t, c, []byte("k"), []byte("k2"), GetBoth); got != "k/k2" {
		t.Fatal(got)
	}
	if err := c.Del(false); err != nil {
		t.Fatal(err)
	}
	if got := move(t, c, nil, nil, PrevNoDup); got != "NotFound" {
		t.Fatalf("PrevNoDup from the first key: %s", got)
	}
	if got := move(t, c, nil, nil, Prev); got != "k/k1" {
		t.Errorf("Prev after the failed PrevNoDup: %s, LMDB: k/k1", got)
	}
	if got := move(t, c, nil, nil, Next); got != "k/k3" {
		t.Errorf("Next after that: %s, LMDB: k/k3", got)
	}
}

// A Current put through one cursor replaces the value under another cursor
// on the same pair too: that cursor stays on the item, which now holds the
// new value (LMDB: GetCurrent returns it). It used to find its value gone
// and stand on the next one, or past the end after the last.
func TestLMDBDiff_currentPut_otherCursorStaysOnTheItem(t *testing.T) {
	for _, tc := range []struct{ on, repl, next string }{
		{"k30", "k25", "NotFound"}, // the last value of the last key
		{"k20", "k15", "k/k30"},    // sorts before the old value
		{"k20", "k25", "k/k30"},    // sorts after it
	} {
		txn := edgeTxn(t)
		dbi, err := txn.OpenDB("d", DupSort|Create)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"k10", "k20", "k30"} {
			if err := txn.Put(dbi, []byte("k"), []byte(v), 0); err != nil {
				t.Fatal(err)
			}
		}
		c1, c2 := mustCursor(t, txn, dbi), mustCursor(t, txn, dbi)
		for _, c := range []*Cursor{c1, c2} {
			if got := move(t, c, []byte("k"), []byte(tc.on), GetBoth); got != "k/"+tc.on {
				t.Fatal(got)
			}
		}
		if err := c1.Put([]byte("k"), []byte(tc.repl), Current); err != nil {
			t.Fatal(err)
		}
		if got := move(t, c2, nil, nil, GetCurrent); got != "k/"+tc.repl {
			t.Errorf("%s -> %s: the other cursor's GetCurrent: %s, LMDB: k/%s", tc.on, tc.repl, got, tc.repl)
		}
		if got := move(t, c2, nil, nil, Next); got != tc.next {
			t.Errorf("%s -> %s: the other cursor's Next: %s, LMDB: %s", tc.on, tc.repl, got, tc.next)
		}
	}
}
