package engine

import (
	"errors"
	"fmt"
)

// CursorOp selects what Cursor.Get does.
type CursorOp uint8

const (
	// First positions at the first key.
	First CursorOp = iota
	// Last positions at the last key.
	Last
	// Next moves to the next item (the first, if unpositioned).
	Next
	// Prev moves to the previous item (the last, if unpositioned).
	Prev
	// GetCurrent returns the item at the cursor.
	GetCurrent
	// Set positions at key exactly.
	Set
	// SetKey is Set, returning the stored key.
	SetKey
	// SetRange positions at the first key >= key.
	SetRange
	// NextNoDup moves to the first value of the next key.
	NextNoDup
	// PrevNoDup moves to the last value of the previous key.
	PrevNoDup
	// FirstDup, LastDup, NextDup, PrevDup move among the values of the current key.
	FirstDup
	LastDup
	NextDup
	PrevDup
	// GetBoth positions at key and value exactly (DupSort).
	GetBoth
	// GetBothRange positions at key and the first value >= val (DupSort).
	GetBothRange
	// GetMultiple returns up to a page of values of the current key (DupFixed),
	// packed back to back.
	GetMultiple
	// NextMultiple returns the next such run of values (DupFixed).
	NextMultiple
)

type cursorLevel struct {
	p   page
	idx int
}

// Cursor walks one database in key order within a transaction. A Cursor is
// not safe for concurrent use; it ends with its transaction or Close.
//
// In a write transaction a cursor stays valid while the tree changes under it,
// through this or other cursors: it remembers its key and finds its place again.
// After its own Del, Next returns the item that followed the deleted one.
type Cursor struct {
	txn   *Txn
	dbi   DBI
	stack [maxDepth]cursorLevel
	top   int // leaf level; -1 when unpositioned
	eof   bool

	// saved is a private copy of the current key, taken when another write in
	// the transaction may have moved or recycled the pages on the stack.
	saved    []byte
	detached bool
	savedEOF bool
	deleted  bool // the item at saved was deleted (Next returns the one after it)
	closed   bool
	renewals uint32 // the transaction's renewals when the cursor was opened

	dup dupCursor // position among the values of a DupSort key
	own *txnDB    // values-tree cursors: the tree's record (else the txn's view of dbi)
}

// OpenCursor opens a cursor on dbi. Errors: ErrBadTxn.
func (t *Txn) OpenCursor(dbi DBI) (*Cursor, error) {
	if err := t.usable(false); err != nil {
		return nil, err
	}
	if _, err := t.db(dbi); err != nil {
		return nil, err
	}
	c := t.newCursor(dbi)
	if t.w != nil {
		t.w.cursors = append(t.w.cursors, c)
	}
	return c, nil
}

func (t *Txn) newCursor(dbi DBI) *Cursor {
	return &Cursor{txn: t, dbi: dbi, top: -1, renewals: t.renewals}
}

// usable checks that the cursor may move: open, and opened in its
// transaction's current life (not before a Renew).
func (c *Cursor) usable() error {
	switch {
	case c.closed:
		return fmt.Errorf("%w: cursor closed", ErrBadTxn)
	case c.renewals != c.txn.renewals:
		return fmt.Errorf("%w: cursor opened before its transaction was renewed", ErrBadTxn)
	}
	return nil
}

// Close releases the cursor. It is optional: cursors end with their transaction.
func (c *Cursor) Close() {
	if c.closed {
		return
	}
	c.closed = true
	if w := c.txn.w; w != nil {
		for i, o := range w.cursors {
			if o == c {
				w.cursors = append(w.cursors[:i], w.cursors[i+1:]...)
				break
			}
		}
	}
}

func (c *Cursor) db() *txnDB {
	if c.own != nil {
		return c.own
	}
	return &c.txn.dbs[c.dbi]
}

// Txn returns the cursor's transaction.
func (c *Cursor) Txn() *Txn { return c.txn }

// DBI returns the cursor's database.
func (c *Cursor) DBI() DBI { return c.dbi }

// Get moves the cursor as op says and returns the key and value there.
// key is used by Set, SetKey, SetRange, GetBoth, GetBothRange; val by GetBoth
// and GetBothRange. Errors: ErrNotFound (nothing there; the cursor keeps its
// place for Next/Prev past the ends), ErrBadTxn, ErrIncompatible (a dup op on
// a database without DupSort), ErrCorrupted.
func (c *Cursor) Get(key, val []byte, op CursorOp) (k, v []byte, err error) {
	if c.closed || c.renewals != c.txn.renewals { // usable, inline: scans pass here per item
		return nil, nil, c.usable()
	}
	if (op == Next || op == Prev) && !c.detached && c.top >= 0 && !c.eof && c.dup.kind == dupNone && c.own == nil {
		// Fast path for scans: the next (previous) node of the same leaf.
		l := &c.stack[c.top]
		i := l.idx + 1
		if op == Prev {
			i = l.idx - 1
		}
		if i >= 0 && i < l.p.numKeys() && !c.txn.done && c.txn.failed == nil &&
			c.txn.dbs[c.dbi].rec.flags&dbDupSort == 0 {
			l.idx = i
			if k, v, ok := plainLeafNode(l.p, i); ok {
				return k, v, nil
			}
			k, v, _, err = c.current()
			return k, v, err
		}
	}
	if (op == NextDup || op == Next) && !c.detached && c.top >= 0 && !c.eof && c.own == nil &&
		!c.txn.done && c.txn.failed == nil {
		if k, v, ok, err := c.nextDupFast(); ok {
			return k, v, err
		}
	}
	if err := c.txn.usable(false); err != nil {
		return nil, nil, err
	}
	switch op {
	case Set, SetKey, SetRange, GetBoth, GetBothRange:
		// A key too long to store may still be looked for (as in LMDB):
		// Set finds nothing, SetRange the first key after it.
		if len(key) == 0 {
			return nil, nil, ErrBadValSize
		}
	}
	k, v, _, err = c.get(key, val, op)
	return k, v, err
}

// get is Get without argument checks; it also returns the leaf node flags.
func (c *Cursor) get(key, val []byte, op CursorOp) ([]byte, []byte, uint16, error) {
	if c.detached {
		dupValid := c.dup.valid
		if err := c.reattach(op); err != nil {
			return nil, nil, 0, err
		}
		if c.deleted {
			c.deleted = false
			if k, v, fl, err, done := c.afterDelete(op, dupValid); done {
				return k, v, fl, err
			}
		}
	}
	if c.db().rec.flags&dbDupSort != 0 {
		return c.getDup(key, val, op)
	}
	switch op {
	case First, Last, Next, Prev, GetCurrent, Set, SetKey, SetRange, NextNoDup, PrevNoDup:
		return c.move(op, key)
	case FirstDup, LastDup:
		if c.top < 0 || c.eof {
			return nil, nil, 0, ErrNotFound
		}
		return c.current()
	case NextDup, PrevDup:
		if c.top < 0 || c.eof {
			return nil, nil, 0, ErrNotFound
		}
		return nil, nil, 0, ErrNotFound
	}
	return nil, nil, 0, fmt.Errorf("%w: cursor op %d needs a DupSort database", ErrIncompatible, op)
}

// afterDelete answers a move made from the place of an item that is gone
// (deleted, or the end of the data when more was added after it): the cursor
// already stands on the item that followed it, which is what Next (and
// GetCurrent) return. done is false when the move must still be made from
// there. A dup move that finds nothing leaves the cursor at the gone item's
// place, so that the next move starts from there again.
func (c *Cursor) afterDelete(op CursorOp, dupValid bool) (k, v []byte, fl uint16, err error, done bool) {
	dups := c.db().rec.flags&dbDupSort != 0
	current := func() ([]byte, []byte, uint16, error) {
		if c.eof || c.top < 0 {
			return nil, nil, 0, ErrNotFound
		}
		if dups {
			return c.dupCurrent()
		}
		return c.current()
	}
	onKey := func() bool { // the cursor is on the gone item's key
		if c.eof || c.top < 0 {
			return false
		}
		l := &c.stack[c.top]
		return c.db().info.cmp.compare(l.p.keyAt(l.idx), c.saved) == 0
	}
	stay := func() ([]byte, []byte, uint16, error, bool) {
		c.detached, c.deleted = true, true
		c.dup.valid = dupValid
		return nil, nil, 0, ErrNotFound, true
	}
	switch op {
	case Next, GetCurrent:
		k, v, fl, err = current()
		return k, v, fl, err, true
	case NextDup, NextMultiple:
		if !onKey() {
			return stay()
		}
		if op == NextMultiple {
			k, v, fl, err = c.getMultiple(GetMultiple, true)
		} else {
			k, v, fl, err = current()
		}
		return k, v, fl, err, true
	case NextNoDup:
		if dups && onKey() {
			return nil, nil, 0, nil, false
		}
		k, v, fl, err = current()
		return k, v, fl, err, true
	case PrevDup, PrevNoDup:
		if !dups {
			return nil, nil, 0, nil, false
		}
		// The item before the gone one.
		if k, v, fl, err = c.getDup(nil, nil, Prev); err != nil {
			if errors.Is(err, ErrNotFound) {
				return stay()
			}
			return nil, nil, 0, err, true
		}
		switch {
		case op == PrevDup && !onKey():
			return stay()
		case op == PrevNoDup && onKey():
			// On to the key before; if there is none, the cursor stays at
			// the gone item's place (Prev then returns the item before it).
			k, v, fl, err = c.getDup(nil, nil, PrevNoDup)
			if errors.Is(err, ErrNotFound) {
				return stay()
			}
			return k, v, fl, err, true
		}
		return k, v, fl, nil, true
	case FirstDup, LastDup:
		if !dups {
			return nil, nil, 0, nil, false
		}
		if _, _, _, err := c.move(Set, c.saved); err != nil {
			if errors.Is(err, ErrNotFound) {
				return stay()
			}
			return nil, nil, 0, err, true
		}
		if err := c.dupEnter(op == LastDup); err != nil {
			return nil, nil, 0, err, true
		}
		k, v, fl, err = c.dupCurrent()
		return k, v, fl, err, true
	}
	return nil, nil, 0, nil, false
}

// move performs a key-level move (the first value of a key for dup databases).
func (c *Cursor) move(op CursorOp, key ...[]byte) ([]byte, []byte, uint16, error) {
	var err error
	switch op {
	case First:
		err = c.first()
	case Last:
		err = c.last()
	case Next, NextNoDup:
		if c.top < 0 {
			err = c.first()
		} else {
			err = c.next()
		}
	case Prev, PrevNoDup:
		if c.top < 0 || c.eof {
			err = c.last()
		} else {
			err = c.prev()
		}
	case GetCurrent:
		if c.top < 0 || c.eof {
			return nil, nil, 0, ErrNotFound
		}
	case Set, SetKey:
		var exact bool
		if exact, err = c.seek(key[0]); err == nil && !exact {
			err = ErrNotFound
		}
	case SetRange:
		_, err = c.seek(key[0])
	}
	if err != nil {
		return nil, nil, 0, err
	}
	return c.current()
}

// current returns the key, value and node flags at the cursor.
func (c *Cursor) current() ([]byte, []byte, uint16, error) {
	if c.top < 0 || c.eof {
		return nil, nil, 0, ErrNotFound
	}
	l := &c.stack[c.top]
	k, err := keyChecked(l.p, l.idx)
	if err != nil {
		return nil, nil, 0, err
	}
	v, fl, err := c.txn.leafData(l.p, l.idx)
	if err != nil {
		return nil, nil, 0, err
	}
	return k, v, fl, nil
}

// seekExact positions at key and returns it with its value and node flags, or ErrNotFound.
func (c *Cursor) seekExact(key []byte) ([]byte, []byte, uint16, error) {
	exact, err := c.seek(key)
	if err != nil {
		return nil, nil, 0, err
	}
	if !exact {
		return nil, nil, 0, ErrNotFound
	}
	return c.current()
}

// root loads the root page onto the stack; ErrNotFound for an empty tree.
func (c *Cursor) root() error {
	c.top, c.eof, c.detached, c.deleted = -1, false, false, false
	root := c.db().rec.root
	if root == invalidPgno {
		return ErrNotFound
	}
	p, err := c.txn.treePage(root)
	if err != nil {
		return err
	}
	c.stack[0] = cursorLevel{p: p}
	c.top = 0
	return nil
}

// push descends into child pgno of the current top.
func (c *Cursor) push(pgno uint64) error {
	if c.top+1 >= maxDepth {
		return fmt.Errorf("%w: tree deeper than %d", ErrCorrupted, maxDepth)
	}
	p, err := c.txn.treePage(pgno)
	if err != nil {
		return err
	}
	c.top++
	c.stack[c.top] = cursorLevel{p: p}
	return nil
}

// seek positions at the first key >= key. If every key is smaller, the cursor
// is at the end (eof) and the result is ErrNotFound.
func (c *Cursor) seek(key []byte) (bool, error) {
	exact, err := c.seekLeaf(key)
	if err != nil {
		return false, err
	}
	if l := &c.stack[c.top]; l.idx >= l.p.numKeys() {
		// Past this leaf's last key: the answer starts the next leaf.
		if err := c.nextLeaf(); err != nil {
			return false, err
		}
	}
	return exact, nil
}

// seekLeaf descends to the leaf where key is or belongs, without moving on to
// the next leaf when key is past this one's last node.
func (c *Cursor) seekLeaf(key []byte) (bool, error) {
	if err := c.root(); err != nil {
		return false, err
	}
	info := c.db().info
	for {
		l := &c.stack[c.top]
		idx, exact, err := info.search(l.p, key)
		if err != nil {
			return false, err
		}
		if l.p.isLeaf() {
			l.idx = idx
			c.dup.reset()
			return exact, nil
		}
		if !exact {
			idx--
		}
		l.idx = idx
		child, err := childAt(l.p, idx)
		if err != nil {
			return false, err
		}
		if err := c.push(child); err != nil {
			return false, err
		}
	}
}

// first positions at the first key.
func (c *Cursor) first() error {
	if err := c.root(); err != nil {
		return err
	}
	if err := c.descendEdge(false); err != nil {
		return err
	}
	c.prefetchSibling(false)
	return nil
}

// last positions at the last key.
func (c *Cursor) last() error {
	if err := c.root(); err != nil {
		return err
	}
	if err := c.descendEdge(true); err != nil {
		return err
	}
	c.prefetchSibling(true)
	return nil
}

// descendEdge descends from the top of the stack along the leftmost or
// rightmost path to a leaf.
func (c *Cursor) descendEdge(right bool) error {
	c.dup.reset()
	for {
		l := &c.stack[c.top]
		n := l.p.numKeys()
		if n == 0 {
			return fmt.Errorf("%w: empty page %d in tree", ErrCorrupted, l.p.pgno())
		}
		l.idx = 0
		if right {
			l.idx = n - 1
		}
		if l.p.isLeaf() {
			return nil
		}
		child, err := childAt(l.p, l.idx)
		if err != nil {
			return err
		}
		if err := c.push(child); err != nil {
			return err
		}
	}
}

// next moves to the next key.
func (c *Cursor) next() error {
	if c.eof {
		return ErrNotFound
	}
	l := &c.stack[c.top]
	if l.idx+1 < l.p.numKeys() {
		l.idx++
		c.dup.reset()
		return nil
	}
	return c.nextLeaf()
}

// nextLeaf moves to the first key of the following leaf, or marks eof.
func (c *Cursor) nextLeaf() error {
	leaf := c.top
	level := leaf - 1
	for level >= 0 && c.stack[level].idx+1 >= c.stack[level].p.numKeys() {
		level--
	}
	if level < 0 {
		// No following leaf: stay at the end of this one.
		c.stack[leaf].idx = max(c.stack[leaf].p.numKeys()-1, 0)
		c.eof = true
		return ErrNotFound
	}
	return c.enterSibling(level, false)
}

// enterSibling moves the branch at level to its next (back: previous)
// child and descends to that subtree's first (back: last) key.
func (c *Cursor) enterSibling(level int, back bool) error {
	if back {
		c.stack[level].idx--
	} else {
		c.stack[level].idx++
	}
	c.top = level
	child, err := childAt(c.stack[level].p, c.stack[level].idx)
	if err != nil {
		return err
	}
	if err := c.push(child); err != nil {
		return err
	}
	if err := c.descendEdge(back); err != nil {
		return err
	}
	c.prefetchSibling(back)
	return nil
}

// prefetchSibling starts loading the leaf after (back: before) the current
// one, so that a scan finds it in the CPU cache when it gets there: a scan
// over a tree larger than the cache runs about a third faster. Read
// transactions only (a writer's pages may be dirty copies).
func (c *Cursor) prefetchSibling(back bool) {
	t := c.txn
	if t.w != nil || c.top < 1 {
		return
	}
	parent := &c.stack[c.top-1]
	i := parent.idx + 1
	if back {
		i = parent.idx - 1
	}
	if i < 0 || i >= parent.p.numKeys() {
		return
	}
	pgno, err := childAt(parent.p, i)
	if err != nil {
		return
	}
	if p, err := t.page(pgno); err == nil {
		prefetchRange(&p[0], len(p))
	}
}

// prev moves to the previous key.
func (c *Cursor) prev() error {
	l := &c.stack[c.top]
	if l.idx > 0 {
		l.idx--
		c.dup.reset()
		return nil
	}
	level := c.top - 1
	for level >= 0 && c.stack[level].idx == 0 {
		level--
	}
	if level < 0 {
		return ErrNotFound
	}
	return c.enterSibling(level, true)
}

// detach copies the current key so the cursor survives changes to the tree.
func (c *Cursor) detach() {
	if c.detached || c.top < 0 {
		return
	}
	l := &c.stack[c.top]
	if l.p.numKeys() == 0 {
		c.top = -1
		return
	}
	c.saved = append(c.saved[:0], l.p.keyAt(l.idx)...)
	c.savedEOF = c.eof
	c.dup.save(c)
	c.detached = true
}

// reattach finds the saved position again after the tree changed. For moves
// relative to the position (Next, Prev, GetCurrent and the dup moves), the
// cursor ends on the saved item if it still exists; otherwise on the first
// item after it, with deleted set so that Next does not skip it. Prev from
// there gives the item before the deleted one.
func (c *Cursor) reattach(op CursorOp) error {
	switch op {
	case First, Last, Set, SetKey, SetRange, GetBoth, GetBothRange:
		c.detached, c.deleted = false, false
		return nil
	}
	deleted, wasEOF := c.deleted, c.savedEOF
	exact, err := c.seek(c.saved)
	c.detached = false
	if err == ErrNotFound && c.top >= 0 {
		err = nil // ran off the end: eof is set
	}
	if err != nil {
		return err
	}
	dups := c.db().rec.flags&dbDupSort != 0
	switch {
	case !exact:
		deleted = true
		if dups && !c.eof {
			if err := c.dupEnter(false); err != nil {
				return err
			}
		}
	case wasEOF:
		// The cursor was past the last item: it now stands at the place
		// after that item, on whatever was added after it since.
		deleted = true
		if dups {
			var err error
			if c.dup.valid {
				err = c.dup.restore(c)
			} else {
				err = c.dupEnter(true) // the end was found by key: past its last value
			}
			if err == nil {
				err = c.stepDup()
			}
			if err != nil && err != ErrNotFound {
				return err
			}
		} else if err := c.next(); err != nil && err != ErrNotFound {
			return err
		}
	case dups:
		if err := c.dup.restore(c); err == ErrNotFound {
			deleted = true
		} else if err != nil {
			return err
		}
	}
	c.deleted = deleted
	return nil
}
