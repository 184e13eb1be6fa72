package engine

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Puts at the edges: keys that point into the page being changed, DupFixed
// values too big for a sub-page, Current with nothing to replace.

// pairsOf lists a database's pairs as "key=value".
func pairsOf(t *testing.T, txn *Txn, dbi DBI) string {
	t.Helper()
	var out []string
	for _, p := range scanAll(t, txn, dbi) {
		out = append(out, string(p.k)+"="+string(p.v))
	}
	return strings.Join(out, " ")
}

// A key a cursor returned points into its leaf. Puts that move that leaf's
// nodes (a longer value, a Current replacement, PutMultiple) must still store
// under that key and leave the cursor on it.
func TestPut_keyFromACursor_pointsIntoThePage(t *testing.T) {
	t.Run("cursor put", func(t *testing.T) {
		txn := edgeTxn(t)
		dbi, _ := txn.OpenDB("a", Create)
		for _, k := range []string{"a", "b", "c", "d"} {
			txn.Put(dbi, []byte(k), []byte("v"+k), 0)
		}
		c := mustCursor(t, txn, dbi)
		k, _, _ := c.Get([]byte("b"), nil, Set)
		if err := c.Put(k, []byte("a longer value"), 0); err != nil {
			t.Fatal(err)
		}
		if got := move(t, c, nil, nil, GetCurrent); got != "b/a longer value" {
			t.Fatalf("GetCurrent after the put: %s", got)
		}
		if got := pairsOf(t, txn, dbi); got != "a=va b=a longer value c=vc d=vd" {
			t.Fatal(got)
		}
	})
	t.Run("update loop", func(t *testing.T) {
		txn := edgeTxn(t)
		dbi, _ := txn.OpenDB("a", Create)
		const n = 200
		for i := range n {
			txn.Put(dbi, fmt.Appendf(nil, "key%03d", i), []byte("v"), 0)
		}
		c := mustCursor(t, txn, dbi)
		seen := 0
		for k, _, err := c.Get(nil, nil, First); err == nil && seen <= n; k, _, err = c.Get(nil, nil, Next) {
			if want := fmt.Sprintf("key%03d", seen); string(k) != want {
				t.Fatalf("item %d is %s, want %s", seen, k, want)
			}
			seen++
			if err := c.Put(k, []byte("a longer value "+string(k)), Current); err != nil {
				t.Fatal(err)
			}
		}
		if seen != n {
			t.Fatalf("visited %d keys, want %d", seen, n)
		}
	})
	t.Run("dup Current", func(t *testing.T) {
		txn := edgeTxn(t)
		dbi, _ := txn.OpenDB("d", DupSort|Create)
		for _, p := range []string{"key00=v010", "key00=v050", "key06=v060", "key06=v120", "key03=v100"} {
			k, v, _ := strings.Cut(p, "=")
			txn.Put(dbi, []byte(k), []byte(v), 0)
		}
		c := mustCursor(t, txn, dbi)
		k, _, err := c.Get([]byte("key00"), []byte("v010"), GetBoth)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Put(k, []byte("v015"), Current); err != nil {
			t.Fatal(err)
		}
		// The new value may point into the page too: key03's only value,
		// which the delete half of the replacement moves.
		_, v, err := mustCursor(t, txn, dbi).Get([]byte("key03"), nil, Set)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.Get([]byte("key06"), []byte("v060"), GetBoth); err != nil {
			t.Fatal(err)
		}
		if err := c.Put([]byte("key06"), v, Current); err != nil {
			t.Fatal(err)
		}
		if got, want := pairsOf(t, txn, dbi), "key00=v015 key00=v050 key03=v100 key06=v100 key06=v120"; got != want {
			t.Fatalf("pairs %s\nwant  %s", got, want)
		}
	})
	t.Run("PutMultiple", func(t *testing.T) {
		txn := edgeTxn(t)
		dbi, _ := txn.OpenDB("f", DupSort|DupFixed|Create)
		for _, k := range []string{"a", "b", "c", "d"} {
			txn.Put(dbi, []byte(k), []byte("0"), 0)
		}
		c := mustCursor(t, txn, dbi)
		k, _, _ := c.Get([]byte("b"), nil, Set)
		if n, err := txn.PutMultiple(dbi, k, []byte("123"), 1, 0); err != nil || n != 3 {
			t.Fatalf("PutMultiple: %d %v", n, err)
		}
		if got, want := pairsOf(t, txn, dbi), "a=0 b=0 b=1 b=2 b=3 c=0 d=0"; got != want {
			t.Fatalf("pairs %s\nwant  %s", got, want)
		}
	})
}

// Two DupFixed values of about 380 bytes or more, with the room for two more
// a sub-page gets, exceed the sub-page limit: the key's values go straight to
// a values tree, as the format says, instead of a sub-page in an overflow
// run that later writes could not handle.
func TestPut_dupFixedBigValues_secondGoesToAValuesTree(t *testing.T) {
	for _, tc := range []struct{ keyLen, valLen int }{{1, 511}, {1, 504}, {511, 376}, {100, 450}} {
		t.Run(fmt.Sprintf("key%d/value%d", tc.keyLen, tc.valLen), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi, _ := txn.OpenDB("f", DupSort|DupFixed|Create)
			key := bytes.Repeat([]byte{'k'}, tc.keyLen)
			for i := range 5 {
				if err := txn.Put(dbi, key, bytes.Repeat([]byte{byte('a' + i)}, tc.valLen), 0); err != nil {
					t.Fatalf("put %d: %v", i, err)
				}
				if err := txn.Check(); err != nil {
					t.Fatalf("after put %d: %v", i, err)
				}
			}
			if got := dupValues(t, txn, dbi, key); len(got) != 5 {
				t.Fatalf("%d values", len(got))
			}
			if err := txn.Del(dbi, key, nil); err != nil {
				t.Fatal(err)
			}
			if err := txn.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A Current put needs an item at the cursor: on an empty database it stores
// nothing. NoDupData refuses an empty value that is already there.
func TestPut_currentOnEmptyAndNoDupDataOfEmpty(t *testing.T) {
	txn := edgeTxn(t)
	dbi, _ := txn.OpenDB("e", Create)
	c := mustCursor(t, txn, dbi)
	if err := c.Put([]byte("k"), []byte("v"), Current); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Current put on an empty database: %v", err)
	}
	if st, _ := txn.Stat(dbi); st.Entries != 0 {
		t.Fatalf("%d entries", st.Entries)
	}
	dups, _ := txn.OpenDB("d", DupSort|Create)
	if err := txn.Put(dups, []byte("empty"), nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := txn.Put(dups, []byte("empty"), nil, NoDupData); !errors.Is(err, ErrKeyExists) {
		t.Fatalf("NoDupData of a present empty value: %v", err)
	}
}
