package engine

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// After ErrMapFull a write transaction is failed (LMDB sets MDB_TXN_ERROR),
// and LMDB's mdb_get and mdb_stat then return MDB_BAD_TXN, as the engine's
// cursors and OpenCursor do. Txn.Get and Txn.Stat refuse it too (they read
// the half-split tree: keys stored earlier in the transaction were "not
// found").
func TestMapFull_getAndStatRefused(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 209 * 4096, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	txn, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Abort()
	key := func(i int) []byte { return []byte(fmt.Sprintf("key-%06d", (i*7919)%100000)) }
	val := make([]byte, 100)
	n := 0
	for ; ; n++ {
		if err = txn.Put(MainDB, key(n), val, 0); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrMapFull) {
		t.Fatalf("put %d: %v, want ErrMapFull", n, err)
	}
	if _, err := txn.OpenCursor(MainDB); !errors.Is(err, ErrBadTxn) {
		t.Fatalf("OpenCursor after ErrMapFull: %v, want ErrBadTxn", err)
	}
	found, notFound := 0, 0
	for i := 0; i < n; i++ {
		_, err := txn.Get(MainDB, key(i))
		switch {
		case err == nil:
			found++
		case errors.Is(err, ErrNotFound):
			notFound++
		case !errors.Is(err, ErrBadTxn):
			t.Fatalf("Get of stored key %d: %v", i, err)
		}
	}
	if found+notFound > 0 {
		t.Errorf("Get after ErrMapFull of %d keys stored in this transaction: %d found, %d ErrNotFound; want ErrBadTxn",
			n, found, notFound)
	}
	if _, err := txn.Stat(MainDB); !errors.Is(err, ErrBadTxn) {
		t.Errorf("Stat after ErrMapFull: %v, want ErrBadTxn", err)
	}
}

// LMDB's mdb_env_set_mapsize before mdb_env_open sets the map size even
// below the one recorded in the file (raised only to the space in use), and
// writes past it fail with MDB_MAP_FULL. Options.MapSize documents the same
// ("the largest size the data file may reach"; 0 takes the recorded size).
// Open used to keep the larger recorded size, and the file grew past the
// configured limit.
func TestMapSize_smallerOnReopenIsTheLimit(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 64 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("a"), []byte("b"), 0) }); err != nil {
		t.Fatal(err)
	}
	env.Close()

	const limit = 1 << 20
	env, err = Open(dir, &Options{MapSize: limit, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if got := env.Info().MapSize; got != limit {
		t.Errorf("Info().MapSize = %d, want the configured %d", got, limit)
	}
	val := make([]byte, 3000)
	var perr error
	for i := 0; i < 1000 && perr == nil; i++ { // ~3 MB of values
		perr = env.Update(func(txn *Txn) error {
			return txn.Put(MainDB, []byte(fmt.Sprintf("k%05d", i)), val, 0)
		})
	}
	fi, err := os.Stat(filepath.Join(dir, "data.mdb"))
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(perr, ErrMapFull) || fi.Size() > limit {
		t.Fatalf("MapSize %d: last put %v, data file %d bytes; want ErrMapFull and at most %d bytes", limit, perr, fi.Size(), limit)
	}
}

// LMDB documents for MDB_INTEGERKEY that "the keys must all be of the same
// size" (MDB_INTEGERDUP: values "similar to MDB_INTEGERKEY keys"): its
// comparators read both items with the size of the one searched for. The
// engine refuses a second size with ErrBadValSize. It used to accept 4- and
// 8-byte items side by side, ordered by length first, which LMDB cannot
// search: LMDB's mdb_load of the 4-byte 9 into such a file found the 8-byte
// 9 as equal and replaced the key (IntegerKey) or dropped the value as
// already present (IntegerDup).
func TestIntegerKey_mixedSizesRefused(t *testing.T) {
	for _, dup := range []bool{false, true} {
		t.Run(fmt.Sprint("dup=", dup), func(t *testing.T) { mixedIntegerSizes(t, dup) })
	}
}

func mixedIntegerSizes(t *testing.T, dup bool) {
	dir := t.TempDir()
	flags, hdr := IntegerKey, "integerkey=1\n"
	if dup {
		flags, hdr = DupSort|IntegerDup, "dupsort=1\nintegerdup=1\n"
	}
	env, err := Open(dir, &Options{MapSize: 1 << 20, MaxDBs: 4})
	if err != nil {
		t.Fatal(err)
	}
	txn, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	dbi, err := txn.OpenDB("ik", flags|Create)
	if err != nil {
		t.Fatal(err)
	}
	// put stores the integer x of size n: as the key, or as a value of key "k".
	put := func(txn *Txn, x uint64, n int) error {
		b := binary.LittleEndian.AppendUint64(nil, x)[:n]
		if dup {
			return txn.Put(dbi, []byte("k"), b, 0)
		}
		return txn.Put(dbi, b, []byte(fmt.Sprintf("engine %d-byte %d", n, x)), 0)
	}
	if err := put(txn, 5, 4); err != nil {
		t.Fatal(err)
	}
	perr := put(txn, 9, 8)
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	env.Close()
	if errors.Is(perr, ErrBadValSize) {
		return
	}
	// What LMDB makes of the engine's file: it stores the 4-byte 9.
	load := needTool(t, "mdb_load")
	pair := " 09000000\n " + hex.EncodeToString([]byte("lmdb 4-byte 9")) + "\n"
	if dup {
		pair = " 6b\n 09000000\n"
	}
	cmd := exec.Command(load, "-s", "ik", dir)
	cmd.Stdin = strings.NewReader("VERSION=3\nformat=bytevalue\ntype=btree\n" + hdr + "HEADER=END\n" + pair + "DATA=END\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mdb_load: %v\n%s", err, out)
	}
	env, err = Open(dir, &Options{MapSize: 1 << 20, MaxDBs: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	rd, err := env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Abort()
	if dbi, err = rd.OpenDB("ik", 0); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("an 8-byte integer beside 4-byte ones: Put %v, want ErrBadValSize; "+
		"after LMDB's mdb_load of the 4-byte 9 the engine reads %q", perr, scanAll(t, rd, dbi))
}

// An Append of an integer key of another size than the database's is
// refused as a plain put is: through Txn.Put, which resumes the last
// Append's path, and through a cursor, which finds the last key first.
func TestIntegerKey_appendOfOtherSizeRefused(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("ik", IntegerKey|Create)
	if err != nil {
		t.Fatal(err)
	}
	for x := uint32(1); x <= 2; x++ {
		if err := txn.Put(dbi, binary.LittleEndian.AppendUint32(nil, x), []byte("v"), Append); err != nil {
			t.Fatal(err)
		}
	}
	k8 := binary.LittleEndian.AppendUint64(nil, 3)
	if err := txn.Put(dbi, k8, []byte("v"), Append); !errors.Is(err, ErrBadValSize) {
		t.Errorf("Txn.Put Append of an 8-byte key after 4-byte ones: %v, want ErrBadValSize", err)
	}
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Put(k8, []byte("v"), Append); !errors.Is(err, ErrBadValSize) {
		t.Errorf("Cursor.Put Append of an 8-byte key after 4-byte ones: %v, want ErrBadValSize", err)
	}
}

// A transaction that has ended refuses every use with ErrBadTxn (LMDB checks
// MDB_TXN_BLOCKED first). Txn.Check of a committed or aborted write
// transaction used to walk freed buffers and report the database corrupted,
// and Empty(MainDB) answered ErrIncompatible.
func TestEndedTxn_checkAndEmptyRefused(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 1 << 20, MaxDBs: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for _, commit := range []bool{true, false} {
		txn, err := env.BeginWrite()
		if err != nil {
			t.Fatal(err)
		}
		dbi, err := txn.OpenDB("d", Create)
		if err != nil {
			t.Fatal(err)
		}
		if err := txn.Put(dbi, []byte("k"), []byte("v"), 0); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = txn.Commit()
		} else {
			txn.Abort()
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := txn.Check(); !errors.Is(err, ErrBadTxn) {
			t.Errorf("commit %v: Check of the ended transaction: %v, want ErrBadTxn", commit, err)
		}
		if err := txn.Empty(MainDB); !errors.Is(err, ErrBadTxn) {
			t.Errorf("commit %v: Empty(MainDB) of the ended transaction: %v, want ErrBadTxn", commit, err)
		}
	}
	checkEnv(t, env, "after")
}

// LMDB's mdb_env_sync flushes without taking the writer lock, so a program
// may call it while it has a write transaction open. In SyncInterval mode
// Env.Sync used to wait for the writer lock (flushDeferredMeta), so Sync
// called by the goroutine holding the write transaction never returned.
func TestSyncInterval_syncDuringOwnWriteTxn(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 1 << 20, Durability: SyncInterval, SyncInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("a"), []byte("1"), 0) }); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- env.Update(func(txn *Txn) error {
			if err := txn.Put(MainDB, []byte("b"), []byte("2"), 0); err != nil {
				return err
			}
			return env.Sync(true) // make "a" durable before going on
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		env.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("Env.Sync inside a write transaction: still blocked after 5s (deadlock on the writer lock)")
	}
}

// An IntegerDup value of another size than the key's values is refused
// however they are stored: a sub-page (a few values) or a values tree.
func TestIntegerDup_valueOfOtherSizeRefused(t *testing.T) {
	txn := edgeTxn(t)
	dbi, err := txn.OpenDB("id", DupSort|IntegerDup|Create)
	if err != nil {
		t.Fatal(err)
	}
	put := func(key string, from, to uint32) {
		for x := from; x < to; x++ {
			if err := txn.Put(dbi, []byte(key), binary.LittleEndian.AppendUint32(nil, x), 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	put("sub-page", 0, 3)
	put("tree", 0, 2000)
	for _, key := range []string{"sub-page", "tree"} {
		if err := txn.Put(dbi, []byte(key), binary.LittleEndian.AppendUint64(nil, 1<<40), 0); !errors.Is(err, ErrBadValSize) {
			t.Errorf("%s: 8-byte value beside 4-byte ones: %v, want ErrBadValSize", key, err)
		}
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, txn.env, "after the refused puts")
}
