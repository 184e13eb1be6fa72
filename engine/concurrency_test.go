package engine

import (
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	concWrites  = flag.Int("conc.writes", 200, "write transactions in the snapshot-isolation test")
	concReaders = flag.Int("conc.readers", 3, "reader goroutines in the snapshot-isolation test (plus one long reader)")
)

const concKeySpace = 1000

// A snapshot's digest is the sum of one hash per item (database name, key,
// value) and the item count: the writer keeps it up to date per change, a
// reader recomputes it with a full scan (checking key order on the way).
type concView struct {
	sum   uint64
	count int
}

func itemHash(db string, k, v []byte) uint64 {
	h := fnv.New64a()
	var n [8]byte
	le.PutUint64(n[:], uint64(len(db))<<48|uint64(len(k))<<32|uint64(len(v)))
	h.Write(n[:])
	h.Write([]byte(db))
	h.Write(k)
	h.Write(v)
	x := h.Sum64()
	// Mix, so that sums of similar items do not cancel out.
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

// viewDigest scans every named database of txn's snapshot.
func viewDigest(txn *Txn) (concView, error) {
	var d concView
	names, err := txn.DBNames()
	if err != nil {
		return d, err
	}
	for _, name := range names {
		dbi, err := txn.OpenDB(name, 0)
		if err != nil {
			return d, fmt.Errorf("open %q: %w", name, err)
		}
		cmp, _ := comparators(uint16(wlFlagsOf(name)))
		c, err := txn.OpenCursor(dbi)
		if err != nil {
			return d, err
		}
		var prev []byte
		k, v, err := c.Get(nil, nil, First)
		for ; err == nil; k, v, err = c.Get(nil, nil, Next) {
			if prev != nil && cmp.compare(prev, k) >= 0 {
				c.Close()
				return d, fmt.Errorf("db %q: key %.20x after %.20x", name, k, prev)
			}
			prev = k // valid until the read transaction ends
			d.sum += itemHash(name, k, v)
			d.count++
		}
		c.Close()
		if !errors.Is(err, ErrNotFound) {
			return d, fmt.Errorf("scan %q: %w", name, err)
		}
	}
	return d, nil
}

// concModel is the writer's model with its running digest.
type concModel struct {
	s wlState
	d concView
}

func (m *concModel) apply(ops []wlOp) {
	for _, op := range ops {
		name := wlDBs[op.db].name
		kv := m.s[name]
		if kv == nil {
			kv = map[string][]byte{}
			m.s[name] = kv
		}
		if old, ok := kv[string(op.key)]; ok {
			m.d.sum -= itemHash(name, op.key, old)
			m.d.count--
			delete(kv, string(op.key))
		}
		if !op.del {
			kv[string(op.key)] = op.val
			m.d.sum += itemHash(name, op.key, op.val)
			m.d.count++
		}
	}
}

// concWriteOps returns one transaction of the concurrency workload: mostly
// small mixed updates, sometimes a bulk insert (splits) or a bulk delete (merges).
func concWriteOps(r *rand.Rand) []wlOp {
	var ops []wlOp
	db := r.IntN(len(wlDBs))
	switch k := r.IntN(10); {
	case k == 0:
		for n := 200 + r.IntN(300); n > 0; n-- {
			ops = append(ops, wlOp{db: db, key: wlKey(r, db, concKeySpace), val: wlVal(r, 10)})
		}
	case k == 1:
		for n := 200 + r.IntN(600); n > 0; n-- {
			ops = append(ops, wlOp{db: db, key: wlKey(r, db, concKeySpace), del: true})
		}
	default:
		for n := 1 + r.IntN(40); n > 0; n-- {
			db := r.IntN(len(wlDBs))
			ops = append(ops, wlOp{db: db, key: wlKey(r, db, concKeySpace), val: wlVal(r, 20), del: r.IntN(3) == 0})
		}
	}
	return ops
}

// TestConcurrency_readersKeepTheirSnapshot runs reader goroutines against a
// writer that changes everything. Every read transaction must see exactly the
// state the writer committed under its txn id, and see it unchanged on every
// re-read; the ids new readers get never go backwards.
func TestConcurrency_readersKeepTheirSnapshot(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 256 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	r := rand.New(rand.NewPCG(21, 22))
	model := &concModel{s: wlState{}}
	// expected: txn id -> digest of the state committed under it. Stored
	// before Commit, so a reader that sees id X finds X's digest.
	var expected sync.Map
	commit := func(ops []wlOp) {
		t.Helper()
		txn, err := env.BeginWrite()
		if err != nil {
			t.Fatal(err)
		}
		if err := applyOps(txn, ops, map[string]DBI{}); err != nil {
			t.Fatal(err)
		}
		model.apply(ops)
		expected.Store(txn.ID(), model.d)
		if err := txn.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// A first state with something in every database.
	var load []wlOp
	for db := range wlDBs {
		for n := 0; n < concKeySpace/2; n++ {
			load = append(load, wlOp{db: db, key: wlKey(r, db, concKeySpace), val: wlVal(r, 10)})
		}
	}
	commit(load)

	var (
		done     atomic.Bool
		maxID    atomic.Uint64 // largest txn id a reader has been given
		reads    atomic.Int64
		rereads  atomic.Int64
		distinct sync.Map
		wg       sync.WaitGroup
	)
	reader := func(id int, long bool) {
		defer wg.Done()
		rr := rand.New(rand.NewPCG(uint64(id), 99))
		for !done.Load() {
			floor := maxID.Load()
			txn, err := env.BeginRead()
			if err != nil {
				t.Errorf("reader %d: begin: %v", id, err)
				return
			}
			tid := txn.ID()
			if tid < floor {
				t.Errorf("reader %d: got snapshot %d after another reader had %d", id, tid, floor)
			}
			for cur := maxID.Load(); tid > cur && !maxID.CompareAndSwap(cur, tid); cur = maxID.Load() {
			}
			distinct.Store(tid, true)
			first, err := viewDigest(txn)
			if err != nil {
				t.Errorf("reader %d: read snapshot %d: %v", id, tid, err)
				txn.Abort()
				return
			}
			if want, ok := expected.Load(tid); !ok {
				t.Errorf("reader %d: snapshot %d was never committed", id, tid)
			} else if want != first {
				t.Errorf("reader %d: snapshot %d holds %+v, the writer committed %+v", id, tid, first, want)
			}
			reads.Add(1)
			again := 1 + rr.IntN(4)
			if long {
				again = 1 << 30 // until the writer is done
			}
			for i := 0; i < again && !done.Load(); i++ {
				time.Sleep(time.Duration(1000+rr.IntN(2000)) * time.Microsecond)
				again, err := viewDigest(txn)
				if err != nil {
					t.Errorf("reader %d: re-read snapshot %d: %v", id, tid, err)
					break
				}
				if again != first {
					t.Errorf("reader %d: snapshot %d changed under the reader: %+v, first %+v", id, tid, again, first)
				}
				rereads.Add(1)
			}
			if long {
				// One last look after the writer finished.
				if again, err := viewDigest(txn); err != nil || again != first {
					t.Errorf("long reader: snapshot %d at the end: %+v, %v; first %+v", tid, again, err, first)
				}
			}
			txn.Abort()
			if t.Failed() {
				return
			}
		}
	}
	for i := 0; i < *concReaders; i++ {
		wg.Add(1)
		go reader(i, false)
	}
	wg.Add(1)
	go reader(-1, true)

	for i := 0; i < *concWrites && !t.Failed(); i++ {
		commit(concWriteOps(r))
		if i%8 == 0 {
			runtime.Gosched()
		}
	}
	done.Store(true)
	wg.Wait()
	n := 0
	distinct.Range(func(any, any) bool { n++; return true })
	t.Logf("%d writes; %d read transactions over %d distinct snapshots, %d re-reads; final %d items, last page %d",
		*concWrites, reads.Load(), n, rereads.Load(), model.d.count, env.Info().LastPgno)
	if n < 2 {
		t.Errorf("readers saw only %d snapshot(s): the test did not interleave", n)
	}
	if info := env.Info(); info.NumReaders != 0 {
		t.Errorf("%d readers still registered after all ended", info.NumReaders)
	}
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
}

// concUpdater is a steady update load: each transaction rewrites the values
// of some keys of a fixed key set with values of the same size.
type concUpdater struct {
	env  *Env
	r    *rand.Rand
	keys int
}

func (u *concUpdater) load(t *testing.T) {
	t.Helper()
	if err := u.env.Update(func(txn *Txn) error {
		for i := 0; i < u.keys; i++ {
			if err := txn.Put(MainDB, fmt.Appendf(nil, "key-%06d", i), u.val(), 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func (u *concUpdater) val() []byte {
	b := make([]byte, 100)
	for i := range b {
		b[i] = byte(u.r.Uint32())
	}
	return b
}

func (u *concUpdater) run(t *testing.T, txns int) {
	t.Helper()
	for i := 0; i < txns; i++ {
		if err := u.env.Update(func(txn *Txn) error {
			for n := 0; n < 20; n++ {
				if err := txn.Put(MainDB, fmt.Appendf(nil, "key-%06d", u.r.IntN(u.keys)), u.val(), 0); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConcurrency_steadyUpdates_fileStaysFlat: with short readers running
// alongside, pages freed by commits are reused, so after a warm-up the data
// file does not grow under an update load of constant size.
func TestConcurrency_steadyUpdates_fileStaysFlat(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 256 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	u := &concUpdater{env: env, r: rand.New(rand.NewPCG(31, 32)), keys: 3000}
	u.load(t)

	var done atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				if err := env.View(func(txn *Txn) error {
					_, err := txn.Get(MainDB, []byte("key-000042"))
					return err
				}); err != nil {
					t.Errorf("short reader: %v", err)
					return
				}
				reads.Add(1)
				runtime.Gosched()
			}
		}()
	}
	u.run(t, 200)
	before := env.Info().LastPgno
	// A reader preempted inside its transaction pins its snapshot, and until
	// it ends the pages freed since cannot be reused: growth up to what the
	// longest lag pins is MVCC at work. A leak grows with every transaction.
	maxLag := uint64(0)
	for i := 0; i < 1000; i++ {
		if inf := env.Info(); inf.OldestReaderTxnID > 0 {
			maxLag = max(maxLag, inf.LastTxnID-inf.OldestReaderTxnID)
		}
		u.run(t, 1)
	}
	after := env.Info().LastPgno
	done.Store(true)
	wg.Wait()
	t.Logf("last page %d after warm-up, %d after 1000 more update transactions (%d short reads, longest reader lag %d commits)",
		before, after, reads.Load(), maxLag)
	// Each update transaction copies at most 20 leaves, the root and a few
	// free DB pages.
	const pagesPerTxn = 25
	if allowed := 8 + (maxLag+2)*pagesPerTxn; after > before+allowed {
		t.Errorf("the file grew by %d pages over 1000 update transactions of constant size (allowed %d for a reader lag of %d)",
			after-before, allowed, maxLag)
	}
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrency_longReader_pinsPagesUntilItEnds: a long-lived reader keeps
// its snapshot's pages from reuse (the file grows while it lives, its view
// stays intact); once it ends, the pages are reused and the file stops growing.
func TestConcurrency_longReader_pinsPagesUntilItEnds(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 256 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	u := &concUpdater{env: env, r: rand.New(rand.NewPCG(41, 42)), keys: 3000}
	u.load(t)
	u.run(t, 100)

	long, err := env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	first, err := viewDigest(long)
	if err != nil {
		t.Fatal(err)
	}
	if got := env.Info().OldestReaderTxnID; got != long.ID() {
		t.Errorf("oldest reader %d, want the long reader's %d", got, long.ID())
	}
	start := env.Info().LastPgno
	u.run(t, 200)
	pinned := env.Info().LastPgno
	if again, err := viewDigest(long); err != nil || again != first {
		t.Fatalf("long reader's snapshot changed: %+v, %v; first %+v", again, err, first)
	}
	long.Abort()
	u.run(t, 200)
	released := env.Info().LastPgno
	u.run(t, 200)
	final := env.Info().LastPgno
	t.Logf("last page %d at the reader's start, %d after 200 txns while pinned, %d and %d after 200 and 400 txns after it ended",
		start, pinned, released, final)
	// Each update transaction rewrites ~20 leaves and their branches; none of
	// the pages freed while the reader lives may be reused.
	if pinned < start+200 {
		t.Errorf("the file grew by only %d pages over 200 update transactions with a pinned snapshot", pinned-start)
	}
	if released > pinned+4 || final > released+4 {
		t.Errorf("after the reader ended the file kept growing: %d -> %d -> %d", pinned, released, final)
	}
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
}

// TestFreeList_smallUpdates_fileStaysFlat: one small update per transaction,
// no readers at all: every freed page is reusable two commits later, so the
// file must not grow.
func TestFreeList_smallUpdates_fileStaysFlat(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	put := func(keys ...int) {
		t.Helper()
		if err := env.Update(func(txn *Txn) error {
			for _, k := range keys {
				if err := txn.Put(MainDB, fmt.Appendf(nil, "key-%06d", k), make([]byte, 100), 0); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	all := make([]int, 3000)
	for i := range all {
		all[i] = i
	}
	put(all...)
	for i := 0; i < 10; i++ {
		put(i * 37)
	}
	before := env.Info().LastPgno
	for i := 10; i < 100; i++ {
		put(i * 37)
	}
	if after := env.Info().LastPgno; after > before+2 {
		t.Fatalf("90 one-key update transactions grew the file from page %d to %d", before, after)
	}
}

// TestReadersFull_allSlotsTaken: with MaxReaders slots taken, BeginRead fails
// with ErrReadersFull; writers are unaffected; a freed slot is reusable.
func TestReadersFull_allSlotsTaken(t *testing.T) {
	const slots = 3
	env, err := Open(t.TempDir(), &Options{MaxReaders: slots})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var held []*Txn
	for i := 0; i < slots; i++ {
		txn, err := env.BeginRead()
		if err != nil {
			t.Fatalf("reader %d of %d: %v", i+1, slots, err)
		}
		held = append(held, txn)
	}
	if _, err := env.BeginRead(); !errors.Is(err, ErrReadersFull) {
		t.Fatalf("reader %d of %d: %v, want ErrReadersFull", slots+1, slots, err)
	}
	if err := env.View(func(*Txn) error { return nil }); !errors.Is(err, ErrReadersFull) {
		t.Fatalf("View with all slots taken: %v, want ErrReadersFull", err)
	}
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) }); err != nil {
		t.Fatalf("write with all reader slots taken: %v", err)
	}
	if info := env.Info(); info.NumReaders != slots || info.MaxReaders != slots {
		t.Fatalf("info: %d of %d readers, want %d of %d", info.NumReaders, info.MaxReaders, slots, slots)
	}
	held[1].Abort()
	txn, err := env.BeginRead()
	if err != nil {
		t.Fatalf("after one reader ended: %v", err)
	}
	if v, err := txn.Get(MainDB, []byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("new reader: %q, %v", v, err)
	}
	txn.Abort()
	held[0].Abort()
	held[2].Abort()

	// Contention: more goroutines than slots; each BeginRead either succeeds
	// or fails with ErrReadersFull, and no more than slots are ever live.
	var live, peak, full atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 3*slots; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				txn, err := env.BeginRead()
				if errors.Is(err, ErrReadersFull) {
					full.Add(1)
					runtime.Gosched()
					continue
				}
				if err != nil {
					t.Errorf("begin: %v", err)
					return
				}
				n := live.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				if _, err := txn.Get(MainDB, []byte("k")); err != nil {
					t.Errorf("get: %v", err)
				}
				runtime.Gosched()
				live.Add(-1)
				txn.Abort()
			}
		}()
	}
	wg.Wait()
	t.Logf("peak %d live readers, %d ErrReadersFull", peak.Load(), full.Load())
	if peak.Load() > slots {
		t.Errorf("%d readers live at once with %d slots", peak.Load(), slots)
	}
	if n := env.Info().NumReaders; n != 0 {
		t.Errorf("%d readers registered after all ended", n)
	}
}

// TestEnvInUse_secondOpenInThisProcess: opening an environment that is already
// open fails with ErrEnvInUse, and the failed attempt leaves the first Env and
// its lock intact.
func TestEnvInUse_secondOpenInThisProcess(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) }); err != nil {
		t.Fatal(err)
	}
	env2, err := Open(dir, nil)
	if err == nil {
		env2.Close()
		t.Error("second Open of an open environment succeeded")
	}
	if err != nil && !errors.Is(err, ErrEnvInUse) {
		t.Fatalf("second Open: %v, want ErrEnvInUse", err)
	}
	if err := env.View(func(txn *Txn) error {
		_, err := txn.Get(MainDB, []byte("k"))
		return err
	}); err != nil {
		t.Fatalf("first Env after the failed second Open: %v", err)
	}
	// Another process must still be refused.
	p := startCrashChild(t, "hold", dir, 1, SyncFull)
	l := <-p.lines
	if !strings.HasPrefix(l, "error ") || !strings.Contains(l, ErrEnvInUse.Error()) {
		t.Fatalf("child opening the environment said %q, want an ErrEnvInUse error", l)
	}
}

// TestEnvInUse_otherProcessHoldsIt: while a child process has the environment
// open, Open fails with ErrEnvInUse; after the child is killed it succeeds.
func TestEnvInUse_otherProcessHoldsIt(t *testing.T) {
	dir := t.TempDir()
	p := startCrashChild(t, "hold", dir, 1, SyncFull)
	p.expectReady(t, 0)
	if env, err := Open(dir, nil); !errors.Is(err, ErrEnvInUse) {
		if err == nil {
			env.Close()
		}
		t.Fatalf("Open while another process holds the environment: %v, want ErrEnvInUse", err)
	}
	p.kill()
	env, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after the holder was killed: %v", err)
	}
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
	env.Close()
}

// TestLongReader_reportedOnce: a reader open past LongReaderAfter is reported
// once, with its lag, when writers begin; Readers lists it.
func TestLongReader_reportedOnce(t *testing.T) {
	var reports []ReaderInfo
	env, err := Open(t.TempDir(), &Options{Durability: NoSync, LongReaderAfter: time.Millisecond,
		OnLongReader: func(r ReaderInfo) { reports = append(reports, r) }})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	put := func() {
		if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) }); err != nil {
			t.Fatal(err)
		}
	}
	put()
	rt, err := env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	put()
	put()
	put()
	if len(reports) != 1 || reports[0].TxnID != rt.ID() || reports[0].Age < time.Millisecond {
		t.Fatalf("reports = %+v, want one for snapshot %d", reports, rt.ID())
	}
	rs := env.Readers()
	if len(rs) != 1 || rs[0].TxnID != rt.ID() || rs[0].Lag != 3 {
		t.Fatalf("Readers() = %+v, want snapshot %d lagging 3 commits", rs, rt.ID())
	}
	rt.Abort()
	if rs := env.Readers(); len(rs) != 0 {
		t.Fatalf("Readers() after Abort = %+v", rs)
	}
}
