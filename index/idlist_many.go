package index

import (
	"slices"
	"sync"
)

// IntersectAll intersects lists, smallest first (by Len; the order of the
// lists slice is changed), writing an explicit result into dst[:0], which
// must not share storage with any list. It stops as soon as the result is
// empty, or holds at most stopAt IDs (stopAt <= 0: never early): a small
// candidate set is cheaper to re-test against the filter than the
// remaining big lists are to read. An early result is a superset of the
// full intersection, which is all a candidate set must be.
//
// This is the AND planning of shared/docs/backend-design.md §10.3.1 for
// lists already in memory; with O(1) per-key counts from the engine the
// backend can order keys the same way before reading any.
func IntersectAll(dst []uint64, lists []List, stopAt int) List {
	if len(lists) == 0 {
		return List{ids: dst[:0]}
	}
	slices.SortFunc(lists, func(a, b List) int {
		switch la, lb := a.Len(), b.Len(); {
		case la < lb:
			return -1
		case la > lb:
			return 1
		}
		return 0
	})
	res := lists[0]
	if !res.isRng {
		res = List{ids: append(dst[:0], res.ids...)}
	}
	for _, l := range lists[1:] {
		if res.IsEmpty() || (stopAt > 0 && !res.isRng && len(res.ids) <= stopAt) {
			break
		}
		if res.isRng {
			// range ∩ l: write into dst, which res does not use.
			res = Intersect(dst[:0], res, l)
			continue
		}
		res = Intersect(res.ids, res, l) // in place
	}
	return res
}

// bufPool holds ID buffers for per-operation scratch.
var bufPool = sync.Pool{New: func() any {
	b := make([]uint64, 0, 1024)
	return &b
}}

// GetBuffer returns an empty ID buffer from a shared pool; give it back
// with PutBuffer when no List built on it is in use any more. Safe for
// concurrent use.
func GetBuffer() *[]uint64 {
	b := bufPool.Get().(*[]uint64)
	*b = (*b)[:0]
	return b
}

// PutBuffer returns a buffer to the pool. Buffers grown past 4 Mi IDs
// (32 MiB) are dropped instead, so one huge search does not pin memory.
func PutBuffer(b *[]uint64) {
	if cap(*b) > 4<<20 {
		return
	}
	bufPool.Put(b)
}
