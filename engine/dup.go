package engine

// dupCursor is the position among the values of a DupSort key. (Filled in by
// the DupSort implementation.)
type dupCursor struct{}

func (d *dupCursor) reset()                  {}
func (d *dupCursor) save(c *Cursor)          {}
func (d *dupCursor) restore(c *Cursor) error { return nil }

func (c *Cursor) dupEnterFirst() ([]byte, []byte, uint16, error) { return c.current() }

func (c *Cursor) getDup(key, val []byte, op CursorOp) ([]byte, []byte, uint16, error) {
	return nil, nil, 0, ErrIncompatible
}

func (t *Txn) firstDup(db *txnDB, v []byte, fl uint16) ([]byte, error) { return nil, ErrIncompatible }

func (c *Cursor) checkDupSize(n int) error { return ErrIncompatible }

func (c *Cursor) putDup(key, val []byte, flags PutFlags) ([]byte, error) { return nil, ErrIncompatible }

func (c *Cursor) delDup() error { return ErrIncompatible }

func (c *Cursor) freeDups(v []byte, fl uint16) (uint64, error) { return 0, ErrIncompatible }
