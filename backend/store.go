package backend

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// writer is the state of one write operation: its transaction and scratch.
type writer struct {
	b   *Backend
	txn *engine.Txn
	s   indexScratch
	dec decoder
	buf []byte
}

// write runs fn in one write transaction and commits it unless fn fails
// or noop is set: either everything fn did is stored, or nothing.
func (b *Backend) write(ctx context.Context, noop bool, fn func(w *writer) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if b.opts.ReadOnly {
		return ldapErr(ldapserver.UnwillingToPerform, "database is read-only")
	}
	txn, err := b.env.BeginWrite()
	if err != nil {
		return err
	}
	saved := b.nextID
	w := b.nextWriter(txn)
	err = fn(w)
	if err == nil && !noop {
		err = txn.Commit()
	} else {
		txn.Abort()
	}
	w.txn = nil
	committed := err == nil && !noop
	if !committed {
		b.nextID = saved
	}
	b.ads.settle(committed)
	return withMapFullHint(err, b.opts.MapSize)
}

// maxWriterBuf is the largest entry buffer a writer keeps for the next
// write; a bigger one (a huge entry) is dropped.
const maxWriterBuf = 1 << 20

// nextWriter readies the backend's writer for a write in txn, keeping the
// buffers earlier writes grew (index keys, decoder, entry blob), so a
// write allocates none of them once warm. The caller holds wmu.
func (b *Backend) nextWriter(txn *engine.Txn) *writer {
	w := &b.wr
	buf := w.buf[:0]
	if cap(buf) > maxWriterBuf {
		buf = nil
	}
	*w = writer{b: b, txn: txn, s: w.s, dec: w.dec, buf: buf}
	return w
}

// allocID returns a new ID and persists the counter in the same transaction.
func (w *writer) allocID() (uint64, error) {
	id := w.b.nextID
	w.b.nextID++
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], w.b.nextID)
	return id, w.txn.Put(w.b.db.meta, []byte(metaNextID), v[:], 0)
}

// putEntry stores the blob of the prepared entry e under id.
func (w *writer) putEntry(id uint64, e *schema.Entry) error {
	var err error
	w.buf, err = encodeEntry(w.buf[:0], e, func(desc string) (uint32, error) {
		return w.b.ads.intern(w.txn, w.b.db.attrs, w.b.db.meta, desc)
	})
	if err != nil {
		return err
	}
	var kb [8]byte
	return w.txn.Put(w.b.db.id2entry, idKey(&kb, id), w.buf, 0)
}

// getEntry returns a private copy of entry id (safe across later writes
// in the transaction), with dn as its DN.
func (w *writer) getEntry(id uint64, dn schema.DN) (*schema.Entry, error) {
	e := &schema.Entry{}
	if err := w.b.readEntry(w.txn, id, e, &w.dec); err != nil {
		return nil, err
	}
	c := cloneEntry(e)
	c.DN = dn
	return c, nil
}

// target is the first step of a change to an existing entry: it resolves
// the normalized ndn (dn as the client gave it) and returns the entry's ID
// and a private copy (getEntry) with dn as its DN; noSuchObject with the
// matched DN when it is missing. Without manage (ManageDsaIT), a target
// at or below a referral object is a referral (referral_write.go).
func (w *writer) target(ndn, dn schema.DN, manage bool) (uint64, *schema.Entry, error) {
	id, matched, found, err := w.b.lookup(w.txn, ndn)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		if !manage {
			if err := w.b.referralAt(w.txn, &w.dec, id, nil, dn, matched); err != nil {
				return 0, nil, err
			}
		}
		return 0, nil, w.b.noSuchObjectAt(w.txn, id, dn, matched)
	}
	e, err := w.getEntry(id, dn)
	if err != nil {
		return 0, nil, err
	}
	if !manage {
		if err := w.b.referralAt(w.txn, &w.dec, id, e, dn, len(dn)); err != nil {
			return 0, nil, err
		}
	}
	return id, e, nil
}

// readEntry decodes entry id into e; slices point into the transaction's
// pages.
func (b *Backend) readEntry(txn *engine.Txn, id uint64, e *schema.Entry, dec *decoder) error {
	var kb [8]byte
	v, err := txn.Get(b.db.id2entry, idKey(&kb, id))
	if err != nil {
		return fmt.Errorf("backend: entry %d: %w", id, err)
	}
	return dec.decode(e, v, b.ads.snapshot())
}

// cloneEntry deep-copies e (values and normalized values) into one byte
// arena and one slice-header arena, so a write's copies of an entry cost a
// few allocations, not one per value. Every copied slice is capped at its
// length: appending to it (addValues) reallocates instead of running into
// its neighbour.
func cloneEntry(e *schema.Entry) *schema.Entry {
	nvals, nbytes := 0, 0
	for i := range e.Attrs {
		a := &e.Attrs[i]
		nvals += len(a.Values) + len(a.Norm)
		for _, v := range a.Values {
			nbytes += len(v)
		}
		for _, v := range a.Norm {
			nbytes += len(v)
		}
	}
	buf := make([]byte, 0, nbytes)
	vals := make([][]byte, 0, nvals)
	dup := func(v []byte) []byte {
		start := len(buf)
		buf = append(buf, v...)
		return buf[start:len(buf):len(buf)]
	}
	c := &schema.Entry{DN: e.DN, Attrs: make([]schema.Attribute, len(e.Attrs))}
	for i, a := range e.Attrs {
		na := schema.Attribute{Desc: a.Desc, Type: a.Type}
		k := len(vals)
		for _, v := range a.Values {
			vals = append(vals, dup(v))
		}
		na.Values = vals[k:len(vals):len(vals)]
		if a.Norm != nil {
			k = len(vals)
			for _, v := range a.Norm {
				if v != nil {
					v = dup(v)
				}
				vals = append(vals, v)
			}
			na.Norm = vals[k:len(vals):len(vals)]
		}
		c.Attrs[i] = na
	}
	return c
}

// Operational attributes the backend maintains in the stored entry.
const (
	atEntryUUID       = "entryUUID"
	atEntryCSN        = "entryCSN"
	atCreateTimestamp = "createTimestamp"
	atModifyTimestamp = "modifyTimestamp"
	atCreatorsName    = "creatorsName"
	atModifiersName   = "modifiersName"
	atStructuralOC    = "structuralObjectClass"
)

// csnClock makes entryCSN values unique and increasing within the process.
var csnClock struct {
	sync.Mutex
	last  string
	count int
}

// newCSN returns an entryCSN for now: time#count#sid#mod as slapd writes it.
func newCSN(now time.Time) string {
	ts := now.UTC().Format("20060102150405.000000Z")
	csnClock.Lock()
	defer csnClock.Unlock()
	if ts == csnClock.last {
		csnClock.count++
	} else {
		csnClock.last, csnClock.count = ts, 0
	}
	return fmt.Sprintf("%s#%06x#000#000000", ts, csnClock.count)
}

func generalizedTime(t time.Time) string { return t.UTC().Format("20060102150405Z") }

func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// setAttr replaces (or adds) attribute desc with vals.
func setAttr(e *schema.Entry, desc string, vals ...string) {
	bv := make([][]byte, len(vals))
	for i, v := range vals {
		bv[i] = []byte(v)
	}
	if a := e.Get(desc); a != nil {
		a.Values, a.Norm = bv, nil
		return
	}
	e.Attrs = append(e.Attrs, schema.Attribute{Desc: desc, Values: bv})
}

// stampCreate adds the operational attributes of a new entry; existing
// ones (from an import) are kept.
func (b *Backend) stampCreate(e *schema.Entry, who string, now time.Time) {
	keep := func(desc, v string) {
		if e.Get(desc) == nil {
			setAttr(e, desc, v)
		}
	}
	if oc, err := b.reg.StructuralObjectClass(e); err == nil && oc != nil {
		keep(atStructuralOC, oc.Name())
	}
	keep(atEntryUUID, newUUID())
	keep(atCreatorsName, who)
	keep(atCreateTimestamp, generalizedTime(now))
	keep(atEntryCSN, newCSN(now))
	keep(atModifiersName, who)
	keep(atModifyTimestamp, generalizedTime(now))
}

// stampModify updates the operational attributes of a changed entry.
func stampModify(e *schema.Entry, who string, now time.Time) {
	setAttr(e, atModifiersName, who)
	setAttr(e, atModifyTimestamp, generalizedTime(now))
	setAttr(e, atEntryCSN, newCSN(now))
}
