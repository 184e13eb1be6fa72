package main

import (
	"fmt"
	"sync"
)

// workload is one measured operation loop; run returns how many operations it did.
type workload struct {
	name string
	unit string // what one operation is, for the table's notes
	run  func(s store, d *dataset, c *config) (int, error)
}

// phase is a fresh database, an untimed setup, then its workloads in order.
type phase struct {
	durable, dups bool
	setup         func(s store, d *dataset, c *config) error
	workloads     []workload
}

func loadSorted(s store, d *dataset, c *config) error {
	return s.put(d.sorted, d.val, c.batch, true)
}

func loadDups(s store, d *dataset, c *config) error {
	for _, db := range []dupDB{dupSort, dupFixed} {
		if err := s.dupPut(db, d.dupSorted, c.batch, true); err != nil {
			return err
		}
	}
	return nil
}

func phases() []phase {
	return []phase{
		{workloads: []workload{{name: "fillseq", unit: "put", run: func(s store, d *dataset, c *config) (int, error) {
			return d.sorted.len(), s.put(d.sorted, d.val, c.batch, true)
		}}}},
		{workloads: []workload{{name: "fillrandom", unit: "put", run: func(s store, d *dataset, c *config) (int, error) {
			return d.shuffled.len(), s.put(d.shuffled, d.val, c.batch, false)
		}}}},
		{durable: true, workloads: []workload{{name: "fillsync", unit: "durable commit of one put", run: func(s store, d *dataset, c *config) (int, error) {
			keys := d.shuffled.slice(0, min(c.syncN, d.shuffled.len()))
			return keys.len(), s.put(keys, d.val, 1, false)
		}}}},
		{setup: loadSorted, workloads: []workload{
			{name: "readrandom1", unit: "get", run: readRandom(1)},
			{name: "readrandom2", unit: "get", run: readRandom(2)},
			{name: "readseq", unit: "cursor step", run: func(s store, d *dataset, c *config) (int, error) {
				n, err := s.scan()
				if err == nil && n != d.sorted.len() {
					err = fmt.Errorf("bench: %s: scan saw %d keys, want %d", s.name(), n, d.sorted.len())
				}
				return n, err
			}},
		}},
		{setup: loadSorted, workloads: []workload{{name: "deleterandom", unit: "delete", run: func(s store, d *dataset, c *config) (int, error) {
			return d.shuffled.len(), s.del(d.shuffled, c.batch)
		}}}},
		{dups: true, workloads: []workload{{name: "dupfillrandom", unit: "put of one dup", run: func(s store, d *dataset, c *config) (int, error) {
			return d.dupTotal, s.dupPut(dupSort, d.dupShuffled, c.batch, false)
		}}}},
		{dups: true, workloads: []workload{{name: "dupfillappend", unit: "put of one dup", run: func(s store, d *dataset, c *config) (int, error) {
			return d.dupTotal, s.dupPut(dupSort, d.dupSorted, c.batch, true)
		}}}},
		{dups: true, setup: loadDups, workloads: []workload{
			{name: "dupread", unit: "value read", run: func(s store, d *dataset, c *config) (int, error) {
				n, err := s.dupRead(dupSort, d.dupKeysShuf, c.readBatch)
				return n, checkDupCount(s, d, n, err)
			}},
			{name: "dupreadmulti", unit: "value read", run: func(s store, d *dataset, c *config) (int, error) {
				n, err := s.dupReadMulti(d.dupKeysShuf, c.readBatch)
				return n, checkDupCount(s, d, n, err)
			}},
		}},
	}
}

func checkDupCount(s store, d *dataset, n int, err error) error {
	if err == nil && n != d.dupTotal {
		err = fmt.Errorf("bench: %s: read %d dup values, want %d", s.name(), n, d.dupTotal)
	}
	return err
}

// readRandom splits the shuffled keys among g goroutines; every key is read once.
func readRandom(g int) func(s store, d *dataset, c *config) (int, error) {
	return func(s store, d *dataset, c *config) (int, error) {
		keys := d.shuffled
		var wg sync.WaitGroup
		found := make([]int, g)
		errs := make([]error, g)
		for i := range g {
			part := keys.slice(i*keys.len()/g, (i+1)*keys.len()/g)
			wg.Go(func() { found[i], errs[i] = s.get(part, c.readBatch) })
		}
		wg.Wait()
		total := 0
		for i := range g {
			if errs[i] != nil {
				return total, errs[i]
			}
			total += found[i]
		}
		if total != keys.len() {
			return total, fmt.Errorf("bench: %s: found %d of %d keys", s.name(), total, keys.len())
		}
		return total, nil
	}
}
