package engine

import "bytes"

// keyOrder is how a tree orders its keys (or duplicate values). It is a
// value with a compare method rather than a function value, so that keys
// handed to a comparison do not escape to the heap.
type keyOrder uint8

const (
	orderBytes keyOrder = iota
	orderReverse
	orderInteger
)

// compare returns negative, zero or positive as a sorts before, with or after b.
func (o keyOrder) compare(a, b []byte) int {
	switch o {
	case orderReverse:
		return cmpReverse(a, b)
	case orderInteger:
		return cmpInteger(a, b)
	}
	return bytes.Compare(a, b)
}

// comparators returns the key and duplicate comparators for DB flags
// (format spec section 11): for keys ReverseKey beats IntegerKey, for
// values IntegerDup beats ReverseDup.
func comparators(flags uint16) (key, dup keyOrder) {
	switch {
	case flags&dbReverseKey != 0:
		key = orderReverse
	case flags&dbIntegerKey != 0:
		key = orderInteger
	}
	switch {
	case flags&dbIntegerDup != 0:
		dup = orderInteger
	case flags&dbReverseDup != 0:
		dup = orderReverse
	}
	return key, dup
}

// cmpReverse compares from the last byte backwards; a suffix of the other sorts first.
func cmpReverse(a, b []byte) int {
	i, j := len(a)-1, len(b)-1
	for i >= 0 && j >= 0 {
		if a[i] != b[j] {
			if a[i] < b[j] {
				return -1
			}
			return 1
		}
		i--
		j--
	}
	switch {
	case i < 0 && j < 0:
		return 0
	case i < 0:
		return -1
	default:
		return 1
	}
}

// cmpInteger compares native (little-endian) unsigned integers of 4 or 8 bytes.
// Items of other sizes fall back to a length-then-reverse-bytes order, which is
// the numeric order of little-endian numbers of any equal length.
func cmpInteger(a, b []byte) int {
	if len(a) == 8 && len(b) == 8 {
		return cmpU64(le.Uint64(a), le.Uint64(b))
	}
	if len(a) == 4 && len(b) == 4 {
		return cmpU64(uint64(le.Uint32(a)), uint64(le.Uint32(b)))
	}
	if len(a) != len(b) {
		return cmpU64(uint64(len(a)), uint64(len(b)))
	}
	return cmpReverse(a, b)
}

func cmpU64(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// setOrder sets the comparators for DB flags.
func (in *dbInfo) setOrder(flags uint16) {
	in.cmp, in.dcmp = comparators(flags)
	in.bytewise = flags&(dbReverseKey|dbIntegerKey) == 0
}
