package engine

import (
	"math/rand/v2"
	"testing"
)

// sortedDirty must return every dirty page once, in page-number order, on
// both of its paths (packed integer keys; pairs beyond 65,536 pages or for
// page numbers of 2^48 and more, which do not fit the packing), and at the
// edges between them.
func TestSortedDirty_orderAndCompleteness(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		n    int
		span uint64 // page numbers drawn below 2 + span
	}{{0, 1 << 40}, {1, 1 << 40}, {2, 1 << 40}, {1000, 1 << 40}, {1 << 16, 1 << 40}, {1<<16 + 1, 1 << 40},
		{1000, 1 << 60}} {
		n := tc.n
		dirty := make(map[uint64]page, n)
		for len(dirty) < n {
			pg := 2 + rng.Uint64N(tc.span)
			dirty[pg] = make(page, 1)
		}
		got := sortedDirty(dirty)
		if len(got) != n {
			t.Fatalf("n=%d: got %d pages", n, len(got))
		}
		for i, d := range got {
			if i > 0 && got[i-1].pgno >= d.pgno {
				t.Fatalf("n=%d: page %d after %d", n, d.pgno, got[i-1].pgno)
			}
			if p, ok := dirty[d.pgno]; !ok || len(d.p) != 1 || &d.p[0] != &p[0] {
				t.Fatalf("n=%d: page %d paired with the wrong buffer", n, d.pgno)
			}
		}
	}
}
