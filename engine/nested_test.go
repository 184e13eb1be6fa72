package engine

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestNested_randomChildren_matchModelStack: changes made in a child are
// visible to it, become the parent's on commit and vanish on abort, at any
// depth; what the outermost transaction commits is exactly the model's state.
func TestNested_randomChildren_matchModelStack(t *testing.T) {
	for _, seed := range seedsToRun() {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			env, err := Open(t.TempDir(), &Options{MapSize: 128 << 20, Durability: NoSync})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			committed := map[string][]byte{}
			for round := 0; round < 20; round++ {
				top, err := env.BeginWrite()
				if err != nil {
					t.Fatal(err)
				}
				dbi, err := top.OpenDB("nest", Create|DupSort)
				if err != nil {
					t.Fatal(err)
				}
				plain, err := top.OpenDB("plain", Create)
				if err != nil {
					t.Fatal(err)
				}
				txns := []*Txn{top}
				models := []map[string][]byte{clonePlain(committed)}
				_ = dbi
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
						if err := cur.Put(plain, []byte("x"), []byte("y"), 0); err == nil {
							t.Fatalf("%s: parent usable while its child is active", where)
						}
						txns = append(txns, child)
						models = append(models, clonePlain(m))
					case x == 1 && len(txns) > 1:
						if err := cur.Commit(); err != nil {
							t.Fatalf("%s: child commit: %v", where, err)
						}
						txns = txns[:len(txns)-1]
						models = append(models[:len(models)-2], m)
					case x == 2 && len(txns) > 1:
						cur.Abort()
						txns = txns[:len(txns)-1]
						models = models[:len(models)-1]
					case x < 14:
						k := fmt.Appendf(nil, "k%04d", r.IntN(800))
						v := bytes.Repeat([]byte{byte(r.Uint32())}, 1+r.IntN(300))
						if r.IntN(30) == 0 {
							v = bytes.Repeat([]byte{7}, 5000) // overflow pages
						}
						if err := cur.Put(plain, k, v, 0); err != nil {
							t.Fatalf("%s: put: %v", where, err)
						}
						m[string(k)] = v
					default:
						k := fmt.Appendf(nil, "k%04d", r.IntN(800))
						err := cur.Del(plain, k, nil)
						if _, had := m[string(k)]; had != (err == nil) {
							t.Fatalf("%s: del had=%v: %v", where, had, err)
						}
						delete(m, string(k))
					}
					if op%50 == 0 {
						checkPlain(t, txns[len(txns)-1], plain, models[len(models)-1], where)
					}
				}
				for len(txns) > 1 { // commit what is still open
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
					committed = models[0]
				}
				checkEnv(t, env, fmt.Sprintf("seed %d round %d", seed, round))
				rt, _ := env.BeginRead()
				if p, err := rt.OpenDB("plain", 0); err == nil {
					checkPlain(t, rt, p, committed, fmt.Sprintf("seed %d round %d committed", seed, round))
				} else if len(committed) != 0 {
					t.Fatal(err)
				}
				rt.Abort()
			}
		})
	}
}

func clonePlain(m map[string][]byte) map[string][]byte {
	c := make(map[string][]byte, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
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
	env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: NoSync, MaxDBs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	top, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	defer top.Abort()
	dbi, err := top.OpenDB("d", Create)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		if err := top.Put(dbi, fmt.Appendf(nil, "key-%05d", i), make([]byte, 100), 0); err != nil {
			t.Fatal(err)
		}
	}
	before := len(top.w.dirty)
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
	// Left dirty: at most the main DB's path (the named DB's record).
	if after := len(top.w.dirty); after > 4 {
		t.Fatalf("%d of %d dirty pages still held after the grandchild emptied their database", after, before)
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
}
