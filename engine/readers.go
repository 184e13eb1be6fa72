package engine

import (
	"os"
	"runtime"
	"slices"
	"sync/atomic"
	"time"
)

// readerTable tracks the snapshot each live read transaction uses, so the writer
// never reuses a page a reader can still see. Readers take no lock: a slot is
// claimed with a compare-and-swap and published with an atomic store.
type readerTable struct {
	slots []readerSlot
	hint  atomic.Uint32 // where the next claim starts scanning; spreads contention
	inUse atomic.Int32  // live readers (Info)
}

// readerSlot holds 0 when free, slotClaimed while being set up, and txnid+1 when
// a reader is using snapshot txnid. Padded to a cache line to avoid false sharing.
type readerSlot struct {
	v       atomic.Uint64
	started atomic.Int64 // monotonic nanoseconds when the reader began
	warned  atomic.Int64 // the started value already reported as a long reader
	_       [40]byte
}

const slotClaimed = ^uint64(0)

func newReaderTable(n int) readerTable { return readerTable{slots: make([]readerSlot, n)} }

// acquire pins the current snapshot in a free slot and returns the slot and the
// snapshot. ok is false when every slot is taken.
//
// INVARIANT: the slot holds snap.txnid+1 before the snapshot is used, and the
// snapshot was still current after the store. A writer that scans the table
// later sees the pin; a writer that scanned before it committed at most one
// transaction after snap, and reuses only pages freed before snap (reuse lag).
func (rt *readerTable) acquire(cur *atomic.Pointer[snapshot]) (*readerSlot, *snapshot, bool) {
	n := uint32(len(rt.slots))
	start := rt.hint.Add(1)
	for i := uint32(0); i < n; i++ {
		s := &rt.slots[(start+i)%n]
		if s.v.Load() != 0 || !s.v.CompareAndSwap(0, slotClaimed) {
			continue
		}
		rt.inUse.Add(1)
		s.started.Store(monoNow())
		for {
			snap := cur.Load()
			s.v.Store(snap.meta.txnid + 1)
			if cur.Load() == snap {
				return s, snap, true
			}
			runtime.Gosched()
		}
	}
	return nil, nil, false
}

// reserve counts one more reader unless max are live (attached processes,
// whose readers take slots of the shared table instead).
func (rt *readerTable) reserve(max int) bool {
	for {
		n := rt.inUse.Load()
		if int(n) >= max {
			return false
		}
		if rt.inUse.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func (rt *readerTable) release(s *readerSlot) {
	s.v.Store(0)
	rt.inUse.Add(-1)
}

// oldest returns the smallest snapshot txnid pinned by a reader, or limit if smaller.
func (rt *readerTable) oldest(limit uint64) uint64 {
	for i := range rt.slots {
		v := rt.slots[i].v.Load()
		if v != 0 && v != slotClaimed && v-1 < limit {
			limit = v - 1
		}
	}
	return limit
}

// processStart anchors monotonic reader start times.
var processStart = time.Now()

func monoNow() int64 { return int64(time.Since(processStart)) }

// ReaderInfo describes one live read transaction.
type ReaderInfo struct {
	PID   int           // the process reading
	TxnID uint64        // the snapshot it reads
	Lag   uint64        // commits made since that snapshot
	Age   time.Duration // how long it has been open
}

// Readers lists the live read transactions, oldest snapshot first: this
// process's and, through the shared reader table, other processes' (their
// Age is unknown and reported as 0).
func (e *Env) Readers() []ReaderInfo {
	last := e.snap.Load().meta.txnid
	shared := e.shared.Load()
	if shared != nil {
		// An attached process's snapshot is the one it last began; the table
		// holds the newest commit.
		last = max(last, shared.u64(sharedTxnOff).Load())
	}
	now := monoNow()
	var out []ReaderInfo
	if shared != nil {
		out = shared.list(last)
	}
	pid := os.Getpid()
	for i := range e.readers.slots {
		s := &e.readers.slots[i]
		v := s.v.Load()
		if v == 0 || v == slotClaimed {
			continue
		}
		out = append(out, ReaderInfo{PID: pid, TxnID: v - 1, Lag: last - (v - 1), Age: time.Duration(now - s.started.Load())})
	}
	slices.SortFunc(out, func(a, b ReaderInfo) int { return cmpU64(a.TxnID, b.TxnID) })
	return out
}

// warnLongReaders calls Options.OnLongReader once for each reader open longer
// than Options.LongReaderAfter. The writer calls it when it begins.
func (e *Env) warnLongReaders() {
	after, fn := e.opts.LongReaderAfter, e.opts.OnLongReader
	if after <= 0 || fn == nil {
		return
	}
	now := monoNow()
	// A scan reads every slot (MaxReaders of them) on the write path;
	// scanning once per quarter of the threshold, at most once a second,
	// still reports a long reader soon after it becomes one.
	if time.Duration(now-e.readerScan) < min(after/4, time.Second) {
		return
	}
	e.readerScan = now
	last := e.snap.Load().meta.txnid
	for i := range e.readers.slots {
		s := &e.readers.slots[i]
		v := s.v.Load()
		start := s.started.Load()
		if v == 0 || v == slotClaimed || time.Duration(now-start) < after || s.warned.Load() == start {
			continue
		}
		s.warned.Store(start)
		fn(ReaderInfo{PID: os.Getpid(), TxnID: v - 1, Lag: last - (v - 1), Age: time.Duration(now - start)})
	}
}
