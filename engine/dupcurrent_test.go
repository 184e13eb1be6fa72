package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// dupValues lists key's values in order.
func dupValues(t *testing.T, txn *Txn, dbi DBI, key []byte) [][]byte {
	t.Helper()
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out [][]byte
	_, v, err := c.Get(key, nil, Set)
	for err == nil {
		out = append(out, bytes.Clone(v))
		_, v, err = c.Get(nil, nil, NextDup)
	}
	if !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	return out
}

func id(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// A Current put in a DupSort database replaces the value at the cursor when
// the new value sorts into the same place, and changes nothing otherwise:
// with a few values (a sub-page) and with many (a values sub-database), for
// DupSort and DupFixed.
func TestPut_currentDupSort_replacesInPlaceOnly(t *testing.T) {
	for _, tc := range []struct {
		flags DBFlags
		n     uint64
	}{{DupSort, 5}, {DupSort, 2000}, {DupSort | DupFixed, 5}, {DupSort | DupFixed, 2000}} {
		t.Run(fmt.Sprintf("flags%#x/%d", tc.flags, tc.n), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi, err := txn.OpenDB("ids", tc.flags|Create)
			if err != nil {
				t.Fatal(err)
			}
			key, other := []byte("k"), []byte("z")
			var want [][]byte
			for i := uint64(0); i < tc.n; i++ {
				want = append(want, id(10*i)) // 0, 10, 20, ...
				if err := txn.Put(dbi, key, id(10*i), 0); err != nil {
					t.Fatal(err)
				}
			}
			if err := txn.Put(dbi, other, id(1), 0); err != nil {
				t.Fatal(err)
			}
			c, err := txn.OpenCursor(dbi)
			if err != nil {
				t.Fatal(err)
			}
			mid := tc.n / 2
			if _, _, err := c.Get(key, id(10*mid), GetBoth); err != nil {
				t.Fatal(err)
			}
			refused := []struct {
				name     string
				key, val []byte
			}{
				{"another key", other, id(10*mid + 1)},
				{"below the previous value", key, id(10*mid - 11)},
				{"equal to the previous value", key, id(10*mid - 10)},
				{"equal to the next value", key, id(10*mid + 10)},
				{"past the next value", key, id(10*mid + 15)},
			}
			for _, r := range refused {
				if err := c.Put(r.key, r.val, Current); !errors.Is(err, ErrBadValSize) {
					t.Fatalf("%s: %v, want ErrBadValSize", r.name, err)
				}
			}
			if got := dupValues(t, txn, dbi, key); !slices.EqualFunc(got, want, bytes.Equal) {
				t.Fatal("a refused Current put changed the values")
			}
			// A value of another size in a DupFixed database is refused
			// before anything changes (it would sort in place).
			if tc.flags&DupFixed != 0 {
				if err := c.Put(key, append(id(10*mid), 1), Current); !errors.Is(err, ErrBadValSize) {
					t.Fatalf("Current put of a 9-byte value into 8-byte values: %v, want ErrBadValSize", err)
				}
				if got := dupValues(t, txn, dbi, key); !slices.EqualFunc(got, want, bytes.Equal) {
					t.Fatal("a refused Current put of another size changed the values")
				}
			}
			// The same value: nothing to do. One that sorts in place: replaced.
			if err := c.Put(key, id(10*mid), Current); err != nil {
				t.Fatal(err)
			}
			if err := c.Put(key, id(10*mid+7), Current); err != nil {
				t.Fatal(err)
			}
			want[mid] = id(10*mid + 7)
			if got := dupValues(t, txn, dbi, key); !slices.EqualFunc(got, want, bytes.Equal) {
				t.Fatalf("after the Current put: %d values, want %d with value %d replaced", len(got), len(want), mid)
			}
			k, v, err := c.Get(nil, nil, GetCurrent)
			if err != nil || !bytes.Equal(k, key) || !bytes.Equal(v, id(10*mid+7)) {
				t.Fatalf("cursor after the Current put: %q %x %v", k, v, err)
			}
			if _, v, err := c.Get(nil, nil, NextDup); err != nil || !bytes.Equal(v, id(10*mid+10)) {
				t.Fatalf("NextDup after the Current put: %x %v", v, err)
			}
			// The first and last values have a neighbour on one side only.
			if _, _, err := c.Get(key, nil, Set); err != nil {
				t.Fatal(err)
			}
			if err := c.Put(key, id(3), Current); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.Get(nil, nil, LastDup); err != nil {
				t.Fatal(err)
			}
			if err := c.Put(key, id(1<<40), Current); err != nil {
				t.Fatal(err)
			}
			want[0], want[len(want)-1] = id(3), id(1<<40)
			if got := dupValues(t, txn, dbi, key); !slices.EqualFunc(got, want, bytes.Equal) {
				t.Fatal("after replacing the first and last values")
			}
			// A key with one value takes any value.
			if _, _, err := c.Get(other, nil, Set); err != nil {
				t.Fatal(err)
			}
			if err := c.Put(other, id(99), Current); err != nil {
				t.Fatal(err)
			}
			if got := dupValues(t, txn, dbi, other); len(got) != 1 || !bytes.Equal(got[0], id(99)) {
				t.Fatalf("single value after Current: %x", got)
			}
			st, err := txn.Stat(dbi)
			if err != nil {
				t.Fatal(err)
			}
			if st.Entries != tc.n+1 {
				t.Fatalf("%d entries, want %d", st.Entries, tc.n+1)
			}
			env := txn.env
			if err := txn.Commit(); err != nil {
				t.Fatal(err)
			}
			checkEnv(t, env, "after the Current puts")
		})
	}
}

// PutReserve cannot hand out a value's bytes in a DupSort database (values
// are sorted by content): it is refused and stores nothing.
func TestPutReserve_dupSort_refused(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("ids", DupSort|Create)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := txn.PutReserve(dbi, []byte("k"), 8, 0); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("PutReserve: %v, want ErrIncompatible", err)
	}
	if _, err := txn.Get(dbi, []byte("k")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after the refused PutReserve: %v, want ErrNotFound", err)
	}
}

// An Append put in a DupSort database adds to the last key or after it, and
// is refused for any earlier key, even when the previous put left the Txn.Put
// cursor on that key (the path it resumes from).
func TestPut_appendDupSort_refusedBeforeTheLastKey(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("ids", DupSort|DupFixed|Create)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b", "a"} { // the last put rests on "a"
		if err := txn.Put(dbi, []byte(k), id(1), 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, flags := range []PutFlags{Append, Append | AppendDup} {
		if err := txn.Put(dbi, []byte("a"), id(2), flags); !errors.Is(err, ErrKeyExists) {
			t.Fatalf("Append (flags %#x) onto a key before the last: %v", flags, err)
		}
	}
	if got := dupValues(t, txn, dbi, []byte("a")); len(got) != 1 {
		t.Fatalf("refused Appends changed key a: %x", got)
	}
	// Onto the last key, then onto a new one after it.
	if err := txn.Put(dbi, []byte("b"), id(2), Append|AppendDup); err != nil {
		t.Fatal(err)
	}
	if err := txn.Put(dbi, []byte("b"), id(0), Append|AppendDup); !errors.Is(err, ErrKeyExists) {
		t.Fatalf("AppendDup of a value before the key's last: %v", err)
	}
	if err := txn.Put(dbi, []byte("c"), id(5), Append); err != nil {
		t.Fatal(err)
	}
	if got := dupValues(t, txn, dbi, []byte("b")); !slices.EqualFunc(got, [][]byte{id(1), id(2)}, bytes.Equal) {
		t.Fatalf("key b: %x", got)
	}
}

// An empty DupSort value is stored when it is its key's only value, as LMDB
// stores it (a plain node), so dumps of LMDB databases load. Beside other
// values it is refused, before anything changes: LMDB 0.9 loses it there.
func TestPut_emptyDupSortValue_onlyAlone(t *testing.T) {
	for _, flags := range []DBFlags{DupSort, DupSort | DupFixed} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi, err := txn.OpenDB("d", flags|Create)
			if err != nil {
				t.Fatal(err)
			}
			empty, full := []byte("empty"), []byte("full")
			mustPut := func(k, v []byte) {
				t.Helper()
				if err := txn.Put(dbi, k, v, 0); err != nil {
					t.Fatalf("put %s=%q: %v", k, v, err)
				}
			}
			mustPut(empty, nil)
			mustPut(empty, nil) // the same pair again: nothing to add
			mustPut(full, []byte("v001"))
			mustPut(full, []byte("v002"))
			for _, p := range []struct{ k, v []byte }{{empty, []byte("v003")}, {full, nil}} {
				if err := txn.Put(dbi, p.k, p.v, 0); !errors.Is(err, ErrBadValSize) {
					t.Fatalf("put %s=%q beside other values: %v", p.k, p.v, err)
				}
			}
			if _, err := txn.PutMultiple(dbi, empty, []byte("v004v005"), 4, 0); flags&DupFixed != 0 && !errors.Is(err, ErrBadValSize) {
				t.Fatalf("PutMultiple onto the key holding an empty value: %v", err)
			}
			c := mustCursor(t, txn, dbi)
			if _, _, err := c.Get(full, []byte("v001"), GetBoth); err != nil {
				t.Fatal(err)
			}
			if err := c.Put(full, nil, Current); !errors.Is(err, ErrBadValSize) {
				t.Fatalf("Current put of an empty value beside others: %v", err)
			}
			if err := txn.Check(); err != nil {
				t.Fatal(err)
			}
			if got := dupValues(t, txn, dbi, empty); len(got) != 1 || len(got[0]) != 0 {
				t.Fatalf("key %s: %q", empty, got)
			}
			if got := dupValues(t, txn, dbi, full); len(got) != 2 {
				t.Fatalf("key %s: %q", full, got)
			}
			if n, err := c.Count(); err != nil || n != 2 {
				t.Fatalf("count of %s: %d %v", full, n, err)
			}
			// The key's only value may be replaced by an empty one and back
			// (DupFixed: not by one of another size).
			if _, _, err := c.Get(empty, nil, GetBoth); err != nil {
				t.Fatalf("GetBoth of the empty value: %v", err)
			}
			err = c.Put(empty, []byte("v006"), Current)
			if flags&DupFixed != 0 {
				if !errors.Is(err, ErrBadValSize) {
					t.Fatalf("DupFixed Current put of another size: %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if err := c.Put(empty, nil, Current); err != nil {
				t.Fatal(err)
			}
			if got := dupValues(t, txn, dbi, empty); len(got) != 1 || len(got[0]) != 0 {
				t.Fatalf("key %s after Current puts: %q", empty, got)
			}
			if err := txn.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
