package backend

import (
	"encoding/binary"
	"errors"
	"fmt"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/schema"
)

// Check verifies a database that no other process has open: the engine's
// structural check, then that every entry decodes, has its two DN records
// and a live parent (the DN tree has no orphans and no stray records),
// and that every built index holds exactly the keys the entries produce.
// Problems are reported wrapped in ErrInconsistent (the first few).
func Check(opts Options) error {
	opts.ReadOnly = true
	b, err := Open(opts)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := engine.Check(b.env); err != nil {
		return fmt.Errorf("%w: engine: %w", ErrInconsistent, err)
	}
	return b.env.View(func(txn *engine.Txn) error {
		if err := b.readADs(txn); err != nil {
			return err
		}
		return b.checkTxn(txn)
	})
}

// Unbuilt lists the index kinds of opts that are not built (added to the
// configuration, or their build was interrupted), as "attr (kinds)":
// searches do not use them until serve builds them online or Reindex runs.
// The database is opened read-only.
func Unbuilt(opts Options) ([]string, error) {
	opts.ReadOnly = true
	b, err := Open(opts)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	var out []string
	for _, d := range b.ix {
		if missing := d.kinds &^ d.ready; !d.built && missing != 0 {
			out = append(out, fmt.Sprintf("%s (%s)", d.typ.Name(), missing))
		}
	}
	return out, nil
}

type checker struct {
	b        *Backend
	txn      *engine.Txn
	problems []string
	expected map[*indexDef]uint64
}

func (c *checker) report(format string, args ...any) {
	if len(c.problems) < 20 {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
}

func (b *Backend) checkTxn(txn *engine.Txn) error {
	c := &checker{b: b, txn: txn, expected: map[*indexDef]uint64{}}
	n, maxID, err := c.entries()
	if err != nil {
		return err
	}
	for name, dbi := range map[string]engine.DBI{dbDN2ID: b.db.dn2id, dbID2DN: b.db.id2dn} {
		st, err := txn.Stat(dbi)
		if err != nil {
			return err
		}
		if st.Entries != n {
			c.report("%s holds %d records for %d entries", name, st.Entries, n)
		}
	}
	for _, d := range b.ix {
		if !d.built || d.dbi == 0 {
			continue
		}
		st, err := txn.Stat(d.dbi)
		if err != nil {
			return err
		}
		if st.Entries != c.expected[d] {
			c.report("index %s holds %d IDs, the entries produce %d", d.typ.Name(), st.Entries, c.expected[d])
		}
	}
	if n > 0 {
		reach, err := c.reachable(n)
		if err != nil {
			return err
		}
		if reach != n {
			c.report("%d entries, %d of them reachable from the suffix (a detached subtree or a cycle in the DN tree)", n, reach)
		}
	}
	if next, err := recoverNextID(txn, b.db); err == nil && n > 0 && next <= maxID {
		c.report("next ID %d not above the highest ID %d", next, maxID)
	}
	if len(c.problems) > 0 {
		return fmt.Errorf("%w: %v", ErrInconsistent, c.problems)
	}
	return nil
}

// entries walks id2entry, checking each entry; it returns the count and
// the highest ID.
func (c *checker) entries() (uint64, uint64, error) {
	cur, err := c.txn.OpenCursor(c.b.db.id2entry)
	if err != nil {
		return 0, 0, err
	}
	defer cur.Close()
	var n, maxID uint64
	var e schema.Entry
	var dec decoder
	var ks index.Keys
	var scratch [][]byte
	suffixes := 0
	k, v, err := cur.Get(nil, nil, engine.First)
	for ; err == nil; k, v, err = cur.Get(nil, nil, engine.Next) {
		id := idOf(k)
		n, maxID = n+1, id
		if err := dec.decode(&e, v, c.b.ads.snapshot()); err != nil {
			c.report("entry %d: %v", id, err)
			continue
		}
		if c.dnRecords(id) == rootID {
			suffixes++
		}
		for _, d := range c.b.ix {
			if d.built && d.dbi != 0 {
				c.indexKeys(d, id, &e, &ks, &scratch)
			}
		}
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return 0, 0, err
	}
	if n > 0 && suffixes != 1 {
		c.report("%d entries directly under the root, want the suffix only", suffixes)
	}
	return n, maxID, nil
}

// dnRecords checks id's id2dn and dn2id records and its parent; it returns
// the parent ID (or an impossible value on failure).
func (c *checker) dnRecords(id uint64) uint64 {
	var kb [8]byte
	v, err := c.txn.Get(c.b.db.id2dn, idKey(&kb, id))
	if err != nil {
		c.report("entry %d: no id2dn record: %v", id, err)
		return ^uint64(0)
	}
	rec, err := decodeID2DN(v)
	if err != nil {
		c.report("entry %d: id2dn: %v", id, err)
		return ^uint64(0)
	}
	parent := rec.parent
	got, err := c.txn.Get(c.b.db.dn2id, dnKey(nil, parent, string(rec.nrdn)))
	if err != nil || len(got) != 8 || binary.BigEndian.Uint64(got) != id {
		c.report("entry %d: dn2id record missing or pointing elsewhere", id)
	}
	if parent == rootID {
		if string(rec.nrdn) != c.b.nsuffix {
			c.report("entry %d: root child %q is not the suffix", id, rec.nrdn)
		}
		return parent
	}
	if _, err := c.txn.Get(c.b.db.id2entry, idKey(&kb, parent)); err != nil {
		c.report("entry %d: orphan, parent %d missing", id, parent)
	}
	return parent
}

// indexKeys checks that every key e produces in d holds id.
func (c *checker) indexKeys(d *indexDef, id uint64, e *schema.Entry, ks *index.Keys, scratch *[][]byte) {
	d.keysFor(c.b.reg, e, ks, scratch)
	c.expected[d] += uint64(ks.Len())
	cur, err := c.txn.OpenCursor(d.dbi)
	if err != nil {
		c.report("index %s: %v", d.typ.Name(), err)
		return
	}
	defer cur.Close()
	var idb [8]byte
	index.NativeEndian.PutID(idb[:], id)
	for i := 0; i < ks.Len(); i++ {
		if _, _, err := cur.Get(ks.Key(i), idb[:], engine.GetBoth); err != nil {
			c.report("index %s: entry %d missing under key %q", d.typ.Name(), id, ks.Key(i))
		}
	}
}

// reachable counts the entries reached by walking the DN tree down from
// the suffix, stopping past n (a cycle reachable from the suffix). The
// walk is depth first and keeps, per level, only the dn2id key of the
// child it is in, so its memory grows with the depth of the tree, not
// with the number of children of a container.
func (c *checker) reachable(n uint64) (uint64, error) {
	v, err := c.txn.Get(c.b.db.dn2id, dnKey(nil, rootID, c.b.nsuffix))
	if errors.Is(err, engine.ErrNotFound) || (err == nil && len(v) != 8) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	cs := childScan{b: c.b, txn: c.txn}
	defer cs.close()
	type frame struct {
		parent uint64
		in     bool   // walking a child already
		at     []byte // the dn2id key of the child being walked, when in
	}
	stack := []frame{{parent: binary.BigEndian.Uint64(v)}}
	count := uint64(1)
	for len(stack) > 0 && count <= n {
		f := &stack[len(stack)-1]
		var id uint64
		if f.in {
			id, err = cs.after(f.parent, f.at)
		} else {
			id, err = cs.first(f.parent)
		}
		if err != nil {
			return 0, err
		}
		if id == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		f.in, f.at = true, append(f.at[:0], cs.key()...)
		count++
		// Reuse the key buffer a popped frame left at this level.
		if len(stack) < cap(stack) {
			stack = stack[:len(stack)+1]
		} else {
			stack = append(stack, frame{})
		}
		nf := &stack[len(stack)-1]
		nf.parent, nf.in = id, false
	}
	return count, nil
}
