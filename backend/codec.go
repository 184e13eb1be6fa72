package backend

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"lightdir/schema"
)

// Entry blob (id2entry value), all integers unsigned varints:
//
//	version (1 byte, codecVersion)
//	nattrs
//	per attribute: AD number, nvalues,
//	    per value: len, bytes, normTag [, norm bytes]
//
// normTag 0 means the equality-normalized value equals the value (stored
// once), 1 means there is none (unknown type, or the value does not
// normalize), n+2 means n bytes of normalized value follow. Storing the
// normalized values lets a filter test compare bytes without normalizing;
// storing them only when they differ keeps identifiers (IMSI, MSISDN)
// stored once. The DN is not in the blob: it lives in the DN tree, so a
// subtree move never rewrites descendants.
const codecVersion = 1

// encodeEntry appends the blob of e to dst. e must be prepared
// (schema.Registry.PrepareEntry); ad maps a description to its number.
func encodeEntry(dst []byte, e *schema.Entry, ad func(desc string) (uint32, error)) ([]byte, error) {
	dst = append(dst, codecVersion)
	dst = binary.AppendUvarint(dst, uint64(len(e.Attrs)))
	for i := range e.Attrs {
		n, err := ad(e.Attrs[i].Desc)
		if err != nil {
			return nil, err
		}
		dst = appendAttr(dst, &e.Attrs[i], n)
	}
	return dst, nil
}

// encodeEntryADs is encodeEntry with the AD numbers of e's attributes
// given in order.
func encodeEntryADs(dst []byte, e *schema.Entry, ads []uint32) []byte {
	dst = append(dst, codecVersion)
	dst = binary.AppendUvarint(dst, uint64(len(e.Attrs)))
	for i := range e.Attrs {
		dst = appendAttr(dst, &e.Attrs[i], ads[i])
	}
	return dst
}

// appendAttr appends one attribute with AD number n.
func appendAttr(dst []byte, a *schema.Attribute, n uint32) []byte {
	dst = binary.AppendUvarint(dst, uint64(n))
	dst = binary.AppendUvarint(dst, uint64(len(a.Values)))
	for j, v := range a.Values {
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
		var nv []byte
		if a.Norm != nil {
			nv = a.Norm[j]
		}
		switch {
		case nv == nil:
			dst = append(dst, 1)
		case bytes.Equal(nv, v):
			dst = append(dst, 0)
		default:
			dst = binary.AppendUvarint(dst, uint64(len(nv))+2)
			dst = append(dst, nv...)
		}
	}
	return dst
}

// decoder turns blobs into schema.Entry values whose byte slices point
// into the blob (valid while the blob's transaction lives). It reuses its
// buffers, so decoding many entries allocates nothing once they have
// grown. Not safe for concurrent use.
type decoder struct {
	vals, norms [][]byte // backing stores for Values and Norm of every attribute
	ends        []int    // end of each attribute's values in vals
}

// decode fills e (Attrs reused) from blob; ads is the AD snapshot.
func (d *decoder) decode(e *schema.Entry, blob []byte, ads []adInfo) error {
	if len(blob) == 0 || blob[0] != codecVersion {
		return fmt.Errorf("%w: entry blob version", ErrCorrupted)
	}
	r := reader{b: blob[1:]}
	nattrs := r.uvarint()
	if r.bad || nattrs > uint64(len(blob)) {
		return fmt.Errorf("%w: entry blob header", ErrCorrupted)
	}
	e.Attrs = e.Attrs[:0]
	d.vals, d.norms, d.ends = d.vals[:0], d.norms[:0], d.ends[:0]
	for i := uint64(0); i < nattrs; i++ {
		n := r.uvarint()
		nv := r.uvarint()
		if r.bad || n >= uint64(len(ads)) || nv > uint64(len(r.b)) {
			return fmt.Errorf("%w: entry blob attribute %d", ErrCorrupted, i)
		}
		for j := uint64(0); j < nv; j++ {
			v := r.bytes(r.uvarint())
			d.vals = append(d.vals, v)
			switch tag := r.uvarint(); tag {
			case 0:
				d.norms = append(d.norms, v)
			case 1:
				d.norms = append(d.norms, nil)
			default:
				d.norms = append(d.norms, r.bytes(tag-2))
			}
		}
		if r.bad {
			return fmt.Errorf("%w: entry blob values of attribute %d", ErrCorrupted, i)
		}
		d.ends = append(d.ends, len(d.vals))
		e.Attrs = append(e.Attrs, schema.Attribute{Desc: ads[n].desc, Type: ads[n].typ})
	}
	start := 0
	for i := range e.Attrs {
		end := d.ends[i]
		a := &e.Attrs[i]
		a.Values = d.vals[start:end:end]
		if a.Type != nil && a.Type.Equality != nil {
			a.Norm = d.norms[start:end:end]
		}
		start = end
	}
	return nil
}

type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.bad = true
		r.b = nil
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}
