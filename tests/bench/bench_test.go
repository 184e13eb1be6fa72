package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestRun_small runs every workload on every engine at a tiny size and checks
// that each cell holds a measurement.
func TestRun_small(t *testing.T) {
	c := &config{n: 3000, count: 1, batch: 100, readBatch: 10, syncN: 20, dup: true,
		dupKeys: 50, dupVals: 40, dir: t.TempDir(), engines: "lightdir,lmdb,bbolt",
		workloads: "all", mapSize: 1 << 30}
	var out bytes.Buffer
	if err := run(c, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	if strings.Contains(table, "error") {
		t.Fatalf("a workload failed:\n%s", table)
	}
	for _, w := range []string{"fillseq", "fillrandom", "fillsync", "readrandom1", "readrandom2", "readseq",
		"deleterandom", "dupfillrandom", "dupfillappend", "dupread", "dupreadmulti"} {
		if !strings.Contains(table, "| "+w+" |") {
			t.Errorf("no row for %s:\n%s", w, table)
		}
	}
}

// benchStores opens each engine on a database of n sorted keys.
func benchStores(b *testing.B, n int, fn func(b *testing.B, s store, d *dataset)) {
	d := newDataset(n, 0, 0, false)
	for _, s := range []store{&lightdirStore{}, &lmdbStore{}, &bboltStore{}} {
		b.Run(s.name(), func(b *testing.B) {
			if err := s.open(b.TempDir(), false, false, 1<<30); err != nil {
				b.Fatal(err)
			}
			defer s.close()
			if err := s.put(d.sorted, d.val, 1000, true); err != nil {
				b.Fatal(err)
			}
			fn(b, s, d)
		})
	}
}

// BenchmarkReadRandom: one op is one batch of 100 random gets in a read transaction.
func BenchmarkReadRandom(b *testing.B) {
	benchStores(b, 100_000, func(b *testing.B, s store, d *dataset) {
		i := 0
		for b.Loop() {
			if i+100 > d.shuffled.len() {
				i = 0
			}
			if _, err := s.get(d.shuffled.slice(i, i+100), 100); err != nil {
				b.Fatal(err)
			}
			i += 100
		}
	})
}

// BenchmarkReadSeq: one op is a full cursor scan of 100,000 keys.
func BenchmarkReadSeq(b *testing.B) {
	benchStores(b, 100_000, func(b *testing.B, s store, d *dataset) {
		for b.Loop() {
			if _, err := s.scan(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
