package index

import (
	"iter"
	"math"
	"slices"
)

// DefaultMaxIDs is the default size limit of an explicit List (about a
// million IDs, 8 MiB): a list that would grow past it becomes a range.
const DefaultMaxIDs = 1 << 20

// List is a set of entry IDs in one of two forms:
//
//   - explicit: a strictly ascending slice of IDs;
//   - range [lo, hi]: a subset of lo..hi, not known exactly. Ranges appear
//     when a list grows past its size limit. They are candidates only:
//     every operation keeps "result ⊇ true result", and the search re-tests
//     each candidate against the filter anyway.
//
// The zero List is the empty set. A List is a small value; copying it
// shares the explicit slice, which no function here modifies except where
// a dst argument says so.
type List struct {
	ids    []uint64
	lo, hi uint64
	isRng  bool
}

// FromSorted returns an explicit List over ids, without copying. ids must
// be strictly ascending (Valid checks it); the caller must not modify it
// while the List is in use.
func FromSorted(ids []uint64) List { return List{ids: ids} }

// FromIDs returns an explicit List of the given IDs in any order,
// duplicates allowed; it copies them.
func FromIDs(ids ...uint64) List {
	s := slices.Clone(ids)
	slices.Sort(s)
	return List{ids: slices.Compact(s)}
}

// Range returns the range form [lo, hi], or the empty List if lo > hi.
func Range(lo, hi uint64) List {
	if lo > hi {
		return List{}
	}
	return List{lo: lo, hi: hi, isRng: true}
}

// IsRange reports whether l is in range form.
func (l List) IsRange() bool { return l.isRng }

// IsEmpty reports whether l holds no ID.
func (l List) IsEmpty() bool { return !l.isRng && len(l.ids) == 0 }

// IDs returns the explicit IDs (shared, not copied), or nil for a range.
func (l List) IDs() []uint64 {
	if l.isRng {
		return nil
	}
	return l.ids
}

// Bounds returns the smallest and largest ID; ok is false when l is empty.
func (l List) Bounds() (lo, hi uint64, ok bool) {
	if l.isRng {
		return l.lo, l.hi, true
	}
	if len(l.ids) == 0 {
		return 0, 0, false
	}
	return l.ids[0], l.ids[len(l.ids)-1], true
}

// Len returns the number of IDs l may hold: exact for an explicit List,
// hi-lo+1 for a range, saturated at math.MaxUint64.
func (l List) Len() uint64 {
	if !l.isRng {
		return uint64(len(l.ids))
	}
	if l.lo == 0 && l.hi == math.MaxUint64 {
		return math.MaxUint64
	}
	return l.hi - l.lo + 1
}

// Contains reports whether id may be in l: exact membership for an
// explicit List (binary search), lo <= id <= hi for a range.
func (l List) Contains(id uint64) bool {
	if l.isRng {
		return l.lo <= id && id <= l.hi
	}
	_, found := slices.BinarySearch(l.ids, id)
	return found
}

// Valid reports whether an explicit List is strictly ascending and a
// range has lo <= hi. Lists built by this package are always valid; use it
// on lists from FromSorted in tests and consistency checks.
func (l List) Valid() bool {
	if l.isRng {
		return l.lo <= l.hi
	}
	for i := 1; i < len(l.ids); i++ {
		if l.ids[i] <= l.ids[i-1] {
			return false
		}
	}
	return true
}

// Cursor walks a List in ascending order without allocating. Create one
// with List.Cursor.
type Cursor struct {
	l    List
	i    int    // next index into l.ids
	next uint64 // next ID of a range
	done bool
}

// Cursor returns a cursor positioned before the first ID.
func (l List) Cursor() Cursor {
	return Cursor{l: l, next: l.lo, done: l.IsEmpty()}
}

// Next returns the next ID; ok is false at the end.
func (c *Cursor) Next() (id uint64, ok bool) {
	if c.done {
		return 0, false
	}
	if c.l.isRng {
		id = c.next
		if id == c.l.hi {
			c.done = true
		} else {
			c.next++
		}
		return id, true
	}
	if c.i >= len(c.l.ids) {
		c.done = true
		return 0, false
	}
	id = c.l.ids[c.i]
	c.i++
	return id, true
}

// Seek moves the cursor so that the next call to Next returns the first ID
// >= id (it never moves backwards), using exponential search from the
// current position.
func (c *Cursor) Seek(id uint64) {
	if c.done {
		return
	}
	if c.l.isRng {
		switch {
		case id > c.l.hi:
			c.done = true
		case id > c.next:
			c.next = id
		}
		return
	}
	c.i = gallop(c.l.ids, c.i, id)
}

// All returns an iterator over the IDs in ascending order, for range loops:
//
//	for id := range l.All() { ... }
func (l List) All() iter.Seq[uint64] {
	return func(yield func(uint64) bool) {
		if l.isRng {
			for id := l.lo; ; id++ {
				if !yield(id) || id == l.hi {
					return
				}
			}
		}
		for _, id := range l.ids {
			if !yield(id) {
				return
			}
		}
	}
}

// gallop returns the smallest index j >= from with s[j] >= x (len(s) if
// none): exponential probing from from, then binary search in the bracket.
// It costs O(log d) where d is the distance moved, which is what makes
// intersecting a tiny list with a huge one cheap.
func gallop(s []uint64, from int, x uint64) int {
	if from >= len(s) || s[from] >= x {
		return from
	}
	// INVARIANT: s[lo] < x.
	lo, step := from, 1
	hi := lo + step
	for hi < len(s) && s[hi] < x {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	if hi > len(s) {
		hi = len(s)
	}
	// s[lo] < x, and s[hi] >= x or hi == len(s).
	j, _ := slices.BinarySearch(s[lo+1:hi], x)
	return lo + 1 + j
}
