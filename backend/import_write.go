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
		if err := im.putAdopted(); err != nil {
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
		n, err := im.b.ads.intern(im.w.txn, im.b.db.attrs, im.b.db.meta, desc)
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
// refused. An entry whose parent is not stored yet waits for it (adopt).
func (im *importer) linkAll(bt *prepBatch) error {
	b := im.b
	for i := range bt.recs {
		r := &bt.recs[i]
		r.parentID, r.orphan = rootID, false
		id := b.nextID
		b.nextID++
		nrdn := r.nrdn.of(bt.arena)
		if !r.suffix {
			pid, found, err := im.parentID(r)
			if err != nil {
				return fmt.Errorf("ldif: line %d: dn %q: %w", r.line, r.dn, err)
			}
			if !found {
				// The parent may come later, as in slapcat's output after a
				// modrdn with newSuperior: link the entry when it does.
				r.orphan = true
				if im.orphans == nil {
					im.orphans = map[string][]orphan{}
				}
				im.orphans[r.nparent] = append(im.orphans[r.nparent], orphan{id: id, line: r.line, dn: r.dn,
					rdn: string(r.rdn.of(bt.arena)), nrdn: string(nrdn)})
				continue
			}
			r.parentID = pid
		}
		if err := im.putDN2ID(r.parentID, nrdn, id, r.line, r.dn); err != nil {
			return err
		}
		im.path.push(r, nrdn, id)
		if len(im.orphans) > 0 {
			ndn := string(nrdn)
			if !r.suffix {
				ndn += "," + r.nparent
			}
			if err := im.adopt(ndn, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// putDN2ID stores the dn2id record of entry id, refusing a duplicate.
func (im *importer) putDN2ID(parent uint64, nrdn []byte, id uint64, line int, dn string) error {
	var kb [8]byte
	buf := dnKey(im.path.buf[:0], parent, nrdn)
	im.path.buf = buf
	binary.BigEndian.PutUint64(kb[:], id)
	if err := im.w.txn.Put(im.b.db.dn2id, buf, kb[:], engine.NoOverwrite); err != nil {
		if errors.Is(err, engine.ErrKeyExists) {
			err = fmt.Errorf("%w: entry already exists", ErrBadEntry)
		}
		return fmt.Errorf("ldif: line %d: dn %q: %w", line, dn, err)
	}
	return nil
}

// orphan is a stored entry whose parent had not been stored yet: it has
// its ID, blob and index keys, but no DN records until the parent comes.
type orphan struct {
	id        uint64
	line      int
	dn        string
	rdn, nrdn string
}

// adopted is an orphan linked below parent, whose id2dn record is written
// after the batch's appends (putAdopted): its ID may be below theirs.
type adopted struct {
	id, parent uint64
	rdn, nrdn  string
}

// adopt links the orphans waiting for the entry id with normalized DN
// ndn, then theirs in turn.
func (im *importer) adopt(ndn string, id uint64) error {
	kids := im.orphans[ndn]
	if kids == nil {
		return nil
	}
	delete(im.orphans, ndn)
	for _, o := range kids {
		if err := im.putDN2ID(id, []byte(o.nrdn), o.id, o.line, o.dn); err != nil {
			return err
		}
		im.adopted = append(im.adopted, adopted{id: o.id, parent: id, rdn: o.rdn, nrdn: o.nrdn})
		if err := im.adopt(o.nrdn+","+ndn, o.id); err != nil {
			return err
		}
	}
	return nil
}

// putAdopted writes the id2dn records of the orphans adopted so far.
func (im *importer) putAdopted() error {
	var kb [8]byte
	for _, a := range im.adopted {
		buf := encodeID2DN(im.path.buf[:0], a.parent, a.rdn, a.nrdn)
		im.path.buf = buf
		if err := im.w.txn.Put(im.b.db.id2dn, idKey(&kb, a.id), buf, 0); err != nil {
			return err
		}
	}
	im.adopted = im.adopted[:0]
	return nil
}

// orphanError reports, at the end of the input, the first entry whose
// parent never came.
func (im *importer) orphanError() error {
	var first *orphan
	for _, kids := range im.orphans {
		for i := range kids {
			if first == nil || kids[i].line < first.line {
				first = &kids[i]
			}
		}
	}
	if first == nil {
		return nil
	}
	return fmt.Errorf("ldif: line %d: dn %q: %w: parent %q does not exist", first.line, first.dn, ErrBadEntry, first.dn[rdnEnd(first.dn)+1:])
}

// appendAll appends the id2dn records, then the blobs, of the batch's
// entries, whose IDs start at first.
func (im *importer) appendAll(bt *prepBatch, first uint64) error {
	b, txn := im.b, im.w.txn
	var kb [8]byte
	for i := range bt.recs {
		r := &bt.recs[i]
		if r.orphan {
			continue // putAdopted writes it once the parent is in
		}
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
// DN tree, and leaves the path ending at the parent; found is false when
// the parent is not stored (yet).
func (im *importer) parentID(r *prepRec) (id uint64, found bool, err error) {
	pp := &im.path
	if i := pp.find(r.nparent); i >= 0 {
		pp.n = i + 1
		return pp.levels[i].id, true, nil
	}
	id, _, found, err = im.b.lookup(im.w.txn, r.parent)
	if err != nil || !found {
		return 0, false, err
	}
	pp.set(0, id, nil, r.nparent)
	return id, true, nil
}
