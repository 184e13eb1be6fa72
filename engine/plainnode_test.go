package engine

import "testing"

// plainLeafNode is the scan fast path: it must answer only for plain nodes
// that lie inside the page, and leave everything else to the checked path.
func TestPlainLeafNode_onlyPlainNodesInBounds(t *testing.T) {
	p := make(page, 4096)
	p.init(3, pageLeaf)
	leaf := func(i int, key, val []byte, flags uint16) {
		off := p.insertNode(i, nodeHeaderSize+len(key)+len(val))
		p.putLeafHeader(off, key, len(val), flags)
		copy(p[off+nodeHeaderSize+len(key):], val)
	}
	leaf(0, []byte("key-a"), []byte("value-a"), 0)
	leaf(1, []byte("key-b"), make([]byte, 8), nodeBig)
	k, v, ok := plainLeafNode(p, 0)
	if !ok || string(k) != "key-a" || string(v) != "value-a" {
		t.Fatalf("node 0: got %q %q %v, want key-a value-a true", k, v, ok)
	}
	if _, _, ok := plainLeafNode(p, 1); ok {
		t.Fatal("node 1 (overflow reference) taken by the fast path")
	}
	for _, i := range []int{-1, 2040, 1 << 20} {
		if _, _, ok := plainLeafNode(p, i); ok {
			t.Fatalf("index %d outside the pointer array taken by the fast path", i)
		}
	}

	// A pointer below upper, a key running off the page, a value running off the page.
	bad := func(name string, damage func(q page)) {
		q := append(page(nil), p...)
		damage(q)
		if _, _, ok := plainLeafNode(q, 0); ok {
			t.Errorf("%s: taken by the fast path", name)
		}
	}
	off := p.ptr(0)
	bad("pointer below upper", func(q page) { q.setPtr(0, q.upper()-2) })
	bad("pointer past the page", func(q page) { q.setPtr(0, 4095) })
	bad("key past the page", func(q page) { le.PutUint16(q[off+6:], 4096) })
	bad("value past the page", func(q page) { le.PutUint16(q[off:], 0xffff) })
}
