package index

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// Encoding is the byte form of an 8-byte ID inside a stored ID list (the
// duplicate values of an index key, read a page at a time as one []byte).
//
// We assume BigEndian (shared/docs/backend-design.md §10.2.1): byte-wise
// comparison of big-endian IDs is numeric order, so the engine needs no
// integer comparator and files are portable. NativeEndian is the form
// LMDB's INTEGERDUP flag compares as native unsigned integers (what
// back-mdb stores); it is provided for databases using that flag, and is
// not portable across byte orders.
type Encoding uint8

// The two encodings.
const (
	BigEndian Encoding = iota
	NativeEndian
)

// IDSize is the size of one stored ID.
const IDSize = 8

// String names the encoding.
func (e Encoding) String() string {
	if e == NativeEndian {
		return "native-endian"
	}
	return "big-endian"
}

// byteOrder is what both binary.BigEndian and binary.NativeEndian offer.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func (e Encoding) order() byteOrder {
	if e == NativeEndian {
		return binary.NativeEndian
	}
	return binary.BigEndian
}

// PutID writes id into b[:8].
func (e Encoding) PutID(b []byte, id uint64) { e.order().PutUint64(b, id) }

// ID reads the ID in b[:8].
func (e Encoding) ID(b []byte) uint64 { return e.order().Uint64(b) }

// AppendID appends the 8-byte form of id.
func (e Encoding) AppendID(dst []byte, id uint64) []byte { return e.order().AppendUint64(dst, id) }

// Append appends the explicit IDs of l, 8 bytes each. Ranges are never
// stored (§10.2.4: lists on disk stay exact), so a range panics: it is a
// programmer error to try.
func (e Encoding) Append(dst []byte, l List) []byte {
	if l.isRng {
		panic("index: cannot encode a range-form List")
	}
	order := e.order()
	for _, id := range l.ids {
		dst = order.AppendUint64(dst, id)
	}
	return dst
}

// Decode appends the IDs stored in b to dst[:0] and returns them as a
// List. It returns ErrBadLength if len(b) is not a multiple of 8 and
// ErrNotSorted if the IDs are not strictly ascending (a corrupted list).
// The result never aliases b.
func (e Encoding) Decode(dst []uint64, b []byte) (List, error) {
	var bld Builder
	bld.Reset(dst, int(^uint(0)>>1))
	if err := bld.AddEncoded(b, e); err != nil {
		return List{}, err
	}
	return bld.List(), nil
}

// Builder assembles a List from IDs arriving in ascending order (an index
// key's duplicates, page by page). Once more than its limit of IDs has
// arrived it switches to the range form [first, last]. The zero Builder
// is ready, with limit DefaultMaxIDs.
type Builder struct {
	ids    []uint64
	max    int
	lo, hi uint64
	isRng  bool
	n      uint64 // IDs added
}

// Reset empties the builder, reusing dst's storage for the explicit IDs,
// with maxIDs as the limit (<= 0 means DefaultMaxIDs).
func (b *Builder) Reset(dst []uint64, maxIDs int) {
	if maxIDs <= 0 {
		maxIDs = DefaultMaxIDs
	}
	*b = Builder{ids: dst[:0], max: maxIDs}
}

// Add appends id, which must be greater than every ID added before
// (ErrNotSorted otherwise, and the builder is unchanged).
func (b *Builder) Add(id uint64) error {
	if b.n > 0 && id <= b.hi {
		return fmt.Errorf("%w: %d after %d", ErrNotSorted, id, b.hi)
	}
	if b.max == 0 {
		b.max = DefaultMaxIDs
	}
	b.n++
	if b.n == 1 {
		b.lo = id
	}
	b.hi = id
	if b.isRng {
		return nil
	}
	if len(b.ids) >= b.max {
		b.isRng = true
		b.ids = b.ids[:0]
		return nil
	}
	b.ids = append(b.ids, id)
	return nil
}

// AddEncoded adds the IDs stored in page (a whole number of 8-byte IDs in
// encoding e, ascending). On error (ErrBadLength, ErrNotSorted) the IDs
// before the bad one have been added.
func (b *Builder) AddEncoded(page []byte, e Encoding) error {
	if len(page)%IDSize != 0 {
		return fmt.Errorf("%w: %d bytes", ErrBadLength, len(page))
	}
	if !b.isRng && len(b.ids)+len(page)/IDSize <= b.limit() {
		return b.addFast(page, e)
	}
	// Two loops so that neither encoding pays an interface call per ID.
	if e == BigEndian {
		for off := 0; off < len(page); off += IDSize {
			if err := b.Add(binary.BigEndian.Uint64(page[off:])); err != nil {
				return err
			}
		}
		return nil
	}
	for off := 0; off < len(page); off += IDSize {
		if err := b.Add(binary.NativeEndian.Uint64(page[off:])); err != nil {
			return err
		}
	}
	return nil
}

func (b *Builder) limit() int {
	if b.max == 0 {
		return DefaultMaxIDs
	}
	return b.max
}

// addFast adds a page that fits under the limit in one tight loop (one
// per encoding, so the byte order calls inline): one bounds check per
// page, one comparison per ID. The backend's index pages are
// native-endian, so both encodings need it.
func (b *Builder) addFast(page []byte, e Encoding) error {
	n := len(page) / IDSize
	if n == 0 {
		return nil
	}
	start := len(b.ids)
	b.ids = slices.Grow(b.ids, n)[:start+n]
	out := b.ids[start:]
	var done int
	var last uint64
	if e == BigEndian {
		done, last = decodeBigEndian(out, page, b.hi, b.n > 0)
	} else {
		done, last = decodeNativeEndian(out, page, b.hi, b.n > 0)
	}
	if b.n == 0 {
		b.lo = out[0] // the first ID is never out of order
	}
	b.n += uint64(done)
	b.hi = last
	if done < n {
		// Keep the IDs before the bad one, as Add would have.
		b.ids = b.ids[:start+done]
		return fmt.Errorf("%w: %d after %d", ErrNotSorted, e.ID(page[done*IDSize:]), last)
	}
	return nil
}

// decodeBigEndian fills out from page while the IDs ascend (after prev,
// when have); it returns how many it decoded and the last of them (prev
// if none).
func decodeBigEndian(out []uint64, page []byte, prev uint64, have bool) (int, uint64) {
	for i := range out {
		id := binary.BigEndian.Uint64(page[i*IDSize:])
		if have && id <= prev {
			return i, prev
		}
		out[i] = id
		prev, have = id, true
	}
	return len(out), prev
}

// decodeNativeEndian is decodeBigEndian for native-endian pages.
func decodeNativeEndian(out []uint64, page []byte, prev uint64, have bool) (int, uint64) {
	for i := range out {
		id := binary.NativeEndian.Uint64(page[i*IDSize:])
		if have && id <= prev {
			return i, prev
		}
		out[i] = id
		prev, have = id, true
	}
	return len(out), prev
}

// Count returns how many IDs have been added (also after the switch to a
// range).
func (b *Builder) Count() uint64 { return b.n }

// List returns the IDs added so far; an explicit result shares the
// builder's storage until the next Reset.
func (b *Builder) List() List {
	if b.isRng {
		return Range(b.lo, b.hi)
	}
	return List{ids: b.ids}
}
