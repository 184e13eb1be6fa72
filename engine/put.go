package engine

import (
	"bytes"
	"fmt"
)

// PutFlags modify Put.
type PutFlags uint32

const (
	// NoOverwrite fails with ErrKeyExists if the key is present.
	NoOverwrite PutFlags = 0x10
	// NoDupData (DupSort) fails with ErrKeyExists if the key/value pair is present.
	NoDupData PutFlags = 0x20
	// Current replaces the value at the cursor; the key must equal the
	// cursor's. In a DupSort database the new value must sort into the same
	// place among the key's values (between the values before and after it).
	Current PutFlags = 0x40
	// Append adds the key at the end of the database: the fast path for sorted
	// bulk loads. Fails with ErrKeyExists if the key is not greater than the
	// last; in a DupSort database it may also equal the last key, which gets
	// the value as one more of its values.
	Append PutFlags = 0x20000
	// AppendDup (DupSort) adds the value at the end of the key's values.
	AppendDup PutFlags = 0x40000
)

// Put stores key/value in dbi. Errors: ErrKeyExists (NoOverwrite, NoDupData,
// Append out of order), ErrBadValSize, ErrMapFull, ErrIncompatible (the key is
// a named database), ErrBadTxn.
func (t *Txn) Put(dbi DBI, key, val []byte, flags PutFlags) error {
	c, err := t.writeCursor(dbi)
	if err != nil {
		return err
	}
	_, err = c.put(key, val, len(val), flags, false)
	return err
}

// PutReserve stores key with a value of n bytes and returns the value's bytes
// for the caller to fill before the next change in this transaction.
func (t *Txn) PutReserve(dbi DBI, key []byte, n int, flags PutFlags) ([]byte, error) {
	c, err := t.writeCursor(dbi)
	if err != nil {
		return nil, err
	}
	return c.put(key, nil, n, flags, true)
}

// Del deletes key from dbi: all its values, or for a DupSort database with
// val != nil only that value. Errors: ErrNotFound, ErrBadTxn, ErrIncompatible.
func (t *Txn) Del(dbi DBI, key, val []byte) error {
	c, err := t.writeCursor(dbi)
	if err != nil {
		return err
	}
	t.w.append.valid = false // the stack is about to hold another path
	if len(key) == 0 {
		return ErrBadValSize // a longer key than can be stored is just not there
	}
	if val != nil && c.db().rec.flags&dbDupSort != 0 {
		if _, _, _, err := c.get(key, val, GetBoth); err != nil {
			return err
		}
		return c.del(false)
	}
	if _, _, _, err := c.seekExact(key); err != nil {
		return err
	}
	return c.del(true)
}

func (t *Txn) writeCursor(dbi DBI) (*Cursor, error) {
	if err := t.usable(true); err != nil {
		return nil, err
	}
	if dbi == FreeDB {
		return nil, fmt.Errorf("%w: the free DB is read-only", ErrBadTxn)
	}
	if _, err := t.db(dbi); err != nil {
		return nil, err
	}
	if err := t.w.maybeSpill(); err != nil {
		return nil, err
	}
	// One cursor serves every Txn.Put and Txn.Del: each call positions it anew.
	c := t.w.opCursor
	if c == nil {
		c = t.newCursor(dbi)
		t.w.opCursor = c
	}
	c.dbi, c.top, c.eof, c.detached, c.deleted, c.savedEOF = dbi, -1, false, false, false, false
	c.dup.kind, c.dup.valid = dupNone, false
	return c, nil
}

// Put stores key/value at the cursor's database and leaves the cursor on it.
// Flags and errors as Txn.Put.
func (c *Cursor) Put(key, val []byte, flags PutFlags) error {
	if err := c.writable(); err != nil {
		return err
	}
	_, err := c.put(key, val, len(val), flags, false)
	return err
}

// PutReserve is Txn.PutReserve through the cursor.
func (c *Cursor) PutReserve(key []byte, n int, flags PutFlags) ([]byte, error) {
	if err := c.writable(); err != nil {
		return nil, err
	}
	return c.put(key, nil, n, flags, true)
}

// Del deletes the item at the cursor: for DupSort databases only the current
// value, unless allDups. Next then returns the item after it.
// Errors: ErrNotFound, ErrBadTxn.
func (c *Cursor) Del(allDups bool) error {
	if err := c.writable(); err != nil {
		return err
	}
	if _, _, _, err := c.get(nil, nil, GetCurrent); err != nil {
		return err
	}
	return c.del(allDups || c.db().rec.flags&dbDupSort == 0)
}

func (c *Cursor) writable() error {
	if err := c.usable(); err != nil {
		return err
	}
	if err := c.txn.usable(true); err != nil {
		return err
	}
	if c.dbi == FreeDB {
		return fmt.Errorf("%w: the free DB is read-only", ErrBadTxn)
	}
	return c.txn.w.maybeSpill()
}

// checkSizes validates a key and value length for the database.
func (c *Cursor) checkSizes(key []byte, n int) error {
	rec := &c.db().rec
	switch {
	case len(key) == 0 || len(key) > MaxKeySize:
		return fmt.Errorf("%w: key of %d bytes", ErrBadValSize, len(key))
	case rec.flags&dbIntegerKey != 0 && len(key) != 4 && len(key) != 8:
		return fmt.Errorf("%w: integer key of %d bytes", ErrBadValSize, len(key))
	case n < 0 || uint64(n) > 0xFFFFFFFF:
		return fmt.Errorf("%w: value of %d bytes", ErrBadValSize, n)
	}
	if rec.flags&dbDupSort != 0 {
		return c.checkDupSize(n)
	}
	return nil
}

// put implements Put and PutReserve. With reserve, val is nil and the returned
// slice is the n-byte value to fill.
func (c *Cursor) put(key, val []byte, n int, flags PutFlags, reserve bool) ([]byte, error) {
	if err := c.checkSizes(key, n); err != nil {
		return nil, err
	}
	t := c.txn
	key = t.w.copyKey(key)
	t.w.detachOthers(c, c.dbi)
	if flags&Append != 0 && c.db().rec.flags&dbDupSort == 0 && c.resumeAppend() {
		if err := c.checkAfterLast(key); err != nil {
			return nil, err
		}
		return c.appendAtEnd(key, val, n, reserve)
	}
	if c.db().rec.flags&dbDupSort != 0 {
		switch {
		case reserve:
			return nil, fmt.Errorf("%w: PutReserve on a DupSort database", ErrIncompatible)
		case flags&Current != 0:
			return nil, c.putCurrentDup(key, val)
		}
		return c.putDup(key, val, flags)
	}
	if c == t.w.opCursor {
		t.w.append.valid = false // the stack is about to hold another path
	}
	exact, err := c.position(key, flags)
	if err != nil {
		return nil, err
	}
	if flags&Append == 0 { // position checked an Append (checkAfterLast)
		if err := c.integerSizeOK(key); err != nil {
			return nil, err
		}
	}
	if exact {
		if l := &c.stack[c.top]; l.p.nodeFlags(l.p.ptr(l.idx))&(nodeSubData|nodeDupData) != 0 {
			// Refused before anything changes: the transaction stays usable.
			return nil, fmt.Errorf("%w: key is a named database", ErrIncompatible)
		}
	}
	if err := c.touchPath(); err != nil {
		return nil, t.fail(err)
	}
	if exact {
		out, err := c.replace(key, val, n, reserve)
		if err != nil {
			return nil, t.fail(err)
		}
		c.settle(key)
		return out, nil
	}
	if flags&Append != 0 {
		return c.appendAtEnd(key, val, n, reserve)
	}
	out, err := c.insertLeaf(key, val, n, 0, reserve, false)
	if err != nil {
		return nil, t.fail(err)
	}
	c.db().rec.entries++
	c.settle(key)
	return out, nil
}

// Sorted bulk loads: after an Append that allocated and freed no page, the
// Txn.Put cursor's stack is still the touched rightmost path of the tree, so
// the next Append into the same database goes straight to the last leaf.

// resumeAppend restores that path for an Append through the Txn.Put cursor.
func (c *Cursor) resumeAppend() bool {
	w := c.txn.w
	a := &w.append
	if c != w.opCursor || !a.valid || a.atKey || a.dbi != c.dbi || a.gen != w.gen {
		return false
	}
	c.top = a.top
	c.stack[c.top].idx = c.stack[c.top].p.numKeys()
	return true
}

// checkAfterLast refuses an Append of a key not after the last key of the
// cursor's (last) leaf.
func (c *Cursor) checkAfterLast(key []byte) error {
	if err := c.integerSizeOK(key); err != nil {
		return err
	}
	p := c.stack[c.top].p
	if last := p.numKeys() - 1; last >= 0 && c.db().info.cmp.compare(key, p.keyAt(last)) <= 0 {
		return fmt.Errorf("%w: Append of a key not after the last", ErrKeyExists)
	}
	return nil
}

// appendAtEnd inserts key after the last key of the (touched) last leaf;
// the caller has checked that it sorts after it.
func (c *Cursor) appendAtEnd(key, val []byte, n int, reserve bool) ([]byte, error) {
	t, w := c.txn, c.txn.w
	gen := w.gen
	out, err := c.insertLeaf(key, val, n, 0, reserve, false)
	if err != nil {
		return nil, t.fail(err)
	}
	c.db().rec.entries++
	w.append = appendState{valid: w.gen == gen && c == w.opCursor, dbi: c.dbi, top: c.top, gen: w.gen}
	c.settle(key)
	return out, nil
}

// integerSizeOK refuses a key of an IntegerKey database whose size differs
// from the keys of the leaf at the cursor (any key: they all have one size).
// LMDB compares integer keys with the size of the key searched for, so a
// database holding two sizes is one LMDB cannot search.
func (c *Cursor) integerSizeOK(key []byte) error {
	if c.db().rec.flags&dbIntegerKey == 0 || c.top < 0 {
		return nil
	}
	return sameIntegerSize(c.stack[c.top].p, len(key), "key")
}

// sameIntegerSize checks an integer key or value of n bytes against the
// first item of p, if any.
func sameIntegerSize(p page, n int, what string) error {
	if p.numKeys() == 0 {
		return nil
	}
	if k := p.keyAt(0); len(k) != n {
		return fmt.Errorf("%w: integer %s of %d bytes beside ones of %d bytes", ErrBadValSize, what, n, len(k))
	}
	return nil
}

// settle leaves the cursor on key after a change: it finds the key again on
// its next relative move.
func (c *Cursor) settle(key []byte) {
	c.saved = append(c.saved[:0], key...)
	c.detached, c.deleted, c.savedEOF = true, false, false
	c.dup.reset()
	c.db().dirty = true
}

// position puts the cursor where key belongs for an insert (a leaf index that
// may be one past the leaf's last node) and reports whether key is present.
// With an empty tree it creates the root leaf.
func (c *Cursor) position(key []byte, flags PutFlags) (bool, error) {
	db := c.db()
	if db.rec.root == invalidPgno {
		if flags&Current != 0 {
			return false, ErrNotFound // no item to replace
		}
		pgno, p, err := c.txn.w.allocPages(1)
		if err != nil {
			return false, c.txn.fail(err)
		}
		p.init(pgno, pageLeaf)
		db.rec.root, db.rec.depth, db.rec.leaf = pgno, 1, 1
		db.dirty = true
		c.stack[0] = cursorLevel{p: p}
		c.top, c.eof, c.detached = 0, false, false
		return false, nil
	}
	cmp := db.info.cmp
	switch {
	case flags&Current != 0:
		k, _, _, err := c.get(nil, nil, GetCurrent)
		if err != nil {
			return false, err
		}
		if cmp.compare(k, key) != 0 {
			return false, fmt.Errorf("%w: Current put with a key other than the cursor's", ErrBadValSize)
		}
		return true, nil
	case flags&Append != 0:
		if err := c.last(); err != nil {
			return false, err
		}
		if err := c.checkAfterLast(key); err != nil {
			return false, err
		}
		c.stack[c.top].idx++
		return false, nil
	}
	exact, err := c.seekLeaf(key)
	if err != nil {
		return false, err
	}
	if exact && flags&NoOverwrite != 0 {
		return true, ErrKeyExists
	}
	return exact, nil
}

// touchPath makes every page on the cursor's stack writable, top down, and
// points each parent (or the DB record) at the copies.
func (c *Cursor) touchPath() error {
	w := c.txn.w
	for i := 0; i <= c.top; i++ {
		old := c.stack[i].p
		p, err := w.touch(old)
		if err != nil {
			return err
		}
		c.stack[i].p = p
		if p.pgno() == old.pgno() {
			continue
		}
		if i == 0 {
			c.db().rec.root = p.pgno()
			c.db().dirty = true
		} else {
			parent := c.stack[i-1]
			parent.p.setNodeChild(parent.p.ptr(parent.idx), p.pgno())
		}
	}
	return nil
}

// replace overwrites the value of the existing key at the cursor, a plain
// node or an overflow one (put refused the other kinds first).
func (c *Cursor) replace(key, val []byte, n int, reserve bool) ([]byte, error) {
	l := &c.stack[c.top]
	p := l.p
	off := p.ptr(l.idx)
	fl := p.nodeFlags(off)
	data := off + nodeHeaderSize + p.nodeKSize(off)
	oldSize := p.nodeDataSize(off)
	if fl&nodeBig != 0 {
		run := le.Uint64(p[data:])
		if buf, ok := c.txn.w.dirty[run]; ok && leafNodeSize(len(key), n, false) > c.txn.env.nodeMax &&
			pageHeaderSize+n <= len(buf) {
			// A run written by this transaction that is long enough: reuse it.
			le.PutUint16(p[off:], uint16(n))
			le.PutUint16(p[off+2:], uint16(n>>16))
			out := buf[pageHeaderSize : pageHeaderSize+n]
			if !reserve {
				copy(out, val)
			}
			return out, nil
		}
		c.freeOverflow(run)
	} else if oldSize == n && leafNodeSize(len(key), n, false) <= c.txn.env.nodeMax {
		out := p[data : data+n]
		if !reserve {
			copy(out, val)
		}
		return out, nil
	}
	return c.insertLeaf(key, val, n, 0, reserve, true)
}

// freeOverflow releases the overflow run at pgno.
func (c *Cursor) freeOverflow(pgno uint64) {
	var count int
	if p, err := c.txn.page(pgno); err == nil { // dirty copies first, then the map
		count = p.overflowCount()
	}
	if count <= 0 {
		return
	}
	c.db().rec.overflow -= uint64(count)
	c.txn.w.freePages(pgno, count)
}

// insertLeaf inserts a new leaf node at the cursor's leaf index, spilling the
// value to an overflow run when the node would exceed the inline limit.
// It returns the value's bytes in their final place. With replace, the new
// node takes the place of the one at that index, removed only once the new
// node is built: key or val may point into it (a key a cursor returned).
func (c *Cursor) insertLeaf(key, val []byte, n int, nflags uint16, reserve, replace bool) ([]byte, error) {
	w := c.txn.w
	raw := w.nodeBuf(leafNodeSize(len(key), min(n, c.txn.env.nodeMax), false) + 8)
	var out []byte
	if leafNodeSize(len(key), n, false) > c.txn.env.nodeMax {
		np := overflowPages(n, c.txn.env.psize)
		pgno, run, err := w.allocPages(np)
		if err != nil {
			return nil, err
		}
		run.setFlags(pageOverflow)
		run.setOverflowCount(np)
		out = run[pageHeaderSize : pageHeaderSize+n]
		if !reserve {
			copy(out, val)
		}
		c.db().rec.overflow += uint64(np)
		raw = raw[:nodeHeaderSize+len(key)+8]
		page(raw).putLeafHeader(0, key, n, nflags|nodeBig)
		le.PutUint64(raw[nodeHeaderSize+len(key):], pgno)
		if replace {
			c.stack[c.top].p.removeNode(c.stack[c.top].idx)
		}
		_, _, err = c.insertAt(c.top, c.stack[c.top].idx, raw)
		return out, err
	}
	raw = raw[:nodeHeaderSize+len(key)+n]
	page(raw).putLeafHeader(0, key, n, nflags)
	if !reserve {
		copy(raw[nodeHeaderSize+len(key):], val)
	}
	if replace {
		c.stack[c.top].p.removeNode(c.stack[c.top].idx)
	}
	p, idx, err := c.insertAt(c.top, c.stack[c.top].idx, raw)
	if err != nil {
		return nil, err
	}
	off := p.ptr(idx)
	d := off + nodeHeaderSize + len(key)
	return p[d : d+n], nil
}

// nodeBuf returns a scratch buffer of at least n bytes for building a node.
func (w *writeState) nodeBuf(n int) []byte {
	if cap(w.nodeScratch) < n {
		w.nodeScratch = make([]byte, max(n, w.t.env.psize))
	}
	return w.nodeScratch[:n]
}

// insertAt inserts the encoded node raw at index idx of the page at level,
// splitting pages as needed, and returns the page and index where it landed.
func (c *Cursor) insertAt(level, idx int, raw []byte) (page, int, error) {
	p := c.stack[level].p
	if p.hasRoom(raw) {
		p.insertRaw(idx, raw)
		return p, idx, nil
	}
	return c.split(level, idx, raw)
}

// branchNode encodes a branch node.
func branchNode(key []byte, child uint64) []byte {
	b := make([]byte, nodeHeaderSize+len(key))
	page(b).putBranchNode(0, key, child)
	return b
}

// split inserts raw at idx into the full page at level by moving part of it to
// a new right sibling, then adds the sibling's separator to the parent (which
// may split in turn, up to a new root).
func (c *Cursor) split(level, idx int, raw []byte) (page, int, error) {
	w := c.txn.w
	p := c.stack[level].p
	if idx == p.numKeys() && !p.isBranch() {
		return c.splitAppend(level, raw)
	}
	tmp := w.scratchPage()
	copyPage(tmp, p)
	n := tmp.numKeys()
	branch := tmp.isBranch()
	nodeAt := func(i int) []byte {
		switch {
		case i < idx:
			return tmp.nodeBytes(i)
		case i == idx:
			return raw
		}
		return tmp.nodeBytes(i - 1)
	}
	var s int
	if tmp.isLeaf2() {
		s = (n + 1) / 2 // appends at the end went to splitAppend
	} else {
		s = chooseSplit(n+1, idx, branch, len(p)-pageHeaderSize, func(i int) int { return len(nodeAt(i)) })
	}
	rpgno, rp, err := w.allocPages(1)
	if err != nil {
		return nil, 0, err
	}
	if tmp.isLeaf2() {
		rp.initLeaf2(rpgno, 0, int(tmp.pad()))
		p.initLeaf2(p.pgno(), 0, int(tmp.pad()))
	} else {
		rp.init(rpgno, tmp.flags())
		p.init(p.pgno(), tmp.flags())
	}
	for i := 0; i < s; i++ {
		p.appendRawNode(nodeAt(i))
	}
	sepNode := nodeAt(s)
	var sep []byte
	if tmp.isLeaf2() {
		sep = bytes.Clone(sepNode)
	} else {
		sep = bytes.Clone(page(sepNode).nodeKey(0))
	}
	if branch {
		rp.appendRawNode(branchNode(nil, page(sepNode).nodeChild(0)))
	} else {
		rp.appendRawNode(sepNode)
	}
	for i := s + 1; i <= n; i++ {
		rp.appendRawNode(nodeAt(i))
	}
	rec := &c.db().rec
	if branch {
		rec.branch++
	} else {
		rec.leaf++
	}
	landed, at := p, idx
	if idx >= s {
		landed, at = rp, idx-s
	}
	if err := c.linkSibling(level, p.pgno(), sep, rpgno); err != nil {
		return nil, 0, err
	}
	return landed, at, nil
}

// splitAppend splits the leaf at level for a node added after its last
// one: the leaf keeps its nodes where they are and a new right sibling
// starts with the node alone, which is where split would put them.
func (c *Cursor) splitAppend(level int, raw []byte) (page, int, error) {
	p := c.stack[level].p
	rpgno, rp, err := c.txn.w.allocPages(1)
	if err != nil {
		return nil, 0, err
	}
	var sep []byte
	if p.isLeaf2() {
		rp.initLeaf2(rpgno, 0, int(p.pad()))
		sep = bytes.Clone(raw)
	} else {
		rp.init(rpgno, p.flags())
		sep = bytes.Clone(page(raw).nodeKey(0))
	}
	rp.appendRawNode(raw)
	c.db().rec.leaf++
	if err := c.linkSibling(level, p.pgno(), sep, rpgno); err != nil {
		return nil, 0, err
	}
	return rp, 0, nil
}

// linkSibling enters the new right sibling rpgno of page pgno at level,
// whose first key is sep, in the parent level, or in a new root above
// the old one.
func (c *Cursor) linkSibling(level int, pgno uint64, sep []byte, rpgno uint64) error {
	if level > 0 {
		_, _, err := c.insertAt(level-1, c.stack[level-1].idx+1, branchNode(sep, rpgno))
		return err
	}
	rootPg, root, err := c.txn.w.allocPages(1)
	if err != nil {
		return err
	}
	rec := &c.db().rec
	root.init(rootPg, pageBranch)
	root.appendRawNode(branchNode(nil, pgno))
	root.appendRawNode(branchNode(sep, rpgno))
	rec.root = rootPg
	rec.depth++
	rec.branch++
	return nil
}

// chooseSplit picks the index of the first of n nodes that moves to the new
// right page, so that both pages fit in room bytes. size(i) is node i's
// unrounded size; the new node is at idx. Appends at the end of a leaf start
// the right page with the new node alone, which packs sequential loads densely.
func chooseSplit(n, idx int, branch bool, room int, size func(int) int) int {
	pre := make([]int, n+1)
	for i := 0; i < n; i++ {
		pre[i+1] = pre[i] + even(size(i)) + 2
	}
	total := pre[n]
	right := func(s int) int {
		r := total - pre[s]
		if branch {
			r -= even(size(s)) - nodeHeaderSize // the right page's first key moves up
		}
		return r
	}
	minSide := 1
	if branch {
		minSide = 2
	}
	lo, hi := minSide, n-minSide
	for hi > lo && pre[hi] > room {
		hi--
	}
	for lo < hi && right(lo) > room {
		lo++
	}
	if idx == n-1 {
		return hi
	}
	s := lo
	for s < hi && pre[s] < total/2 {
		s++
	}
	return s
}
