package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
)

const (
	keySize  = 16
	valSize  = 100
	idSize   = 8
	pairSize = keySize + idSize
)

// keyList is a list of byte strings held without per-key pointers, so the
// harness's own data costs the garbage collector nothing to scan: a GC cycle
// triggered by an engine's allocations must not be billed for the harness.
// Item i is buf[r*stride : r*stride+size] with r = order[i] (or i if order is nil).
type keyList struct {
	buf          []byte
	stride, size int
	order        []int32
	lo, hi       int // the window of items this list shows
}

func (l keyList) len() int { return l.hi - l.lo }

func (l keyList) at(i int) []byte {
	r := l.lo + i
	if l.order != nil {
		r = int(l.order[r])
	}
	o := r * l.stride
	return l.buf[o : o+l.size : o+l.size]
}

// slice returns items [i, j).
func (l keyList) slice(i, j int) keyList {
	l.lo, l.hi = l.lo+i, l.lo+j
	return l
}

// chunks calls fn on successive pieces of at most n items.
func (l keyList) chunks(n int, fn func(keyList) error) error {
	for i := 0; i < l.len(); i += n {
		if err := fn(l.slice(i, min(i+n, l.len()))); err != nil {
			return err
		}
	}
	return nil
}

// dataset holds every key and value the workloads use, built once.
type dataset struct {
	sorted   keyList // n keys of keySize bytes, ascending
	shuffled keyList // the same keys in random order
	val      []byte  // the one value every put stores

	// Duplicates: records of pairSize bytes, key||id; the composite is what
	// bbolt stores, key and id what the dup-capable engines store.
	dupSorted   keyList // every pair, by key then id
	dupShuffled keyList // the same pairs in random order
	dupKeysShuf keyList // each dup key once (keySize bytes), in random order
	dupTotal    int
}

func newDataset(n, dupKeys, dupVals int, withDup bool) *dataset {
	rng := rand.New(rand.NewPCG(1, 2))
	d := &dataset{val: make([]byte, valSize)}
	for i := range d.val {
		d.val[i] = byte(rng.Uint32())
	}
	buf := make([]byte, n*keySize)
	for i := range n {
		copy(buf[i*keySize:], fmt.Sprintf("%016d", i))
	}
	d.sorted = keyList{buf: buf, stride: keySize, size: keySize, hi: n}
	d.shuffled = d.sorted
	d.shuffled.order = perm(rng, n)
	if withDup {
		d.buildDups(rng, dupKeys, dupVals)
	}
	return d
}

func perm(rng *rand.Rand, n int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	rng.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// buildDups makes dupKeys keys with dupVals distinct ascending big-endian ids
// each (bytewise order is numeric order, as in an index ID list).
func (d *dataset) buildDups(rng *rand.Rand, dupKeys, dupVals int) {
	total := dupKeys * dupVals
	buf := make([]byte, total*pairSize)
	for k := range dupKeys {
		name := fmt.Sprintf("dup%013d", k)
		id := uint64(rng.IntN(1000))
		for v := range dupVals {
			rec := buf[(k*dupVals+v)*pairSize:]
			copy(rec, name)
			id += 1 + uint64(rng.IntN(1000))
			binary.BigEndian.PutUint64(rec[keySize:], id)
		}
	}
	d.dupTotal = total
	d.dupSorted = keyList{buf: buf, stride: pairSize, size: pairSize, hi: total}
	d.dupShuffled = d.dupSorted
	d.dupShuffled.order = perm(rng, total)
	keyOrder := perm(rng, dupKeys)
	for i := range keyOrder {
		keyOrder[i] *= int32(dupVals) // the first record of each key
	}
	d.dupKeysShuf = keyList{buf: buf, stride: pairSize, size: keySize, order: keyOrder, hi: dupKeys}
}
