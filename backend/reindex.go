package backend

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/schema"
)

// Reindex rebuilds the indices of the named attributes (all configured
// indices when attrs is empty) from the entries: the slapindex analogue.
// It runs offline (the database must not be open elsewhere). Each index is
// first marked unbuilt, emptied, refilled in batches of transactions and
// marked built at the end, so an interrupted run leaves an index that
// searches ignore until Reindex is run again. Errors: ErrBadIndexSpec for
// an attribute that is not configured, engine errors.
func Reindex(opts Options, attrs []string) error {
	// A mistyped directory must not become a new, empty, "indexed" database.
	if _, err := os.Stat(filepath.Join(opts.Dir, "data.mdb")); err != nil {
		return fmt.Errorf("backend: reindex: no database in %s: %w", opts.Dir, err)
	}
	b, err := Open(opts)
	if err != nil {
		return err
	}
	defer b.Close()
	var todo []*indexDef
	for _, a := range attrs {
		at := b.reg.AttributeType(a)
		d := b.ixByTyp[at]
		if at == nil || d == nil {
			return fmt.Errorf("%w: %s is not configured for indexing", ErrBadIndexSpec, a)
		}
		todo = append(todo, d)
	}
	if len(attrs) == 0 {
		todo = b.ix
	}
	for _, d := range todo {
		if err := b.rebuild(d); err != nil {
			return fmt.Errorf("backend: reindex %s: %w", d.typ.Name(), err)
		}
	}
	return nil
}

const reindexBatch = 20000

func (b *Backend) rebuild(d *indexDef) error {
	mkey := d.metaKey()
	err := b.env.Update(func(txn *engine.Txn) error {
		if err := txn.Put(b.db.meta, mkey, []byte{0}, 0); err != nil {
			return err
		}
		return txn.Empty(d.dbi)
	})
	if err != nil {
		return err
	}
	next := uint64(1)
	for done := false; !done; {
		err := b.env.Update(func(txn *engine.Txn) error {
			var err error
			next, done, err = b.indexRange(txn, d, d.kinds, next, reindexBatch)
			return err
		})
		if err != nil {
			return err
		}
	}
	d.built = true
	return b.env.Update(func(txn *engine.Txn) error {
		return txn.Put(b.db.meta, mkey, []byte{byte(d.kinds)}, 0)
	})
}

// indexRange adds the keys of up to limit entries from ID from on.
func (b *Backend) indexRange(txn *engine.Txn, d *indexDef, kinds index.Kinds, from uint64, limit int) (next uint64, done bool, err error) {
	c, err := txn.OpenCursor(b.db.id2entry)
	if err != nil {
		return 0, false, err
	}
	defer c.Close()
	var kb, idb [8]byte
	var e schema.Entry
	var dec decoder
	var ks index.Keys
	var scratch [][]byte
	// Keys and values of id2entry point into pages the index puts below do
	// not touch (another DB), but the cursor is re-positioned each time to
	// stay clear of any engine rule about writes under open cursors.
	id := from
	for n := 0; n < limit; n++ {
		k, v, err := c.Get(idKey(&kb, id), nil, engine.SetRange)
		if errors.Is(err, engine.ErrNotFound) {
			return 0, true, nil
		}
		if err != nil {
			return 0, false, err
		}
		id = idOf(k)
		if err := dec.decode(&e, v, b.ads.snapshot()); err != nil {
			return 0, false, fmt.Errorf("entry %d: %w", id, err)
		}
		d.kindKeys(b.reg, &e, kinds, &ks, &scratch)
		index.NativeEndian.PutID(idb[:], id)
		for i := 0; i < ks.Len(); i++ {
			if err := txn.Put(d.dbi, ks.Key(i), idb[:], 0); err != nil {
				return 0, false, err
			}
		}
		id++
	}
	return id, false, nil
}

// clearSome deletes up to limit IDs of dbi, from its first key on, and
// reports whether dbi is empty now (but for the keys of the kinds keep,
// which it leaves as they are). A key whose IDs fit in what is left of
// limit goes in one step (its pages are freed without visiting each ID);
// a larger one loses its first IDs one at a time, so one huge key is
// cleared over several calls.
func clearSome(txn *engine.Txn, dbi engine.DBI, limit int, keep index.Kinds) (bool, error) {
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		return false, err
	}
	defer c.Close()
	// first positions c on the first key to delete: keys start with their
	// kind byte, so the keys of a kind to keep are skipped in one seek.
	first := func() (bool, error) {
		k, _, err := c.Get(nil, nil, engine.First)
		for err == nil && len(k) > 0 && keep.Has(index.Kind(k[0])) {
			if k[0] == 0xff {
				return false, nil
			}
			k, _, err = c.Get([]byte{k[0] + 1}, nil, engine.SetRange)
		}
		if errors.Is(err, engine.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	for left := uint64(max(limit, 1)); left > 0; {
		found, err := first()
		if err != nil || !found {
			return !found, err
		}
		n, err := c.Count()
		if err != nil {
			return false, err
		}
		all := n <= left
		if !all {
			n = 1
		}
		if err := c.Del(all); err != nil {
			return false, err
		}
		left -= n
	}
	found, err := first()
	return !found, err
}
