package index

import "slices"

// gallopRatio is the size ratio above which intersection and difference
// search the larger list exponentially instead of merging linearly; below
// it a plain merge is faster.
const gallopRatio = 32

// Intersect returns a ∩ b. An explicit result is written into dst[:0]
// (reallocated only if too small), so with a reused dst the call does not
// allocate; dst may be a's or b's own slice (the result is computed in
// place). Cost: O(min(n,m) · log(max(n,m)/min(n,m))) for very unequal
// explicit lists, O(n+m) otherwise, O(log n) against a range.
func Intersect(dst []uint64, a, b List) List {
	out := dst[:0]
	if a.IsEmpty() || b.IsEmpty() {
		return List{ids: out}
	}
	alo, ahi, _ := a.Bounds()
	blo, bhi, _ := b.Bounds()
	if ahi < blo || bhi < alo {
		return List{ids: out}
	}
	switch {
	case a.isRng && b.isRng:
		return Range(max(alo, blo), min(ahi, bhi))
	case a.isRng:
		return List{ids: clipInto(out, b.ids, alo, ahi)}
	case b.isRng:
		return List{ids: clipInto(out, a.ids, blo, bhi)}
	}
	small, large := a.ids, b.ids
	if len(small) > len(large) {
		small, large = large, small
	}
	if len(large)/len(small) >= gallopRatio {
		return List{ids: intersectGallop(out, small, large)}
	}
	return List{ids: intersectMerge(out, a.ids, b.ids)}
}

// clipInto copies the IDs of s within [lo, hi] to out (memmove, so out may
// share s's storage).
func clipInto(out, s []uint64, lo, hi uint64) []uint64 {
	i, _ := slices.BinarySearch(s, lo)
	j, found := slices.BinarySearch(s, hi)
	if found {
		j++
	}
	if cap(out) < j-i {
		out = make([]uint64, 0, j-i)
	}
	out = out[:j-i]
	copy(out, s[i:j])
	return out
}

// intersectGallop looks each ID of small up in large, continuing from the
// previous position.
// INVARIANT for in-place use: the k-th result is written after both inputs
// have been read past position k.
func intersectGallop(out, small, large []uint64) []uint64 {
	// The first lookup is a plain binary search: galloping from the start
	// would take twice the probes, and on a list far bigger than the CPU
	// caches every probe is a cache miss.
	j, _ := slices.BinarySearch(large, small[0])
	for _, x := range small {
		j = gallop(large, j, x)
		if j == len(large) {
			break
		}
		if large[j] == x {
			out = append(out, x)
			j++
		}
	}
	return out
}

// intersectMerge is the two-pointer merge, starting where both lists can
// first overlap. The loop is written without data-dependent branches
// (conditional moves for the advances, an unconditional store that is kept
// only on a match), because on real ID lists the comparisons are
// unpredictable and mispredictions dominate a branchy merge.
func intersectMerge(out, a, b []uint64) []uint64 {
	i, j := 0, 0
	if a[0] < b[0] {
		i, _ = slices.BinarySearch(a, b[0])
	} else {
		j, _ = slices.BinarySearch(b, a[0])
	}
	if need := min(len(a)-i, len(b)-j); cap(out) < need {
		out = make([]uint64, 0, need)
	}
	// INVARIANT: k <= min(i, j) and k < cap(out). The store writes
	// max(x, y): when out shares a's storage and k == i it rewrites a[i]
	// itself unless x < y, and then a[i] is consumed in this step (i++);
	// likewise for b. So it never clobbers an input slot still to be read,
	// whichever operand out shares. (Storing x alone would overwrite b[j]
	// with a[i] while b[j] is still needed.)
	res := out[:cap(out)]
	k := 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		res[k] = max(x, y)
		if x == y {
			k++
		}
		if x <= y {
			i++
		}
		if y <= x {
			j++
		}
	}
	return out[:k]
}

// Union returns a ∪ b. If either side is a range, or the explicit union
// would hold more than maxIDs IDs (maxIDs <= 0 means DefaultMaxIDs), the
// result is the covering range [min lo, max hi], a superset. An explicit
// result is written into dst[:0], which must not share storage with a or
// b; it is reallocated only if too small.
func Union(dst []uint64, a, b List, maxIDs int) List {
	if maxIDs <= 0 {
		maxIDs = DefaultMaxIDs
	}
	switch {
	case a.IsEmpty():
		return copyList(dst, b, maxIDs)
	case b.IsEmpty():
		return copyList(dst, a, maxIDs)
	}
	alo, ahi, _ := a.Bounds()
	blo, bhi, _ := b.Bounds()
	if a.isRng || b.isRng {
		return Range(min(alo, blo), max(ahi, bhi))
	}
	need := min(len(a.ids)+len(b.ids), maxIDs+1)
	out := dst[:0]
	if cap(out) < need {
		out = make([]uint64, 0, need)
	}
	var ok bool
	if n, m := len(a.ids), len(b.ids); n/m >= gallopRatio || m/n >= gallopRatio {
		out, ok = unionRuns(out, a.ids, b.ids, maxIDs)
	} else {
		out, ok = unionMerge(out, a.ids, b.ids, maxIDs)
	}
	if !ok {
		return Range(min(alo, blo), max(ahi, bhi))
	}
	return List{ids: out}
}

// copyList returns l with its explicit IDs copied into dst.
func copyList(dst []uint64, l List, maxIDs int) List {
	if l.isRng {
		return l
	}
	if len(l.ids) > maxIDs {
		return Range(l.ids[0], l.ids[len(l.ids)-1])
	}
	return List{ids: append(dst[:0], l.ids...)}
}

// unionMerge merges a and b; ok is false once the result passes maxIDs.
func unionMerge(out, a, b []uint64, maxIDs int) ([]uint64, bool) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if len(out) >= maxIDs {
			return out, false
		}
		x, y := a[i], b[j]
		switch {
		case x < y:
			out = append(out, x)
			i++
		case x > y:
			out = append(out, y)
			j++
		default:
			out = append(out, x)
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	out = append(out, b[j:]...)
	return out, len(out) <= maxIDs
}

// unionRuns merges by copying whole runs found by galloping, for very
// unequal sizes: cost O(m log(n/m)) comparisons plus one copy of the
// output.
func unionRuns(out, a, b []uint64, maxIDs int) ([]uint64, bool) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch x, y := a[i], b[j]; {
		case x < y:
			k := gallop(a, i, y)
			out = append(out, a[i:k]...)
			i = k
		case x > y:
			k := gallop(b, j, x)
			out = append(out, b[j:k]...)
			j = k
		default:
			out = append(out, x)
			i++
			j++
		}
		if len(out) > maxIDs {
			return out, false
		}
	}
	out = append(out, a[i:]...)
	out = append(out, b[j:]...)
	return out, len(out) <= maxIDs
}

// Difference returns a \ b. An explicit result is written into dst[:0];
// dst may be a's own slice (in place) but must not share b's storage.
//
// Ranges are supersets of unknown sets, so nothing may be removed on their
// account: if b is a range the result is a (copied), and if a is a range
// it stays that range. Both are correct candidate sets.
func Difference(dst []uint64, a, b List) List {
	out := dst[:0]
	if a.isRng {
		return a
	}
	if len(a.ids) == 0 {
		return List{ids: out}
	}
	if b.isRng || len(b.ids) == 0 {
		if cap(out) < len(a.ids) {
			out = make([]uint64, 0, len(a.ids))
		}
		out = out[:len(a.ids)]
		copy(out, a.ids)
		return List{ids: out}
	}
	if cap(out) < len(a.ids) {
		out = make([]uint64, 0, len(a.ids))
	}
	n, m := len(a.ids), len(b.ids)
	switch {
	case n/m >= gallopRatio:
		return List{ids: differenceRuns(out, a.ids, b.ids)}
	case m/n >= gallopRatio:
		return List{ids: differenceProbe(out, a.ids, b.ids)}
	}
	return List{ids: differenceMerge(out, a.ids, b.ids)}
}

func differenceMerge(out, a, b []uint64) []uint64 {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j < len(b) && b[j] == x {
			j++
			continue
		}
		out = append(out, x)
	}
	return out
}

// differenceProbe looks each ID of a small a up in a large b.
func differenceProbe(out, a, b []uint64) []uint64 {
	j := 0
	for _, x := range a {
		j = gallop(b, j, x)
		if j < len(b) && b[j] == x {
			j++
			continue
		}
		out = append(out, x)
	}
	return out
}

// differenceRuns copies the runs of a large a between the IDs of a small b.
// copy (memmove) keeps it correct when out shares a's storage.
func differenceRuns(out, a, b []uint64) []uint64 {
	i := 0
	for _, y := range b {
		k := gallop(a, i, y)
		out = appendMove(out, a[i:k])
		i = k
		if i < len(a) && a[i] == y {
			i++
		}
		if i == len(a) {
			break
		}
	}
	return appendMove(out, a[i:])
}

// appendMove appends src to out with memmove semantics: out's next slots
// may overlap src when both live in the same array (in-place difference,
// where writes never overtake reads).
func appendMove(out, src []uint64) []uint64 {
	n := len(out)
	out = out[:n+len(src)]
	copy(out[n:], src)
	return out
}
