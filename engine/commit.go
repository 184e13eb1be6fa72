package engine

import (
	"cmp"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"

	"golang.org/x/sys/unix"
)

// Commit makes the transaction's changes durable (per Options.Durability) and
// visible to new read transactions. A read transaction just ends. After a
// failed commit nothing of the transaction is visible, and the database is as
// it was before it. An active child transaction commits first, into t (as
// in LMDB); if it fails, t is aborted. Errors: ErrMapFull, ErrBadTxn, or an
// I/O error.
func (t *Txn) Commit() error {
	if t.done {
		return fmt.Errorf("%w: transaction already ended", ErrBadTxn)
	}
	if !t.write {
		t.Abort()
		return nil
	}
	if t.child != nil {
		if err := t.child.Commit(); err != nil {
			t.Abort()
			return fmt.Errorf("child transaction: %w", err)
		}
	}
	if t.parent != nil {
		return t.nestedCommit()
	}
	if t.failed != nil {
		err := t.failed
		t.Abort()
		return fmt.Errorf("%w: an earlier write failed: %v", ErrBadTxn, err)
	}
	defer t.Abort()
	if len(t.w.dirty) == 0 && !t.w.dbsTouched && !t.anyDirtyDB() {
		return nil // nothing changed: no transaction id is used up
	}
	steps := []func() error{t.saveNamedDBs, t.saveFreeList, t.writePages, t.writeMeta}
	for _, step := range steps {
		if err := step(); err != nil {
			t.failed = err
			return err
		}
	}
	t.commitYoung()
	return nil
}

func (t *Txn) anyDirtyDB() bool {
	for i := range t.dbs {
		if t.dbs[i].dirty {
			return true
		}
	}
	return false
}

// saveNamedDBs writes the record of every changed named database into the main DB.
func (t *Txn) saveNamedDBs() error {
	for i := 2; i < len(t.dbs); i++ {
		db := &t.dbs[i]
		if !db.dirty || !db.loaded {
			continue
		}
		c := t.newCursor(mainDBI)
		var rec [dbRecordSize]byte
		db.rec.encode(rec[:])
		if err := c.putNamedRecord([]byte(db.info.name), rec[:]); err != nil {
			return err
		}
		db.dirty = false
	}
	return nil
}

// putNamedRecord stores a named database's record (a nodeSubData node).
func (c *Cursor) putNamedRecord(name, rec []byte) error {
	t := c.txn
	t.w.detachOthers(c, mainDBI)
	exact, err := c.position(name, 0)
	if err != nil {
		return err
	}
	if exact {
		l := c.stack[c.top]
		if off := l.p.ptr(l.idx); l.p.nodeFlags(off) != nodeSubData || l.p.nodeDataSize(off) != dbRecordSize {
			return fmt.Errorf("%w: %q is an ordinary key of the main database", ErrIncompatible, name)
		}
	}
	if err := c.touchPath(); err != nil {
		return err
	}
	if exact {
		l := c.stack[c.top]
		copy(l.p[l.p.ptr(l.idx)+nodeHeaderSize+len(name):], rec)
		return nil
	}
	if _, err := c.insertLeaf(name, rec, len(rec), nodeSubData, false, false); err != nil {
		return err
	}
	c.db().rec.entries++
	c.db().dirty = true
	return nil
}

// saveFreeList files the pages this transaction freed (under its own txnid,
// since the previous snapshot still uses them) together with the free pages it
// took from the free DB and did not use. The free DB update itself allocates
// from those unused pages (so bookkeeping does not grow the file) and frees
// into the freed list; both lists change while the record is written, so the
// record is reserved with room to spare and rewritten until the lists fit.
func (t *Txn) saveFreeList() error {
	w := t.w
	// Take enough reusable pages up front for the free DB's own copies and
	// splits; records read now are deleted below with the others.
	need := 2*int(t.dbs[freeDBI].rec.depth) + 4
	for len(w.reclaimed)+len(w.loose) < need {
		more, err := w.readFreeRecord()
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	w.savingFree = true
	fc := t.newCursor(freeDBI)
	// Records consumed by this transaction are all keys <= lastConsumed.
	for w.lastConsumed > 0 {
		k, _, _, err := fc.move(First)
		if err == ErrNotFound {
			break
		}
		if err != nil {
			return err
		}
		if len(k) != 8 {
			return fmt.Errorf("%w: free DB key of %d bytes", ErrCorrupted, len(k))
		}
		if le.Uint64(k) > w.lastConsumed {
			break
		}
		if err := fc.delFreeRecord(); err != nil {
			return err
		}
	}
	if err := t.rewritePartialRecords(fc); err != nil {
		return err
	}
	// Pages freed by this transaction go under its own txnid; unused free
	// pages go back under the newest consumed record's key, which is below
	// every live snapshot, so the next transaction can take them at once.
	var keyA, keyS [8]byte
	le.PutUint64(keyA[:], t.txnid)
	le.PutUint64(keyS[:], w.lastConsumed)
	separate := w.lastConsumed > 0
	resA, resS := -1, -1
	for {
		a, s := len(w.freed), len(w.reclaimed)+len(w.loose)
		if !separate {
			a, s = a+s, 0
		}
		if a <= resA && (s <= resS || s == 0 && resS < 0) {
			break
		}
		if s > resS && s > 0 {
			resS = s + s/8 + 8
			if _, err := fc.put(keyS[:], nil, 8*(resS+1), 0, true); err != nil {
				return err
			}
			continue
		}
		if a > resA {
			if a == 0 && resA < 0 {
				resA = 0
				continue
			}
			resA = a + a/8 + 8
			if _, err := fc.put(keyA[:], nil, 8*(resA+1), 0, true); err != nil {
				return err
			}
		}
	}
	spare := slices.Concat(w.reclaimed, w.loose)
	w.reclaimed, w.loose = nil, nil
	if !separate {
		return t.fillFreeRecord(keyA[:], slices.Concat(w.freed, spare), resA)
	}
	if err := t.fillFreeRecord(keyA[:], w.freed, resA); err != nil {
		return err
	}
	return t.fillFreeRecord(keyS[:], spare, resS)
}

// delFreeRecord deletes the free-DB record at the cursor.
func (c *Cursor) delFreeRecord() error {
	if err := c.touchPath(); err != nil {
		return err
	}
	return c.delNode()
}

// fillFreeRecord writes pages, sorted descending, into the free DB record
// key reserved earlier (reserved < 0: no record was needed).
func (t *Txn) fillFreeRecord(key []byte, pages []uint64, reserved int) error {
	if reserved < 0 || reserved == 0 && len(pages) == 0 {
		return nil
	}
	v, err := t.freeValue(key)
	if err != nil {
		return err
	}
	slices.SortFunc(pages, func(a, b uint64) int { return cmpU64(b, a) }) // callers own pages
	clear(v)
	le.PutUint64(v, uint64(len(pages)))
	for i, pg := range pages {
		le.PutUint64(v[8+8*i:], pg)
	}
	return nil
}

// freeValue returns the writable value of the free DB record key, which this
// transaction has just written.
func (t *Txn) freeValue(key []byte) ([]byte, error) {
	c := t.newCursor(freeDBI)
	_, v, _, err := c.seekExact(key)
	return v, err
}

// errMapFault is a fault while copying pages into the writable map.
var errMapFault = errors.New("engine: memory fault writing through the map")

// maxWriteIOV caps the pages (iovecs) of one vectored write. The kernel gives
// a page-cache folio the size of the write that creates it, and ext4 walks
// every block of a folio on each later write into it: once a long run has
// made 2 MiB folios, each 4 KiB page rewrite there costs hundreds of block
// visits. Short writes keep the folios small. At 1M keys, 4 (against 1,024):
// random fills and deletes 13-21% faster, sequential fills ~15% slower.
const maxWriteIOV = 4

// writePages writes every dirty page to its place, then flushes per the
// durability mode.
func (t *Txn) writePages() error {
	if err := t.writeDirty(sortedDirty(t.w.dirty)); err != nil {
		return err
	}
	switch t.env.opts.Durability {
	case SyncFull, NoMetaSync:
		if err := fdatasync(t.env.file); err != nil {
			return fmt.Errorf("engine: flush data pages: %w", err)
		}
	}
	return nil
}

// writeDirty writes pages (sorted by page number) to their places in the
// file, coalescing runs of consecutive pages. A run inside the file is copied
// through the writable map: the copy lands in the page cache as a write
// would, without a system call per run (a commit of random updates writes
// hundreds of one-page runs; random fills, deletes and dup fills run 1.3-1.9x
// faster). A run reaching past the end goes through pwrite, which grows the
// file (a copy there would fault), and so does a run the copy faults on.
func (t *Txn) writeDirty(pages []dirtyPage) error {
	e := t.env
	ps := uint64(e.psize)
	fd := int(e.file.Fd())
	var iov [maxWriteIOV][]byte
	n := 0
	var start, next uint64
	flush := func() error {
		if n == 0 {
			return nil
		}
		if err := e.writeRun(fd, iov[:n], start*ps, next*ps); err != nil {
			return fmt.Errorf("engine: write pages: %w", err)
		}
		n = 0
		return nil
	}
	for _, d := range pages {
		if n > 0 && (d.pgno != next || n == maxWriteIOV) {
			if err := flush(); err != nil {
				return err
			}
		}
		if n == 0 {
			start = d.pgno
		}
		iov[n] = d.p
		n++
		next = d.pgno + uint64(len(d.p))/ps
	}
	if err := flush(); err != nil {
		return err
	}
	// next is now the end of the highest run written.
	if end := int64(next * ps); len(pages) > 0 && end > t.env.fileSize {
		t.env.fileSize = end
	}
	return nil
}

type dirtyPage struct {
	pgno uint64
	p    page
}

// sortedDirty returns the dirty pages in page-number order, taken in one pass
// over the map. Up to 65,536 pages it sorts plain integers, page number <<
// 16 | position (page numbers fit in 48 bits), which is several times faster
// than sorting the pairs.
func sortedDirty(dirty map[uint64]page) []dirtyPage {
	pages := make([]dirtyPage, 0, len(dirty))
	var top uint64
	for pg, p := range dirty {
		pages = append(pages, dirtyPage{pg, p})
		top = max(top, pg)
	}
	if len(pages) > 1<<16 || top >= 1<<48 {
		slices.SortFunc(pages, func(a, b dirtyPage) int { return cmp.Compare(a.pgno, b.pgno) })
		return pages
	}
	keys := make([]uint64, len(pages))
	for i, d := range pages {
		keys[i] = d.pgno<<16 | uint64(i)
	}
	slices.Sort(keys)
	sorted := make([]dirtyPage, len(pages))
	for i, k := range keys {
		sorted[i] = pages[k&0xffff]
	}
	return sorted
}

// writeRun writes the run of pages iov to the bytes off..end of the data
// file (descriptor fd): copied through the writable map when the file holds
// them, else with pwrite.
func (e *Env) writeRun(fd int, iov [][]byte, off, end uint64) error {
	if e.writeMap != nil && end <= uint64(e.fileSize) {
		err := copyToMap(e.writeMap, iov, off)
		e.mapRuns++
		if !errors.Is(err, errMapFault) {
			return err
		}
		// The kernel could not give a page a place: a full disk (filling a
		// hole, or any overwrite on a copy-on-write file system), an I/O
		// error reading it in, or a file shorter than fileSize. pwrite
		// writes the run all the same (it needs no read and grows a short
		// file) or fails with the real error (ENOSPC, EDQUOT, EIO) instead
		// of a fault address.
		if st, serr := e.file.Stat(); serr == nil && st.Size() < e.fileSize {
			e.fileSize = st.Size()
		}
	}
	return pwritevAll(fd, iov, int64(off))
}

// copyToMap copies the buffers of iov one after another into m from off. A
// fault while copying (the file cut short behind the engine's back, a full
// disk when the kernel allocates a block for a hole, an I/O error reading a
// page in) comes back as an error instead of killing the process (writeDirty
// then writes the run with pwrite); the pages written are free ones no
// snapshot sees, so a failed commit changes nothing.
func copyToMap(m []byte, iov [][]byte, off uint64) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			fault, ok := r.(interface{ Addr() uintptr })
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%w (address %#x)", errMapFault, fault.Addr())
		}
	}()
	for _, b := range iov {
		copy(m[off:off+uint64(len(b))], b)
		off += uint64(len(b))
	}
	return nil
}

// pwritevAll writes iov at off, retrying short writes. A single buffer goes
// through pwrite: the kernel's vectored path costs more per call (importing
// and freeing the vector), and most runs of a random update are one page.
func pwritevAll(fd int, iov [][]byte, off int64) error {
	for len(iov) > 0 {
		var n int
		var err error
		if len(iov) == 1 {
			n, err = unix.Pwrite(fd, iov[0], off)
		} else {
			n, err = unix.Pwritev(fd, iov, off)
		}
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		off += int64(n)
		for n > 0 && len(iov) > 0 {
			if n >= len(iov[0]) {
				n -= len(iov[0])
				iov = iov[1:]
			} else {
				iov[0] = iov[0][n:]
				n = 0
			}
		}
	}
	return nil
}

// writeMeta writes the meta page for slot txnid%2 (unless SyncInterval defers
// it), then publishes the new snapshot to readers.
func (t *Txn) writeMeta() error {
	e := t.env
	m := t.snap.meta
	m.mapSize = max(m.mapSize, uint64(e.opts.MapSize))
	m.free, m.main = t.dbs[freeDBI].rec, t.dbs[mainDBI].rec
	m.lastPg = t.w.nextPg - 1
	m.txnid = t.txnid
	// SyncInterval: the meta is written but not flushed; the interval flush
	// makes it durable (syncinterval.go).
	pg, err := e.writeMetaPage(&m, e.opts.Durability == SyncFull)
	if err != nil {
		return err
	}
	if e.opts.Durability != SyncInterval {
		e.durableTxnid.Store(m.txnid)
	}
	if m.main.flags != t.snap.meta.main.flags {
		e.setMainFlags(m.main.flags) // before readers can see the meta
	}
	e.prevMeta = t.snap.meta
	e.publish(m, e.fileSize)
	if s := e.shared.Load(); s != nil {
		s.publish(pg[:metaBodyEnd], m.txnid)
	}
	return nil
}

// writeMetaPage writes m to its slot. INVARIANT: every page m references is
// already written (and flushed, for the durable modes).
//
// A synced write goes through a second descriptor opened with O_DSYNC, so the
// one page is durable when the write returns, without a flush of the whole file.
// It returns the encoded page.
func (e *Env) writeMetaPage(m *meta, sync bool) ([]byte, error) {
	buf := make([]byte, e.psize)
	slot := m.txnid % 2
	m.encode(buf, slot)
	if e.opts.Durability == SyncInterval {
		stampMeta(buf)
	}
	f := e.file
	if sync {
		f = e.metaFile
	}
	if _, err := f.WriteAt(buf, int64(slot)*int64(e.psize)); err != nil {
		return nil, fmt.Errorf("engine: write meta page: %w", err)
	}
	return buf, nil
}
