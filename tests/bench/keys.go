package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
)

const (
	keySize = 16
	valSize = 100
	idSize  = 8
)

// dataset holds every key and value the workloads use, built once.
type dataset struct {
	sorted   [][]byte // n keys of keySize bytes, ascending
	shuffled [][]byte // the same keys in random order
	val      []byte   // the one value every put stores

	dupKeys       [][]byte  // dupkeys keys, ascending
	dupKeysShuf   [][]byte  // the same in random order (read order)
	dupSorted     []dupPair // every (key, id) pair, by key then id
	dupShuffled   []dupPair // the same pairs in random order
	dupValsPerKey int
}

// dupPair is one duplicate: key and id share one buffer, so comp is the
// composite key key||id that bbolt stores.
type dupPair struct {
	key, id, comp []byte
}

func newDataset(n, dupKeys, dupVals int, withDup bool) *dataset {
	rng := rand.New(rand.NewPCG(1, 2))
	d := &dataset{val: make([]byte, valSize)}
	for i := range d.val {
		d.val[i] = byte(rng.Uint32())
	}
	buf := make([]byte, n*keySize)
	d.sorted = make([][]byte, n)
	for i := range n {
		k := buf[i*keySize : (i+1)*keySize : (i+1)*keySize]
		copy(k, fmt.Sprintf("%016d", i))
		d.sorted[i] = k
	}
	d.shuffled = slices.Clone(d.sorted)
	rng.Shuffle(n, func(i, j int) { d.shuffled[i], d.shuffled[j] = d.shuffled[j], d.shuffled[i] })
	if withDup {
		d.buildDups(rng, dupKeys, dupVals)
	}
	return d
}

// buildDups makes dupKeys keys with dupVals distinct sorted big-endian ids each
// (so bytewise order is numeric order, as an index ID list).
func (d *dataset) buildDups(rng *rand.Rand, dupKeys, dupVals int) {
	d.dupValsPerKey = dupVals
	const pairSize = keySize + idSize
	buf := make([]byte, dupKeys*dupVals*pairSize)
	d.dupKeys = make([][]byte, dupKeys)
	d.dupSorted = make([]dupPair, 0, dupKeys*dupVals)
	for k := range dupKeys {
		name := fmt.Sprintf("dup%013d", k)
		id := uint64(rng.IntN(1000))
		for v := range dupVals {
			off := (k*dupVals + v) * pairSize
			comp := buf[off : off+pairSize : off+pairSize]
			copy(comp, name)
			id += 1 + uint64(rng.IntN(1000))
			binary.BigEndian.PutUint64(comp[keySize:], id)
			d.dupSorted = append(d.dupSorted, dupPair{key: comp[:keySize:keySize], id: comp[keySize:], comp: comp})
		}
		d.dupKeys[k] = d.dupSorted[k*dupVals].key
	}
	d.dupKeysShuf = slices.Clone(d.dupKeys)
	rng.Shuffle(len(d.dupKeysShuf), func(i, j int) {
		d.dupKeysShuf[i], d.dupKeysShuf[j] = d.dupKeysShuf[j], d.dupKeysShuf[i]
	})
	d.dupShuffled = slices.Clone(d.dupSorted)
	rng.Shuffle(len(d.dupShuffled), func(i, j int) {
		d.dupShuffled[i], d.dupShuffled[j] = d.dupShuffled[j], d.dupShuffled[i]
	})
}
