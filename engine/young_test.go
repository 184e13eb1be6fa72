package engine

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"
)

// TestSyncInterval_youngPagesReused: between two flushes, pages written
// after the last one are reused as soon as readers no longer see them, so
// a hot key updated by hundreds of commits per interval grows the file by
// the few pages the durable snapshot holds, not by every page written.
func TestSyncInterval_youngPagesReused(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: SyncInterval, SyncInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	put := func(i int, val []byte) {
		t.Helper()
		if err := env.Update(func(txn *Txn) error { return txn.Put(mainDBI, fmt.Appendf(nil, "k%06d", i), val, 0) }); err != nil {
			t.Fatal(err)
		}
	}
	err = env.Update(func(txn *Txn) error {
		for i := range 5000 {
			if err := txn.Put(mainDBI, fmt.Appendf(nil, "k%06d", i), bytes.Repeat([]byte{1}, 50), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Sync(false); err != nil {
		t.Fatal(err)
	}
	before := env.Info().LastPgno
	const intervals, commits = 5, 300
	for n := range intervals {
		for i := range commits {
			put(2500, fmt.Appendf(nil, "v%d-%d", n, i)) // root, branch and leaf rewritten each time
		}
		if err := env.Sync(false); err != nil {
			t.Fatal(err)
		}
	}
	grown := env.Info().LastPgno - before
	// Holding every page written in an interval would take about 3 pages
	// per commit; the durable snapshot's own pages and the reuse lag need
	// a few dozen.
	if grown > 40 {
		t.Errorf("the file grew by %d pages over %d intervals of %d commits; pages written after a flush were not reused", grown, intervals, commits)
	}
	if env.youngReused == 0 {
		t.Error("no page was reused from a held-back record")
	}
	checkEnv(t, env, "after the intervals")
}

// TestSyncInterval_rebootAfterManyFlushes: the reboot test of
// syncinterval_test.go, repeated over many flushes of one environment
// whose commits reuse pages written after each flush (spilling, nested
// transactions that commit and abort): after every interval, a crash
// image that keeps the newest metas and turns every page written since the
// flush into garbage must open at the flushed snapshot, whole.
func TestSyncInterval_rebootAfterManyFlushes(t *testing.T) {
	dir := t.TempDir()
	opts := &Options{MapSize: 64 << 20, MaxDBs: 8, Durability: SyncInterval, SyncInterval: time.Hour, DirtyLimit: 24}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	realBoot := bootID
	defer func() { bootID = realBoot }()
	dataPath := filepath.Join(dir, "data.mdb")
	rng := rand.New(rand.NewPCG(11, 12))
	for round := range 8 {
		copyWorkload(t, env, uint64(round*10), 8)
		nestedWorkload(t, env, rng, 8)
		if err := env.Sync(false); err != nil {
			t.Fatal(err)
		}
		want := envItems(t, env)
		flushed := readFile(t, dataPath)
		sideFile := readFile(t, dataPath+"-sync")
		copyWorkload(t, env, uint64(round*10+1), 10)
		nestedWorkload(t, env, rng, 10)
		cached := readFile(t, dataPath)

		crashDir, _ := crashImage(t, cached, flushed, sideFile, env.PageSize(), rng)
		bootID = func() string { return fmt.Sprintf("00000000-0000-0000-0000-%012d", round) }
		rec, err := Open(crashDir, opts)
		bootID = realBoot
		if err != nil {
			t.Fatalf("round %d: open after the reboot: %v", round, err)
		}
		checkEnv(t, rec, fmt.Sprintf("round %d, after the reboot", round))
		if got := envItems(t, rec); !equalEnvItems(got, want) {
			t.Fatalf("round %d: the rebooted environment differs from the flushed snapshot", round)
		}
		rec.Close()
	}
	if env.youngReused == 0 {
		t.Error("no page was reused from a held-back record: the test misses that path")
	}
	checkEnv(t, env, "at the end")
}

// nestedWorkload runs txns write transactions of child transactions that
// rewrite and delete keys of database "nest", committing or aborting each.
func nestedWorkload(t *testing.T, env *Env, rng *rand.Rand, txns int) {
	t.Helper()
	for range txns {
		err := env.Update(func(txn *Txn) error {
			dbi, err := txn.OpenDB("nest", Create)
			if err != nil {
				return err
			}
			for range 3 {
				child, err := txn.BeginChild()
				if err != nil {
					return err
				}
				for range 15 {
					key := fmt.Appendf(nil, "n%04d", rng.IntN(300))
					if rng.IntN(4) == 0 {
						if err := child.Del(dbi, key, nil); err != nil && err != ErrNotFound {
							return err
						}
						continue
					}
					if err := child.Put(dbi, key, bytes.Repeat([]byte{byte(rng.IntN(256))}, rng.IntN(300)), 0); err != nil {
						return err
					}
				}
				if rng.IntN(3) == 0 {
					child.Abort()
				} else if err := child.Commit(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestSyncInterval_rebootDuringFlush: commits made while a flush is under
// way must keep the pages of the snapshot that flush is making durable,
// not only those of the previous durable one: after a crash the flushed
// snapshot is what the environment opens at.
func TestSyncInterval_rebootDuringFlush(t *testing.T) {
	dir := t.TempDir()
	opts := &Options{MapSize: 64 << 20, MaxDBs: 8, Durability: SyncInterval, SyncInterval: time.Hour}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	dataPath := filepath.Join(dir, "data.mdb")
	copyWorkload(t, env, 1, 10)
	if err := env.Sync(false); err != nil {
		t.Fatal(err)
	}
	copyWorkload(t, env, 2, 10) // pages written after that flush
	want := envItems(t, env)
	atPick := readFile(t, dataPath)

	picked, release := make(chan struct{}), make(chan struct{})
	flushPicked = func() { close(picked); <-release }
	defer func() { flushPicked = nil }()
	flushed := make(chan error, 1)
	go func() { flushed <- env.Sync(false) }()
	<-picked
	reusedBefore := env.youngReused
	copyWorkload(t, env, 3, 10) // frees pages written before the pick
	close(release)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if env.youngReused == reusedBefore {
		t.Fatal("no commit during the flush reused a page: the test misses the case")
	}
	cached := readFile(t, dataPath)
	sideFile := readFile(t, dataPath+"-sync")

	crashDir, _ := crashImage(t, cached, atPick, sideFile, env.PageSize(), rand.New(rand.NewPCG(5, 6)))
	realBoot := bootID
	defer func() { bootID = realBoot }()
	bootID = func() string { return "00000000-0000-0000-0000-0000000f1a5e" }
	rec, err := Open(crashDir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	checkEnv(t, rec, "after the reboot")
	if got := envItems(t, rec); !equalEnvItems(got, want) {
		t.Fatal("the rebooted environment differs from the snapshot the flush made durable")
	}
}
