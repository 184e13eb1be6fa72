package engine

import "fmt"

// del removes the node at the cursor (for DupSort databases with !allDups,
// only the current value) and rebalances.
func (c *Cursor) del(allDups bool) error {
	t := c.txn
	t.w.detachOthers(c, c.dbi)
	if !allDups {
		return c.delDup()
	}
	l := &c.stack[c.top]
	if c.dbi == MainDB && l.p.nodeFlags(l.p.ptr(l.idx))&(nodeSubData|nodeDupData) == nodeSubData {
		// Refused before anything changes: the transaction stays usable.
		return fmt.Errorf("%w: key is a named database", ErrIncompatible)
	}
	key := append(c.saved[:0], l.p.keyAt(l.idx)...)
	if err := c.touchPath(); err != nil {
		return t.fail(err)
	}
	if err := c.delNode(); err != nil {
		return t.fail(err)
	}
	c.saved = key
	c.detached, c.deleted, c.savedEOF = true, true, false
	c.dup.reset()
	c.dup.valid = false
	return nil
}

// delNode removes the leaf node at the (touched) cursor with all its values,
// then rebalances the tree.
func (c *Cursor) delNode() error {
	l := &c.stack[c.top]
	p := l.p
	off := p.ptr(l.idx)
	fl := p.nodeFlags(off)
	rec := &c.db().rec
	data := off + nodeHeaderSize + p.nodeKSize(off)
	switch {
	case fl&nodeBig != 0:
		c.freeOverflow(le.Uint64(p[data:]))
		rec.entries--
	case fl&nodeDupData != 0:
		v, err := inlineData(p, off)
		if err != nil {
			return err
		}
		n, err := c.freeDups(v, fl)
		if err != nil {
			return err
		}
		rec.entries -= n
	default:
		rec.entries--
	}
	p.removeNode(l.idx)
	c.db().dirty = true
	return c.rebalance(c.top)
}

// rebalance restores the tree's shape after the page at level lost a node:
// empty leaves are removed, branches keep at least two children, sparse
// pages are merged into a sibling when the two fit in one page, and a root
// branch with one child gives way to that child.
func (c *Cursor) rebalance(level int) error {
	p := c.stack[level].p
	n := p.numKeys()
	if level == 0 {
		return c.shrinkRoot()
	}
	if p.isBranch() && n >= 2 || p.isLeaf() && n >= 1 && p.fill() >= fillThreshold {
		return nil
	}
	rec := &c.db().rec
	parent := &c.stack[level-1]
	if n == 0 { // an empty leaf (branches never get here empty)
		c.txn.w.freePages(p.pgno(), 1)
		rec.leaf--
		c.removeChild(level-1, parent.idx)
		return c.rebalance(level - 1)
	}
	if parent.p.numKeys() < 2 {
		return nil
	}
	leftIdx := parent.idx - 1
	if parent.idx == 0 {
		leftIdx = 0
	}
	left, right, err := c.siblingPair(level, leftIdx)
	if err != nil {
		return err
	}
	sepLen := len(parent.p.keyAt(leftIdx + 1))
	extra := 0
	if branchPage := p.isBranch(); branchPage {
		extra = even(nodeHeaderSize+sepLen) - nodeHeaderSize
	}
	if left.usedSpace()+right.usedSpace()+extra <= len(p)-pageHeaderSize {
		return c.merge(level, leftIdx, left, right)
	}
	if p.isBranch() && n < 2 {
		return c.moveBranchNode(level, leftIdx, left, right)
	}
	return nil
}

// shrinkRoot frees an empty root leaf, and replaces a root branch with one
// child by that child.
func (c *Cursor) shrinkRoot() error {
	rec := &c.db().rec
	w := c.txn.w
	for {
		p := c.stack[0].p
		switch {
		case p.isLeaf() && p.numKeys() == 0:
			w.freePages(p.pgno(), 1)
			rec.root, rec.depth, rec.leaf = invalidPgno, 0, 0
			rec.branch, rec.overflow = 0, 0
			c.top = -1
			return nil
		case p.isBranch() && p.numKeys() == 1:
			child := p.nodeChild(p.ptr(0))
			w.freePages(p.pgno(), 1)
			rec.branch--
			rec.depth--
			rec.root = child
			cp, err := c.txn.page(child)
			if err != nil {
				return err
			}
			copy(c.stack[:], c.stack[1:c.top+1])
			c.top--
			c.stack[0].p = cp
		default:
			return nil
		}
	}
}

// siblingPair returns the touched pages at children leftIdx and leftIdx+1 of
// the parent of level: one is the cursor's page, the other its sibling.
func (c *Cursor) siblingPair(level, leftIdx int) (page, page, error) {
	parent := c.stack[level-1]
	sibIdx := leftIdx
	if parent.idx == leftIdx {
		sibIdx = leftIdx + 1
	}
	child, err := childAt(parent.p, sibIdx)
	if err != nil {
		return nil, nil, err
	}
	sp, err := c.txn.treePage(child)
	if err != nil {
		return nil, nil, err
	}
	sp, err = c.txn.w.touch(sp)
	if err != nil {
		return nil, nil, err
	}
	parent.p.setNodeChild(parent.p.ptr(sibIdx), sp.pgno())
	if sibIdx == leftIdx {
		return sp, c.stack[level].p, nil
	}
	return c.stack[level].p, sp, nil
}

// merge moves every node of right into left, frees right and removes it from
// the parent, then rebalances the parent.
func (c *Cursor) merge(level, leftIdx int, left, right page) error {
	parent := c.stack[level-1].p
	n := right.numKeys()
	for i := 0; i < n; i++ {
		raw := right.nodeBytes(i)
		if i == 0 && right.isBranch() {
			// The right page's first child gets its real lower bound back.
			raw = branchNode(parent.keyAt(leftIdx+1), right.nodeChild(right.ptr(0)))
		}
		left.appendRawNode(raw)
	}
	c.txn.w.freePages(right.pgno(), 1)
	rec := &c.db().rec
	if right.isBranch() {
		rec.branch--
	} else {
		rec.leaf--
	}
	c.removeChild(level-1, leftIdx+1)
	c.stack[level].p = left
	c.stack[level-1].idx = leftIdx
	return c.rebalance(level - 1)
}

// removeChild deletes node i of the branch at level, keeping the first key empty.
func (c *Cursor) removeChild(level, i int) {
	p := c.stack[level].p
	p.removeNode(i)
	if i == 0 && p.numKeys() > 0 && len(p.keyAt(0)) > 0 {
		child := p.nodeChild(p.ptr(0))
		p.removeNode(0)
		off := p.insertNode(0, nodeHeaderSize)
		p.putBranchNode(off, nil, child)
	}
}

// moveBranchNode gives a branch page left with one child a second one from its
// sibling when the two cannot merge. The separator in the parent changes,
// which may split the parent.
func (c *Cursor) moveBranchNode(level, leftIdx int, left, right page) error {
	parentLevel := level - 1
	parent := c.stack[parentLevel].p
	sep := append([]byte(nil), parent.keyAt(leftIdx+1)...)
	var newSep []byte
	if c.stack[level].p.pgno() == right.pgno() {
		// right is the sparse page: take left's last child.
		last := left.numKeys() - 1
		newSep = append([]byte(nil), left.keyAt(last)...)
		moved := left.nodeChild(left.ptr(last))
		left.removeNode(last)
		first := right.nodeChild(right.ptr(0))
		right.removeNode(0)
		right.insertRaw(0, branchNode(sep, first))
		right.insertRaw(0, branchNode(nil, moved))
	} else {
		// left is the sparse page: take right's first child.
		moved := right.nodeChild(right.ptr(0))
		newSep = append([]byte(nil), right.keyAt(1)...)
		second := right.nodeChild(right.ptr(1))
		right.removeNode(0)
		right.removeNode(0)
		right.insertRaw(0, branchNode(nil, second))
		left.appendRawNode(branchNode(sep, moved))
	}
	// Replace the separator of right in the parent.
	child := parent.nodeChild(parent.ptr(leftIdx + 1))
	parent.removeNode(leftIdx + 1)
	_, _, err := c.insertAt(parentLevel, leftIdx+1, branchNode(newSep, child))
	return err
}

// Empty deletes every key of dbi at once, releasing all its pages (LMDB's
// mdb_drop that keeps the database): the cost is one visit per page, not
// a delete and rebalance per key. Cursors on dbi end up unpositioned.
// Errors: ErrBadTxn, ErrIncompatible (the main database, which holds the
// named databases' records).
func (t *Txn) Empty(dbi DBI) error {
	if err := t.usable(true); err != nil {
		return err
	}
	if dbi == MainDB {
		return fmt.Errorf("%w: the main database holds the named databases", ErrIncompatible)
	}
	c, err := t.writeCursor(dbi)
	if err != nil {
		return err
	}
	db := c.db()
	if db.rec.root != invalidPgno {
		if err := c.freeSubtree(db.rec.root, int(db.rec.depth), false); err != nil {
			return t.fail(err)
		}
	}
	db.rec = dbRecord{pad: db.rec.pad, flags: db.rec.flags, root: invalidPgno}
	db.dirty = true
	for _, o := range t.w.cursors {
		if o.dbi == dbi {
			o.top, o.eof, o.detached, o.deleted = -1, false, false, false
			o.dup.reset()
		}
	}
	return nil
}

// freeSubtree frees the page pgno at the given height and everything below
// it: child pages, overflow runs and values trees. The leaves of a values
// tree (values) hold nothing to follow and are freed unread.
func (c *Cursor) freeSubtree(pgno uint64, depth int, values bool) error {
	if values && depth <= 1 {
		c.txn.w.freePages(pgno, 1)
		return nil
	}
	p, err := c.txn.treePage(pgno)
	if err != nil {
		return err
	}
	for i := 0; i < p.numKeys() && !p.isLeaf2(); i++ {
		off, err := nodeOff(p, i)
		if err != nil {
			return err
		}
		if depth > 1 {
			if err := c.freeSubtree(p.nodeChild(off), depth-1, values); err != nil {
				return err
			}
			continue
		}
		fl := p.nodeFlags(off)
		data := off + nodeHeaderSize + p.nodeKSize(off)
		switch {
		case fl&nodeBig != 0:
			if data+8 > len(p) {
				return fmt.Errorf("%w: page %d node %d overflow reference out of bounds", ErrCorrupted, pgno, i)
			}
			c.freeOverflow(le.Uint64(p[data:]))
		case fl&nodeDupData != 0:
			v, _, err := c.txn.leafData(p, i)
			if err != nil {
				return err
			}
			if _, err := c.freeDups(v, fl); err != nil {
				return err
			}
		}
	}
	c.txn.w.freePages(pgno, 1)
	return nil
}
