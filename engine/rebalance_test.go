package engine

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// bigKey makes a key of 400 to 511 bytes that sorts by i: with keys this
// long a branch page holds at most eight children, so a few thousand keys
// build a four-level tree whose branch pages fill, empty and rebalance often.
// Lengths vary so that a full page next to a one-child sibling is sometimes
// too big to merge with it.
func bigKey(i int) []byte {
	k := bytes.Repeat([]byte{'k'}, 400+i*7919%112)
	copy(k, fmt.Sprintf("%06d", i))
	return k
}

// TestRebalance_branchPages_bothSiblingDirections loads long keys in random
// order, then deletes them from the right end, from the left end or at random,
// so that branch pages drop to one child next to siblings of every fill: they
// merge, or, when the two do not fit in one page, the sparse page takes a
// child from its left or its right sibling. After every transaction the tree
// must hold exactly the remaining keys, in order, and pass the structural
// check.
func TestRebalance_branchPages_bothSiblingDirections(t *testing.T) {
	for _, order := range []string{"fromRight", "fromLeft", "random"} {
		t.Run(order, func(t *testing.T) {
			env, err := Open(filepath.Join(t.TempDir(), "db"), &Options{MapSize: 64 << 20})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			const n = 2000
			r := rand.New(rand.NewPCG(7, uint64(len(order))))
			txn, _ := env.BeginWrite()
			for _, i := range r.Perm(n) {
				if err := txn.Put(MainDB, bigKey(i), []byte{byte(i)}, 0); err != nil {
					t.Fatal(err)
				}
			}
			st, _ := txn.Stat(MainDB)
			if st.Depth < 4 {
				t.Fatalf("tree of depth %d: too shallow to rebalance branch pages under branch pages", st.Depth)
			}
			if err := txn.Commit(); err != nil {
				t.Fatal(err)
			}
			live := make([]int, n)
			for i := range live {
				live[i] = i
			}
			for len(live) > 0 {
				txn, _ := env.BeginWrite()
				// A cursor stands on a key while the deletes reshape the tree
				// around it; then Next must reach the first key after it.
				onto := live[r.IntN(len(live))]
				c := mustCursor(t, txn, MainDB)
				if _, _, err := c.Get(bigKey(onto), nil, Set); err != nil {
					t.Fatal(err)
				}
				for range min(20, len(live)) {
					var j int
					switch order {
					case "fromRight":
						j = len(live) - 1
					case "fromLeft":
						j = 0
					default:
						j = r.IntN(len(live))
					}
					if err := txn.Del(MainDB, bigKey(live[j]), nil); err != nil {
						t.Fatalf("del %d: %v", live[j], err)
					}
					live = slices.Delete(live, j, j+1)
				}
				if err := txn.Check(); err != nil {
					t.Fatalf("%d keys left: %v", len(live), err)
				}
				k, _, err := c.Get(nil, nil, Next)
				next, _ := slices.BinarySearch(live, onto+1)
				switch {
				case next == len(live) && err != ErrNotFound:
					t.Fatalf("Next after %d, the last key: %.6s, %v", onto, k, err)
				case next < len(live) && (err != nil || !bytes.Equal(k, bigKey(live[next]))):
					t.Fatalf("Next after %d: %.6s, %v; want %d", onto, k, err, live[next])
				}
				c.Close()
				got := scanAll(t, txn, MainDB)
				if len(got) != len(live) {
					t.Fatalf("%d keys left, scan finds %d", len(live), len(got))
				}
				for i, kv := range got {
					if want := bigKey(live[i]); !bytes.Equal(kv.k, want) || kv.v[0] != byte(live[i]) {
						t.Fatalf("%d keys left: item %d is %.6s, want %.6s", len(live), i, kv.k, want)
					}
				}
				if err := txn.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			checkEnv(t, env, order)
		})
	}
}
