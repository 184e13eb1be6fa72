package engine

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// Replacing a value with one of another size, passing the key slice a cursor
// returned (it points into the page being changed), must store that key, not
// the bytes that moved under it.
func TestPut_replaceWithKeyFromCursor_keepsKey(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	err = env.Update(func(txn *Txn) error {
		for _, k := range []string{"aaaa", "bbbb", "cccc", "dddd"} {
			if err := txn.Put(MainDB, []byte(k), []byte("v-"+k), 0); err != nil {
				return err
			}
		}
		c, err := txn.OpenCursor(MainDB)
		if err != nil {
			return err
		}
		for i, k := range []string{"bbbb", "cccc"} {
			key, _, err := c.Get([]byte(k), nil, Set)
			if err != nil {
				return err
			}
			longer := bytes.Repeat([]byte{'x'}, 50+i)
			if i == 0 {
				err = c.Put(key, longer, Current)
			} else {
				err = txn.Put(MainDB, key, longer, 0)
			}
			if err != nil {
				return fmt.Errorf("put %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the replacements")
	err = env.View(func(txn *Txn) error {
		for i, k := range []string{"aaaa", "bbbb", "cccc", "dddd"} {
			v, err := txn.Get(MainDB, []byte(k))
			if err != nil {
				return fmt.Errorf("get %s: %w", k, err)
			}
			want := []byte("v-" + k)
			if i == 1 || i == 2 {
				want = bytes.Repeat([]byte{'x'}, 50+i-1)
			}
			if !bytes.Equal(v, want) {
				return fmt.Errorf("%s = %q, want %q", k, v, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// NoOverwrite refuses a key that exists, in a DupSort database too, whether
// or not the previous put left the Txn.Put cursor on that key.
func TestPut_dupSortNoOverwrite_refusesExistingKey(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("dups", Create|DupSort)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"k", "z"} {
		if err := txn.Put(dbi, []byte(k), []byte("v1"), 0); err != nil {
			t.Fatal(err)
		}
	}
	// The first refusal finds the cursor on "z", the second on "k".
	for i, v := range []string{"v2", "v3"} {
		if err := txn.Put(dbi, []byte("k"), []byte(v), NoOverwrite); !errors.Is(err, ErrKeyExists) {
			t.Fatalf("NoOverwrite put %d of an existing key: %v, want ErrKeyExists", i, err)
		}
	}
	if got := dupValues(t, txn, dbi, []byte("k")); len(got) != 1 {
		t.Fatalf("k has values %q, want only v1", got)
	}
}
