package engine

// page is one page's bytes: a slice into the map (committed, read-only) or a
// write transaction's private buffer (dirty, writable). Sub-pages of duplicate
// values are pages too, with len(p) equal to the sub-page size.
//
// Layout: header(16) | ptr[0..n) (2 bytes each, in key order) | free | nodes.
// INVARIANT (written pages): nodes start at even offsets and are packed in
// [upper, len(p)), so len(p)-upper equals the sum of the nodes' even sizes.
type page []byte

func (p page) pgno() uint64           { return le.Uint64(p[0:]) }
func (p page) setPgno(n uint64)       { le.PutUint64(p[0:], n) }
func (p page) pad() uint16            { return le.Uint16(p[8:]) }
func (p page) setPad(v uint16)        { le.PutUint16(p[8:], v) }
func (p page) flags() uint16          { return le.Uint16(p[10:]) }
func (p page) setFlags(f uint16)      { le.PutUint16(p[10:], f) }
func (p page) lower() int             { return int(le.Uint16(p[12:])) }
func (p page) upper() int             { return int(le.Uint16(p[14:])) }
func (p page) setLower(v int)         { le.PutUint16(p[12:], uint16(v)) }
func (p page) setUpper(v int)         { le.PutUint16(p[14:], uint16(v)) }
func (p page) overflowCount() int     { return int(le.Uint32(p[12:])) }
func (p page) setOverflowCount(n int) { le.PutUint32(p[12:], uint32(n)) }
func (p page) isLeaf() bool           { return p.flags()&pageLeaf != 0 }
func (p page) isBranch() bool         { return p.flags()&pageBranch != 0 }
func (p page) isLeaf2() bool          { return p.flags()&pageLeaf2 != 0 }
func (p page) numKeys() int           { return (p.lower() - pageHeaderSize) >> 1 }
func (p page) freeSpace() int         { return p.upper() - p.lower() }
func (p page) ptr(i int) int          { return int(le.Uint16(p[pageHeaderSize+2*i:])) }
func (p page) setPtr(i int, off int)  { le.PutUint16(p[pageHeaderSize+2*i:], uint16(off)) }

// init makes p an empty page of the given kind.
func (p page) init(pgno uint64, flags uint16) {
	clear(p[:pageHeaderSize])
	p.setPgno(pgno)
	p.setFlags(flags)
	p.setLower(pageHeaderSize)
	p.setUpper(len(p))
}

// Node accessors. A node is at p[off:]; see section 6.2 of the format spec.
func (p page) nodeKSize(off int) int    { return int(le.Uint16(p[off+6:])) }
func (p page) nodeFlags(off int) uint16 { return le.Uint16(p[off+4:]) }
func (p page) nodeDataSize(off int) int {
	return int(le.Uint16(p[off:])) | int(le.Uint16(p[off+2:]))<<16
}
func (p page) nodeKey(off int) []byte {
	k := off + nodeHeaderSize
	return p[k : k+p.nodeKSize(off) : k+p.nodeKSize(off)]
}

// nodeChild is a branch node's 48-bit child page number (lo | hi<<16 | flags<<32).
func (p page) nodeChild(off int) uint64 {
	return uint64(le.Uint16(p[off:])) | uint64(le.Uint16(p[off+2:]))<<16 | uint64(le.Uint16(p[off+4:]))<<32
}

func (p page) setNodeChild(off int, child uint64) {
	le.PutUint16(p[off:], uint16(child))
	le.PutUint16(p[off+2:], uint16(child>>16))
	le.PutUint16(p[off+4:], uint16(child>>32))
}

// keyAt returns the key of node i (LEAF2 pages: item i).
func (p page) keyAt(i int) []byte {
	if p.isLeaf2() {
		k := int(p.pad())
		o := pageHeaderSize + i*k
		return p[o : o+k : o+k]
	}
	return p.nodeKey(p.ptr(i))
}

// nodeSize is the stored size (before rounding to even) of node i.
func (p page) nodeSize(i int) int {
	off := p.ptr(i)
	sz := nodeHeaderSize + p.nodeKSize(off)
	if p.isLeaf() {
		if p.nodeFlags(off)&nodeBig != 0 {
			sz += 8
		} else {
			sz += p.nodeDataSize(off)
		}
	}
	return sz
}

// usedSpace is the number of bytes in use after the header (pointers + nodes).
// boundsOK checks lower and upper against the page's size. On LEAF2 pages
// they only count (format spec 8.5): upper - lower is the free space after
// the items (each item moves upper by 2 - its size, so with 1-byte items
// upper passes the end of the page), and writes trust it.
func (p page) boundsOK() bool {
	lo, up := p.lower(), p.upper()
	if lo < pageHeaderSize || lo > up || lo&1 != 0 {
		return false
	}
	if p.isLeaf2() {
		return p.pad() > 0 && up-lo == len(p)-pageHeaderSize-p.numKeys()*int(p.pad())
	}
	return up <= len(p)
}

// subPageOK checks a DupSort node's data as a sub-page: its flags, at least
// one value, and its bounds.
func (p page) subPageOK() bool {
	return len(p) >= pageHeaderSize && p.flags()&(pageLeaf|pageSubP) == pageLeaf|pageSubP &&
		p.numKeys() > 0 && p.boundsOK()
}

func (p page) usedSpace() int { return len(p) - pageHeaderSize - p.freeSpace() }

// fill is the page's fill in per mille, as the rebalancing rule measures it.
func (p page) fill() int { return 1000 * p.usedSpace() / (len(p) - pageHeaderSize) }

// leafNodeSize is the node size for a key and value in a leaf, given whether the
// value goes to an overflow run.
func leafNodeSize(klen, vlen int, big bool) int {
	if big {
		return nodeHeaderSize + klen + 8
	}
	return nodeHeaderSize + klen + vlen
}

// insertNode places a node of size sz (unrounded) at index i, shifting later
// pointers, and returns the node's offset; the caller fills it in.
// The caller has checked that even(sz)+2 bytes are free.
func (p page) insertNode(i int, sz int) int {
	n := p.numKeys()
	off := p.upper() - even(sz)
	ptrs := p[pageHeaderSize:]
	copy(ptrs[2*i+2:2*n+2], ptrs[2*i:2*n])
	p.setPtr(i, off)
	p.setLower(p.lower() + 2)
	p.setUpper(off)
	return off
}

// putLeafHeader writes a leaf node's header and key at off.
func (p page) putLeafHeader(off int, key []byte, dsize int, flags uint16) {
	le.PutUint16(p[off:], uint16(dsize))
	le.PutUint16(p[off+2:], uint16(dsize>>16))
	le.PutUint16(p[off+4:], flags)
	le.PutUint16(p[off+6:], uint16(len(key)))
	copy(p[off+nodeHeaderSize:], key)
}

// putBranchNode writes a branch node at off.
func (p page) putBranchNode(off int, key []byte, child uint64) {
	p.setNodeChild(off, child)
	le.PutUint16(p[off+6:], uint16(len(key)))
	copy(p[off+nodeHeaderSize:], key)
}

// removeNode deletes node i (LEAF2: item i) and compacts the node area so the
// page stays packed.
func (p page) removeNode(i int) {
	if p.isLeaf2() {
		p.leaf2Remove(i)
		return
	}
	n := p.numKeys()
	off := p.ptr(i)
	sz := even(p.nodeSize(i))
	up := p.upper()
	// Move the nodes stored below this one up by sz bytes.
	copy(p[up+sz:off+sz], p[up:off])
	for j := 0; j < n; j++ {
		if o := p.ptr(j); o < off {
			p.setPtr(j, o+sz)
		}
	}
	ptrs := p[pageHeaderSize:]
	copy(ptrs[2*i:], ptrs[2*i+2:2*n])
	p.setLower(p.lower() - 2)
	p.setUpper(up + sz)
}

// nodeBytes returns the full bytes of node i (header, key, inline data);
// for LEAF2 pages, item i.
func (p page) nodeBytes(i int) []byte {
	if p.isLeaf2() {
		return p.keyAt(i)
	}
	off := p.ptr(i)
	return p[off : off+p.nodeSize(i)]
}

// appendRawNode copies an encoded node (LEAF2: an item) after p's last one.
func (p page) appendRawNode(raw []byte) {
	p.insertRaw(p.numKeys(), raw)
}

// insertRaw inserts an encoded node (LEAF2: an item) at index i; the caller
// checked hasRoom.
func (p page) insertRaw(i int, raw []byte) {
	if p.isLeaf2() {
		p.leaf2Insert(i, raw)
		return
	}
	off := p.insertNode(i, len(raw))
	copy(p[off:], raw)
}

// hasRoom reports whether an encoded node (LEAF2: an item) fits in p.
func (p page) hasRoom(raw []byte) bool {
	if p.isLeaf2() {
		return len(raw) <= p.freeSpace()
	}
	return even(len(raw))+2 <= p.freeSpace()
}

// LEAF2 pages (format spec 8.5) hold fixed-size items back to back from offset
// 16, no pointers; lower = 16+2n and upper - lower = the free bytes.

func (p page) initLeaf2(pgno uint64, flags uint16, size int) {
	p.init(pgno, flags|pageLeaf|pageLeaf2)
	p.setPad(uint16(size))
	p.setUpper(pageHeaderSize + len(p) - pageHeaderSize)
}

func (p page) leaf2Insert(i int, item []byte) {
	k := int(p.pad())
	n := p.numKeys()
	o := pageHeaderSize + i*k
	copy(p[o+k:pageHeaderSize+(n+1)*k], p[o:pageHeaderSize+n*k])
	copy(p[o:o+k], item)
	p.setLower(p.lower() + 2)
	p.setUpper(p.upper() + 2 - k)
}

// leaf2Append adds the packed items after the last (the caller checked
// their room). Each takes a pointer's worth of lower and the rest of its
// size from upper, as leaf2Insert's do.
func (p page) leaf2Append(items []byte) {
	k := int(p.pad())
	n := len(items) / k
	copy(p[pageHeaderSize+p.numKeys()*k:], items)
	p.setLower(p.lower() + 2*n)
	p.setUpper(p.upper() + (2-k)*n)
}

func (p page) leaf2Remove(i int) {
	k := int(p.pad())
	n := p.numKeys()
	o := pageHeaderSize + i*k
	copy(p[o:], p[o+k:pageHeaderSize+n*k])
	p.setLower(p.lower() - 2)
	p.setUpper(p.upper() - 2 + k)
}
