package engine

import (
	"bytes"
	"fmt"
)

// Txn is a transaction. A read transaction sees one committed snapshot and
// never blocks or is blocked; a write transaction sees its own changes and is
// the only writer of the environment until it commits or aborts.
//
// A Txn must be used by one goroutine at a time. Slices returned by Get and by
// cursors point into the map (or, in a write transaction, into the
// transaction's own pages): they are valid until the transaction ends and, in a
// write transaction, until its next modification. Copy what you keep.
type Txn struct {
	env        *Env
	snap       *snapshot
	slot       *readerSlot // read transactions: the pinned reader slot
	write      bool
	done       bool
	failed     error // a write failed half-way: only Abort is allowed
	txnid      uint64
	maxPg      uint64  // pages below this may be read from the map
	dbs        []txnDB // indexed by DBI; grown on demand
	w          *writeState
	sharedSlot int          // attached read transactions: shared slot + 1
	sharedTab  *sharedTable // ... in this table
	parent     *Txn         // nested write transactions: the transaction this one commits into
	child      *Txn         // the active child; t is unusable until it ends
	dbsBuf     [16]txnDB    // dbs for up to 16 databases, without another allocation
	renewals   uint32       // how many times Renew reused t (cursors from before refuse to move)
}

// txnDB is a transaction's view of one database.
type txnDB struct {
	rec    dbRecord
	info   *dbInfo
	loaded bool
	dirty  bool // record changed: rewritten into the main DB (or meta) at commit
}

// BeginRead starts a read transaction on the newest committed snapshot.
// Errors: ErrReadersFull, ErrClosed.
func (e *Env) BeginRead() (*Txn, error) {
	t := &Txn{env: e}
	if err := t.beginRead(); err != nil {
		return nil, err
	}
	return t, nil
}

// Renew starts a read transaction on the newest committed snapshot in t, a
// read transaction that has ended (Abort): a server answering many short
// reads reuses one Txn instead of allocating one per read. Whoever still
// holds t from before sees the new snapshot; cursors opened before Renew
// return ErrBadTxn (their positions belong to the old snapshot, whose pages
// may have been reused): open new ones. Errors: ErrBadTxn (a write
// transaction, or one still running), ErrReadersFull, ErrClosed.
func (t *Txn) Renew() error {
	if t.write || !t.done {
		return fmt.Errorf("%w: Renew of a write or running transaction", ErrBadTxn)
	}
	e, renewals := t.env, t.renewals+1
	*t = Txn{env: e, renewals: renewals}
	return t.beginRead()
}

// beginRead starts the read transaction t, which holds only its Env.
func (t *Txn) beginRead() error {
	e := t.env
	if e.closed.Load() {
		t.done = true
		return ErrClosed
	}
	if e.handover.pin.Load() != 0 && !e.attached.Load() {
		e.finishHandover()
	}
	if e.attached.Load() {
		return e.beginAttached(t)
	}
	slot, snap, ok := e.readers.acquire(&e.snap)
	if !ok {
		t.done = true
		return ErrReadersFull
	}
	if e.attached.Load() {
		// A handover finished meanwhile: this process's snapshot is no
		// longer protected by its own pins once the handover pin goes.
		e.readers.release(slot)
		e.releaseHandoverPinIfIdle()
		return e.beginAttached(t)
	}
	t.snap, t.slot, t.txnid, t.maxPg = snap, slot, snap.meta.txnid, snap.maxPg
	t.initDBs()
	return nil
}

// BeginWrite starts the write transaction, waiting for the current writer to finish.
// Errors: ErrReadOnly, ErrClosed.
func (e *Env) BeginWrite() (*Txn, error) {
	if e.opts.ReadOnly {
		return nil, ErrReadOnly
	}
	if e.closed.Load() {
		return nil, ErrClosed
	}
	e.writeMu.Lock()
	if err := e.flushErr.Load(); err != nil {
		e.writeMu.Unlock()
		return nil, *err
	}
	e.warnLongReaders()
	snap := e.snap.Load()
	t := &Txn{env: e, snap: snap, write: true, txnid: snap.meta.txnid + 1, maxPg: snap.maxPg}
	t.initDBs()
	t.w = newWriteState(t)
	return t, nil
}

// View runs fn in a read transaction.
func (e *Env) View(fn func(*Txn) error) error {
	t, err := e.BeginRead()
	if err != nil {
		return err
	}
	defer t.Abort()
	return fn(t)
}

// Update runs fn in a write transaction, committing if fn returns nil.
func (e *Env) Update(fn func(*Txn) error) error {
	t, err := e.BeginWrite()
	if err != nil {
		return err
	}
	defer t.Abort() // after Commit it does nothing; after a panic in fn it frees the writer
	if err := fn(t); err != nil {
		t.Abort()
		return err
	}
	return t.Commit()
}

func (t *Txn) initDBs() {
	infos := *t.env.dbs.Load()
	if len(infos) <= len(t.dbsBuf) {
		t.dbs = t.dbsBuf[:len(infos)]
	} else {
		t.dbs = make([]txnDB, len(infos))
	}
	t.dbs[freeDBI] = txnDB{rec: t.snap.meta.free, info: &infos[freeDBI], loaded: true}
	t.dbs[mainDBI] = txnDB{rec: t.snap.meta.main, info: &infos[mainDBI], loaded: true}
	for i := 2; i < len(infos); i++ {
		t.dbs[i].info = &infos[i]
	}
}

// ID returns the transaction id: the snapshot's for a read transaction, the one
// it will commit as for a write transaction.
func (t *Txn) ID() uint64 { return t.txnid }

// Writable reports whether t is a write transaction.
func (t *Txn) Writable() bool { return t.write }

// Abort ends the transaction, discarding a write transaction's changes. Abort
// after Commit or Abort does nothing.
func (t *Txn) Abort() {
	if t.done {
		return
	}
	t.done = true
	if !t.write {
		if t.sharedSlot > 0 {
			t.sharedTab.release(t.sharedSlot - 1)
			t.env.readers.inUse.Add(-1)
			return
		}
		t.env.readers.release(t.slot)
		if t.env.handover.pin.Load() != 0 {
			t.env.releaseHandoverPinIfIdle()
		}
		return
	}
	if t.child != nil {
		t.child.Abort()
	}
	t.w.release()
	if t.parent != nil {
		t.parent.child = nil
		return
	}
	t.env.writeMu.Unlock()
}

// usable checks that t may be used, and for a write op that it may write.
func (t *Txn) usable(forWrite bool) error {
	switch {
	case t.done:
		return fmt.Errorf("%w: transaction already ended", ErrBadTxn)
	case forWrite && !t.write:
		return fmt.Errorf("%w: read-only transaction", ErrBadTxn)
	case t.child != nil:
		return fmt.Errorf("%w: a child transaction is active", ErrBadTxn)
	case t.failed != nil:
		return fmt.Errorf("%w: an earlier write failed: %v", ErrBadTxn, t.failed)
	}
	return nil
}

// fail poisons a write transaction after an error that may have left it half-done.
func (t *Txn) fail(err error) error {
	if t.write && t.failed == nil {
		t.failed = err
	}
	return err
}

// page returns page pgno: the transaction's own copy if dirty, else the map's.
func (t *Txn) page(pgno uint64) (page, error) {
	for w := t.w; w != nil; w = w.parent {
		if p, ok := w.dirty[pgno]; ok {
			return p, nil
		}
	}
	if pgno < 2 || pgno >= t.maxPg {
		return nil, fmt.Errorf("%w: page %d out of bounds (%d pages)", ErrCorrupted, pgno, t.maxPg)
	}
	ps := uint64(t.env.psize)
	off := pgno * ps
	return page(t.env.mapData[off : off+ps : off+ps]), nil
}

// treePage returns a branch or leaf page and validates its header.
func (t *Txn) treePage(pgno uint64) (page, error) {
	p, err := t.page(pgno)
	if err != nil {
		return nil, err
	}
	if err := checkTreePage(p, pgno); err != nil {
		return nil, err
	}
	return p, nil
}

// checkTreePage validates what every access relies on: the flags, the page
// number and the pointer-array bounds. Node bounds are checked where nodes are read.
func checkTreePage(p page, pgno uint64) error {
	f := p.flags() &^ pageDirty
	switch {
	case f != pageBranch && f != pageLeaf && f != pageLeaf|pageLeaf2:
		return fmt.Errorf("%w: page %d has flags %#x", ErrCorrupted, pgno, p.flags())
	case p.pgno() != pgno:
		return fmt.Errorf("%w: page %d claims to be page %d", ErrCorrupted, pgno, p.pgno())
	case !p.boundsOK():
		return fmt.Errorf("%w: page %d has bounds lower=%d upper=%d", ErrCorrupted, pgno, p.lower(), p.upper())
	case f == pageBranch && p.lower() == pageHeaderSize:
		return fmt.Errorf("%w: branch page %d is empty", ErrCorrupted, pgno)
	}
	return nil
}

// nodeOff returns the offset of node i after checking that its header and key
// lie inside the page.
func nodeOff(p page, i int) (int, error) {
	off := p.ptr(i)
	if off < p.upper() || off+nodeHeaderSize > len(p) || off+nodeHeaderSize+p.nodeKSize(off) > len(p) {
		return 0, fmt.Errorf("%w: page %d node %d at offset %d out of bounds", ErrCorrupted, p.pgno(), i, off)
	}
	return off, nil
}

// keyChecked returns key i of p with bounds checks (LEAF2 items included).
func keyChecked(p page, i int) ([]byte, error) {
	if p.isLeaf2() {
		k := int(p.pad())
		o := pageHeaderSize + i*k
		if k == 0 || o+k > len(p) {
			return nil, fmt.Errorf("%w: page %d LEAF2 item %d out of bounds", ErrCorrupted, p.pgno(), i)
		}
		return p[o : o+k : o+k], nil
	}
	off, err := nodeOff(p, i)
	if err != nil {
		return nil, err
	}
	return p.nodeKey(off), nil
}

// plainLeafNode returns the key and value of node i of leaf page p when the
// value is stored in the node itself (no overflow run, no duplicates) and the
// node lies inside the page; ok is false otherwise, for the checked path to
// handle. It is the scan's fast path: one bounds check for the whole header.
// p must be a leaf with nodes, not LEAF2 (the caller knows it from the tree:
// checking the flags here costs scans about 1 ns a step).
func plainLeafNode(p page, i int) (k, v []byte, ok bool) {
	pi := pageHeaderSize + 2*i
	if i < 0 || pi+2 > len(p) {
		return nil, nil, false
	}
	off := int(le.Uint16(p[pi:]))
	if off < p.upper() || off+nodeHeaderSize > len(p) {
		return nil, nil, false
	}
	h := p[off : off+nodeHeaderSize : off+nodeHeaderSize]
	ds := int(le.Uint16(h[0:])) | int(le.Uint16(h[2:]))<<16
	ke := off + nodeHeaderSize + int(le.Uint16(h[6:]))
	ve := ke + ds
	if le.Uint16(h[4:]) != 0 || ve > len(p) {
		return nil, nil, false
	}
	return p[off+nodeHeaderSize : ke : ke], p[ke:ve:ve], true
}

// childAt returns the child page number of branch node i.
func childAt(p page, i int) (uint64, error) {
	off, err := nodeOff(p, i)
	if err != nil {
		return 0, err
	}
	return p.nodeChild(off), nil
}

// searchPage finds the first index whose key is >= key. In a branch page the
// first key is ignored (it stands for everything below the second).
func searchPage(p page, key []byte, cmp keyOrder) (idx int, exact bool, err error) {
	lo, hi := 0, p.numKeys()
	if p.isBranch() {
		lo = 1
	}
	prefetchLeafKeys(p, hi)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		k, err := keyChecked(p, mid)
		if err != nil {
			return 0, false, err
		}
		c := cmp.compare(k, key)
		if c == 0 {
			return mid, true, nil
		}
		if c < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, false, nil
}

// prefetchLeafKeys starts loading the keys of a leaf's first n nodes at
// once, before the binary search visits them one after another. A leaf of
// a large database is rarely in the CPU cache, and each probe would
// otherwise wait for its own memory load: in a tree larger than the cache
// this makes random gets 10-20% faster. Branch pages are left alone (the
// upper levels stay cached), and so are small leaves and LEAF2 pages
// (they have no pointers).
func prefetchLeafKeys(p page, n int) {
	if n > 8 && p.flags()&(pageLeaf|pageLeaf2) == pageLeaf && pageHeaderSize+2*n <= len(p) {
		prefetchKeys(&p[0], &p[pageHeaderSize], n)
	}
}

// searchBytewise is searchPage for bytewise-ordered pages with nodes (the
// common case), with the comparison called directly rather than through a
// function value, and the node bounds checked inline.
func searchBytewise(p page, key []byte) (idx int, exact bool, err error) {
	lo, hi := 0, p.numKeys()
	if p.flags()&pageBranch != 0 {
		lo = 1
	}
	up, end := p.upper(), len(p)
	prefetchLeafKeys(p, hi)
	// The first 16 bytes of key as big-endian words: most probes are decided
	// by comparing words inline, without a call into bytes.Compare.
	var w0, w1 uint64
	words := 0
	if len(key) >= 16 {
		w0, w1, words = be.Uint64(key), be.Uint64(key[8:]), 2
	} else if len(key) >= 8 {
		w0, words = be.Uint64(key), 1
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		off := int(le.Uint16(p[pageHeaderSize+2*mid:]))
		if off < up || off+nodeHeaderSize > end {
			return 0, false, fmt.Errorf("%w: page %d node %d at offset %d out of bounds", ErrCorrupted, p.pgno(), mid, off)
		}
		k := off + nodeHeaderSize
		ks := int(le.Uint16(p[off+6:]))
		if k+ks > end {
			return 0, false, fmt.Errorf("%w: page %d node %d key out of bounds", ErrCorrupted, p.pgno(), mid)
		}
		var c int
		if words >= 1 && ks >= 8 && be.Uint64(p[k:]) != w0 {
			c = cmpWord(be.Uint64(p[k:]), w0)
		} else if words == 2 && ks >= 16 && be.Uint64(p[k+8:]) != w1 {
			c = cmpWord(be.Uint64(p[k+8:]), w1)
		} else {
			c = bytes.Compare(p[k:k+ks], key)
		}
		switch {
		case c == 0:
			return mid, true, nil
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return lo, false, nil
}

// cmpWord orders two different words: -1 if a < b, else 1.
func cmpWord(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

// search finds key in a page of a tree ordered by o.
func (o *dbInfo) search(p page, key []byte) (int, bool, error) {
	if o.bytewise && !p.isLeaf2() {
		return searchBytewise(p, key)
	}
	return searchPage(p, key, o.cmp)
}

// leafData returns the value of leaf node i and its node flags. Overflow
// values are followed to their run.
func (t *Txn) leafData(p page, i int) ([]byte, uint16, error) {
	off, err := nodeOff(p, i)
	if err != nil {
		return nil, 0, err
	}
	fl := p.nodeFlags(off)
	ds := p.nodeDataSize(off)
	start := off + nodeHeaderSize + p.nodeKSize(off)
	if fl&nodeBig != 0 {
		if start+8 > len(p) {
			return nil, 0, fmt.Errorf("%w: page %d node %d overflow reference out of bounds", ErrCorrupted, p.pgno(), i)
		}
		v, err := t.overflowData(le.Uint64(p[start:]), ds)
		return v, fl, err
	}
	if start+ds > len(p) {
		return nil, 0, fmt.Errorf("%w: page %d node %d value out of bounds", ErrCorrupted, p.pgno(), i)
	}
	return p[start : start+ds : start+ds], fl, nil
}

// overflowData returns the size bytes of the value stored in the run at pgno.
func (t *Txn) overflowData(pgno uint64, size int) ([]byte, error) {
	for w := t.w; w != nil; w = w.parent {
		if p, ok := w.dirty[pgno]; ok {
			if pageHeaderSize+size > len(p) {
				return nil, fmt.Errorf("%w: overflow run %d too short", ErrCorrupted, pgno)
			}
			return p[pageHeaderSize : pageHeaderSize+size : pageHeaderSize+size], nil
		}
	}
	first, err := t.page(pgno)
	if err != nil {
		return nil, err
	}
	n := uint64(first.overflowCount())
	ps := uint64(t.env.psize)
	if first.flags()&^pageDirty != pageOverflow || first.pgno() != pgno || n == 0 ||
		pgno+n > t.maxPg || uint64(pageHeaderSize+size) > n*ps {
		return nil, fmt.Errorf("%w: bad overflow run at page %d", ErrCorrupted, pgno)
	}
	off := pgno*ps + pageHeaderSize
	return t.env.mapData[off : off+uint64(size) : off+uint64(size)], nil
}

// Get returns the value of key in dbi (the first value for a DupSort database).
// Errors: ErrNotFound, ErrBadTxn, ErrCorrupted.
func (t *Txn) Get(dbi DBI, key []byte) ([]byte, error) {
	if t.done || t.child != nil || t.failed != nil { // usable(false), inlined for the hot path
		return nil, ErrBadTxn
	}
	db, err := t.db(dbi)
	if err != nil {
		return nil, err
	}
	pgno := db.rec.root
	if pgno == invalidPgno {
		return nil, ErrNotFound
	}
	info := db.info
	for depth := 0; ; depth++ {
		p, err := t.page(pgno)
		if err != nil {
			return nil, err
		}
		if t.w == nil && depth+1 == int(db.rec.depth) {
			// The leaf: loading all of it at once, before its header is read,
			// overlaps its header, pointer array and key misses (+5-10% random
			// gets at 1M keys).
			prefetchRange(&p[0], len(p))
		}
		if err := checkTreePage(p, pgno); err != nil {
			return nil, err
		}
		if depth >= maxDepth {
			return nil, fmt.Errorf("%w: tree deeper than %d", ErrCorrupted, maxDepth)
		}
		idx, exact, err := info.search(p, key)
		if err != nil {
			return nil, err
		}
		if p.isLeaf() {
			if !exact {
				return nil, ErrNotFound
			}
			v, fl, err := t.leafData(p, idx)
			if err != nil {
				return nil, err
			}
			if fl&nodeDupData != 0 {
				return t.firstDup(db, v, fl)
			}
			return v, nil
		}
		if !exact {
			idx--
		}
		if pgno, err = childAt(p, idx); err != nil {
			return nil, err
		}
	}
}
