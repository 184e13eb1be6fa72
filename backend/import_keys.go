package backend

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"lightdir/engine"
	"lightdir/index"
)

// keyBatches collects the (key, ID) pairs of every index during an import;
// flushKeys sorts and writes them when the storing goroutine would
// otherwise wait for the workers, when they reach ImportOptions.BatchBytes
// and at the end. The storing goroutine owns them.
type keyBatches struct {
	ix      []keyBatch // parallel to Backend.ix
	bytes   int        // memory the batches account for
	flushes int        // batches written so far
	idBuf   []byte     // one key's IDs, packed for PutMultiple
}

// keyBatch collects the (key, ID) pairs of one index.
type keyBatch struct {
	arena []byte
	pairs []keyPair
}

type keyPair struct {
	off, n uint32
	id     uint64
}

func (kb *keyBatch) key(p keyPair) []byte { return kb.arena[p.off : p.off+p.n] }

func (ks *keyBatches) init(n int) { ks.ix = make([]keyBatch, n) }

// add adds the keys of entry id.
func (ks *keyBatches) add(bt *prepBatch, keys []prepKey, id uint64) error {
	for _, k := range keys {
		kb := &ks.ix[k.ix]
		key := k.key.of(bt.arena)
		if len(kb.arena)+len(key) > 1<<32-1 {
			return fmt.Errorf("backend: index %d: key batch over 4 GiB", k.ix)
		}
		kb.pairs = append(kb.pairs, keyPair{off: uint32(len(kb.arena)), n: uint32(len(key)), id: id})
		kb.arena = append(kb.arena, key...)
		ks.bytes += len(key) + 16
	}
	return nil
}

// flushKeys sorts each index's batch by key then ID and writes it into
// the open transaction (the entries' own, so index pages are copied once
// per transaction, not once per flush). IDs of a later flush are all
// larger, so every put lands at the end of its key's IDs. The batches
// are sorted on other goroutines (GOMAXPROCS at a time) while this one
// writes those already sorted.
func (im *importer) flushKeys() error {
	defer func(t0 time.Time) { im.keysElapsed += time.Since(t0) }(time.Now())
	if im.keys.bytes == 0 {
		return nil
	}
	if err := im.begin(0); err != nil {
		return err
	}
	txn := im.w.txn
	sorted := im.keys.sortAll()
	defer func() {
		for _, ch := range sorted {
			if ch != nil {
				<-ch
			}
		}
	}()
	// The first flush fills empty index DBs in key order: Append skips
	// the search for each key's place. Later ones merge into the keys
	// written before, so only the ID goes at the end of its key.
	flags := engine.AppendDup
	if im.keys.flushes == 0 {
		flags |= engine.Append
	}
	im.keys.flushes++
	for i, d := range im.b.ix {
		<-sorted[i]
		sorted[i] = nil
		kb := &im.keys.ix[i]
		if err := im.putKeyRuns(txn, d, kb, flags); err != nil {
			return err
		}
		kb.arena, kb.pairs = kb.arena[:0], kb.pairs[:0]
	}
	im.keys.bytes = 0
	return nil
}

// putKeyRuns writes a sorted batch: the IDs of each key, packed, with
// one PutMultiple, which copies them into the key's values tree a page at
// a time. When flags refuse an ID (it does not follow those already
// stored), that ID and the rest go in with plain puts.
func (im *importer) putKeyRuns(txn *engine.Txn, d *indexDef, kb *keyBatch, flags engine.PutFlags) error {
	pairs := kb.pairs
	for len(pairs) > 0 {
		key := kb.key(pairs[0])
		n := 1
		for n < len(pairs) && bytes.Equal(kb.key(pairs[n]), key) {
			n++
		}
		ids := im.keys.idBuf[:0]
		for _, p := range pairs[:n] {
			ids = index.NativeEndian.AppendID(ids, p.id)
		}
		im.keys.idBuf = ids
		done, err := txn.PutMultiple(d.dbi, key, ids, 8, flags)
		if errors.Is(err, engine.ErrKeyExists) {
			_, err = txn.PutMultiple(d.dbi, key, ids[8*done:], 8, 0)
		}
		if err != nil {
			return fmt.Errorf("backend: index %s: %w", d.typ.Name(), err)
		}
		pairs = pairs[n:]
	}
	return nil
}

// sortAll starts sorting every batch; the i-th channel closes when batch
// i is sorted (a nil channel is one already waited for).
func (ks *keyBatches) sortAll() []chan struct{} {
	done := make([]chan struct{}, len(ks.ix))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range ks.ix {
		done[i] = make(chan struct{})
		go func(kb *keyBatch, ch chan struct{}) {
			sem <- struct{}{}
			kb.sort()
			<-sem
			close(ch)
		}(&ks.ix[i], done[i])
	}
	return done
}

// sort orders the pairs by key, then ID.
func (kb *keyBatch) sort() {
	slices.SortFunc(kb.pairs, func(x, y keyPair) int {
		if c := bytes.Compare(kb.key(x), kb.key(y)); c != 0 {
			return c
		}
		return cmp.Compare(x.id, y.id)
	})
}
