package engine

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestNested_randomChildren_matchModelStack: changes made in a child are
// visible to it, become the parent's on commit and vanish on abort, at any
// depth; what the outermost transaction commits is exactly the model's state.
// A plain database (overflow values included) and two DupSort databases
// (plain and DupFixed, whose keys grow past sub-pages into values trees and
// shrink again) change side by side.
func TestNested_randomChildren_matchModelStack(t *testing.T) {
	for _, seed := range seedsToRun() {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			env, err := Open(t.TempDir(), &Options{MapSize: 128 << 20, Durability: NoSync, MaxDBs: 8})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			committed := newNestModel()
			for round := 0; round < 20; round++ {
				top, err := env.BeginWrite()
				if err != nil {
					t.Fatal(err)
				}
				dbis := nestDBIs{}
				for i, name := range nestDBNames {
					if dbis[i], err = top.OpenDB(name, Create|nestDBFlags[i]); err != nil {
						t.Fatal(err)
					}
				}
				txns := []*Txn{top}
				models := []nestModel{committed.clone()}
				for op := 0; op < 400; op++ {
					cur := txns[len(txns)-1]
					m := models[len(models)-1]
					where := fmt.Sprintf("seed %d round %d op %d depth %d", seed, round, op, len(txns))
					switch x := r.IntN(20); {
					case x == 0 && len(txns) < 4:
						child, err := cur.BeginChild()
						if err != nil {
							t.Fatalf("%s: begin child: %v", where, err)
						}
						if err := cur.Put(dbis[0], []byte("x"), []byte("y"), 0); err == nil {
							t.Fatalf("%s: parent usable while its child is active", where)
						}
						txns = append(txns, child)
						models = append(models, m.clone())
					case x == 1 && len(txns) > 1:
						if err := cur.Commit(); err != nil {
							t.Fatalf("%s: child commit: %v", where, err)
						}
						txns = txns[:len(txns)-1]
						models = append(models[:len(models)-2], m)
						checkNest(t, txns[len(txns)-1], dbis, m, where+" after child commit")
					case x == 3 && len(txns) > 2:
						// Committing the parent commits the active child first.
						if err := txns[len(txns)-2].Commit(); err != nil {
							t.Fatalf("%s: commit of a parent with an active child: %v", where, err)
						}
						txns = txns[:len(txns)-2]
						models = append(models[:len(models)-3], m)
						checkNest(t, txns[len(txns)-1], dbis, m, where+" after committing a parent with an active child")
					case x == 2 && len(txns) > 1:
						cur.Abort()
						txns = txns[:len(txns)-1]
						models = models[:len(models)-1]
						checkNest(t, txns[len(txns)-1], dbis, models[len(models)-1], where+" after child abort")
					case x < 9:
						k := fmt.Appendf(nil, "k%04d", r.IntN(800))
						v := bytes.Repeat([]byte{byte(r.Uint32())}, 1+r.IntN(300))
						if r.IntN(30) == 0 {
							v = bytes.Repeat([]byte{7}, 5000) // overflow pages
						}
						if err := cur.Put(dbis[0], k, v, 0); err != nil {
							t.Fatalf("%s: put: %v", where, err)
						}
						m.plain[string(k)] = v
					case x < 11:
						k := fmt.Appendf(nil, "k%04d", r.IntN(800))
						err := cur.Del(dbis[0], k, nil)
						if _, had := m.plain[string(k)]; had != (err == nil) {
							t.Fatalf("%s: del had=%v: %v", where, had, err)
						}
						delete(m.plain, string(k))
					default:
						nestDupOp(t, r, cur, dbis, m, where)
					}
					if op%50 == 0 {
						checkNest(t, txns[len(txns)-1], dbis, models[len(models)-1], where)
					}
				}
				// Commit some of what is still open; the top's commit
				// commits the rest.
				for len(txns) > 1 && r.IntN(2) == 0 {
					if err := txns[len(txns)-1].Commit(); err != nil {
						t.Fatal(err)
					}
					m := models[len(models)-1]
					txns, models = txns[:len(txns)-1], append(models[:len(models)-2], m)
				}
				if r.IntN(4) == 0 {
					top.Abort()
				} else {
					if err := top.Commit(); err != nil {
						t.Fatal(err)
					}
					committed = models[len(models)-1]
				}
				checkEnv(t, env, fmt.Sprintf("seed %d round %d", seed, round))
				rt, _ := env.BeginRead()
				var rdbis nestDBIs
				for i, name := range nestDBNames {
					rdbis[i], err = rt.OpenDB(name, 0)
					if errors.Is(err, ErrNotFound) && committed.empty() {
						break // every commit so far was aborted: none was created
					}
					if err != nil {
						t.Fatalf("seed %d round %d: open %s: %v", seed, round, name, err)
					}
					if i == len(nestDBNames)-1 {
						checkNest(t, rt, rdbis, committed, fmt.Sprintf("seed %d round %d committed", seed, round))
					}
				}
				rt.Abort()
			}
		})
	}
}

var (
	nestDBNames = [3]string{"plain", "nest", "nestfix"}
	nestDBFlags = [3]DBFlags{0, DupSort, DupSort | DupFixed}
)

type nestDBIs [3]DBI

// nestModel: the plain database's pairs, and each DupSort database's keys
// with their sets of values (8-byte big-endian IDs).
type nestModel struct {
	plain map[string][]byte
	dups  [2]dupModel
}

func newNestModel() nestModel {
	return nestModel{plain: map[string][]byte{}, dups: [2]dupModel{{}, {}}}
}

func (m nestModel) empty() bool {
	return len(m.plain) == 0 && len(m.dups[0]) == 0 && len(m.dups[1]) == 0
}

func (m nestModel) clone() nestModel {
	return nestModel{plain: maps.Clone(m.plain), dups: [2]dupModel{m.dups[0].clone(), m.dups[1].clone()}}
}

// nestDupOp changes one of the DupSort databases: adds a value (a run of
// them with PutMultiple in the DupFixed one), deletes one value, or deletes
// a key with all its values. 40 keys and up to 1,500 IDs each: keys cross
// the sub-page limit both ways.
func nestDupOp(t *testing.T, r *rand.Rand, txn *Txn, dbis nestDBIs, m nestModel, where string) {
	t.Helper()
	which := r.IntN(2)
	dbi, set := dbis[1+which], m.dups[which]
	key := fmt.Sprintf("d%02d", r.IntN(40))
	add := func(v []byte) {
		if set[key] == nil {
			set[key] = map[string]bool{}
		}
		set[key][string(v)] = true
	}
	switch x := r.IntN(20); {
	case x < 11:
		v := id(r.Uint64N(1500))
		if err := txn.Put(dbi, []byte(key), v, 0); err != nil {
			t.Fatalf("%s: dup put: %v", where, err)
		}
		add(v)
	case x < 13:
		// A run of values: enough to take a key past the sub-page limit.
		from, cnt := r.Uint64N(1500), 1+r.Uint64N(300)
		var vals []byte
		for n := from; n < from+cnt; n++ {
			vals = append(vals, id(n)...)
		}
		if which == 1 {
			if k, err := txn.PutMultiple(dbi, []byte(key), vals, 8, 0); err != nil || k != int(cnt) {
				t.Fatalf("%s: PutMultiple: %d of %d, %v", where, k, cnt, err)
			}
		} else {
			for i := 0; i < len(vals); i += 8 {
				if err := txn.Put(dbi, []byte(key), vals[i:i+8], 0); err != nil {
					t.Fatalf("%s: dup put: %v", where, err)
				}
			}
		}
		for i := 0; i < len(vals); i += 8 {
			add(vals[i : i+8])
		}
	case x < 19:
		v := string(id(r.Uint64N(1500)))
		if vals := set[key]; len(vals) > 0 && r.IntN(2) == 0 {
			v = pickValue(r, vals) // one that is there (by the seed, not map order)
		}
		err := txn.Del(dbi, []byte(key), []byte(v))
		if had := set[key][v]; had != (err == nil) {
			t.Fatalf("%s: dup del of %s/%x had=%v: %v", where, key, v, had, err)
		}
		delete(set[key], v)
		if len(set[key]) == 0 {
			delete(set, key)
		}
	default:
		err := txn.Del(dbi, []byte(key), nil)
		if _, had := set[key]; had != (err == nil) {
			t.Fatalf("%s: del of key %s had=%v: %v", where, key, had, err)
		}
		delete(set, key)
	}
}

// checkNest compares the three databases with the model and checks the tree.
func checkNest(t *testing.T, txn *Txn, dbis nestDBIs, m nestModel, where string) {
	t.Helper()
	checkPlain(t, txn, dbis[0], m.plain, where)
	for i, set := range m.dups {
		want := set.pairs(orderBytes, orderBytes)
		got := scanAll(t, txn, dbis[1+i])
		if len(got) != len(want) {
			t.Fatalf("%s: %s has %d pairs, model %d", where, nestDBNames[1+i], len(got), len(want))
		}
		for j := range got {
			if !bytes.Equal(got[j].k, want[j].k) || !bytes.Equal(got[j].v, want[j].v) {
				t.Fatalf("%s: %s pair %d: %s/%x, model %s/%x", where, nestDBNames[1+i], j, got[j].k, got[j].v, want[j].k, want[j].v)
			}
		}
		st, err := txn.Stat(dbis[1+i])
		if err != nil || st.Entries != uint64(len(want)) {
			t.Fatalf("%s: %s entries %d (%v), model %d", where, nestDBNames[1+i], st.Entries, err, len(want))
		}
	}
}

func checkPlain(t *testing.T, txn *Txn, dbi DBI, m map[string][]byte, where string) {
	t.Helper()
	got := scanAll(t, txn, dbi)
	if len(got) != len(m) {
		t.Fatalf("%s: %d keys, model %d", where, len(got), len(m))
	}
	for _, p := range got {
		if !bytes.Equal(m[string(p.k)], p.v) {
			t.Fatalf("%s: key %q differs", where, p.k)
		}
	}
	if err := txn.Check(); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
}

// TestNested_parentPathsAfterChild: the Txn.Put cursor's remembered paths
// (Append's rightmost path, a DupSort key's path) must not survive a child
// that rewrote those pages: the parent's next puts go where the child left
// the tree, and nothing the child or the parent wrote is lost.
func TestNested_parentPathsAfterChild(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	top, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	dups, err := top.OpenDB("dups", Create|DupSort)
	if err != nil {
		t.Fatal(err)
	}
	key := func(i int) []byte { return fmt.Appendf(nil, "k%05d", i) }
	put := func(txn *Txn, dbi DBI, k, v []byte, fl PutFlags) {
		t.Helper()
		if err := txn.Put(dbi, k, v, fl); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 50; i++ {
		put(top, dups, []byte("d"), key(i), 0)
	}
	// Each child runs right after the parent's last put went through the
	// path the child rewrites.
	child := func(dbi DBI, k, v []byte) {
		t.Helper()
		c, err := top.BeginChild()
		if err != nil {
			t.Fatal(err)
		}
		put(c, dbi, k, v, 0)
		if err := c.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 50; i++ {
		put(top, MainDB, key(i), key(i), Append)
	}
	for round := 0; round < 3; round++ {
		child(MainDB, key(1000+round), []byte("child"))
		for i := 2000 + 10*round; i < 2010+10*round; i++ {
			put(top, MainDB, key(i), key(i), Append)
		}
		put(top, dups, []byte("d"), key(3000+round), 0)
		child(dups, []byte("d"), key(1000+round))
		for i := 2000 + 10*round; i < 2010+10*round; i++ {
			put(top, dups, []byte("d"), key(i), 0)
		}
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := env.View(func(txn *Txn) error {
		for _, k := range [][]byte{key(0), key(49), key(1000), key(1002), key(2000), key(2029)} {
			if _, err := txn.Get(MainDB, k); err != nil {
				t.Errorf("main %s: %v", k, err)
			}
		}
		c, err := txn.OpenCursor(dups)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, _, err := c.Get([]byte("d"), nil, Set); err != nil {
			return err
		}
		n, err := c.Count()
		if err != nil {
			return err
		}
		if n != 50+3+3+30 {
			t.Errorf("dup count %d, want %d", n, 50+3+3+30)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
}

// Pages dirty in a grandparent that a grandchild frees leave the
// grandparent's dirty set when the chain commits (they are free, not to be
// written).
func TestNested_grandchildFreesGrandparentPages_dropsThem(t *testing.T) {
	childFreesParentPages(t, "the grandchild", func(top *Txn, dbi DBI) {
		child, err := top.BeginChild()
		if err != nil {
			t.Fatal(err)
		}
		grandchild, err := child.BeginChild()
		if err != nil {
			t.Fatal(err)
		}
		if err := grandchild.Empty(dbi); err != nil {
			t.Fatal(err)
		}
		if err := grandchild.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := child.Commit(); err != nil {
			t.Fatal(err)
		}
	})
}

// childFreesParentPages fills database "d" of a new write transaction top
// with 2000 keys, lets chain free its pages in child transactions of top
// (and commit them), and checks that those pages left top's dirty set.
func childFreesParentPages(t *testing.T, who string, chain func(top *Txn, dbi DBI)) {
	t.Helper()
	top := edgeTxn(t)
	dbi, err := top.OpenDB("d", Create)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		if err := top.Put(dbi, nestedKey(i), make([]byte, 100), 0); err != nil {
			t.Fatal(err)
		}
	}
	before := len(top.w.dirty)
	chain(top, dbi)
	// Left dirty: at most the main DB's path (the named DB's record).
	if after := len(top.w.dirty); after > 4 {
		t.Fatalf("%d of %d dirty pages still held after %s emptied their database", after, before, who)
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, top.env, "after "+who+" committed")
}

func nestedKey(i int) []byte { return fmt.Appendf(nil, "key-%05d", i) }

// Committing a transaction whose child is still active commits the child
// first, at every depth, as LMDB does; a child that cannot commit takes its
// ancestors down with it, and the database stays as it was.
func TestNested_commitWithActiveChild_commitsTheChain(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 1 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	put := func(txn *Txn, k string, size int) error { return txn.Put(MainDB, []byte(k), make([]byte, size), 0) }
	top, _ := env.BeginWrite()
	if err := put(top, "a", 10); err != nil {
		t.Fatal(err)
	}
	child, _ := top.BeginChild()
	if err := put(child, "b", 10); err != nil {
		t.Fatal(err)
	}
	grandchild, _ := child.BeginChild()
	if err := put(grandchild, "c", 10); err != nil {
		t.Fatal(err)
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, txn := range []*Txn{child, grandchild} {
		if err := txn.Commit(); !errors.Is(err, ErrBadTxn) {
			t.Fatalf("commit of a child its ancestor committed: %v", err)
		}
	}
	got := map[string]bool{}
	env.View(func(txn *Txn) error {
		for _, item := range scanAll(t, txn, MainDB) {
			got[string(item.k)] = true
		}
		return nil
	})
	if len(got) != 3 || !got["a"] || !got["b"] || !got["c"] {
		t.Fatalf("after the top commit the database holds %v, want a, b and c", got)
	}

	// A child whose write failed (the map is full) fails the whole chain.
	top, _ = env.BeginWrite()
	if err := put(top, "d", 10); err != nil {
		t.Fatal(err)
	}
	child, _ = top.BeginChild()
	for i := 0; ; i++ {
		err := put(child, fmt.Sprint("big", i), 100<<10)
		if errors.Is(err, ErrMapFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := top.Commit(); !errors.Is(err, ErrBadTxn) || !strings.Contains(err.Error(), "child") {
		t.Fatalf("commit over a child whose write failed: %v", err)
	}
	if err := top.Commit(); !errors.Is(err, ErrBadTxn) {
		t.Fatalf("the failed commit left the transaction open: %v", err)
	}
	err = env.View(func(txn *Txn) error {
		items := scanAll(t, txn, MainDB)
		if len(items) != 3 {
			t.Errorf("after the failed commit the database holds %d items", len(items))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the failed chain")
	// The writer lock was released: a new transaction begins.
	txn, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	txn.Abort()
}
