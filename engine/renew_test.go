package engine

import (
	"errors"
	"testing"
)

// TestTxn_renew: a read transaction ended with Abort starts again on the
// newest snapshot; Renew of a running or write transaction is refused; a
// renewed read of a named database allocates nothing, not even for its key.
func TestTxn_renew(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 16 << 20, MaxDBs: 4, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var dbi DBI
	put := func(v string) {
		t.Helper()
		if err := env.Update(func(txn *Txn) error {
			var err error
			if dbi, err = txn.OpenDB("named", Create); err != nil {
				return err
			}
			return txn.Put(dbi, []byte("k"), []byte(v), 0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	put("one")
	rd, err := env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	if err := rd.Renew(); !errors.Is(err, ErrBadTxn) {
		t.Fatalf("Renew of a running read: %v, want ErrBadTxn", err)
	}
	put("two")
	if v, err := rd.Get(dbi, []byte("k")); err != nil || string(v) != "one" {
		t.Fatalf("before Renew: %q %v, want the old snapshot's value", v, err)
	}
	rd.Abort()
	if err := rd.Renew(); err != nil {
		t.Fatal(err)
	}
	if v, err := rd.Get(dbi, []byte("k")); err != nil || string(v) != "two" {
		t.Fatalf("after Renew: %q %v, want the newest value", v, err)
	}
	rd.Abort()
	if _, err := rd.Get(dbi, []byte("k")); !errors.Is(err, ErrBadTxn) {
		t.Fatalf("Get after Abort: %v, want ErrBadTxn", err)
	}

	w, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if err := w.Renew(); !errors.Is(err, ErrBadTxn) {
		t.Fatalf("Renew of a write transaction: %v, want ErrBadTxn", err)
	}

	if err := rd.Renew(); err != nil { // the first read of this snapshot caches the record
		t.Fatal(err)
	}
	rd.Get(dbi, []byte("k"))
	rd.Abort()
	allocs := testing.AllocsPerRun(100, func() {
		if err := rd.Renew(); err != nil {
			t.Fatal(err)
		}
		// A key built on the caller's stack stays there: Get lets no key escape.
		if _, err := rd.Get(dbi, []byte("k")); err != nil {
			t.Fatal(err)
		}
		rd.Abort()
	})
	if allocs != 0 {
		t.Errorf("Renew + Get of a named database + Abort: %v allocations, want 0", allocs)
	}
}
