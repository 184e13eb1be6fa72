package engine

import (
	"fmt"
	"slices"
)

// BeginChild starts a nested write transaction inside the write transaction t.
// The child sees t's changes; its own become t's when it commits and vanish
// when it aborts. t may not be used until the child ends. Children nest.
// Errors: ErrBadTxn (t is a read transaction, ended, failed, or has a child).
func (t *Txn) BeginChild() (*Txn, error) {
	if err := t.usable(true); err != nil {
		return nil, err
	}
	c := &Txn{env: t.env, snap: t.snap, write: true, txnid: t.txnid, maxPg: t.maxPg, parent: t}
	c.dbs = slices.Clone(t.dbs)
	pw := t.w
	c.w = &writeState{
		t: c, parent: pw, dirty: make(map[uint64]page), nextPg: pw.nextPg,
		freed: slices.Clone(pw.freed), loose: slices.Clone(pw.loose), reclaimed: slices.Clone(pw.reclaimed),
		oldest: pw.oldest, lastConsumed: pw.lastConsumed, freeDone: pw.freeDone, dbsTouched: pw.dbsTouched,
		young: pw.young,
	}
	// The child's runs are its own until it commits; records it looks into
	// are added to a copy of the parent's list.
	c.w.young.allocs = nil
	c.w.young.partial = slices.Clone(pw.young.partial)
	// The parent's cursors find their place again by key after the child.
	for _, cur := range pw.cursors {
		cur.detach()
	}
	t.child = c
	return c, nil
}

// commitChild folds a child's changes into its parent.
func (t *Txn) commitChild() error {
	p, w, pw := t.parent, t.w, t.parent.w
	for _, pg := range w.dropped {
		if buf, ok := pw.dirty[pg]; ok {
			delete(pw.dirty, pg)
			t.env.putBuf(buf)
		}
		if pw.ancestorDirty(pg) != nil {
			pw.dropped = append(pw.dropped, pg) // dirty further up
		}
	}
	for pg, buf := range w.dirty {
		if old, ok := pw.dirty[pg]; ok {
			t.env.putBuf(old)
		}
		pw.dirty[pg] = buf
	}
	w.dirty = nil
	// The parent's page buffers were replaced: paths it remembered (gen)
	// no longer hold.
	pw.gen++
	pw.nextPg, pw.freed, pw.loose, pw.reclaimed = w.nextPg, w.freed, w.loose, w.reclaimed
	pw.lastConsumed, pw.freeDone, pw.dbsTouched = w.lastConsumed, w.freeDone, w.dbsTouched
	allocs := append(pw.young.allocs, w.young.allocs...)
	pw.young = w.young
	pw.young.allocs = allocs
	// The parent's view of each database is now the child's.
	p.dbs = t.dbs
	t.done = true
	p.child = nil
	return nil
}

func (t *Txn) nestedCommit() error {
	if t.failed != nil {
		err := t.failed
		t.Abort()
		return fmt.Errorf("%w: an earlier write failed: %v", ErrBadTxn, err)
	}
	return t.commitChild()
}
