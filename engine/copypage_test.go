package engine

import (
	"bytes"
	"testing"
)

// copyPage carries over every byte a page's reader looks at (header,
// pointers, nodes; LEAF2: the items) and leaves the free gap alone.
func TestCopyPage_copiesAllButTheGap(t *testing.T) {
	const ps = 4096
	leaf := page(make([]byte, ps))
	leaf.init(7, pageLeaf)
	for i := 0; i < 20; i++ {
		leaf.appendRawNode(dupNode([]byte{byte('a' + i), 1, 2, 3}))
	}
	l2 := page(make([]byte, ps))
	l2.initLeaf2(8, 0, 8)
	for i := 0; i < 20; i++ {
		l2.appendRawNode([]byte{byte(i), 1, 2, 3, 4, 5, 6, 7})
	}
	for _, src := range []page{leaf, l2} {
		dst := page(bytes.Repeat([]byte{0xee}, ps))
		copyPage(dst, src)
		gapLo, gapHi := src.lower(), src.upper()
		if src.isLeaf2() {
			gapLo, gapHi = ps-(src.upper()-src.lower()), ps
		}
		if !bytes.Equal(dst[:gapLo], src[:gapLo]) || !bytes.Equal(dst[gapHi:], src[gapHi:]) {
			t.Fatalf("page %d: used bytes differ", src.pgno())
		}
		if gapHi > gapLo && dst[gapLo] != 0xee {
			t.Fatalf("page %d: the gap was copied", src.pgno())
		}
		for i := range src.numKeys() {
			if a, b := mustKey(t, src, i), mustKey(t, dst, i); !bytes.Equal(a, b) {
				t.Fatalf("page %d key %d: %q, want %q", src.pgno(), i, b, a)
			}
		}
	}
	// A page whose bounds a check would refuse is copied whole.
	bad := page(bytes.Clone(leaf))
	bad.setLower(ps + 2)
	dst := page(make([]byte, ps))
	copyPage(dst, bad)
	if !bytes.Equal(dst, bad) {
		t.Fatal("a page with bad bounds was not copied whole")
	}
}

func mustKey(t *testing.T, p page, i int) []byte {
	t.Helper()
	k, err := keyChecked(p, i)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
