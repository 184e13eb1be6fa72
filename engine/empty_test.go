package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestTxn_empty: Empty releases every page of a database (plain keys,
// overflow values, dup sub-pages and values trees) so that Check finds each
// page either in a tree or in the free DB, the database reads as empty, other
// databases are untouched, a child's Empty vanishes on abort, cursors on it
// end up unpositioned, and repeated fill-and-empty cycles reuse the freed
// pages instead of growing the file.
func TestTxn_empty(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 256 << 20, MaxDBs: 4, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var plain, dups, keep DBI
	big := bytes.Repeat([]byte("v"), 3*4096)
	fill := func(txn *Txn) {
		t.Helper()
		for i := 0; i < 3000; i++ {
			k := fmt.Appendf(nil, "key%06d", i)
			v := k
			if i%100 == 0 {
				v = big
			}
			if err := txn.Put(plain, k, v, 0); err != nil {
				t.Fatal(err)
			}
			// Key 0 gets a values tree, the others small sub-pages.
			n := 3
			if i == 0 {
				n = 2000
			}
			for j := 0; j < n; j++ {
				if err := txn.Put(dups, fmt.Appendf(nil, "d%04d", i%50), fmt.Appendf(nil, "%08d", j+i*n), 0); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := env.Update(func(txn *Txn) error {
		var err error
		if plain, err = txn.OpenDB("plain", Create); err != nil {
			return err
		}
		if dups, err = txn.OpenDB("dups", Create|DupSort); err != nil {
			return err
		}
		if keep, err = txn.OpenDB("keep", Create); err != nil {
			return err
		}
		fill(txn)
		return txn.Put(keep, []byte("k"), []byte("stays"), 0)
	}); err != nil {
		t.Fatal(err)
	}
	if err := env.Update(func(txn *Txn) error { return txn.Empty(MainDB) }); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("Empty(MainDB): %v, want ErrIncompatible", err)
	}

	// A child's Empty is gone after its abort.
	if err := env.Update(func(txn *Txn) error {
		child, err := txn.BeginChild()
		if err != nil {
			return err
		}
		if err := child.Empty(plain); err != nil {
			return err
		}
		child.Abort()
		_, err = txn.Get(plain, []byte("key000001"))
		return err
	}); err != nil {
		t.Fatalf("after a child's aborted Empty: %v", err)
	}

	size := func() int64 {
		fi, err := os.Stat(filepath.Join(dir, "data.mdb"))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	var first int64
	for cycle := 0; cycle < 4; cycle++ {
		if err := env.Update(func(txn *Txn) error {
			c, err := txn.OpenCursor(dups)
			if err != nil {
				return err
			}
			if _, _, err := c.Get([]byte("d0000"), nil, Set); err != nil {
				return err
			}
			for _, dbi := range []DBI{plain, dups} {
				if err := txn.Empty(dbi); err != nil {
					return err
				}
			}
			if _, _, err := c.Get(nil, nil, Next); !errors.Is(err, ErrNotFound) {
				t.Errorf("cycle %d: cursor after Empty: %v, want ErrNotFound", cycle, err)
			}
			for _, dbi := range []DBI{plain, dups} {
				st, err := txn.Stat(dbi)
				if err != nil {
					return err
				}
				if st.Entries != 0 || st.Depth != 0 || st.LeafPages+st.BranchPages+st.OverflowPages != 0 {
					t.Errorf("cycle %d: emptied database %+v", cycle, st)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := Check(env); err != nil {
			t.Fatalf("cycle %d after Empty: %v", cycle, err)
		}
		if err := env.View(func(txn *Txn) error {
			if _, err := txn.Get(plain, []byte("key000001")); !errors.Is(err, ErrNotFound) {
				t.Errorf("cycle %d: key after Empty: %v", cycle, err)
			}
			v, err := txn.Get(keep, []byte("k"))
			if err != nil || string(v) != "stays" {
				t.Errorf("cycle %d: other database: %q %v", cycle, v, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := env.Update(func(txn *Txn) error { fill(txn); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := Check(env); err != nil {
			t.Fatalf("cycle %d after refill: %v", cycle, err)
		}
		if cycle == 1 {
			first = size()
		} else if cycle > 1 && size() > first {
			t.Errorf("cycle %d: file grew from %d to %d bytes: freed pages not reused", cycle, first, size())
		}
	}
}
