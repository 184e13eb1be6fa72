package engine

import (
	"fmt"
	"slices"
)

// writeState is what a write transaction owns besides its DB views.
//
// INVARIANT (page accounting, format spec 12.2): at commit every page number
// 2..last_pg is used by exactly one tree or listed in exactly one free-DB
// record. Pages leave a tree only through freePages and enter one only through
// allocPages, which keep the lists below exact.
type writeState struct {
	t      *Txn
	parent *writeState // nested transactions: the parent's state (its pages are read-only here)
	// dropped lists pages dirty in an ancestor that this transaction freed;
	// they leave the ancestor's dirty set only when this transaction commits.
	dropped []uint64
	dirty   map[uint64]page     // pages (or overflow runs) this transaction wrote
	spilled map[uint64]struct{} // first pages of runs written to the file early (spill.go)
	nextPg  uint64              // first never-allocated page number (last_pg+1)

	freed     []uint64 // pages of older snapshots this transaction stopped using
	loose     []uint64 // pages this transaction allocated and freed again
	reclaimed []uint64 // free pages taken from the free DB, unused so far; descending

	oldest       uint64     // free-DB records with keys below this may be reused
	lastConsumed uint64     // key of the last free-DB record taken (0: none)
	freeDone     bool       // no more reusable free-DB records
	savingFree   bool       // commit is writing the free DB: read no more records, free into freed
	young        youngState // SyncInterval: reuse of pages the durable snapshot cannot see (young.go)

	cursors  []*Cursor
	opCursor *Cursor // reused by Txn.Put and Txn.Del
	// gen counts page allocations and frees, and child commits (which
	// replace page buffers): a saved path is still valid while it has not
	// changed.
	gen         uint64
	append      appendState
	dbsTouched  bool   // a DB record changed (named DB created or written)
	scratch     page   // a spare page for splits
	nodeScratch []byte // where a new leaf node is built
	subScratch  []byte // where a sub-page is built
	keyCopy     []byte // the key of the put in progress (copyKey)
}

func newWriteState(t *Txn) *writeState {
	e := t.env
	// The dirty map starts at the previous transaction's size: growing it
	// page by page rehashed it about ten times in a thousand-page commit.
	w := &writeState{t: t, dirty: make(map[uint64]page, min(e.dirtyHint, 1<<16)), nextPg: t.snap.meta.lastPg + 1}
	// Reuse lag (format spec 12.3): never the pages freed by the previous commit,
	// nor any a reader or (SyncInterval) the last durable snapshot can see.
	w.oldest = e.readers.oldest(t.txnid - 1)
	if s := e.shared.Load(); s != nil {
		w.oldest = s.oldest(w.oldest)
	}
	if e.opts.Durability == SyncInterval {
		w.startYoung(w.oldest)
		w.oldest = min(w.oldest, e.durableTxnid.Load())
	}
	return w
}

// release returns buffers to the pool when the transaction ends.
func (w *writeState) release() {
	if w.t.parent == nil {
		w.t.env.dirtyHint = len(w.dirty)
	}
	for _, p := range w.dirty {
		w.t.env.putBuf(p)
	}
	w.dirty = nil
	w.cursors = nil
}

// Page buffers for dirty pages come from the environment's spare list, filled
// by the transactions before: a transaction of random puts copies a thousand
// pages, and fresh buffers would cost the allocator, the GC and the kernel's
// page zeroing each time (a sync.Pool is emptied by every GC cycle). New
// buffers are cut from slabs of spareSlab pages. Only the writer (holding
// writeMu) gets and puts buffers.
const (
	spareSlab = 64
	spareMax  = 16384 // pages kept (64 MiB at 4 KiB): a huge transaction does not pin its peak
)

func (e *Env) getBuf(n int) page {
	if n != 1 {
		return make(page, n*e.psize)
	}
	if len(e.spare) == 0 {
		slab := make([]byte, spareSlab*e.psize)
		for i := 0; i < spareSlab; i++ {
			e.spare = append(e.spare, page(slab[i*e.psize:(i+1)*e.psize:(i+1)*e.psize]))
		}
	}
	p := e.spare[len(e.spare)-1]
	e.spare = e.spare[:len(e.spare)-1]
	return p
}

func (e *Env) putBuf(p page) {
	if len(p) == e.psize && len(e.spare) < spareMax {
		e.spare = append(e.spare, p)
	}
}

// allocPages returns a run of n new, dirty, zero-header pages.
// Errors: ErrMapFull, ErrCorrupted (while reading the free DB).
// appendState remembers the rightmost path left by the last Append.
type appendState struct {
	valid bool
	dbi   DBI
	top   int
	gen   uint64
	atKey bool // the path ends at an existing key of a DupSort database
	sub   bool // and its values tree's path is the dup sub cursor's
}

func (w *writeState) allocPages(n int) (uint64, page, error) {
	w.gen++
	pgno, err := w.findFree(n)
	if err != nil {
		return 0, nil, err
	}
	if pgno == 0 {
		pgno = w.nextPg
		if (pgno+uint64(n))*uint64(w.t.env.psize) > uint64(w.t.env.opts.MapSize) {
			return 0, nil, fmt.Errorf("%w: %d bytes", ErrMapFull, w.t.env.opts.MapSize)
		}
		w.nextPg += uint64(n)
	}
	w.young.noteAlloc(pgno, n)
	p := w.t.env.getBuf(n)
	clear(p[:pageHeaderSize])
	p.setPgno(pgno)
	w.dirty[pgno] = p
	return pgno, p, nil
}

// findFree returns the first page of n consecutive free pages, or 0 when the
// file must grow. Order: loose pages, reclaimed pages (lowest first), then
// more free-DB records that no snapshot in use can see.
func (w *writeState) findFree(n int) (uint64, error) {
	if n == 1 && len(w.loose) > 0 {
		pg := w.loose[len(w.loose)-1]
		w.loose = w.loose[:len(w.loose)-1]
		return pg, nil
	}
	for {
		if pg, ok := w.takeReclaimed(n); ok {
			return pg, nil
		}
		if w.savingFree {
			// Taking another record now would mean deleting it from the very
			// tree being saved.
			return 0, nil
		}
		more, err := w.readFreeRecord()
		if err != nil || !more {
			return 0, err
		}
	}
}

// takeReclaimed removes a run of n consecutive pages from reclaimed (kept in
// descending order, so the lowest numbers are at the end).
func (w *writeState) takeReclaimed(n int) (uint64, bool) {
	r := w.reclaimed
	if n == 1 {
		if len(r) == 0 {
			return 0, false
		}
		pg := r[len(r)-1]
		w.reclaimed = r[:len(r)-1]
		return pg, true
	}
	// Scan from the low end for n consecutive numbers.
	for i := len(r) - 1; i >= n-1; i-- {
		if r[i-n+1] == r[i]+uint64(n-1) {
			pg := r[i]
			w.reclaimed = append(r[:i-n+1], r[i+1:]...)
			return pg, true
		}
	}
	return 0, false
}

// readFreeRecord moves the next reusable free-DB record's pages into
// reclaimed; once there is none, the young pages of a held-back one
// (SyncInterval). It reports false when no more pages may be reused.
func (w *writeState) readFreeRecord() (bool, error) {
	more, err := w.readWholeRecord()
	if err != nil || more {
		return more, err
	}
	return w.readYoungRecord()
}

// readWholeRecord moves the next reusable free-DB record's pages into
// reclaimed. It reports false when no record may be reused.
func (w *writeState) readWholeRecord() (bool, error) {
	if w.freeDone {
		return false, nil
	}
	txn, pages, found, err := w.freeRecord(w.lastConsumed+1, w.oldest)
	if err != nil || !found {
		w.freeDone = err == nil
		return false, err
	}
	w.lastConsumed = txn
	w.reclaim(pages)
	return true, nil
}

// reclaim adds pages to reclaimed, kept in descending order.
func (w *writeState) reclaim(pages []uint64) {
	w.reclaimed = append(w.reclaimed, pages...)
	slices.SortFunc(w.reclaimed, func(a, b uint64) int { return cmpU64(b, a) })
}

// freeRecord reads the first free-DB record keyed from..below-1: its key
// and pages. found is false when there is none.
func (w *writeState) freeRecord(from, below uint64) (txn uint64, pages []uint64, found bool, err error) {
	c := w.t.newCursor(freeDBI)
	var key [8]byte
	le.PutUint64(key[:], from)
	if _, err := c.seek(key[:]); err != nil {
		if err == ErrNotFound {
			err = nil
		}
		return 0, nil, false, err
	}
	k, v, _, err := c.current()
	if err != nil {
		return 0, nil, false, err
	}
	if len(k) != 8 {
		return 0, nil, false, fmt.Errorf("%w: free DB key of %d bytes", ErrCorrupted, len(k))
	}
	if txn = le.Uint64(k); txn >= below {
		return 0, nil, false, nil
	}
	if pages, err = decodeFreeList(v, w.nextPg); err != nil {
		return 0, nil, false, fmt.Errorf("free DB record %d: %w", txn, err)
	}
	return txn, pages, true, nil
}

// decodeFreeList parses a free-DB value: count, then count page numbers in
// strictly descending order, each below limit.
func decodeFreeList(v []byte, limit uint64) ([]uint64, error) {
	if len(v) < 8 {
		return nil, fmt.Errorf("%w: free list of %d bytes", ErrCorrupted, len(v))
	}
	n := le.Uint64(v)
	if n > uint64(len(v)/8-1) {
		return nil, fmt.Errorf("%w: free list count %d in %d bytes", ErrCorrupted, n, len(v))
	}
	pages := make([]uint64, n)
	prev := ^uint64(0)
	for i := range pages {
		pg := le.Uint64(v[8+8*i:])
		if pg >= prev || pg < 2 || pg >= limit {
			return nil, fmt.Errorf("%w: free list entry %d out of order or bounds", ErrCorrupted, pg)
		}
		pages[i], prev = pg, pg
	}
	return pages, nil
}

// freePages records that the run of n pages at pgno left its tree.
func (w *writeState) freePages(pgno uint64, n int) {
	w.gen++
	p, own := w.dirty[pgno]
	if own {
		delete(w.dirty, pgno)
		w.t.env.putBuf(p)
	} else if _, spilled := w.spilled[pgno]; spilled {
		own = true
		delete(w.spilled, pgno)
	}
	if w.ancestorDirty(pgno) != nil {
		// An ancestor's copy (this transaction's own copy of it, if any,
		// went above): it leaves the ancestor's dirty set when this commits.
		own = true
		w.dropped = append(w.dropped, pgno)
	}
	if own {
		if !w.savingFree {
			// Never visible to any snapshot: reusable at once.
			for i := 0; i < n; i++ {
				w.loose = append(w.loose, pgno+uint64(i))
			}
			return
		}
	}
	for i := 0; i < n; i++ {
		w.freed = append(w.freed, pgno+uint64(i))
	}
}

// touch makes page p writable: a dirty page is returned as is; a page of the
// snapshot is copied to a newly allocated page and its number freed.
func (w *writeState) touch(p page) (page, error) {
	old := p.pgno()
	if d, ok := w.dirty[old]; ok {
		return d, nil
	}
	if np := w.unspill(p); np != nil {
		return np, nil
	}
	if w.ancestorDirty(old) != nil {
		// The parent's page: copy it under the same number, so an abort of
		// this child leaves the parent's copy untouched.
		np := w.t.env.getBuf(1)
		copyPage(np, p)
		w.dirty[old] = np
		return np, nil
	}
	pgno, np, err := w.allocPages(1)
	if err != nil {
		return nil, err
	}
	copyPage(np, p)
	np.setPgno(pgno)
	// A page of a committed snapshot (the lookups above all missed): it
	// goes to freed, as freePages would send it after the same lookups.
	w.freed = append(w.freed, old)
	return np, nil
}

// copyKey returns key copied into the transaction's key buffer: a key a
// cursor returned points into a page that a put may move nodes of. A key
// already in the buffer (PutMultiple's, handed to put) stays as it is.
func (w *writeState) copyKey(key []byte) []byte {
	w.keyCopy = append(w.keyCopy[:0], key...)
	return w.keyCopy
}

// ownsDirty reports whether p is this transaction's own writable copy of
// its page (not the map's, nor a parent transaction's).
func (w *writeState) ownsDirty(p page) bool {
	d, ok := w.dirty[p.pgno()]
	return ok && len(d) > 0 && len(p) > 0 && &d[0] == &p[0]
}

// copyPage copies tree page src into dst, skipping the free gap between
// the pointer array and the nodes (LEAF2: the gap after the items): a
// leaf filled by random inserts is about a third free, and the bytes
// not read are memory traffic saved. The gap keeps whatever dst held.
func copyPage(dst, src page) {
	lo, up := src.lower(), src.upper()
	switch {
	case src.flags()&(pageBranch|pageLeaf) == 0 || !src.boundsOK():
		copy(dst, src) // not a tree page, or bounds a check will refuse
	case src.isLeaf2():
		copy(dst, src[:len(src)-(up-lo)])
	default:
		copy(dst[:lo], src[:lo])
		copy(dst[up:], src[up:])
	}
}

// scratchPage returns a page-sized buffer private to this transaction.
func (w *writeState) scratchPage() page {
	if w.scratch == nil {
		w.scratch = make(page, w.t.env.psize)
	}
	return w.scratch
}

// detachOthers lets every other cursor on dbi remember its place before the
// tree changes.
func (w *writeState) detachOthers(self *Cursor, dbi DBI) {
	for _, o := range w.cursors {
		if o != self && o.dbi == dbi {
			o.detach()
		}
	}
}

// ancestorDirty returns the page pgno if a parent transaction wrote it.
func (w *writeState) ancestorDirty(pgno uint64) page {
	for a := w.parent; a != nil; a = a.parent {
		if p, ok := a.dirty[pgno]; ok {
			return p
		}
	}
	return nil
}
