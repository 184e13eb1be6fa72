package index

import (
	"fmt"
	"testing"
)

func seq(n int, start, step uint64) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = start + uint64(i)*step
	}
	return s
}

// BenchmarkIntersect_1x1M: one equality hit against a million-ID list
// (e.g. objectClass=person), into a reused buffer.
func BenchmarkIntersect_1x1M(b *testing.B) {
	big := FromSorted(seq(1_000_000, 1, 1))
	one := FromSorted([]uint64{777_777})
	dst := make([]uint64, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		if r := Intersect(dst, one, big); len(r.IDs()) != 1 {
			b.Fatal("wrong result")
		}
	}
}

// BenchmarkIntersect_100kx100k: two 100,000-ID lists, half overlapping
// (IDs 2i against 3i), into a reused buffer.
func BenchmarkIntersect_100kx100k(b *testing.B) {
	x, y := FromSorted(seq(100_000, 0, 2)), FromSorted(seq(100_000, 0, 3))
	dst := make([]uint64, 0, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		Intersect(dst, x, y)
	}
}

// BenchmarkUnion_100kx100k: union of the same two lists.
func BenchmarkUnion_100kx100k(b *testing.B) {
	x, y := FromSorted(seq(100_000, 0, 2)), FromSorted(seq(100_000, 0, 3))
	dst := make([]uint64, 0, 200_000)
	b.ReportAllocs()
	for b.Loop() {
		Union(dst, x, y, 0)
	}
}

// BenchmarkUnion_1x1M: adding one ID to a million (output-bound copy).
func BenchmarkUnion_1x1M(b *testing.B) {
	big := FromSorted(seq(1_000_000, 0, 2))
	one := FromSorted([]uint64{777_777})
	dst := make([]uint64, 0, 1_000_001)
	b.ReportAllocs()
	for b.Loop() {
		Union(dst, one, big, 0)
	}
}

// BenchmarkDecode_page: decoding a 4 KiB page of IDs (512), in each
// encoding (the backend's index pages are native-endian).
func BenchmarkDecode_page(b *testing.B) {
	for _, enc := range []Encoding{BigEndian, NativeEndian} {
		b.Run(enc.String(), func(b *testing.B) {
			page := enc.Append(nil, FromSorted(seq(512, 1000, 7)))
			dst := make([]uint64, 0, 512)
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := enc.Decode(dst, page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKeyer_AppendEquality: the search-side key of an MSISDN and of
// a long (hashed) value.
func BenchmarkKeyer_AppendEquality(b *testing.B) {
	k := &Keyer{Attr: "telephoneNumber"}
	for _, v := range []string{"+491700004242", string(make([]byte, 200))} {
		b.Run(fmt.Sprintf("len=%d", len(v)), func(b *testing.B) {
			dst := make([]byte, 0, 512)
			b.ReportAllocs()
			for b.Loop() {
				dst = k.AppendEquality(dst[:0], []byte(v))
			}
		})
	}
}

// BenchmarkKeyer_ValueKeys: all eq+sub keys of one MSISDN (indexing side).
func BenchmarkKeyer_ValueKeys(b *testing.B) {
	k := &Keyer{Attr: "telephoneNumber"}
	v := [][]byte{[]byte("+491700004242")}
	var ks Keys
	b.ReportAllocs()
	for b.Loop() {
		ks.Reset()
		k.ValueKeys(&ks, Presence|Equality|Substring, v)
	}
}
