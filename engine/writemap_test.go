package engine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
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
	m, err := mmapFile(f, 4*ps, true)
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

// freeTail returns the first page of the longest run of free pages (listed
// in the free DB) that ends at the last page in use; the tests need at
// least 256 such pages before the end of the file.
func freeTail(t *testing.T, env *Env) uint64 {
	t.Helper()
	txn, err := env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Abort()
	free := map[uint64]bool{}
	c := txn.newCursor(freeDBI)
	for _, v, _, err := c.move(First); err == nil; _, v, _, err = c.move(Next) {
		pages, err := decodeFreeList(v, txn.snap.meta.lastPg+1)
		if err != nil {
			t.Fatal(err)
		}
		for _, pg := range pages {
			free[pg] = true
		}
	}
	pg := txn.snap.meta.lastPg + 1
	for free[pg-1] {
		pg--
	}
	if end := uint64(env.fileSize / int64(env.psize)); end-pg < 256 {
		t.Fatalf("free tail %d..%d: fewer than 256 pages", pg, end)
	}
	return pg
}

// bigValueEnv returns an environment whose file ends in the 256 free pages
// of a deleted 1 MiB value (reusable by the next commit), and that value.
func bigValueEnv(t *testing.T, dir string) (*Env, []byte) {
	t.Helper()
	env, err := Open(dir, &Options{MapSize: 64 << 20, Durability: SyncFull})
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	steps := []func(*Txn) error{
		func(txn *Txn) error {
			for i := range 100 {
				if err := txn.Put(MainDB, []byte{'a', byte(i)}, make([]byte, 100), 0); err != nil {
					return err
				}
			}
			return nil
		},
	}
	// Small commits before the big value leave free pages for those after it.
	small := func(txn *Txn) error { return txn.Put(MainDB, []byte{'a', 1}, []byte("x"), 0) }
	for range 4 {
		steps = append(steps, small)
	}
	steps = append(steps,
		func(txn *Txn) error { return txn.Put(MainDB, []byte("big"), big, 0) },
		func(txn *Txn) error { return txn.Del(MainDB, []byte("big"), nil) },
		small, small)
	for i, step := range steps {
		if err := env.Update(step); err != nil {
			env.Close()
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return env, big
}

// putBig commits the big value again: its 256 pages are the free ones at the
// end of the file, copied through the map.
func putBig(env *Env, big []byte) error {
	return env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("big2"), big, 0) })
}

func checkBig(t *testing.T, env *Env, big []byte) {
	t.Helper()
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
	err := env.View(func(txn *Txn) error {
		v, err := txn.Get(MainDB, []byte("big2"))
		if err != nil {
			return err
		}
		if !bytes.Equal(v, big) {
			t.Fatal("the big value reads back different")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A disk that is full when a commit copies pages into a hole of the file
// (a file with holes; on a copy-on-write file system such as btrfs, any
// overwrite): the commit fails with ENOSPC, as a pwrite would, not with a
// memory-fault address that hides the cause; once space is freed, commits
// go on. Needs root to mount a small tmpfs.
func TestWriteMap_fullDisk_commitFailsWithENOSPC(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the writable map is used on Linux only")
	}
	fs := filepath.Join(t.TempDir(), "fs")
	if err := os.Mkdir(fs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", fs, "tmpfs", 0, "size=4m"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot mount a small tmpfs (CI runs as root): %v", err)
		}
		t.Skipf("cannot mount a small tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(fs, unix.MNT_DETACH) })
	dir := filepath.Join(fs, "env")
	env, big := bigValueEnv(t, dir)
	defer env.Close()
	// Make the free pages at the end of the file holes, and fill the disk.
	tail := freeTail(t, env)
	ps := int64(env.psize)
	if err := unix.Fallocate(int(env.file.Fd()), unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE,
		int64(tail)*ps, env.fileSize-int64(tail)*ps); err != nil {
		t.Fatal(err)
	}
	fill, err := os.Create(filepath.Join(fs, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := fill.Write(buf); err != nil {
			break
		}
	}
	for {
		if _, err := fill.Write(buf[:4096]); err != nil {
			break
		}
	}
	runs := env.mapRuns
	err = putBig(env, big)
	if env.mapRuns == runs {
		t.Fatal("the commit copied nothing through the map")
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("commit on a full disk: %v, want ENOSPC", err)
	}
	fill.Close()
	if err := os.Remove(fill.Name()); err != nil {
		t.Fatal(err)
	}
	if err := putBig(env, big); err != nil {
		t.Fatalf("commit once space is freed: %v", err)
	}
	checkBig(t, env, big)
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	lmdbAccepts(t, dir, "after a full disk")
}

// A file cut short behind the engine's back (here only free pages at its
// end): the pages a commit puts there fault in the map; the commit writes
// them with pwrite instead (as it did before the map), and the environment
// goes on, instead of failing every commit that reuses those pages.
func TestWriteMap_fileCutShort_commitsGoOn(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the writable map is used on Linux only")
	}
	dir := t.TempDir()
	env, big := bigValueEnv(t, dir)
	defer env.Close()
	tail := freeTail(t, env)
	ps := int64(env.psize)
	if err := os.Truncate(filepath.Join(dir, "data.mdb"), int64(tail)*ps); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := putBig(env, big); err != nil {
			t.Fatalf("commit %d after the file was cut short: %v", i, err)
		}
	}
	checkBig(t, env, big)
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	lmdbAccepts(t, dir, "after the file was cut short")
}
