package backend

import (
	"context"
	"errors"
	"io"
	"strings"

	"lightdir/engine"
	"lightdir/ldif"
	"lightdir/schema"
)

// Export writes every entry, operational attributes included, as LDIF
// that Import and slapadd accept (the slapcat analogue). It reads one
// read-transaction snapshot, so it is consistent and runs alongside the
// server. Entries come in ID order, except that an entry moved below a
// newer parent waits until its parent has been written.
func (b *Backend) Export(ctx context.Context, w io.Writer) error {
	txn, err := b.env.BeginRead()
	if err != nil {
		return err
	}
	defer txn.Abort()
	if err := b.readADs(txn); err != nil {
		return err
	}
	x := &exporter{b: b, txn: txn, lw: ldif.NewWriter(w, ldif.WriterOptions{}),
		waiting: map[uint64][]uint64{}, deferred: map[uint64]bool{}, dnCache: map[uint64]string{}}
	c, err := txn.OpenCursor(b.db.id2entry)
	if err != nil {
		return err
	}
	defer c.Close()
	k, v, err := c.Get(nil, nil, engine.First)
	for n := 0; err == nil; k, v, err = c.Get(nil, nil, engine.Next) {
		if n++; n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := x.entry(idOf(k), v); err != nil {
			return err
		}
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return err
	}
	return x.lw.Flush()
}

type exporter struct {
	b        *Backend
	txn      *engine.Txn
	lw       *ldif.Writer
	dec      decoder
	e        schema.Entry
	out      ldif.Entry
	waiting  map[uint64][]uint64 // parent ID -> children waiting for it
	deferred map[uint64]bool     // IDs not yet written although their turn came
	dnCache  map[uint64]string
}

// entry writes id now if its parent is out, otherwise queues it.
func (x *exporter) entry(id uint64, blob []byte) error {
	parent, err := x.b.parentOf(x.txn, id)
	if err != nil {
		return err
	}
	if parent != rootID && (parent > id || x.deferred[parent]) {
		x.deferred[id] = true
		x.waiting[parent] = append(x.waiting[parent], id)
		return nil
	}
	return x.write(id, blob)
}

func (x *exporter) write(id uint64, blob []byte) error {
	if blob == nil {
		var kb [8]byte
		var err error
		if blob, err = x.txn.Get(x.b.db.id2entry, idKey(&kb, id)); err != nil {
			return err
		}
	}
	if err := x.dec.decode(&x.e, blob, x.b.ads.snapshot()); err != nil {
		return err
	}
	dn, err := x.b.dnOf(x.txn, id, x.dnCache)
	if err != nil {
		return err
	}
	x.out.DN = dn
	x.out.Attrs = x.out.Attrs[:0]
	for _, a := range x.e.Attrs {
		desc := a.Desc
		if !ldif.ValidDescription(desc) {
			desc = ldifDescription(desc, a.Type)
		}
		x.out.Attrs = append(x.out.Attrs, ldif.Attr{Desc: desc, Values: a.Values})
	}
	if err := x.lw.WriteEntry(&x.out); err != nil {
		return err
	}
	delete(x.deferred, id)
	kids := x.waiting[id]
	delete(x.waiting, id)
	for _, k := range kids {
		if err := x.write(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// ldifDescription returns desc with its type named so that LDIF can carry
// it. The schema loader accepts type names with '_' or '.' (vendor schemas
// use them) and entries store a type under its first name, but an LDIF
// description must be a descr or a numeric OID: another name of the type
// that is a descr, else its OID, names the same type, and import maps it
// back. Options are kept.
func ldifDescription(desc string, at *schema.AttributeType) string {
	if at == nil {
		return desc
	}
	typ := at.OID
	for _, n := range at.Names {
		if ldif.ValidDescription(n) {
			typ = n
			break
		}
	}
	if _, opts, ok := strings.Cut(desc, ";"); ok {
		return typ + ";" + opts
	}
	return typ
}
