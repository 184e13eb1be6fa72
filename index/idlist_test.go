package index

import (
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var (
	seedFlag  = flag.Uint64("index.seed", 0, "seed for randomized tests (0: time-based)")
	itersFlag = flag.Int("index.iters", 3000, "iterations of randomized tests")
)

func newRand(t *testing.T) *rand.Rand {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -index.seed=%d)", s, s)
	return rand.New(rand.NewPCG(s, s>>1^0x5bd1e995))
}

// modelList is a List together with the set it stands for: for an
// explicit List exactly its IDs; for a range, a random subset of it (the
// "true" set a real range hides).
type modelList struct {
	l    List
	true map[uint64]bool
}

func randModel(rng *rand.Rand) modelList {
	base := uint64(0)
	if rng.IntN(8) == 0 {
		base = math.MaxUint64 - 5000 // near the top: overflow edges
	}
	span := []uint64{8, 100, 3000, 100000}[rng.IntN(4)]
	if base > 0 {
		span = min(span, 4000)
	}
	n := rng.IntN(int(min(span, 3000)) + 1)
	if rng.IntN(10) == 0 {
		n = 0
	}
	set := map[uint64]bool{}
	for range n {
		set[base+rng.Uint64N(span)] = true
	}
	if rng.IntN(4) == 0 { // a range whose true set is set
		lo := base + rng.Uint64N(span)
		hi := lo + rng.Uint64N(span)
		if hi < lo {
			hi = math.MaxUint64
		}
		tr := map[uint64]bool{}
		for id := range set {
			if lo <= id && id <= hi {
				tr[id] = true
			}
		}
		return modelList{l: Range(lo, hi), true: tr}
	}
	return modelList{l: FromIDs(keys(set)...), true: set}
}

func keys(m map[uint64]bool) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// upper reports whether id may be in m's List (its IDs, or its bounds).
func upper(m modelList, id uint64) bool { return m.l.Contains(id) }

// checkSuperset fails unless res is valid, holds every ID of want, and
// holds only IDs allowed by within.
func checkResult(t *testing.T, op string, res List, want map[uint64]bool, within func(uint64) bool) {
	t.Helper()
	if !res.Valid() {
		t.Fatalf("%s: invalid result %+v", op, res)
	}
	for id := range want {
		if !res.Contains(id) {
			t.Fatalf("%s: result lacks %d", op, id)
		}
	}
	if !res.IsRange() {
		for _, id := range res.IDs() {
			if !within(id) {
				t.Fatalf("%s: result has %d, which no operand allows", op, id)
			}
		}
	}
}

// TestList_ops_model: Intersect, Union and Difference against map-based
// sets, with ranges standing for hidden subsets: results always contain
// the true result, never contain what the operands exclude, and are exact
// when both operands are explicit (and a union stays under its limit).
func TestList_ops_model(t *testing.T) {
	rng := newRand(t)
	var buf []uint64
	for range *itersFlag {
		a, b := randModel(rng), randModel(rng)
		explicit := !a.l.IsRange() && !b.l.IsRange()

		// Intersect, into a fresh buffer and in place over a copy of a.
		inter := map[uint64]bool{}
		for id := range a.true {
			if b.true[id] {
				inter[id] = true
			}
		}
		res := Intersect(buf[:0], a.l, b.l)
		checkResult(t, "intersect", res, inter, func(id uint64) bool { return upper(a, id) && upper(b, id) })
		if explicit && len(res.IDs()) != len(inter) {
			t.Fatalf("intersect: %d IDs, want exactly %d", len(res.IDs()), len(inter))
		}
		if !a.l.IsRange() {
			own := slices.Clone(a.l.IDs())
			inPlace := Intersect(own, FromSorted(own), b.l)
			if !slices.Equal(inPlace.IDs(), res.IDs()) || inPlace.IsRange() != res.IsRange() {
				t.Fatalf("in-place intersect differs")
			}
		}
		buf = res.IDs()

		// Union with a random limit.
		limit := []int{0, 5, 100, 1 << 30}[rng.IntN(4)]
		union := map[uint64]bool{}
		for id := range a.true {
			union[id] = true
		}
		for id := range b.true {
			union[id] = true
		}
		res = Union(nil, a.l, b.l, limit)
		checkResult(t, "union", res, union, func(id uint64) bool { return upper(a, id) || upper(b, id) })
		effLimit := limit
		if effLimit <= 0 {
			effLimit = DefaultMaxIDs
		}
		switch {
		case explicit && len(union) <= effLimit:
			if res.IsRange() || len(res.IDs()) != len(union) {
				t.Fatalf("union of explicit lists: got range=%v len %d, want %d IDs", res.IsRange(), len(res.IDs()), len(union))
			}
		case res.IsRange():
			lo, hi, _ := res.Bounds()
			alo, ahi, _ := a.l.Bounds()
			blo, bhi, _ := b.l.Bounds()
			if a.l.IsEmpty() {
				alo, ahi = blo, bhi
			}
			if b.l.IsEmpty() {
				blo, bhi = alo, ahi
			}
			if lo != min(alo, blo) || hi != max(ahi, bhi) {
				t.Fatalf("union range [%d,%d], want covering [%d,%d]", lo, hi, min(alo, blo), max(ahi, bhi))
			}
		}

		// Difference, fresh and in place.
		diff := map[uint64]bool{}
		for id := range a.true {
			if !b.true[id] {
				diff[id] = true
			}
		}
		res = Difference(nil, a.l, b.l)
		checkResult(t, "difference", res, diff, func(id uint64) bool { return upper(a, id) })
		if explicit && len(res.IDs()) != len(diff) {
			t.Fatalf("difference: %d IDs, want exactly %d", len(res.IDs()), len(diff))
		}
		if !a.l.IsRange() {
			own := slices.Clone(a.l.IDs())
			inPlace := Difference(own, FromSorted(own), b.l)
			if !slices.Equal(inPlace.IDs(), res.IDs()) {
				t.Fatalf("in-place difference differs")
			}
		}

		// Contains on explicit lists is exact.
		if !a.l.IsRange() {
			for range 20 {
				id := rng.Uint64N(200)
				if len(a.true) > 0 && rng.IntN(2) == 0 {
					ids := a.l.IDs()
					id = ids[rng.IntN(len(ids))]
				}
				if a.l.Contains(id) != a.true[id] {
					t.Fatalf("contains(%d) = %v", id, !a.true[id])
				}
			}
		}
	}
}

// TestList_Cursor_model: Next, Seek and All visit exactly the model's IDs
// in order, for explicit lists and (small) ranges, including ranges that
// end at the largest ID.
func TestList_Cursor_model(t *testing.T) {
	rng := newRand(t)
	for range *itersFlag / 10 {
		var l List
		var want []uint64
		if rng.IntN(3) == 0 {
			lo := rng.Uint64N(1000)
			if rng.IntN(3) == 0 {
				lo = math.MaxUint64 - rng.Uint64N(50)
			}
			hi := lo + rng.Uint64N(50)
			if hi < lo {
				hi = math.MaxUint64
			}
			l = Range(lo, hi)
			for id := lo; ; id++ {
				want = append(want, id)
				if id == hi {
					break
				}
			}
		} else {
			m := randModel(rng)
			for m.l.IsRange() {
				m = randModel(rng)
			}
			l, want = m.l, m.l.IDs()
		}
		var got []uint64
		for id := range l.All() {
			got = append(got, id)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("All: got %d IDs, want %d", len(got), len(want))
		}
		if uint64(len(want)) != l.Len() {
			t.Fatalf("Len %d, want %d", l.Len(), len(want))
		}
		// Random seeks interleaved with Next.
		c := l.Cursor()
		pos := 0 // index in want of the next expected ID
		for {
			if rng.IntN(3) == 0 && len(want) > 0 {
				target := want[0] + rng.Uint64N(want[len(want)-1]-want[0]+2)
				c.Seek(target)
				j, _ := slices.BinarySearch(want, target)
				pos = max(pos, j)
			}
			id, ok := c.Next()
			if pos >= len(want) {
				if ok {
					t.Fatalf("cursor returned %d past the end", id)
				}
				break
			}
			if !ok || id != want[pos] {
				t.Fatalf("cursor: got %d,%v want %d", id, ok, want[pos])
			}
			pos++
		}
	}
}

// TestBuilder_limit: a Builder switches to the covering range after more
// than its limit of IDs, and refuses IDs out of order.
func TestBuilder_limit(t *testing.T) {
	var b Builder
	b.Reset(nil, 3)
	for _, id := range []uint64{5, 7, 9} {
		if err := b.Add(id); err != nil {
			t.Fatal(err)
		}
	}
	if l := b.List(); l.IsRange() || !slices.Equal(l.IDs(), []uint64{5, 7, 9}) {
		t.Fatalf("at the limit: %+v", l)
	}
	if err := b.Add(9); !errors.Is(err, ErrNotSorted) {
		t.Fatalf("duplicate: %v", err)
	}
	b.Add(11)
	b.Add(20)
	if lo, hi, _ := b.List().Bounds(); !b.List().IsRange() || lo != 5 || hi != 20 || b.Count() != 5 {
		t.Fatalf("past the limit: %+v count %d", b.List(), b.Count())
	}
	if err := b.Add(19); !errors.Is(err, ErrNotSorted) {
		t.Fatalf("out of order in range form: %v", err)
	}
}

// TestEncoding_roundTrip: both encodings decode what they encode; the
// big-endian form sorts bytewise in ID order; bad lengths and unsorted
// data are errors.
func TestEncoding_roundTrip(t *testing.T) {
	rng := newRand(t)
	for range 200 {
		m := randModel(rng)
		for m.l.IsRange() {
			m = randModel(rng)
		}
		for _, enc := range []Encoding{BigEndian, NativeEndian} {
			b := enc.Append(nil, m.l)
			if len(b) != IDSize*len(m.l.IDs()) {
				t.Fatalf("%v: %d bytes", enc, len(b))
			}
			got, err := enc.Decode(nil, b)
			if err != nil || !slices.Equal(got.IDs(), m.l.IDs()) {
				t.Fatalf("%v: decode: %v", enc, err)
			}
			if enc == BigEndian {
				for i := IDSize; i < len(b); i += IDSize {
					if string(b[i-IDSize:i]) >= string(b[i:i+IDSize]) {
						t.Fatalf("big-endian bytes not ascending at %d", i)
					}
				}
			}
		}
	}
	if _, err := BigEndian.Decode(nil, make([]byte, 12)); !errors.Is(err, ErrBadLength) {
		t.Fatalf("bad length: %v", err)
	}
	b := BigEndian.AppendID(BigEndian.AppendID(nil, 9), 3)
	if _, err := BigEndian.Decode(nil, b); !errors.Is(err, ErrNotSorted) {
		t.Fatalf("unsorted: %v", err)
	}
	if BigEndian.ID(BigEndian.AppendID(nil, 0x0102030405060708)) != 0x0102030405060708 ||
		BigEndian.AppendID(nil, 1)[7] != 1 {
		t.Fatal("big-endian layout")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("encoding a range must panic")
		}
	}()
	BigEndian.Append(nil, Range(1, 2))
}

// TestIntersect_zeroAlloc: intersecting into a reused buffer allocates
// nothing, for the galloping and the merging paths and in place.
func TestIntersect_zeroAlloc(t *testing.T) {
	big := make([]uint64, 100000)
	for i := range big {
		big[i] = uint64(i * 3)
	}
	small := FromSorted([]uint64{3, 300, 299997})
	mid := make([]uint64, 5000)
	for i := range mid {
		mid[i] = uint64(i * 7)
	}
	dst := make([]uint64, 0, 100000)
	allocs := testing.AllocsPerRun(20, func() {
		r := Intersect(dst, small, FromSorted(big))
		r = Intersect(dst, FromSorted(mid), FromSorted(big))
		r = Intersect(r.IDs(), r, small)
		_ = Difference(dst, FromSorted(mid), small)
		c := FromSorted(big).Cursor()
		c.Seek(5000)
		c.Next()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}

// TestIntersectAll_model: IntersectAll equals the pairwise intersection
// when not stopped early, is a superset of it when stopped early at a
// small result, and allocates nothing into a big enough buffer.
func TestIntersectAll_model(t *testing.T) {
	rng := newRand(t)
	for range *itersFlag / 3 {
		n := 1 + rng.IntN(4)
		lists := make([]List, n)
		for i := range lists {
			lists[i] = randModel(rng).l
		}
		want := lists[0]
		if !want.IsRange() {
			want = FromSorted(slices.Clone(want.IDs()))
		}
		for _, l := range lists[1:] {
			want = Intersect(nil, want, l)
		}
		stop := []int{0, 0, 5}[rng.IntN(3)]
		got := IntersectAll(make([]uint64, 0, 4000), slices.Clone(lists), stop)
		if !got.Valid() {
			t.Fatal("invalid")
		}
		if !want.IsRange() {
			for _, id := range want.IDs() {
				if !got.Contains(id) {
					t.Fatalf("result lacks %d", id)
				}
			}
		}
		if stop == 0 && !got.IsRange() && !want.IsRange() && !slices.Equal(got.IDs(), want.IDs()) {
			t.Fatalf("got %v want %v", got.IDs(), want.IDs())
		}
		// The smallest list is always applied, so every kept ID is in a
		// list of minimal Len.
		minLen := lists[0].Len()
		for _, l := range lists {
			minLen = min(minLen, l.Len())
		}
		for _, id := range got.IDs() {
			if !slices.ContainsFunc(lists, func(l List) bool { return l.Len() == minLen && l.Contains(id) }) {
				t.Fatalf("result has %d, not in a smallest list", id)
			}
		}
	}
	big := FromSorted(seq(100000, 0, 3))
	mid := FromSorted(seq(5000, 0, 7))
	small := FromSorted([]uint64{21, 42, 63, 64})
	dst := make([]uint64, 0, 16)
	lists := []List{big, mid, small}
	if a := testing.AllocsPerRun(20, func() { IntersectAll(dst, lists, 0) }); a != 0 {
		t.Fatalf("%v allocations", a)
	}
	if r := IntersectAll(dst, lists, 0); !slices.Equal(r.IDs(), []uint64{21, 42, 63}) {
		t.Fatalf("got %v", r.IDs())
	}
	b := GetBuffer()
	*b = append(*b, 1, 2)
	PutBuffer(b)
	if len(*GetBuffer()) != 0 {
		t.Fatal("pooled buffer not emptied")
	}
}

// TestBuilder_AddEncoded_partial: on an out-of-order ID, both decoding
// paths (a page within the limit, and one that crosses it), in both
// encodings, keep the IDs before it and stay usable.
func TestBuilder_AddEncoded_partial(t *testing.T) {
	for _, enc := range []Encoding{BigEndian, NativeEndian} {
		for _, limit := range []int{0, 5} { // 0: the default, the page fits; 5: it does not
			var page []byte
			for _, id := range []uint64{1, 2, 3, 2, 5} {
				page = enc.AppendID(page, id)
			}
			var b Builder
			b.Reset(nil, limit)
			b.Add(0)
			if err := b.AddEncoded(page, enc); !errors.Is(err, ErrNotSorted) {
				t.Fatalf("%v limit %d: %v", enc, limit, err)
			}
			if err := b.Add(4); err != nil {
				t.Fatalf("%v limit %d: after error: %v", enc, limit, err)
			}
			if got := b.List().IDs(); !slices.Equal(got, []uint64{0, 1, 2, 3, 4}) || b.Count() != 5 {
				t.Fatalf("%v limit %d: got %v count %d", enc, limit, got, b.Count())
			}
			if err := b.AddEncoded(enc.AppendID(nil, 4), enc); !errors.Is(err, ErrNotSorted) {
				t.Fatalf("%v limit %d: duplicate across pages: %v", enc, limit, err)
			}
		}
	}
}

// TestBuilder_AddEncoded_firstPageBad: a first page that fails after some
// IDs still records its first ID as the low bound, so the range the
// builder may switch to later covers every ID added.
func TestBuilder_AddEncoded_firstPageBad(t *testing.T) {
	for _, enc := range []Encoding{BigEndian, NativeEndian} {
		var page []byte
		for _, id := range []uint64{7, 9, 8} {
			page = enc.AppendID(page, id)
		}
		var b Builder
		b.Reset(nil, 3)
		if err := b.AddEncoded(page, enc); !errors.Is(err, ErrNotSorted) {
			t.Fatalf("%v: %v", enc, err)
		}
		for _, id := range []uint64{10, 11} { // the second passes the limit
			if err := b.Add(id); err != nil {
				t.Fatalf("%v: %v", enc, err)
			}
		}
		l := b.List()
		if lo, hi, _ := l.Bounds(); !l.IsRange() || lo != 7 || hi != 11 {
			t.Fatalf("%v: got range %v [%d, %d], want [7, 11]", enc, l.IsRange(), lo, hi)
		}
	}
}

// TestIntersect_inPlaceSecondOperand: Intersect's documentation lets dst
// be b's own slice as well as a's; the result must then be the same as
// with a fresh buffer.
func TestIntersect_inPlaceSecondOperand(t *testing.T) {
	a := FromSorted([]uint64{1, 2, 3})
	own := []uint64{1, 3}
	got := Intersect(own, a, FromSorted(own))
	if want := []uint64{1, 3}; !slices.Equal(got.IDs(), want) {
		t.Fatalf("Intersect into b's storage = %v, want %v", got.IDs(), want)
	}
	rng := newRand(t)
	for range *itersFlag {
		x, y := randModel(rng), randModel(rng)
		if y.l.IsRange() {
			continue
		}
		fresh := Intersect(nil, x.l, y.l)
		own := slices.Clone(y.l.IDs())
		inPlace := Intersect(own, x.l, FromSorted(own))
		if !slices.Equal(inPlace.IDs(), fresh.IDs()) || inPlace.IsRange() != fresh.IsRange() {
			t.Fatalf("in-place (b) intersect %v, fresh %v", inPlace.IDs(), fresh.IDs())
		}
	}
}
