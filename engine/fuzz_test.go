package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpenRead feeds damaged data files to Open, every read path and Check:
// each must return an error or succeed, never panic or read outside the map.
func FuzzOpenRead(f *testing.F) {
	for _, name := range []string{"plain", "subdbs", "overflow", "dupsort", "dupfixed", "integerkey"} {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name, "data.mdb"))
		if err != nil {
			continue
		}
		f.Add(b, uint32(0), byte(0))
		f.Add(b, uint32(len(b)/2), byte(0xff))
		f.Add(b, uint32(2*4096+14), byte(0x01))
	}
	f.Fuzz(func(t *testing.T, data []byte, at uint32, x byte) {
		if len(data) > 1<<20 {
			return
		}
		data = append([]byte(nil), data...)
		if len(data) > 0 {
			data[int(at)%len(data)] ^= x
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "data.mdb"), data, 0o644); err != nil {
			t.Fatal(err)
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
