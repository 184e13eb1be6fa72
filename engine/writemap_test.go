package engine

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A fault while copying pages into the writable map (here: the file cut
// short under the mapping) is an error for the commit, not a crash.
func TestCopyToMap_faultIsError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const ps = 4096
	if err := f.Truncate(2 * ps); err != nil {
		t.Fatal(err)
	}
	m, err := mmapWritable(f, 4*ps)
	if err != nil {
		t.Fatal(err)
	}
	defer munmap(m)
	page := make([]byte, ps)
	for i := range page {
		page[i] = byte(i)
	}
	if err := copyToMap(m, [][]byte{page}, ps); err != nil {
		t.Fatalf("copy inside the file: %v", err)
	}
	got := make([]byte, ps)
	if _, err := f.ReadAt(got, ps); err != nil || string(got) != string(page) {
		t.Fatalf("page read back with pread differs (err %v)", err)
	}
	err = copyToMap(m, [][]byte{page, page}, 2*ps) // past the end of the file
	if !errors.Is(err, errMapFault) {
		t.Fatalf("copy past the end of the file: %v, want errMapFault", err)
	}
	// Other panics are bugs and stay panics.
	defer func() {
		if recover() == nil {
			t.Fatal("copy beyond the mapping did not panic")
		}
	}()
	_ = copyToMap(m, [][]byte{page}, 4*ps)
}

// Commits that reuse pages inside the file (copied through the map) and
// commits that grow it (pwrite) leave a file that reads back whole, from a
// fresh map, and that real LMDB accepts.
func TestWriteMap_pagesReachTheFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the writable map is used on Linux only")
	}
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 64 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	if env.writeMap == nil {
		t.Fatal("no writable map on a read-write environment")
	}
	key := func(i int) []byte { return []byte{byte(i >> 8), byte(i), 'k'} }
	val := make([]byte, 100)
	for round := range 6 {
		err := env.Update(func(txn *Txn) error {
			for i := range 3000 {
				val[0] = byte(round)
				if err := txn.Put(MainDB, key(i), val, 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if env.mapRuns == 0 {
		t.Fatal("no run was copied through the writable map")
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	lmdbAccepts(t, dir, "after writes through the map")
	env, err = Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
	err = env.View(func(txn *Txn) error {
		for i := range 3000 {
			v, err := txn.Get(MainDB, key(i))
			if err != nil {
				return err
			}
			if v[0] != 5 {
				t.Fatalf("key %d holds round %d, want 5", i, v[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
