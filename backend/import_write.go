package backend

import (
	"encoding/binary"
	"errors"
	"fmt"

	"lightdir/engine"
)

// storeBatch stores the prepared entries of one job in input order, then
// returns the job's error, if any. It goes through the batch once per
// database (dn2id, then id2dn, then id2entry), so the appends to the
// last two follow each other and take the engine's append fast path.
func (im *importer) storeBatch(bt *prepBatch) error {
	if len(bt.recs) > 0 {
		if err := im.begin(len(bt.recs)); err != nil {
			return err
		}
		if err := im.syncADs(); err != nil {
			return err
		}
		first := im.b.nextID
		if err := im.linkAll(bt); err != nil {
			return err
		}
		if err := im.appendAll(bt, first); err != nil {
			return err
		}
		start := 0
		for i := range bt.recs {
			r := &bt.recs[i]
			if err := im.keys.add(bt, bt.keys[start:r.keysEnd], first+uint64(i)); err != nil {
				return err
			}
			start = r.keysEnd
			im.entries++
			im.prog.tick(im.entries)
		}
		if im.keys.bytes >= im.opts.BatchBytes || im.keys.bytes >= 1<<31 {
			if err := im.flushKeys(); err != nil {
				return err
			}
		}
	}
	return bt.err
}

// syncADs registers in the open transaction the attribute descriptions
// that workers numbered since the last call, so every number a stored
// blob uses is in the attrs DB of the same or an earlier transaction.
func (im *importer) syncADs() error {
	for _, desc := range im.ads.pending() {
		n, err := im.b.ads.intern(im.w.txn, im.b.db.attrs, desc)
		if err != nil {
			return err
		}
		if int(n) != im.ads.stored {
			return fmt.Errorf("%w: attribute description %q stored as %d, numbered %d", ErrCorrupted, desc, n, im.ads.stored)
		}
		im.ads.stored++
	}
	return nil
}

// linkAll gives the batch's entries the next IDs, in order, and stores
// their dn2id records: where the parent is resolved and duplicates are
// refused.
func (im *importer) linkAll(bt *prepBatch) error {
	b, txn := im.b, im.w.txn
	var kb [8]byte
	for i := range bt.recs {
		r := &bt.recs[i]
		r.parentID = rootID
		if !r.suffix {
			var err error
			if r.parentID, err = im.parentID(r); err != nil {
				return fmt.Errorf("ldif: line %d: dn %q: %w", r.line, r.dn, err)
			}
		}
		id := b.nextID
		b.nextID++
		nrdn := r.nrdn.of(bt.arena)
		buf := dnKey(im.path.buf[:0], r.parentID, nrdn)
		im.path.buf = buf
		binary.BigEndian.PutUint64(kb[:], id)
		if err := txn.Put(b.db.dn2id, buf, kb[:], engine.NoOverwrite); err != nil {
			if errors.Is(err, engine.ErrKeyExists) {
				err = fmt.Errorf("%w: entry already exists", ErrBadEntry)
			}
			return fmt.Errorf("ldif: line %d: dn %q: %w", r.line, r.dn, err)
		}
		im.path.push(r, nrdn, id)
	}
	return nil
}

// appendAll appends the id2dn records, then the blobs, of the batch's
// entries, whose IDs start at first.
func (im *importer) appendAll(bt *prepBatch, first uint64) error {
	b, txn := im.b, im.w.txn
	var kb [8]byte
	for i := range bt.recs {
		r := &bt.recs[i]
		rdn, nrdn := r.rdn.of(bt.arena), r.nrdn.of(bt.arena)
		buf := encodeID2DN(im.path.buf[:0], r.parentID, rdn, nrdn)
		im.path.buf = buf
		if err := txn.Put(b.db.id2dn, idKey(&kb, first+uint64(i)), buf, engine.Append); err != nil {
			return err
		}
	}
	for i := range bt.recs {
		if err := txn.Put(b.db.id2entry, idKey(&kb, first+uint64(i)), bt.recs[i].blob.of(bt.arena), engine.Append); err != nil {
			return err
		}
	}
	return nil
}

// parentPath is the chain of entries from the suffix down to the entry
// stored last, with their normalized DNs. In LDIF order (parents first,
// usually depth-first) an entry's parent is nearly always on it, which
// spares a walk down the DN tree per entry.
type parentPath struct {
	levels []pathLevel
	n      int    // levels in use
	buf    []byte // scratch for DN records
}

type pathLevel struct {
	ndn []byte
	id  uint64
}

// find returns the level holding ndn, or -1.
func (pp *parentPath) find(ndn string) int {
	for i := pp.n - 1; i >= 0; i-- {
		if string(pp.levels[i].ndn) == ndn {
			return i
		}
	}
	return -1
}

// set makes level i hold id and the normalized DN first, then ','
// and parent unless parent is empty.
func (pp *parentPath) set(i int, id uint64, first []byte, parent string) {
	if i == len(pp.levels) {
		pp.levels = append(pp.levels, pathLevel{})
	}
	l := &pp.levels[i]
	l.ndn, l.id = append(l.ndn[:0], first...), id
	if len(first) > 0 && parent != "" {
		l.ndn = append(l.ndn, ',')
	}
	if parent != "" {
		l.ndn = append(l.ndn, parent...)
	}
	pp.n = i + 1
}

// push records a stored entry as the new end of the path: the child of
// the level holding its parent (parentID put it there).
func (pp *parentPath) push(r *prepRec, nrdn []byte, id uint64) {
	if r.suffix {
		pp.set(0, id, nrdn, "")
		return
	}
	pp.set(pp.n, id, nrdn, r.nparent)
}

// parentID returns the ID of r's parent, from the path or else from the
// DN tree, and leaves the path ending at the parent.
func (im *importer) parentID(r *prepRec) (uint64, error) {
	pp := &im.path
	if i := pp.find(r.nparent); i >= 0 {
		pp.n = i + 1
		return pp.levels[i].id, nil
	}
	id, _, found, err := im.b.lookup(im.w.txn, r.parent)
	if err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("%w: parent %q does not exist (parents must come first)", ErrBadEntry, r.dn[rdnEnd(r.dn)+1:])
	}
	pp.set(0, id, nil, r.nparent)
	return id, nil
}
