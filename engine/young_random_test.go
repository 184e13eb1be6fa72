package engine

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// txnItems lists the items of every database as txn sees them.
func txnItems(t *testing.T, txn *Txn) map[string][]kv {
	t.Helper()
	out := map[string][]kv{}
	names, err := txn.DBNames()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(names, "") {
		dbi, err := txn.OpenDB(name, 0)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = scanAll(t, txn, dbi)
	}
	return out
}

type heldReader struct {
	txn  *Txn
	want map[string][]kv
}

// crashOpen opens, after a simulated reboot, the image a system crash may
// leave (crashImage) after the flush that left flushed and sideFile.
func crashOpen(t *testing.T, env *Env, opts *Options, flushed, sideFile []byte, rng *rand.Rand, tag string) *Env {
	t.Helper()
	crashDir, _ := crashImage(t, readFile(t, env.Path()), flushed, sideFile, env.PageSize(), rng)
	realBoot := bootID
	boot := "00000000-0000-0000-0000-" + fmt.Sprintf("%012x", rng.Uint64()>>16)
	bootID = func() string { return boot }
	rec, err := Open(crashDir, opts)
	bootID = realBoot
	if err != nil {
		t.Fatalf("%s: open after the reboot: %v", tag, err)
	}
	return rec
}

func TestSyncInterval_randomCrashes(t *testing.T) {
	seeds := 12
	if s := os.Getenv("YOUNG_SEEDS"); s != "" {
		fmt.Sscan(s, &seeds)
	}
	if testing.Short() {
		seeds = 3
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runYoungCrash(t, seed, 120) })
	}
}

func runYoungCrash(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, seed*977+1))
	dir := t.TempDir()
	opts := &Options{MapSize: 256 << 20, MaxDBs: 8, Durability: SyncInterval, SyncInterval: time.Hour, DirtyLimit: 8 + rng.IntN(40)}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { env.Close() }()
	names := []string{"", "a", "b", "d"}
	val := func() []byte {
		n := rng.IntN(120)
		switch rng.IntN(12) {
		case 0:
			n = 2000 + rng.IntN(20000)
		case 1:
			n = 500 + rng.IntN(1500)
		}
		return bytes.Repeat([]byte{byte(rng.IntN(256))}, n)
	}
	ops := func(txn *Txn, n int) error {
		for range n {
			name := names[rng.IntN(len(names))]
			flags := Create
			if name == "d" {
				flags |= DupSort
			}
			dbi, err := txn.OpenDB(name, flags)
			if err != nil {
				return err
			}
			key := fmt.Appendf(nil, "k%04d", rng.IntN(600))
			if name != "" && rng.IntN(400) == 0 {
				if err := txn.Empty(dbi); err != nil {
					return err
				}
				continue
			}
			if name == "d" {
				if rng.IntN(3) == 0 {
					if err := txn.Del(dbi, key, nil); err != nil && err != ErrNotFound {
						return err
					}
					continue
				}
				for range 1 + rng.IntN(30) {
					if err := txn.Put(dbi, key, fmt.Appendf(nil, "v%05d", rng.IntN(100000)), 0); err != nil {
						return err
					}
				}
				continue
			}
			switch rng.IntN(5) {
			case 0, 1:
				if err := txn.Del(dbi, key, nil); err != nil && err != ErrNotFound {
					return err
				}
			default:
				if err := txn.Put(dbi, key, val(), 0); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var readers []heldReader
	flushed := readFile(t, env.Path())
	sideFile := readFile(t, env.Path()+"-sync")
	want := envItems(t, env)
	for step := range steps {
		tag := fmt.Sprintf("seed %d step %d", seed, step)
		switch r := rng.IntN(20); {
		case r < 12: // a write transaction
			txn, err := env.BeginWrite()
			if err != nil {
				t.Fatal(err)
			}
			n := 1 + rng.IntN(40)
			if rng.IntN(8) == 0 {
				n = 300 + rng.IntN(600)
			}
			if err := ops(txn, n); err != nil {
				t.Fatalf("%s: %v", tag, err)
			}
			for range rng.IntN(3) {
				child, err := txn.BeginChild()
				if err != nil {
					t.Fatal(err)
				}
				if err := ops(child, 1+rng.IntN(15)); err != nil && !isTxnFull(err) {
					t.Fatalf("%s: child: %v", tag, err)
				} else if err != nil {
					child.Abort()
					continue
				}
				if rng.IntN(3) == 0 {
					child.Abort()
				} else if err := child.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			if rng.IntN(6) == 0 {
				txn.Abort()
			} else if err := txn.Commit(); err != nil {
				t.Fatalf("%s: commit: %v", tag, err)
			}
			checkEnv(t, env, tag)
		case r < 15: // hold or release a reader
			if len(readers) > 0 && (rng.IntN(2) == 0 || seed%3 == 0) {
				i := rng.IntN(len(readers))
				h := readers[i]
				if got := txnItems(t, h.txn); !equalEnvItems(got, h.want) {
					t.Fatalf("%s: a reader's snapshot changed under it", tag)
				}
				h.txn.Abort()
				readers = append(readers[:i], readers[i+1:]...)
			} else {
				txn, err := env.BeginRead()
				if err != nil {
					t.Fatal(err)
				}
				readers = append(readers, heldReader{txn, txnItems(t, txn)})
			}
		case r < 18: // a flush
			if err := env.Sync(false); err != nil {
				t.Fatal(err)
			}
			flushed = readFile(t, env.Path())
			sideFile = readFile(t, env.Path()+"-sync")
			want = envItems(t, env)
		case r == 18 && len(readers) == 0 && seed%2 == 1: // a clean reopen
			if err := env.Close(); err != nil {
				t.Fatal(err)
			}
			if env, err = Open(dir, opts); err != nil {
				t.Fatal(err)
			}
			flushed = readFile(t, env.Path())
			sideFile = readFile(t, env.Path()+"-sync")
			want = envItems(t, env)
		default: // a crash
			rec := crashOpen(t, env, opts, flushed, sideFile, rng, tag)
			checkEnv(t, rec, tag+", after the reboot")
			if got := envItems(t, rec); !equalEnvItems(got, want) {
				t.Fatalf("%s: the rebooted environment differs from the flushed snapshot", tag)
			}
			rec.Close()
		}
	}
	for _, h := range readers {
		if got := txnItems(t, h.txn); !equalEnvItems(got, h.want) {
			t.Fatalf("seed %d: a reader's snapshot changed under it", seed)
		}
		h.txn.Abort()
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	lmdbAccepts(t, dir, fmt.Sprintf("seed %d", seed))
	t.Logf("young pages reused: %d, spills %d", env.youngReused, env.spills)
}

func isTxnFull(err error) bool {
	return errors.Is(err, ErrTxnFull)
}

// TestSyncInterval_randomCrashesConcurrentFlush: flushes run in another
// goroutine while the writer commits; a crash at any point must open at
// the snapshot the last completed flush picked.
func TestSyncInterval_randomCrashesConcurrentFlush(t *testing.T) {
	seeds := 6
	if s := os.Getenv("YOUNG_SEEDS"); s != "" {
		fmt.Sscan(s, &seeds)
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runYoungConcurrent(t, seed, 150) })
	}
}

type flushPoint struct {
	txnid    uint64
	image    []byte
	sideFile []byte
}

func runYoungConcurrent(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, seed*31+5))
	dir := t.TempDir()
	opts := &Options{MapSize: 256 << 20, MaxDBs: 8, Durability: SyncInterval, SyncInterval: time.Hour, DirtyLimit: 8 + rng.IntN(40)}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var mu, bootMu sync.Mutex
	states := map[uint64]map[string][]kv{env.snap.Load().meta.txnid: envItems(t, env)}
	last := flushPoint{env.snap.Load().meta.txnid, readFile(t, env.Path()), readFile(t, env.Path()+"-sync")}
	var picked flushPoint
	flushPicked = func() {
		env.horizonMu.Lock()
		id := env.flushing
		env.horizonMu.Unlock()
		b, err := os.ReadFile(env.Path())
		if err != nil {
			panic(err)
		}
		picked = flushPoint{txnid: id, image: b}
	}
	defer func() { flushPicked = nil }()
	stop := make(chan struct{})
	done := make(chan error)
	go func() {
		frng := rand.New(rand.NewPCG(seed, 99))
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			time.Sleep(time.Duration(frng.IntN(3000)) * time.Microsecond)
			picked = flushPoint{}
			bootMu.Lock()
			err := env.Sync(false)
			if err != nil {
				bootMu.Unlock()
				done <- err
				return
			}
			if picked.image != nil {
				side, err := os.ReadFile(env.Path() + "-sync")
				if err != nil {
					bootMu.Unlock()
					done <- err
					return
				}
				picked.sideFile = side
				mu.Lock()
				last = picked
				mu.Unlock()
			}
			bootMu.Unlock()
		}
	}()
	names := []string{"", "a", "b"}
	for step := range steps {
		tag := fmt.Sprintf("seed %d step %d", seed, step)
		if rng.IntN(10) > 0 {
			err := env.Update(func(txn *Txn) error {
				n := 1 + rng.IntN(40)
				if rng.IntN(8) == 0 {
					n = 300
				}
				for range n {
					dbi, err := txn.OpenDB(names[rng.IntN(len(names))], Create)
					if err != nil {
						return err
					}
					key := fmt.Appendf(nil, "k%04d", rng.IntN(500))
					if rng.IntN(3) == 0 {
						if err := txn.Del(dbi, key, nil); err != nil && err != ErrNotFound {
							return err
						}
						continue
					}
					n := rng.IntN(100)
					if rng.IntN(12) == 0 {
						n = 2000 + rng.IntN(12000)
					}
					if err := txn.Put(dbi, key, bytes.Repeat([]byte{byte(rng.IntN(256))}, n), 0); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", tag, err)
			}
			id := env.snap.Load().meta.txnid
			items := envItems(t, env)
			mu.Lock()
			states[id] = items
			mu.Unlock()
			continue
		}
		// The last completed flush is read with no flush under way: one
		// that has made a newer snapshot durable lets commits reuse the
		// older one's pages before it records its own flush point.
		bootMu.Lock()
		mu.Lock()
		fp := last
		want, ok := states[fp.txnid]
		mu.Unlock()
		if !ok {
			bootMu.Unlock()
			t.Fatalf("%s: no state recorded for txn %d", tag, fp.txnid)
		}
		rec := crashOpen(t, env, opts, fp.image, fp.sideFile, rng, tag)
		bootMu.Unlock()
		checkEnv(t, rec, tag+", after the reboot")
		if got := envItems(t, rec); !equalEnvItems(got, want) {
			t.Fatalf("%s: the rebooted environment differs from flushed snapshot %d", tag, fp.txnid)
		}
		rec.Close()
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("young pages reused: %d, spills %d", env.youngReused, env.spills)
}

func TestSyncInterval_bigPartialRecord(t *testing.T) {
	for _, from := range []int{0, 990, 1000} {
		t.Run(fmt.Sprint(from), func(t *testing.T) { bigPartial(t, from) })
	}
}

func bigPartial(t *testing.T, bigFrom int) {
	dir := t.TempDir()
	opts := &Options{MapSize: 256 << 20, MaxDBs: 8, Durability: SyncInterval, SyncInterval: time.Hour, DirtyLimit: 64}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	fill := func(from, to int, size int) {
		t.Helper()
		err := env.Update(func(txn *Txn) error {
			for i := from; i < to; i++ {
				if err := txn.Put(mainDBI, fmt.Appendf(nil, "k%06d", i), bytes.Repeat([]byte{byte(i)}, size), 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	fill(0, 1000, 9000)
	if err := env.Sync(false); err != nil {
		t.Fatal(err)
	}
	flushed := readFile(t, env.Path())
	sideFile := readFile(t, env.Path()+"-sync")
	want := envItems(t, env)
	fill(1000, 2000, 9000)
	err = env.Update(func(txn *Txn) error {
		for i := bigFrom; i < 2000; i += 1 {
			if i%7 == 3 {
				continue
			}
			if err := txn.Del(mainDBI, fmt.Appendf(nil, "k%06d", i), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := env.youngReused
	for i := range 50 {
		fill(5000+i*3, 5000+i*3+3, 9000)
		checkEnv(t, env, fmt.Sprint("small commit ", i))
	}
	if env.youngReused == before {
		t.Fatal("no young page reused")
	}
	t.Logf("reused %d", env.youngReused-before)
	rec := crashOpen(t, env, opts, flushed, sideFile, rand.New(rand.NewPCG(1, 2)), "big")
	checkEnv(t, rec, "after the reboot")
	if got := envItems(t, rec); !equalEnvItems(got, want) {
		t.Fatal("the rebooted environment differs from the flushed snapshot")
	}
	rec.Close()
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	lmdbAccepts(t, dir, "big partial record")
}

// lmdbAccepts runs real mdb_stat -a -e -f and mdb_dump -a on the
// environment in dir, which must both succeed.
func lmdbAccepts(t *testing.T, dir, tag string) {
	t.Helper()
	for _, args := range [][]string{{"mdb_stat", "-a", "-e", "-f", dir}, {"mdb_dump", "-a", "-n", filepath.Join(dir, "data.mdb")}} {
		if out, err := exec.Command(needTool(t, args[0]), args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %v\n%.2000s", tag, args, err, out)
		}
	}
}

// The attached-reader test of shared_test.go in SyncInterval mode, flushed
// from another goroutine: commits reuse young pages while another process
// holds snapshots.
func TestSyncInterval_otherProcessReadsConsistentSnapshots(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: SyncInterval, SyncInterval: time.Hour, MapSize: 64 << 20, DirtyLimit: 6})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	commitAll(t, env, 1)
	stop := make(chan struct{})
	flushed := make(chan error)
	go func() {
		for {
			select {
			case <-stop:
				flushed <- nil
				return
			case <-time.After(time.Millisecond):
			}
			if err := env.Sync(false); err != nil {
				flushed <- err
				return
			}
		}
	}()
	result := readWhileCommitting(t, env, dir)
	close(stop)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	t.Logf("reader: %s; young pages reused %d", result, env.youngReused)
	checkEnv(t, env, "end")
}
