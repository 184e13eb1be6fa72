package engine

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
)

// putDup adds val to key's values in a DupSort database.
func (c *Cursor) putDup(key, val []byte, flags PutFlags) ([]byte, error) {
	t := c.txn
	db := c.db()
	// An Append may resume only onto the database's last key.
	exact := c.resumeKey(key) && (flags&Append == 0 || c.onLastKey())
	// The values tree's path is still the sub cursor's too when the last
	// put went into that tree.
	resumeSub := exact && t.w.append.sub
	if !exact {
		if c == t.w.opCursor {
			t.w.append.valid = false // the stack is about to hold another path
		}
		var err error
		if exact, err = c.positionDup(key, flags); err != nil {
			return nil, err
		}
		if err := c.integerSizeOK(key); err != nil {
			return nil, err
		}
	}
	if exact && flags&NoOverwrite != 0 {
		return nil, c.refusedAt(nil) // however the cursor got to the key
	}
	if exact && len(val) == 0 {
		return nil, c.putEmptyOnKey(key, flags)
	}
	gen := t.w.gen
	if err := c.touchPath(); err != nil {
		return nil, t.fail(err)
	}
	if !exact {
		if _, err := c.insertLeaf(key, val, len(val), 0, false, false); err != nil {
			return nil, t.fail(err)
		}
		db.rec.entries++
		c.settleDup(key, val)
		c.rememberKey(gen, false)
		return nil, nil
	}
	added, err := c.addDup(key, val, flags, resumeSub)
	if err != nil {
		if c == t.w.opCursor {
			// The values tree's path may have moved to pages only read.
			t.w.append.valid = false
		}
		if errors.Is(err, ErrKeyExists) {
			if flags&AppendDup != 0 {
				// LMDB compares an AppendDup value with the key's last
				// one first, and leaves the cursor there.
				if err := c.dupEnter(true); err != nil {
					return nil, err
				}
				return nil, ErrKeyExists
			}
			return nil, c.refusedAt(val) // checked before anything changed
		}
		if errors.Is(err, ErrBadValSize) {
			return nil, err // checked before anything changed
		}
		return nil, t.fail(err)
	}
	if added {
		db.rec.entries++
	}
	// The values tree's path is writable only when the put went into it
	// (a value already there leaves it as read).
	inSub := added && c.dup.kind == dupSubDB && c.dup.sub.top >= 0
	c.settleDup(key, val)
	c.rememberKey(gen, inSub)
	return nil, nil
}

// putCurrentDup is a Current put in a DupSort database: it replaces the value
// at the cursor with val, which must sort into the same place among the key's
// values. A mismatched key or a value that sorts elsewhere changes nothing.
func (c *Cursor) putCurrentDup(key, val []byte) error {
	k, v, _, err := c.get(nil, nil, GetCurrent)
	if err != nil {
		return err
	}
	info := c.db().info
	if info.cmp.compare(k, key) != 0 {
		return fmt.Errorf("%w: Current put with a key other than the cursor's", ErrBadValSize)
	}
	if bytes.Equal(v, val) {
		return nil
	}
	if c.db().rec.flags&(dbDupFixed|dbIntegerDup) != 0 && len(val) != len(v) {
		return fmt.Errorf("%w: DupFixed value of %d bytes, key has %d", ErrBadValSize, len(val), len(v))
	}
	if len(val) == 0 && c.dup.count() > 1 {
		return errEmptyDupShared
	}
	ok, err := c.sortsInPlace(val)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: Current put of a value that sorts elsewhere among the key's values", ErrBadValSize)
	}
	// Delete then add: the value lands where the old one was. Everything
	// the add could refuse was checked above; any failure after the delete
	// fails the transaction, as a write failing half-way does. The delete
	// moves nodes, so val must not point into the page.
	val = bytes.Clone(val)
	old := bytes.Clone(v)
	if err := c.del(false); err != nil {
		return err
	}
	if _, err := c.putDup(key, val, 0); err != nil {
		return c.txn.fail(err)
	}
	// Other cursors on the replaced value stay on it, now holding val (as
	// LMDB's do: the item keeps its place), rather than finding it gone.
	for _, o := range c.txn.w.cursors {
		if o != c && o.dbi == c.dbi && o.detached && !o.deleted && o.dup.valid &&
			info.cmp.compare(o.saved, key) == 0 && bytes.Equal(o.dup.saved, old) {
			o.dup.saved = append(o.dup.saved[:0], val...)
		}
	}
	return nil
}

// sortsInPlace reports whether val sorts strictly between the neighbours of
// the cursor's current value (and equals neither): it steps the cursor's own
// values position to each side and back.
func (c *Cursor) sortsInPlace(val []byte) (bool, error) {
	dcmp := c.db().info.dcmp
	d := &c.dup
	for _, back := range []bool{true, false} {
		err := d.step(back)
		if errors.Is(err, ErrNotFound) {
			continue // no neighbour on this side; the position is unchanged
		}
		if err != nil {
			return false, err
		}
		nv, err := d.value()
		if err != nil {
			return false, err
		}
		r := dcmp.compare(val, nv)
		if err := d.step(!back); err != nil {
			return false, err
		}
		if r == 0 || (r > 0) != back {
			return false, nil
		}
	}
	return true, nil
}

// rememberKey keeps the Txn.Put cursor's path for resumeKey when the put
// allocated and freed nothing since gen.
func (c *Cursor) rememberKey(gen uint64, inSub bool) {
	if w := c.txn.w; c == w.opCursor && w.gen == gen {
		w.append = appendState{valid: true, dbi: c.dbi, top: c.top, gen: gen, atKey: true, sub: inSub}
	}
}

// resumeKey restores the Txn.Put cursor's path after a put into an existing
// key allocated and freed nothing: the touched path still leads to that key,
// so the next value for the same key skips the descent.
func (c *Cursor) resumeKey(key []byte) bool {
	w := c.txn.w
	a := &w.append
	if c != w.opCursor || !a.valid || !a.atKey || a.dbi != c.dbi || a.gen != w.gen {
		return false
	}
	l := &c.stack[a.top]
	if l.idx >= l.p.numKeys() || !bytes.Equal(l.p.keyAt(l.idx), key) {
		return false
	}
	c.top, c.eof, c.detached, c.deleted = a.top, false, false, false
	c.dup.reset()
	return true
}

// inlineData returns the data of the leaf node at off of a DupSort database,
// which is always inline: an overflow reference or a size past the page is
// damage.
func inlineData(p page, off int) ([]byte, error) {
	data := off + nodeHeaderSize + p.nodeKSize(off)
	if p.nodeFlags(off)&nodeBig != 0 || data+p.nodeDataSize(off) > len(p) {
		return nil, fmt.Errorf("%w: page %d: DupSort node data out of place", ErrCorrupted, p.pgno())
	}
	return p[data : data+p.nodeDataSize(off)], nil
}

var errEmptyDupShared = fmt.Errorf("%w: an empty DupSort value can only be its key's only value", ErrBadValSize)

// putEmptyOnKey handles a put of an empty value onto an existing key at the
// cursor: a no-op when that is already the key's only value (ErrKeyExists
// with NoDupData), else refused.
func (c *Cursor) putEmptyOnKey(key []byte, flags PutFlags) error {
	l := &c.stack[c.top]
	off := l.p.ptr(l.idx)
	if l.p.nodeFlags(off)&nodeDupData != 0 || l.p.nodeDataSize(off) != 0 {
		return errEmptyDupShared
	}
	if flags&NoDupData != 0 {
		return c.refusedAt(nil) // the pair is there
	}
	c.settleDup(key, nil)
	return nil
}

// refusedAt returns ErrKeyExists for a put refused on the key at the
// cursor, and leaves the cursor on the key's first value (val nil) or on
// the first value not before val: the pair that exists, for NoDupData.
func (c *Cursor) refusedAt(val []byte) error {
	if err := c.dupEnter(false); err != nil {
		return err
	}
	if val != nil {
		_, err := c.dup.seek(c, val)
		if err == ErrNotFound { // val sorts after every value
			err = c.dup.edge(true)
		}
		if err != nil {
			return err
		}
	}
	return ErrKeyExists
}

// onLastKey reports whether the cursor's path ends at the database's last key.
func (c *Cursor) onLastKey() bool {
	for i := 0; i <= c.top; i++ {
		if c.stack[i].idx != c.stack[i].p.numKeys()-1 {
			return false
		}
	}
	return true
}

// positionDup puts the cursor on key's node (or where it belongs) and
// reports whether key is there; putDup applies NoOverwrite.
func (c *Cursor) positionDup(key []byte, flags PutFlags) (bool, error) {
	db := c.db()
	if flags&Append == 0 || db.rec.root == invalidPgno {
		return c.position(key, 0)
	}
	if err := c.last(); err != nil {
		return false, err
	}
	l := &c.stack[c.top]
	r := db.info.cmp.compare(key, l.p.keyAt(l.idx))
	switch {
	case r < 0:
		if err := c.dupEnter(true); err != nil {
			return false, err
		}
		return false, fmt.Errorf("%w: Append of a key before the last", ErrKeyExists)
	case r == 0:
		return true, nil
	}
	l.idx++
	return false, nil
}

// addDup adds val to the existing key at the (touched) cursor. It reports
// false when the pair was already there. resumeSub: the key's values tree
// path is still the sub cursor's (see subPut).
func (c *Cursor) addDup(key, val []byte, flags PutFlags, resumeSub bool) (bool, error) {
	db := c.db()
	dcmp := db.info.dcmp
	l := &c.stack[c.top]
	p := l.p
	off := p.ptr(l.idx)
	fl := p.nodeFlags(off)
	nodeData, err := inlineData(p, off)
	if err != nil {
		return false, err
	}
	size := len(nodeData)
	fixed := db.rec.flags&dbDupFixed != 0
	switch {
	case fl&nodeDupData == 0: // one value: becomes a sub-page of two
		if size == 0 {
			return false, errEmptyDupShared
		}
		old := bytes.Clone(nodeData)
		r := dcmp.compare(val, old)
		if err := dupAddCheck(r == 0, r < 0, flags); err != nil || r == 0 {
			return false, err
		}
		if (fixed || db.rec.flags&dbIntegerDup != 0) && len(old) != len(val) {
			return false, fmt.Errorf("%w: DupFixed or IntegerDup value of %d bytes, key has %d", ErrBadValSize, len(val), len(old))
		}
		vals := [][]byte{old, val}
		if r < 0 {
			vals[0], vals[1] = val, old
		}
		sp := c.buildSubPage(vals, fixed)
		if nodeHeaderSize+len(key)+len(sp) > c.txn.env.nodeMax {
			// DupFixed values of about 380 bytes and more: two, with room
			// for two more, exceed a sub-page (the format's rule).
			return true, c.toSubDB(key, vals)
		}
		return true, c.replaceNodeData(key, sp, nodeDupData)
	case fl&nodeSubData != 0:
		return c.subPut(key, val, flags, resumeSub)
	}
	sp := page(nodeData)
	idx, exact, err := searchPage(sp, val, dcmp)
	if err != nil {
		return false, err
	}
	n := sp.numKeys()
	if err := dupAddCheck(exact, idx < n, flags); err != nil || exact {
		return false, err
	}
	if fixed && len(val) != int(sp.pad()) {
		return false, fmt.Errorf("%w: DupFixed value of %d bytes, key has %d", ErrBadValSize, len(val), sp.pad())
	}
	if db.rec.flags&dbIntegerDup != 0 {
		if err := sameIntegerSize(sp, len(val), "value"); err != nil {
			return false, err
		}
	}
	// What the value takes in the sub-page: a LEAF2 item, or a node and
	// its pointer.
	need := len(val)
	if !fixed {
		need = even(nodeHeaderSize+len(val)) + 2
	}
	if sp.freeSpace() >= need {
		// Room left: insert in place (sp lies in the touched leaf page).
		if fixed {
			sp.leaf2Insert(idx, val)
		} else {
			sp.putLeafHeader(sp.insertNode(idx, nodeHeaderSize+len(val)), val, 0, 0)
		}
		return true, nil
	}
	// Grow with room for more values, so that a run of inserts into one
	// key rebuilds its sub-page once every few values rather than every
	// time. DupFixed grows by four items and moves to a values tree when
	// that does not fit (the format's rule); variable-size values move
	// only when the value alone does not fit, and get four more nodes'
	// room where that fits.
	grown := size - sp.freeSpace() + need
	if fixed {
		grown = size + 4*need
	}
	if nodeHeaderSize+len(key)+grown > c.txn.env.nodeMax {
		vals := make([][]byte, 0, n+1)
		for i := 0; i < n; i++ {
			vals = append(vals, sp.keyAt(i))
		}
		return true, c.toSubDB(key, slices.Insert(vals, idx, val))
	}
	if roomy := grown + 4*need; !fixed && nodeHeaderSize+len(key)+roomy <= c.txn.env.nodeMax {
		grown = roomy
	}
	np := c.txn.w.growSubPage(sp, grown)
	if fixed {
		np.leaf2Insert(idx, val)
	} else {
		np.putLeafHeader(np.insertNode(idx, nodeHeaderSize+len(val)), val, 0, 0)
	}
	return true, c.replaceNodeData(key, np, nodeDupData)
}

// growSubPage copies sub-page sp into a scratch sub-page of size bytes
// (size > len(sp)), the extra bytes joining its free space.
func (w *writeState) growSubPage(sp page, size int) page {
	np := page(w.subBuf(size))
	delta := size - len(sp)
	if sp.isLeaf2() {
		// Items sit right after the header: the free space is at the end.
		copy(np, sp)
		np.setUpper(sp.upper() + delta)
		return np
	}
	up := sp.upper()
	copy(np[:sp.lower()], sp[:sp.lower()])
	copy(np[up+delta:], sp[up:])
	for i := range sp.numKeys() {
		np.setPtr(i, sp.ptr(i)+delta)
	}
	np.setUpper(up + delta)
	return np
}

// dupAddCheck applies NoDupData and AppendDup before anything changes. As
// in LMDB, AppendDup refuses a value that is not after the key's last one,
// including one already stored.
func dupAddCheck(exists, notLast bool, flags PutFlags) error {
	switch {
	case exists && flags&NoDupData != 0:
		return ErrKeyExists
	case (exists || notLast) && flags&AppendDup != 0:
		return fmt.Errorf("%w: AppendDup of a value not after the key's last", ErrKeyExists)
	}
	return nil
}

// buildSubPage lays out sorted values as a sub-page (format spec 8.2):
// exactly full for variable-size values, with room for two more for DupFixed.
func (c *Cursor) buildSubPage(vals [][]byte, fixed bool) page {
	w := c.txn.w
	if fixed {
		k := len(vals[0])
		sp := page(w.subBuf(pageHeaderSize + (len(vals)+2)*k))
		sp.initLeaf2(0, pageDirty|pageSubP, k)
		sp.setPgno(c.stack[c.top].p.pgno())
		for _, v := range vals {
			sp.appendRawNode(v)
		}
		return sp
	}
	size := pageHeaderSize
	for _, v := range vals {
		size += even(nodeHeaderSize+len(v)) + 2
	}
	sp := page(w.subBuf(size))
	sp.init(c.stack[c.top].p.pgno(), pageLeaf|pageDirty|pageSubP)
	for i, v := range vals {
		sp.putLeafHeader(sp.insertNode(i, nodeHeaderSize+len(v)), v, 0, 0)
	}
	return sp
}

// dupNode encodes a value as a node of a sub-page or values tree leaf:
// the value is the key, with no data.
func dupNode(v []byte) []byte {
	b := make([]byte, nodeHeaderSize+len(v))
	page(b).putLeafHeader(0, v, 0, 0)
	return b
}

// subBuf returns a scratch buffer for building a sub-page.
func (w *writeState) subBuf(n int) []byte {
	if cap(w.subScratch) < n {
		w.subScratch = make([]byte, max(n, w.t.env.psize))
	}
	return w.subScratch[:n]
}

// replaceNodeData replaces the data of the leaf node at the cursor, which may
// move the node (and split the leaf when it grows).
func (c *Cursor) replaceNodeData(key, data []byte, fl uint16) error {
	_, err := c.insertLeaf(key, data, len(data), fl, false, true)
	return err
}

// subDBFlags are the flags of a values tree's record in a database with
// flags parent (format spec 5, 8.3): DupFixed, with IntegerKey for
// IntegerDup, in a DupFixed database; none otherwise.
func subDBFlags(parent uint16) uint16 {
	if parent&dbDupFixed == 0 {
		return 0
	}
	if parent&dbIntegerDup != 0 {
		return dbDupFixed | dbIntegerKey
	}
	return dbDupFixed
}

// toSubDB moves a key's values from its sub-page into a new values tree.
func (c *Cursor) toSubDB(key []byte, vals [][]byte) error {
	db := c.db()
	w := c.txn.w
	pgno, lp, err := w.allocPages(1)
	if err != nil {
		return err
	}
	rec := dbRecord{depth: 1, leaf: 1, root: pgno, flags: subDBFlags(db.rec.flags)}
	if db.rec.flags&dbDupFixed != 0 {
		rec.pad = uint32(len(vals[0]))
		lp.initLeaf2(pgno, 0, len(vals[0]))
	} else {
		lp.init(pgno, pageLeaf)
	}
	// All values fit one page: the sub-page they came from was under half a page.
	for _, v := range vals {
		if db.rec.flags&dbDupFixed != 0 {
			lp.appendRawNode(v)
		} else {
			lp.appendRawNode(dupNode(v))
		}
	}
	rec.entries = uint64(len(vals))
	var buf [dbRecordSize]byte
	rec.encode(buf[:])
	return c.replaceNodeData(key, buf[:], nodeDupData|nodeSubData)
}

// subPut inserts val into the values tree of the key at the (touched)
// cursor. With resume, the sub cursor still holds the touched path of the
// last put into this tree, and values that belong in its leaf skip the
// descent.
func (c *Cursor) subPut(key, val []byte, flags PutFlags, resume bool) (bool, error) {
	d := &c.dup
	resumed := false
	if resume {
		var err error
		if resumed, err = c.resumeSub(); err != nil {
			return false, err
		}
	}
	if !resumed {
		if err := c.openSubAtCursor(); err != nil {
			return false, err
		}
	}
	d.kind = dupSubDB
	s := d.sub
	if s.db().rec.pad != 0 && int(s.db().rec.pad) != len(val) {
		return false, fmt.Errorf("%w: DupFixed value of %d bytes, key has %d", ErrBadValSize, len(val), s.db().rec.pad)
	}
	exact, ok, err := s.seekInLeaf(val)
	if err != nil {
		return false, err
	}
	if !ok {
		if exact, err = s.seekLeaf(val); err != nil {
			return false, err
		}
	}
	l := &s.stack[s.top]
	if c.db().rec.flags&dbIntegerDup != 0 {
		if err := sameIntegerSize(l.p, len(val), "value"); err != nil {
			return false, err
		}
	}
	notLast := l.idx < l.p.numKeys() || s.hasNextLeaf()
	if err := dupAddCheck(exact, notLast, flags); err != nil || exact {
		return false, err
	}
	if err := s.touchPath(); err != nil {
		return false, err
	}
	raw := val
	if !s.stack[s.top].p.isLeaf2() {
		raw = dupNode(val)
	}
	if _, _, err := s.insertAt(s.top, s.stack[s.top].idx, raw); err != nil {
		return false, err
	}
	s.db().rec.entries++
	c.storeSubRecord()
	return true, nil
}

// resumeSub reports whether the sub cursor still holds the path of the
// values tree of the key at the cursor, as the last put into it left it.
// Another cursor may have changed the tree's counts since: the record is
// taken from the node again; the path holds while the root is the same.
func (c *Cursor) resumeSub() (bool, error) {
	d := &c.dup
	if d.sub == nil || d.sub.top < 0 {
		return false, nil
	}
	rec, err := c.subRecordAtCursor()
	if err != nil {
		return false, err
	}
	same := rec.root == d.subDB.rec.root
	d.subDB.rec = rec
	return same, nil
}

// seekInLeaf positions at val's place in the cursor's current leaf when that
// leaf is where val belongs: between its first and last keys, or after its
// last when no leaf follows. ok is false when it cannot tell (no path, or val
// lies outside), and the caller descends from the root.
func (c *Cursor) seekInLeaf(val []byte) (exact, ok bool, err error) {
	if c.top < 0 {
		return false, false, nil
	}
	l := &c.stack[c.top]
	n := l.p.numKeys()
	if n == 0 {
		return false, false, nil
	}
	cmp := c.db().info.cmp
	last, err := keyChecked(l.p, n-1)
	if err != nil {
		return false, false, err
	}
	switch r := cmp.compare(val, last); {
	case r > 0:
		if c.hasNextLeaf() {
			return false, false, nil
		}
		l.idx = n
		return false, true, nil
	case r == 0:
		l.idx = n - 1
		return true, true, nil
	}
	first, err := keyChecked(l.p, 0)
	if err != nil {
		return false, false, err
	}
	if cmp.compare(val, first) < 0 {
		return false, false, nil
	}
	idx, exact, err := c.db().info.search(l.p, val)
	l.idx = idx
	return exact, err == nil, err
}

// hasNextLeaf reports whether a leaf follows the cursor's leaf.
func (c *Cursor) hasNextLeaf() bool {
	for level := c.top - 1; level >= 0; level-- {
		if c.stack[level].idx+1 < c.stack[level].p.numKeys() {
			return true
		}
	}
	return false
}

// openSubAtCursor opens the sub-cursor on the values tree whose record is in
// the leaf node at the cursor.
func (c *Cursor) openSubAtCursor() error {
	rec, err := c.subRecordAtCursor()
	if err != nil {
		return err
	}
	c.dup.openSub(c, rec)
	c.dup.kind = dupSubDB
	return nil
}

// subRecordAtCursor decodes the values tree record of the node at the cursor.
func (c *Cursor) subRecordAtCursor() (dbRecord, error) {
	l := &c.stack[c.top]
	off := l.p.ptr(l.idx)
	data := off + nodeHeaderSize + l.p.nodeKSize(off)
	if l.p.nodeDataSize(off) != dbRecordSize {
		return dbRecord{}, fmt.Errorf("%w: duplicate sub-database record", ErrCorrupted)
	}
	return decodeRecord(l.p[data:]), nil
}

// storeSubRecord writes the values tree's record back into the leaf node.
func (c *Cursor) storeSubRecord() {
	l := &c.stack[c.top]
	off := l.p.ptr(l.idx)
	c.dup.subDB.rec.encode(l.p[off+nodeHeaderSize+l.p.nodeKSize(off):])
}

// settleDup leaves the cursor on key/val after a change.
func (c *Cursor) settleDup(key, val []byte) {
	c.settle(key)
	c.dup.saved = append(c.dup.saved[:0], val...)
	c.dup.valid = true
}

// delDup deletes the current value of the key at the cursor; the key goes
// when its last value does.
func (c *Cursor) delDup() error {
	t := c.txn
	d := &c.dup
	key := bytes.Clone(c.stack[c.top].p.keyAt(c.stack[c.top].idx))
	val, err := d.value()
	if err != nil {
		return err
	}
	val = bytes.Clone(val)
	if err := c.touchPath(); err != nil {
		return t.fail(err)
	}
	if err := c.delDupTouched(val); err != nil {
		return t.fail(err)
	}
	c.settleDup(key, val)
	c.deleted = true
	return nil
}

func (c *Cursor) delDupTouched(val []byte) error {
	db := c.db()
	l := &c.stack[c.top]
	p := l.p
	off := p.ptr(l.idx)
	fl := p.nodeFlags(off)
	nodeData, err := inlineData(p, off)
	if err != nil {
		return err
	}
	switch {
	case fl&nodeDupData == 0:
		return c.delNode()
	case fl&nodeSubData != 0:
		if err := c.openSubAtCursor(); err != nil {
			return err
		}
		s := c.dup.sub
		exact, err := s.seekLeaf(val)
		if err != nil || !exact {
			return fmt.Errorf("%w: value vanished from its tree", ErrCorrupted)
		}
		if err := s.touchPath(); err != nil {
			return err
		}
		s.stack[s.top].p.removeNode(s.stack[s.top].idx)
		s.db().rec.entries--
		if err := s.rebalance(s.top); err != nil {
			return err
		}
		db.rec.entries--
		db.dirty = true
		if s.db().rec.root == invalidPgno {
			p.removeNode(l.idx)
			return c.rebalance(c.top)
		}
		c.storeSubRecord()
		return nil
	}
	sp := page(nodeData)
	n := sp.numKeys()
	if n <= 1 {
		return c.delNode()
	}
	idx, exact, err := searchPage(sp, val, db.info.dcmp)
	if err != nil || !exact {
		return fmt.Errorf("%w: value vanished from its sub-page", ErrCorrupted)
	}
	fixed := db.rec.flags&dbDupFixed != 0
	if fixed {
		// The sub-page keeps its size; the freed slot takes the next insert.
		sp.leaf2Remove(idx)
		db.rec.entries--
		db.dirty = true
		return nil
	}
	vals := make([][]byte, 0, n-1)
	for i := 0; i < n; i++ {
		if i != idx {
			vals = append(vals, bytes.Clone(sp.keyAt(i)))
		}
	}
	key := bytes.Clone(p.keyAt(l.idx))
	if err := c.replaceNodeData(key, c.buildSubPage(vals, fixed), nodeDupData); err != nil {
		return err
	}
	db.rec.entries--
	db.dirty = true
	return c.rebalanceAt(key)
}

// rebalanceAt rebalances the leaf holding key after its node shrank.
func (c *Cursor) rebalanceAt(key []byte) error {
	if _, err := c.seekLeaf(key); err != nil {
		return err
	}
	if err := c.touchPath(); err != nil {
		return err
	}
	return c.rebalance(c.top)
}

// freeDups releases the values of a DupSort node being deleted and returns
// how many there were.
func (c *Cursor) freeDups(v []byte, fl uint16) (uint64, error) {
	if fl&nodeSubData == 0 {
		sp := page(v)
		if len(sp) < pageHeaderSize {
			return 0, fmt.Errorf("%w: bad duplicate sub-page", ErrCorrupted)
		}
		return uint64(sp.numKeys()), nil
	}
	if len(v) != dbRecordSize {
		return 0, fmt.Errorf("%w: duplicate sub-database record", ErrCorrupted)
	}
	rec := decodeRecord(v)
	if rec.root != invalidPgno {
		if err := c.freeSubtree(rec.root, int(rec.depth), true); err != nil {
			return 0, err
		}
	}
	return rec.entries, nil
}

// PutMultiple stores under key the DupFixed values packed in vals, size
// bytes each, as Put with flags would one after another (LMDB's
// MDB_MULTIPLE). It returns how many values it went through: on an error,
// the values before it are stored. NoOverwrite refuses the whole call with
// ErrKeyExists when key already has values. Values that sort after the key's last
// one are copied into the end of its values tree a leaf at a time, so a
// sorted ID list loads at the speed of a memory copy.
func (t *Txn) PutMultiple(dbi DBI, key, vals []byte, size int, flags PutFlags) (int, error) {
	c, err := t.writeCursor(dbi)
	if err != nil {
		return 0, err
	}
	switch {
	case c.db().rec.flags&dbDupFixed == 0:
		return 0, fmt.Errorf("%w: PutMultiple needs a DupFixed database", ErrIncompatible)
	case flags&Current != 0:
		return 0, fmt.Errorf("%w: PutMultiple with Current", ErrIncompatible)
	case size <= 0 || len(vals)%size != 0:
		return 0, fmt.Errorf("%w: %d bytes of values are not a whole number of %d-byte values", ErrBadValSize, len(vals), size)
	}
	if flags&NoOverwrite != 0 {
		// Checked once: the puts below add to the key they create.
		switch _, err := t.Get(dbi, key); {
		case err == nil:
			return 0, ErrKeyExists
		case !errors.Is(err, ErrNotFound):
			return 0, err
		}
		flags &^= NoOverwrite
	}
	key = t.w.copyKey(key)
	n := len(vals) / size
	for i := 0; i < n; {
		if err := t.w.maybeSpill(); err != nil {
			return i, err
		}
		if k := c.appendValues(key, vals[i*size:], size); k > 0 {
			i += k
			continue
		}
		v := vals[i*size : (i+1)*size : (i+1)*size]
		if _, err := c.put(key, v, size, flags, false); err != nil {
			return i, err
		}
		i++
	}
	return n, nil
}

// appendValues copies the leading values of vals (size bytes each) that
// sort after key's last value into the last leaf of key's values tree, as
// far as they fit, when the previous put left the Txn.Put cursor on that
// leaf (see resumeKey and subPut). It returns how many it copied; 0 means
// the fast path does not apply and the caller puts one value the usual way
// (which descends, splits a full leaf, and sets the path up again).
func (c *Cursor) appendValues(key, vals []byte, size int) int {
	if !c.txn.w.append.sub || !c.resumeKey(key) {
		return 0
	}
	if ok, err := c.resumeSub(); !ok || err != nil {
		return 0 // the usual put reports the error
	}
	d := &c.dup
	s := d.sub
	l := &s.stack[s.top]
	p := l.p
	nk := p.numKeys()
	if !p.isLeaf2() || int(p.pad()) != size || nk == 0 || s.hasNextLeaf() || !c.txn.w.ownsDirty(p) {
		return 0
	}
	c.txn.w.detachOthers(c, c.dbi)
	dcmp := c.db().info.dcmp
	prev := p[pageHeaderSize+(nk-1)*size : pageHeaderSize+nk*size]
	k, room := 0, p.freeSpace()/size
	for k < room && (k+1)*size <= len(vals) {
		v := vals[k*size : (k+1)*size]
		if dcmp.compare(v, prev) <= 0 {
			break
		}
		prev, k = v, k+1
	}
	if k == 0 {
		return 0
	}
	p.leaf2Append(vals[:k*size])
	l.idx = nk + k - 1
	s.db().rec.entries += uint64(k)
	c.db().rec.entries += uint64(k)
	c.storeSubRecord()
	c.settleDup(key, prev)
	return k
}
