package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// fuzzFixtures returns the data files the fuzz targets start from.
func fuzzFixtures() [][]byte {
	var out [][]byte
	for _, name := range []string{"plain", "subdbs", "overflow", "dupsort", "dupfixed", "integerkey"} {
		if b, err := os.ReadFile(filepath.Join(fixtureDir, name, "data.mdb")); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// damagedEnvDir writes data, with byte at flipped by x, as the data file of
// a new environment directory; ok is false for inputs over 1 MiB.
func damagedEnvDir(t *testing.T, data []byte, at uint32, x byte) (dir string, ok bool) {
	if len(data) > 1<<20 {
		return "", false
	}
	data = append([]byte(nil), data...)
	if len(data) > 0 {
		data[int(at)%len(data)] ^= x
	}
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.mdb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, true
}

// FuzzOpenRead feeds damaged data files to Open, every read path and Check:
// each must return an error or succeed, never panic or read outside the map.
func FuzzOpenRead(f *testing.F) {
	for _, b := range fuzzFixtures() {
		f.Add(b, uint32(0), byte(0))
		f.Add(b, uint32(len(b)/2), byte(0xff))
		f.Add(b, uint32(2*4096+14), byte(0x01))
	}
	f.Fuzz(func(t *testing.T, data []byte, at uint32, x byte) {
		dir, ok := damagedEnvDir(t, data, at, x)
		if !ok {
			return
		}
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return
		}
		defer env.Close()
		_ = Check(env)
		txn, err := env.BeginRead()
		if err != nil {
			return
		}
		defer txn.Abort()
		dbis := []DBI{MainDB, FreeDB}
		if names, err := txn.DBNames(); err == nil {
			for _, n := range names {
				if dbi, err := txn.OpenDB(n, 0); err == nil {
					dbis = append(dbis, dbi)
				}
			}
		}
		for _, dbi := range dbis {
			readEverything(txn, dbi)
		}
	})
}

// readEverything walks dbi with every kind of read, bounded in steps.
func readEverything(txn *Txn, dbi DBI) {
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		return
	}
	defer c.Close()
	var keys [][]byte
	k, _, err := c.Get(nil, nil, First)
	for i := 0; err == nil && i < 5000; i++ {
		if i%7 == 0 {
			keys = append(keys, append([]byte(nil), k...))
			_, _ = c.Count()
			_, _, _ = c.Get(nil, nil, LastDup)
			_, _, _ = c.Get(nil, nil, PrevDup)
			_, _, _ = c.Get(nil, nil, GetMultiple)
			_, _, _ = c.Get(nil, nil, NextMultiple)
		}
		k, _, err = c.Get(nil, nil, Next)
	}
	_, _, err = c.Get(nil, nil, Last)
	for i := 0; err == nil && i < 5000; i++ {
		_, _, err = c.Get(nil, nil, Prev)
	}
	for _, k := range keys {
		_, _ = txn.Get(dbi, k)
		_, _, _ = c.Get(k, nil, SetRange)
		_, _, _ = c.Get(k, []byte("x"), GetBothRange)
		_, _, _ = c.Get(nil, nil, NextNoDup)
		_, _, _ = c.Get(nil, nil, PrevNoDup)
	}
}

// FuzzOpenWrite opens damaged data files for writing and changes every
// database: puts (values of the database's kind), deletes of keys a cursor
// finds, then a commit. Each step must return an error or succeed, never
// panic or write outside the transaction's own pages.
func FuzzOpenWrite(f *testing.F) {
	for _, b := range fuzzFixtures() {
		f.Add(b, uint32(0), byte(0), uint8(0))
		f.Add(b, uint32(len(b)/2), byte(0xff), uint8(1))
		f.Add(b, uint32(2*4096+14), byte(0x01), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, at uint32, x byte, seed uint8) {
		dir, ok := damagedEnvDir(t, data, at, x)
		if !ok {
			return
		}
		env, err := Open(dir, &Options{MapSize: 16 << 20, MaxDBs: 8, Durability: NoSync})
		if err != nil {
			return
		}
		defer env.Close()
		txn, err := env.BeginWrite()
		if err != nil {
			return
		}
		defer txn.Abort()
		// The named databases first: the main one's deletes remove
		// their records' neighbours, never the records (refused).
		var dbis []DBI
		if names, err := txn.DBNames(); err == nil {
			for _, n := range names {
				if dbi, err := txn.OpenDB(n, 0); err == nil {
					dbis = append(dbis, dbi)
				}
			}
		}
		for _, dbi := range append(dbis, MainDB) {
			if err := writeEverything(txn, dbi, int(seed)); err != nil && x == 0 {
				t.Fatalf("undamaged fixture: %v", err)
			}
		}
		if err := txn.Commit(); err != nil && x == 0 {
			t.Fatalf("undamaged fixture: commit: %v", err)
		}
	})
}

// writeEverything puts and deletes in dbi; the first error ends it.
func writeEverything(txn *Txn, dbi DBI, seed int) error {
	flags, err := txn.Flags(dbi)
	if err != nil {
		return err
	}
	size := 8    // fixed-size values: the size the database's values already have
	keySize := 8 // integer keys: the size the database's keys already have
	if c, err := txn.OpenCursor(dbi); err == nil {
		if k, v, err := c.Get(nil, nil, First); err == nil {
			if flags&(DupFixed|IntegerDup) != 0 {
				size = len(v)
			}
			if flags&IntegerKey != 0 && (len(k) == 4 || len(k) == 8) {
				keySize = len(k)
			}
		}
		c.Close()
	}
	key := func(i int) []byte {
		if flags&IntegerKey != 0 {
			return le.AppendUint64(nil, uint64(i*7+seed))[:keySize]
		}
		return []byte(fmt.Sprintf("fz%05d", i*7+seed))
	}
	val := func(i int) []byte {
		switch {
		case flags&(DupFixed|IntegerDup) != 0:
			return le.AppendUint64(nil, uint64(i+seed))[:size]
		case i%17 == 0 && flags&DupSort == 0:
			return make([]byte, 5000+i) // overflow
		}
		return []byte(fmt.Sprintf("value-%d", i))
	}
	for i := 0; i < 200; i++ {
		if err := txn.Put(dbi, key(i%40), val(i), 0); err != nil {
			return fmt.Errorf("put %d: %w", i, err)
		}
	}
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		return err
	}
	defer c.Close()
	_, _, err = c.Get(nil, nil, First)
	for i := 0; err == nil && i < 2000; i++ {
		if i%3 == 0 {
			if err := c.Del(i%2 == 0); err != nil && !(dbi == MainDB && errors.Is(err, ErrIncompatible)) {
				return fmt.Errorf("delete %d: %w", i, err)
			}
		}
		_, _, err = c.Get(nil, nil, Next)
	}
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	if flags&DupFixed != 0 {
		if _, err := txn.PutMultiple(dbi, key(1), append(val(1), val(2)...), size, 0); err != nil {
			return fmt.Errorf("PutMultiple: %w", err)
		}
	}
	return nil
}
