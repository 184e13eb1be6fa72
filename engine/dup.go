package engine

import "fmt"

// A DupSort key's values (format spec section 8) are stored as
//   - one plain leaf node when the key has one value,
//   - a sub-page (nodeDupData): a small leaf page inside the node, LEAF2 for DupFixed,
//   - a sub-database (nodeDupData|nodeSubData): a B+tree whose keys are the values.
// dupCursor is a cursor's position among the values of its current key.

type dupKind uint8

const (
	dupNone   dupKind = iota // not positioned on a DupSort key
	dupSingle                // plain node: the value is the node's data
	dupSubPage
	dupSubDB
)

type dupCursor struct {
	kind   dupKind
	single []byte  // dupSingle: the value
	sp     page    // dupSubPage: the sub-page, a slice of the leaf node
	idx    int     // dupSubPage: index in sp
	sub    *Cursor // dupSubDB: a cursor over the values' tree
	subDB  txnDB   // dupSubDB: that tree's record and comparator

	saved []byte // the current value, copied by save (detach)
	valid bool   // saved holds a value
}

func (d *dupCursor) reset() { d.kind = dupNone }

// save copies the current value so the position survives tree changes.
func (d *dupCursor) save(c *Cursor) {
	d.valid = false
	if d.kind == dupNone {
		return
	}
	if v, err := d.value(); err == nil {
		d.saved = append(d.saved[:0], v...)
		d.valid = true
	}
}

// restore finds the saved value again at the current key: ErrNotFound if it
// is gone (the cursor is then on the next value, or the next key).
func (d *dupCursor) restore(c *Cursor) error {
	valid := d.valid
	d.valid = false
	if err := c.dupEnter(false); err != nil || !valid {
		return err
	}
	exact, err := d.seek(c, d.saved)
	if err == ErrNotFound {
		// Every value left is smaller: the successor is the next key.
		if err := c.next(); err != nil {
			return err
		}
		if err := c.dupEnter(false); err != nil {
			return err
		}
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if !exact {
		return ErrNotFound
	}
	return nil
}

// dupEnter sets up the dup position for the leaf node at the cursor, at its
// first (or last) value.
func (c *Cursor) dupEnter(last bool) error {
	d := &c.dup
	d.kind = dupNone
	if c.top < 0 || c.eof {
		return ErrNotFound
	}
	l := &c.stack[c.top]
	v, fl, err := c.txn.leafData(l.p, l.idx)
	if err != nil {
		return err
	}
	switch {
	case fl&nodeDupData == 0:
		d.kind, d.single = dupSingle, v
		return nil
	case fl&nodeSubData != 0:
		if len(v) != dbRecordSize {
			return fmt.Errorf("%w: duplicate sub-database record of %d bytes", ErrCorrupted, len(v))
		}
		d.kind = dupSubDB
		d.openSub(c, decodeRecord(v))
		if last {
			return d.sub.last()
		}
		return d.sub.first()
	default:
		sp := page(v)
		if !sp.subPageOK() {
			return fmt.Errorf("%w: bad duplicate sub-page in page %d", ErrCorrupted, l.p.pgno())
		}
		d.kind, d.sp, d.idx = dupSubPage, sp, 0
		if last {
			d.idx = sp.numKeys() - 1
		}
		return nil
	}
}

// openSub points the sub-cursor at a values tree.
func (d *dupCursor) openSub(c *Cursor, rec dbRecord) {
	parent := c.db()
	pf := parent.info.flags
	d.subDB = txnDB{rec: rec, loaded: true, info: &dbInfo{flags: rec.flags, cmp: parent.info.dcmp, dcmp: parent.info.dcmp,
		bytewise: pf&(dbIntegerDup|dbReverseDup) == 0}}
	if d.sub == nil {
		d.sub = &Cursor{txn: c.txn, dbi: c.dbi, top: -1, own: &d.subDB}
	}
	d.sub.top, d.sub.eof, d.sub.detached = -1, false, false
}

// value returns the current value.
func (d *dupCursor) value() ([]byte, error) {
	switch d.kind {
	case dupSingle:
		return d.single, nil
	case dupSubPage:
		return keyChecked(d.sp, d.idx)
	case dupSubDB:
		s := d.sub
		if s.top < 0 || s.eof {
			return nil, ErrNotFound
		}
		return keyChecked(s.stack[s.top].p, s.stack[s.top].idx)
	}
	return nil, ErrNotFound
}

// count returns the number of values of the current key.
func (d *dupCursor) count() uint64 {
	switch d.kind {
	case dupSingle:
		return 1
	case dupSubPage:
		return uint64(d.sp.numKeys())
	case dupSubDB:
		return d.subDB.rec.entries
	}
	return 0
}

// step moves to the next (or previous) value of the current key.
func (d *dupCursor) step(back bool) error {
	switch d.kind {
	case dupSubPage:
		if back {
			if d.idx == 0 {
				return ErrNotFound
			}
			d.idx--
			return nil
		}
		if d.idx+1 >= d.sp.numKeys() {
			return ErrNotFound
		}
		d.idx++
		return nil
	case dupSubDB:
		if back {
			return d.sub.prev()
		}
		err := d.sub.next()
		if err == ErrNotFound {
			d.sub.eof = false // stay on the last value
		}
		return err
	}
	return ErrNotFound
}

// stepDup moves to the next (key, value) pair: the key's next value, or the
// next key's first. At the end: ErrNotFound, with eof set.
func (c *Cursor) stepDup() error {
	if err := c.dup.step(false); err != ErrNotFound {
		return err
	}
	if err := c.next(); err != nil {
		return err
	}
	return c.dupEnter(false)
}

// edge moves to the first or last value of the current key.
func (d *dupCursor) edge(last bool) error {
	switch d.kind {
	case dupSubPage:
		d.idx = 0
		if last {
			d.idx = d.sp.numKeys() - 1
		}
	case dupSubDB:
		if last {
			return d.sub.last()
		}
		return d.sub.first()
	}
	return nil
}

// seek moves to the first value >= val of the current key; ErrNotFound if none.
func (d *dupCursor) seek(c *Cursor, val []byte) (bool, error) {
	dcmp := c.db().info.dcmp
	switch d.kind {
	case dupSingle:
		r := dcmp.compare(d.single, val)
		if r < 0 {
			return false, ErrNotFound
		}
		return r == 0, nil
	case dupSubPage:
		idx, exact, err := searchPage(d.sp, val, dcmp)
		if err != nil {
			return false, err
		}
		if idx >= d.sp.numKeys() {
			return false, ErrNotFound
		}
		d.idx = idx
		return exact, nil
	case dupSubDB:
		exact, err := d.sub.seek(val)
		if err == ErrNotFound {
			d.sub.eof = false
		}
		return exact, err
	}
	return false, ErrNotFound
}

// dupCurrent returns the current key and value.
func (c *Cursor) dupCurrent() ([]byte, []byte, uint16, error) {
	if c.top < 0 || c.eof || c.dup.kind == dupNone {
		return nil, nil, 0, ErrNotFound
	}
	l := &c.stack[c.top]
	k, err := keyChecked(l.p, l.idx)
	if err != nil {
		return nil, nil, 0, err
	}
	v, err := c.dup.value()
	if err != nil {
		return nil, nil, 0, err
	}
	return k, v, 0, nil
}

// getDup implements Cursor.Get for DupSort databases.
func (c *Cursor) getDup(key, val []byte, op CursorOp) ([]byte, []byte, uint16, error) {
	d := &c.dup
	switch op {
	case First, Last, Set, SetKey, SetRange, GetBoth, GetBothRange:
		d.reset() // a failed positioning leaves no values position behind
	default:
		if c.top >= 0 && !c.eof && d.kind == dupNone {
			// On a key without a values position (after a failed Set or
			// a refused put): its first value.
			if err := c.dupEnter(false); err != nil {
				return nil, nil, 0, err
			}
		}
	}
	positioned := c.top >= 0 && !c.eof
	if c.eof && (op == Next || op == NextNoDup || op == NextMultiple) {
		return nil, nil, 0, ErrNotFound // past the end it stays there
	}
	var err error
	switch op {
	case First, Last:
		if _, _, _, err = c.move(op); err == nil {
			err = c.dupEnter(op == Last)
		}
	case Next:
		if !positioned {
			return c.getDup(key, val, First)
		}
		err = c.stepDup()
	case Prev:
		if !positioned {
			return c.getDup(key, val, Last)
		}
		if err = d.step(true); err == ErrNotFound {
			if err = c.prev(); err == nil {
				err = c.dupEnter(true)
			}
		}
	case NextNoDup:
		if !positioned {
			return c.getDup(key, val, First)
		}
		if err = c.next(); err == nil {
			err = c.dupEnter(false)
		}
	case PrevNoDup:
		if !positioned {
			return c.getDup(key, val, Last)
		}
		if err = c.prev(); err == nil {
			err = c.dupEnter(true)
		}
	case GetCurrent:
		if !positioned {
			return nil, nil, 0, ErrNotFound
		}
	case Set, SetKey, SetRange:
		if _, _, _, err = c.move(op, key); err == nil {
			err = c.dupEnter(false)
		}
	case GetBoth, GetBothRange:
		if _, _, _, err = c.move(Set, key); err == nil {
			if err = c.dupEnter(false); err == nil {
				var exact bool
				exact, err = d.seek(c, val)
				if err == nil && !exact && op == GetBoth {
					err = ErrNotFound
				}
			}
		}
	case FirstDup, LastDup:
		if !positioned {
			return nil, nil, 0, ErrNotFound
		}
		err = d.edge(op == LastDup)
	case NextDup, PrevDup:
		if !positioned {
			return nil, nil, 0, ErrNotFound
		}
		err = d.step(op == PrevDup)
	case GetMultiple, NextMultiple:
		return c.getMultiple(op, positioned)
	default:
		return nil, nil, 0, fmt.Errorf("%w: unknown cursor op %d", ErrInvalidOp, op)
	}
	if err != nil {
		return nil, nil, 0, err
	}
	return c.dupCurrent()
}

// getMultiple returns the run of values on the current sub-page or LEAF2 leaf
// of a DupFixed key, packed back to back, and leaves the cursor on the run's
// last value so NextMultiple continues after it.
func (c *Cursor) getMultiple(op CursorOp, positioned bool) ([]byte, []byte, uint16, error) {
	if c.db().rec.flags&dbDupFixed == 0 {
		return nil, nil, 0, fmt.Errorf("%w: GetMultiple needs a DupFixed database", ErrIncompatible)
	}
	if !positioned {
		if op == GetMultiple {
			return nil, nil, 0, ErrNotFound
		}
		if _, _, _, err := c.getDup(nil, nil, First); err != nil {
			return nil, nil, 0, err
		}
	} else if op == NextMultiple {
		if _, _, _, err := c.getDup(nil, nil, NextDup); err != nil {
			return nil, nil, 0, err
		}
	}
	d := &c.dup
	k, v, _, err := c.dupCurrent()
	if err != nil {
		return nil, nil, 0, err
	}
	switch d.kind {
	case dupSubPage:
		run := d.sp[pageHeaderSize : pageHeaderSize+d.sp.numKeys()*int(d.sp.pad())]
		out := run[d.idx*int(d.sp.pad()):]
		d.idx = d.sp.numKeys() - 1
		return k, out, 0, nil
	case dupSubDB:
		l := &d.sub.stack[d.sub.top]
		if !l.p.isLeaf2() {
			return k, v, 0, nil
		}
		sz := int(l.p.pad())
		out := l.p[pageHeaderSize+l.idx*sz : pageHeaderSize+l.p.numKeys()*sz]
		l.idx = l.p.numKeys() - 1
		return k, out, 0, nil
	}
	return k, v, 0, nil
}

// Count returns the number of values of the cursor's current key (1 for
// databases without DupSort). Errors: ErrNotFound when unpositioned.
func (c *Cursor) Count() (uint64, error) {
	if err := c.usable(); err != nil {
		return 0, err
	}
	if err := c.txn.usable(false); err != nil {
		return 0, err
	}
	if _, _, _, err := c.get(nil, nil, GetCurrent); err != nil {
		return 0, err
	}
	if c.db().rec.flags&dbDupSort == 0 {
		return 1, nil
	}
	return c.dup.count(), nil
}

// firstDup returns the first value of a DupSort node's data.
func (t *Txn) firstDup(db *txnDB, v []byte, fl uint16) ([]byte, error) {
	c := &Cursor{txn: t, top: -1, own: db}
	c.dup.kind = dupNone
	if fl&nodeSubData != 0 {
		if len(v) != dbRecordSize {
			return nil, fmt.Errorf("%w: duplicate sub-database record of %d bytes", ErrCorrupted, len(v))
		}
		c.dup.openSub(c, decodeRecord(v))
		if err := c.dup.sub.first(); err != nil {
			return nil, err
		}
		c.dup.kind = dupSubDB
		return c.dup.value()
	}
	sp := page(v)
	if !sp.subPageOK() {
		return nil, fmt.Errorf("%w: bad duplicate sub-page", ErrCorrupted)
	}
	return keyChecked(sp, 0)
}

// checkDupSize validates a DupSort value size: up to MaxKeySize bytes, 4 or
// 8 for IntegerDup. An empty value may only be its key's only value (a plain
// node, as LMDB stores it): putDup refuses it beside others, since LMDB 0.9
// loses an empty value that shares a key.
func (c *Cursor) checkDupSize(n int) error {
	flags := c.db().rec.flags
	switch {
	case n > MaxKeySize:
		return fmt.Errorf("%w: DupSort value of %d bytes", ErrBadValSize, n)
	case flags&dbIntegerDup != 0 && n != 4 && n != 8:
		return fmt.Errorf("%w: integer value of %d bytes", ErrBadValSize, n)
	}
	return nil
}

// nextDupFast is the common step of reading a key's values: the next value
// on the same sub-page or values tree leaf. ok is false when the step leaves
// that page (or the cursor is not on a value), for the general path.
func (c *Cursor) nextDupFast() (k, v []byte, ok bool, err error) {
	d := &c.dup
	switch d.kind {
	case dupSubPage:
		if d.idx+1 >= d.sp.numKeys() {
			return nil, nil, false, nil
		}
		d.idx++
		v, err = keyChecked(d.sp, d.idx)
	case dupSubDB:
		s := d.sub
		if s.top < 0 || s.eof || s.detached {
			return nil, nil, false, nil
		}
		l := &s.stack[s.top]
		if l.idx+1 >= l.p.numKeys() {
			return nil, nil, false, nil
		}
		l.idx++
		v, err = keyChecked(l.p, l.idx)
	default:
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, true, err
	}
	l := &c.stack[c.top]
	k, err = keyChecked(l.p, l.idx)
	return k, v, true, err
}
