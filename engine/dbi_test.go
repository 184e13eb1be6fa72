package engine

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// Opening the empty main database with new flags changes its key order in
// that transaction only: an abort leaves the environment's order as it was,
// a commit makes the new one everyone's.
func TestOpenMain_newFlags_takeEffectOnCommitOnly(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	intKey := func(n uint64) []byte { return binary.LittleEndian.AppendUint64(nil, n) }
	putAll := func(txn *Txn) error {
		for _, n := range []uint64{1, 256, 2} {
			if err := txn.Put(MainDB, intKey(n), []byte("v"), 0); err != nil {
				return err
			}
		}
		return nil
	}
	txn, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := txn.OpenDB("", IntegerKey); err != nil {
		t.Fatal(err)
	}
	txn.Abort()
	if err := env.Update(putAll); err != nil { // bytewise order, as stored
		t.Fatal(err)
	}
	checkEnv(t, env, "after the aborted flag change")
	env.Close()

	dir = t.TempDir()
	if env, err = Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	err = env.Update(func(txn *Txn) error {
		if _, err := txn.OpenDB("", IntegerKey); err != nil {
			return err
		}
		return putAll(txn)
	})
	if err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the committed flag change")
	env.View(func(txn *Txn) error {
		items := scanAll(t, txn, MainDB)
		for i, n := range []uint64{1, 2, 256} {
			if i >= len(items) || !bytes.Equal(items[i].k, intKey(n)) {
				t.Fatalf("integer keys in order %x", items)
			}
		}
		return nil
	})
	env.Close()
	env, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	checkEnv(t, env, "reopened")
	if fl, err := viewFlags(env); err != nil || fl&IntegerKey == 0 {
		t.Fatalf("main database flags after reopening: %#x, %v", fl, err)
	}
}

func viewFlags(env *Env) (fl DBFlags, err error) {
	err = env.View(func(txn *Txn) error {
		fl, err = txn.Flags(MainDB)
		return err
	})
	return fl, err
}
