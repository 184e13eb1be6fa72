package engine

import "fmt"

// Page reuse under Durability SyncInterval.
//
// After a system crash the environment rolls back to the last durable
// snapshot, so no page that snapshot uses may be overwritten before the
// next flush. Holding back every free-DB record from the durable snapshot
// on (alloc.go, writeState.oldest) is enough for that, but then nothing
// freed during an interval is reused within it, and the file grows by
// every page written per interval: a branch page rewritten by a hundred
// commits costs a hundred pages.
//
// Most of those pages were themselves written after the durable snapshot,
// which cannot see them. The writer remembers, per page, the transaction
// that last took it from the free pool (youngAlloc); a page taken after
// the durability horizon (the durable snapshot, or the one a flush under
// way is making durable) is in neither snapshot a crash could return to.
// So once readers no longer see a held-back record, its pages taken after
// the horizon are reused at once; the record keeps the others until a
// flush releases it.
//
// Why a recorded page is safe: a page is taken from the pool only when no
// snapshot that is or may become durable uses it, and flushes that start
// later make a snapshot at least as new as the taking transaction's
// predecessor, in which the page is free. A page a durable snapshot S uses
// was therefore last taken at or before S, and youngAlloc > horizon >= S
// rules it out. Pages never recorded (taken before this Env opened, or
// pruned) count as taken at 0: held back, as before.

// youngState is a write transaction's part of it.
type youngState struct {
	on            bool
	horizon       uint64 // newest snapshot that is or may become durable
	readersOldest uint64 // records keyed below this are unseen by every reader
	scannedTo     uint64 // the last held-back record this transaction looked into
	done          bool   // no more held-back records to look into
	partial       []partialRecord
	allocs        []pageRun // runs this transaction took from the pool
	taken         int       // young pages taken from held-back records
}

// partialRecord is a held-back free-DB record whose young pages were taken:
// commit rewrites it with the pages left.
type partialRecord struct {
	key    uint64
	remain []uint64
}

type pageRun struct {
	pgno uint64
	n    int
}

// beginFlush picks the snapshot a flush makes durable and publishes it as
// the horizon, atomically with respect to writers reading the horizon: a
// writer that starts later keeps that snapshot's pages, and a flush that
// picks after a writer started picks a snapshot at least as new as the
// writer's own.
func (e *Env) beginFlush() meta {
	e.horizonMu.Lock()
	defer e.horizonMu.Unlock()
	cur := e.snap.Load().meta
	e.flushing = max(e.flushing, cur.txnid)
	return cur
}

func (e *Env) durabilityHorizon() uint64 {
	e.horizonMu.Lock()
	defer e.horizonMu.Unlock()
	return max(e.flushing, e.durableTxnid.Load())
}

// startYoung sets up a top-level write transaction's young-page reuse;
// readersOldest is the reuse limit the readers alone set.
func (w *writeState) startYoung(readersOldest uint64) {
	e := w.t.env
	w.young = youngState{on: true, horizon: e.durabilityHorizon(), readersOldest: readersOldest}
	if h := w.young.horizon; h > e.youngPrunedAt {
		// Pages taken at or before the horizon count as old either way.
		for pg, at := range e.youngAlloc {
			if at <= h {
				delete(e.youngAlloc, pg)
			}
		}
		e.youngPrunedAt = h
	}
}

// noteAlloc records a run taken from the pool (or the file's end).
func (y *youngState) noteAlloc(pgno uint64, n int) {
	if y.on {
		y.allocs = append(y.allocs, pageRun{pgno, n})
	}
}

// readYoungRecord takes into reclaimed the young pages of the next free-DB
// record that readers no longer see but the durable snapshot may. It
// reports false when there is no such record left.
func (w *writeState) readYoungRecord() (bool, error) {
	y := &w.young
	if !y.on || y.done {
		return false, nil
	}
	e := w.t.env
	from := max(y.scannedTo, e.youngScanned, w.lastConsumed) + 1
	from = max(from, w.oldest) // keys below it are the whole-record path's
	txn, pages, found, err := w.freeRecord(from, y.readersOldest)
	if err != nil || !found {
		y.done = err == nil
		return false, err
	}
	y.scannedTo = txn
	var young, remain []uint64
	for _, pg := range pages {
		if e.youngAlloc[pg] > y.horizon {
			young = append(young, pg)
		} else {
			remain = append(remain, pg)
		}
	}
	if len(young) > 0 {
		w.reclaim(young)
		y.taken += len(young)
		y.partial = append(y.partial, partialRecord{txn, remain})
	}
	return true, nil
}

// rewritePartialRecords stores the held-back records whose young pages this
// transaction took with the pages left (or deletes them).
func (t *Txn) rewritePartialRecords(fc *Cursor) error {
	for _, r := range t.w.young.partial {
		var key [8]byte
		le.PutUint64(key[:], r.key)
		if len(r.remain) == 0 {
			exact, err := fc.seek(key[:])
			if err == nil && !exact {
				err = fmt.Errorf("%w: free DB record %d vanished", ErrCorrupted, r.key)
			}
			if err == nil {
				err = fc.delFreeRecord()
			}
			if err != nil {
				return err
			}
			continue
		}
		if _, err := fc.put(key[:], nil, 8*(len(r.remain)+1), 0, true); err != nil {
			return err
		}
		if err := t.fillFreeRecord(key[:], r.remain, len(r.remain)); err != nil {
			return err
		}
	}
	return nil
}

// commitYoung records, once the commit is published, which pages it took
// and how far it looked into held-back records.
func (t *Txn) commitYoung() {
	y, e := &t.w.young, t.env
	if !y.on {
		return
	}
	if e.youngAlloc == nil {
		e.youngAlloc = make(map[uint64]uint64)
	}
	for _, r := range y.allocs {
		for i := range uint64(r.n) {
			e.youngAlloc[r.pgno+i] = t.txnid
		}
	}
	e.youngScanned = max(e.youngScanned, y.scannedTo)
	e.youngReused += y.taken
}
