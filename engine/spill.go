package engine

import "fmt"

// Spilling bounds the memory of a large write transaction. Its dirty pages
// are private copies held in memory until commit; when there are more than
// Options.DirtyLimit of them, the next write operation first writes them all
// to their places in the file and lets the buffers go. This is safe at any
// time: a dirty page's number was free when the transaction took it, so no
// snapshot a reader can see refers to it, and no meta points at it until the
// commit. A spilled page is read back through the map; the first change to it
// copies it into a buffer again under the same number.
//
// Only a top-level transaction spills: a nested transaction's pages must stay
// private until it commits into its parent (and a page it copied from its
// parent keeps the parent's number), so past the limit its next write
// operation fails with ErrTxnFull instead, before changing anything.

// defaultDirtyLimit is Options.DirtyLimit when 0: 512 MiB of 4 KiB pages.
const defaultDirtyLimit = 1 << 17

// maybeSpill spills when the transaction holds more dirty pages than allowed.
// It runs at the start of a write operation, when no page of the tree is
// held anywhere but in cursors, which it detaches (they find their place again
// by key, as after any change made through another cursor).
func (w *writeState) maybeSpill() error {
	limit := w.t.env.opts.DirtyLimit
	switch {
	case limit < 0 || len(w.dirty) <= limit || w.t.child != nil:
		return nil
	case w.t.parent != nil:
		return fmt.Errorf("%w: the nested transaction holds %d modified pages (Options.DirtyLimit %d)", ErrTxnFull, len(w.dirty), limit)
	}
	return w.spill()
}

func (w *writeState) spill() error {
	t := w.t
	for _, c := range w.cursors {
		c.detach()
	}
	pages := sortedDirty(w.dirty)
	if err := t.writeDirty(pages); err != nil {
		return t.fail(err)
	}
	if w.spilled == nil {
		w.spilled = make(map[uint64]struct{}, len(pages))
	}
	ps := uint64(t.env.psize)
	for _, d := range pages {
		w.spilled[d.pgno] = struct{}{}
		t.maxPg = max(t.maxPg, d.pgno+uint64(len(d.p))/ps)
		t.env.putBuf(d.p)
	}
	clear(w.dirty)
	t.env.spills++
	// Every remembered path (appendState) held the buffers just released;
	// the Txn.Put cursor is positioned anew by each operation.
	w.gen++
	return nil
}

// unspill returns a writable copy of spilled page p under its own number, or
// nil when p was not spilled.
func (w *writeState) unspill(p page) page {
	pgno := p.pgno()
	if _, ok := w.spilled[pgno]; !ok {
		return nil
	}
	delete(w.spilled, pgno)
	np := w.t.env.getBuf(1)
	copyPage(np, p)
	w.dirty[pgno] = np
	return np
}
