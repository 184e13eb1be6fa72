package index

import (
	"slices"
	"testing"
)

// listsFromBytes turns fuzz bytes into two explicit lists (bytes as
// deltas, so they are ascending) and up to one range.
func listsFromBytes(data []byte) (a, b List) {
	half := len(data) / 2
	build := func(d []byte) List {
		var ids []uint64
		id := uint64(0)
		for i, c := range d {
			id += uint64(c) + 1
			if i == 0 && c == 0xff {
				return Range(uint64(len(d)), uint64(len(d))+uint64(c))
			}
			ids = append(ids, id)
		}
		return FromSorted(ids)
	}
	return build(data[:half]), build(data[half:])
}

// FuzzListOps: on arbitrary lists, Intersect, Union and Difference are
// valid and, for explicit operands, equal to the naive set operations;
// stored-form decoding never panics and rejects what it cannot accept.
func FuzzListOps(f *testing.F) {
	f.Add([]byte{1, 2, 3, 1, 1, 1})
	f.Add([]byte{0xff, 4, 0, 0, 9})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, enc := range []Encoding{BigEndian, NativeEndian} {
			if l, err := enc.Decode(nil, data); err == nil && !l.Valid() {
				t.Fatalf("%v: Decode accepted an invalid list", enc)
			}
		}
		a, b := listsFromBytes(data)
		in := func(l List, id uint64) bool { return l.Contains(id) }
		for _, limit := range []int{1, 3, 1 << 20} {
			u := Union(nil, a, b, limit)
			if !u.Valid() {
				t.Fatal("invalid union")
			}
			for _, l := range []List{a, b} {
				for _, id := range l.IDs() {
					if !u.Contains(id) {
						t.Fatalf("union lacks %d", id)
					}
				}
			}
		}
		i := Intersect(nil, a, b)
		d := Difference(nil, a, b)
		if !i.Valid() || !d.Valid() {
			t.Fatal("invalid result")
		}
		if a.IsRange() || b.IsRange() {
			return
		}
		var wantI, wantD []uint64
		for _, id := range a.IDs() {
			if in(b, id) {
				wantI = append(wantI, id)
			} else {
				wantD = append(wantD, id)
			}
		}
		if !slices.Equal(i.IDs(), wantI) || !slices.Equal(d.IDs(), wantD) {
			t.Fatalf("intersect %v want %v; difference %v want %v", i.IDs(), wantI, d.IDs(), wantD)
		}
	})
}

// FuzzSubstringKeys: for any value and any assertion cut from it, the
// assertion's keys are a subset of the value's keys, and nothing panics.
func FuzzSubstringKeys(f *testing.F) {
	f.Add([]byte("+491700004242"), uint8(3), uint8(9), uint8(2), uint8(4), uint8(4))
	f.Fuzz(func(t *testing.T, v []byte, c1, c2, imin, imax, alen uint8) {
		k := &Keyer{Attr: "a", InitialMin: int(imin % 6), InitialMax: int(imax % 8), AnyLen: int(alen % 6), AnyStep: int(c1%3) + 1}
		x, y := int(c1)%(len(v)+1), int(c2)%(len(v)+1)
		if x > y {
			x, y = y, x
		}
		var vk, ak Keys
		k.ValueKeys(&vk, Substring|Equality|Approx|Presence, [][]byte{v})
		k.SubstringKeys(&ak, Substring, v[:x], [][]byte{v[x:y]}, v[y:])
		have := map[string]bool{}
		for i := range vk.Len() {
			have[string(vk.Key(i))] = true
		}
		for i := range ak.Len() {
			if !have[string(ak.Key(i))] {
				t.Fatalf("assertion key %q not among the value's keys", ak.Key(i))
			}
		}
	})
}
