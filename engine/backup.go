package engine

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// Hot backup (format spec section 17). Both copies are taken from one read
// snapshot, so writers go on while a copy is written; the snapshot's pages stay
// untouched until the copy's read transaction ends.

// copyChunkPages is how many pages a plain copy hands to the writer at once.
const copyChunkPages = 256

// CopyTo writes a copy of the environment's newest snapshot to w as a data
// file that LMDB and this engine open.
//
// A plain copy (compact false) holds both meta pages and pages 2..last_pg as
// they are; free pages are copied too. A compacting copy renumbers the pages
// of every tree from 2 in depth-first order, drops free pages and leaves the
// free DB empty (format spec 17.2); it fails with ErrIncompatible when the
// snapshot's page accounting is broken (a page neither used nor free).
//
// CopyTo waits for a running write transaction to end before it pins its
// snapshot (so it must not be called by a goroutine that holds one), then lets
// writers continue while it copies. It may run concurrently with readers and
// writers. Errors: ErrClosed, ErrReadersFull, ErrCorrupted, ErrIncompatible,
// or w's error.
func (e *Env) CopyTo(w io.Writer, compact bool) error {
	t, older, err := e.beginCopy()
	if err != nil {
		return err
	}
	defer t.Abort()
	bw := bufio.NewWriterSize(w, 1<<20)
	if compact {
		err = t.copyCompact(bw)
	} else {
		err = t.copyPlain(bw, older)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// CopyFile writes a copy (see CopyTo) to a new data file at path, which must
// not exist, and flushes it to stable storage. On failure the partial file is
// removed. Errors: those of CopyTo, or an os error (the file exists).
func (e *Env) CopyFile(path string, compact bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, e.opts.FileMode)
	if err != nil {
		return fmt.Errorf("engine: copy: %w", err)
	}
	err = e.CopyTo(f, compact)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}

// beginCopy pins the newest snapshot T in a read transaction and returns the
// meta of snapshot T-1 (or the best older meta there is) for the other slot.
// The writer lock is held only while the two are taken together: prevMeta is
// the writer's, and no commit may slip in between.
//
// INVARIANT: while the reader pins T, the pages of T-1 are intact too: they are
// either T's pages or listed in T's free record, and a writer only reuses
// records with keys below the oldest pinned snapshot (format spec 12.3).
func (e *Env) beginCopy() (*Txn, meta, error) {
	if e.closed.Load() {
		return nil, meta{}, ErrClosed
	}
	e.writeMu.Lock()
	t, err := e.BeginRead()
	older := e.prevMeta
	e.writeMu.Unlock()
	if err != nil {
		return nil, meta{}, err
	}
	cur := t.snap.meta
	if older.txnid+1 != cur.txnid || older.pageSize() != e.psize {
		// No commit in this process since Open: the other slot on disk is the
		// older meta the file was opened with.
		older = e.olderMetaOnDisk(cur)
	}
	return t, older, nil
}

// olderMetaOnDisk reads the meta slot that does not hold cur. If that slot is
// unreadable or not older than cur, an empty meta with txnid 0 stands in: it
// is valid, never chosen over cur, and references no pages.
func (e *Env) olderMetaOnDisk(cur meta) meta {
	if m, err := e.metaOnDisk(1 - cur.txnid%2); err == nil && m.txnid < cur.txnid && m.pageSize() == e.psize {
		return m
	}
	m := meta{address: cur.address, mapSize: cur.mapSize, free: emptyRecord(cur.free.flags), main: emptyRecord(0), lastPg: 1}
	m.free.pad = cur.free.pad
	if cur.txnid == 0 {
		m = cur
	}
	return m
}

// metaOnDisk reads and decodes meta page slot (0 or 1).
func (e *Env) metaOnDisk(slot uint64) (meta, error) {
	var hdr [metaBodyEnd]byte
	if err := e.readAt(hdr[:], int64(slot)*int64(e.psize)); err != nil {
		return meta{}, err
	}
	return decodeMeta(hdr[:], slot)
}

// copyPlain writes both metas (the snapshot's in its slot txnid%2, the older
// one in the other) and pages 2..last_pg of the snapshot, limited to the pages
// the file held when the snapshot was taken (format spec 2: the file may be
// shorter than last_pg+1 pages).
func (t *Txn) copyPlain(w io.Writer, older meta) error {
	ps := t.env.psize
	cur := t.snap.meta
	metas := make([]byte, 2*ps)
	cs, ol := cur.txnid%2, 1-cur.txnid%2
	cur.encode(metas[int(cs)*ps:int(cs+1)*ps], cs)
	older.encode(metas[int(ol)*ps:int(ol+1)*ps], ol)
	if _, err := w.Write(metas); err != nil {
		return fmt.Errorf("engine: copy: %w", err)
	}
	// The file may end before last_pg, but never before a tree's root: a
	// shorter file was truncated, and a copy of it would be no backup.
	for _, root := range []uint64{cur.main.root, cur.free.root} {
		if root != invalidPgno && root >= t.maxPg {
			return fmt.Errorf("%w: root page %d is past the end of the data file (%d pages)", ErrCorrupted, root, t.maxPg)
		}
	}
	for pg := uint64(2); pg < t.maxPg; pg += copyChunkPages {
		end := min(pg+copyChunkPages, t.maxPg)
		if _, err := w.Write(t.env.mapData[pg*uint64(ps) : end*uint64(ps)]); err != nil {
			return fmt.Errorf("engine: copy: %w", err)
		}
	}
	return nil
}

// compactor writes a compacted copy: pages are numbered in the order they are
// written, and a page is written only after everything below it.
type compactor struct {
	t    *Txn
	w    io.Writer
	ps   int
	next uint64 // the number the next written page gets
	last uint64 // the snapshot's last_pg: a walk numbering past it is corrupt
}

// copyCompact writes the two metas, then the main DB's pages in the order of
// format spec 17.2, and checks that the new root is where the page accounting
// says it must be.
func (t *Txn) copyCompact(w io.Writer) error {
	e := t.env
	cur := t.snap.meta
	envFlags := uint16(0)
	if e.opts.NoSubdir {
		envFlags = 0x4000 // LMDB records its MDB_NOSUBDIR open flag here
	}
	m0 := meta{address: cur.address, mapSize: uint64(e.opts.MapSize), free: emptyRecord(dbIntegerKey | envFlags),
		main: emptyRecord(0), lastPg: 1}
	m0.free.pad = uint32(e.psize)
	m1 := m0
	newRoot := invalidPgno
	if cur.main.root != invalidPgno {
		free, err := t.freePageCount()
		if err != nil {
			return err
		}
		if free > cur.lastPg-1 {
			return fmt.Errorf("%w: %d free pages in a file of %d", ErrCorrupted, free, cur.lastPg+1)
		}
		newRoot = cur.lastPg - free
		m1.main, m1.main.root, m1.lastPg = cur.main, newRoot, newRoot
	} else {
		m1.main.flags = cur.main.flags
	}
	if cur.main.root != invalidPgno || m1.main.flags != 0 {
		m1.txnid = 1
	}
	metas := make([]byte, 2*e.psize)
	m0.encode(metas[:e.psize], 0)
	m1.encode(metas[e.psize:], 1)
	if _, err := w.Write(metas); err != nil {
		return fmt.Errorf("engine: copy: %w", err)
	}
	if cur.main.root == invalidPgno {
		return nil
	}
	c := &compactor{t: t, w: w, ps: e.psize, next: 2, last: cur.lastPg}
	root, err := c.tree(cur.main.root, false, 0, 0)
	if err != nil {
		return err
	}
	if root != newRoot {
		return fmt.Errorf("%w: compacted root is page %d, page accounting says %d (page leak)", ErrIncompatible, root, newRoot)
	}
	return nil
}

// freePageCount is the number of pages the compaction drops: every page listed
// in a free-DB record plus the free DB's own pages.
func (t *Txn) freePageCount() (uint64, error) {
	fr := t.snap.meta.free
	n := fr.branch + fr.leaf + fr.overflow
	c := t.newCursor(freeDBI)
	_, v, _, err := c.move(First)
	for err == nil {
		if len(v) < 8 {
			return 0, fmt.Errorf("%w: free list of %d bytes", ErrCorrupted, len(v))
		}
		n += le.Uint64(v)
		_, v, _, err = c.move(Next)
	}
	if !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	return n, nil
}

// maxNesting bounds trees within trees: main DB, named DB, duplicate sub-DB.
const maxNesting = 3

// tree copies the tree rooted at pgno (branches after their children, leaves
// after the overflow runs and trees their nodes reference) and returns the
// root's new number. dupTree marks a duplicate sub-database, whose leaves hold
// no references.
func (c *compactor) tree(pgno uint64, dupTree bool, level, nesting int) (uint64, error) {
	if level >= maxDepth || nesting > maxNesting {
		return 0, fmt.Errorf("%w: copy: trees nested too deep at page %d", ErrCorrupted, pgno)
	}
	src, err := c.t.treePage(pgno)
	if err != nil {
		return 0, err
	}
	p := c.copyPage(src)
	n := p.numKeys()
	switch {
	case p.isBranch():
		for i := 0; i < n; i++ {
			off, err := nodeOff(p, i)
			if err != nil {
				return 0, err
			}
			child, err := c.tree(p.nodeChild(off), dupTree, level+1, nesting)
			if err != nil {
				return 0, err
			}
			p.setNodeChild(off, child)
		}
	case !p.isLeaf2() && !dupTree:
		for i := 0; i < n; i++ {
			if err := c.leafNode(p, i, nesting); err != nil {
				return 0, err
			}
		}
	}
	return c.emit(p)
}

// leafNode renumbers what leaf node i references: an overflow run, or the
// tree of a named database or of a key's duplicates.
func (c *compactor) leafNode(p page, i int, nesting int) error {
	off, err := nodeOff(p, i)
	if err != nil {
		return err
	}
	fl := p.nodeFlags(off)
	data := off + nodeHeaderSize + p.nodeKSize(off)
	switch {
	case fl&nodeBig != 0:
		if data+8 > len(p) {
			return fmt.Errorf("%w: page %d node %d overflow reference out of bounds", ErrCorrupted, p.pgno(), i)
		}
		run, err := c.overflow(le.Uint64(p[data:]))
		if err != nil {
			return err
		}
		le.PutUint64(p[data:], run)
	case fl&nodeSubData != 0:
		if data+dbRecordSize > len(p) || p.nodeDataSize(off) != dbRecordSize {
			return fmt.Errorf("%w: page %d node %d database record out of bounds", ErrCorrupted, p.pgno(), i)
		}
		rec := decodeRecord(p[data:])
		if rec.root != invalidPgno {
			root, err := c.tree(rec.root, fl&nodeDupData != 0, 0, nesting+1)
			if err != nil {
				return err
			}
			rec.root = root
			rec.encode(p[data:])
		}
	}
	return nil
}

// overflow copies the run at pgno under the next numbers and returns its new
// first page number. The run is copied whole, tail included.
func (c *compactor) overflow(pgno uint64) (uint64, error) {
	first, err := c.t.page(pgno)
	if err != nil {
		return 0, err
	}
	n := uint64(first.overflowCount())
	if first.flags()&^pageDirty != pageOverflow || first.pgno() != pgno || n == 0 || pgno+n > c.t.maxPg {
		return 0, fmt.Errorf("%w: bad overflow run at page %d", ErrCorrupted, pgno)
	}
	if c.next+n-1 > c.last {
		return 0, fmt.Errorf("%w: copy: more pages in use than the file has", ErrIncompatible)
	}
	hdr := make(page, c.ps)
	copy(hdr, first)
	hdr.setPgno(c.next)
	hdr.setFlags(pageOverflow)
	if _, err := c.w.Write(hdr); err != nil {
		return 0, fmt.Errorf("engine: copy: %w", err)
	}
	ps := uint64(c.ps)
	if n > 1 {
		if _, err := c.w.Write(c.t.env.mapData[(pgno+1)*ps : (pgno+n)*ps]); err != nil {
			return 0, fmt.Errorf("engine: copy: %w", err)
		}
	}
	run := c.next
	c.next += n
	return run, nil
}

// copyPage returns a private copy of a branch or leaf page: header, pointers
// and nodes; the free gap between them is zeroed. LEAF2 pages are copied whole.
func (c *compactor) copyPage(src page) page {
	p := make(page, c.ps)
	if src.isLeaf2() {
		copy(p, src)
	} else {
		copy(p[:src.lower()], src[:src.lower()])
		copy(p[src.upper():], src[src.upper():])
	}
	p.setFlags(src.flags() &^ pageDirty)
	return p
}

// emit gives p the next page number and writes it.
func (c *compactor) emit(p page) (uint64, error) {
	if c.next > c.last {
		return 0, fmt.Errorf("%w: copy: more pages in use than the file has", ErrIncompatible)
	}
	pg := c.next
	p.setPgno(pg)
	if _, err := c.w.Write(p); err != nil {
		return 0, fmt.Errorf("engine: copy: %w", err)
	}
	c.next++
	return pg, nil
}
