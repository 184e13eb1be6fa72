package engine

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var (
	modelSeeds = flag.Int("model.seeds", 4, "number of seeds for the model-based random tests")
	modelSeed  = flag.Uint64("model.seed", 0, "replay one seed of the model-based random tests")
	modelTxns  = flag.Int("model.txns", 60, "transactions per seed")
)

// model is the trivial reference: a sorted map per database.
type model map[string]map[string][]byte

func (m model) clone() model {
	out := model{}
	for db, kvs := range m {
		c := make(map[string][]byte, len(kvs))
		for k, v := range kvs {
			c[k] = v
		}
		out[db] = c
	}
	return out
}

func (m model) sorted(db string, cmp keyOrder) []kv {
	var out []kv
	for k, v := range m[db] {
		out = append(out, kv{[]byte(k), v})
	}
	slices.SortFunc(out, func(a, b kv) int { return cmp.compare(a.k, b.k) })
	return out
}

type modelDB struct {
	name  string
	flags DBFlags
}

var modelDBs = []modelDB{{"", 0}, {"alpha", 0}, {"rev", ReverseKey}, {"ints", IntegerKey}}

func seedsToRun() []uint64 {
	if *modelSeed != 0 {
		return []uint64{*modelSeed}
	}
	var s []uint64
	for i := 1; i <= *modelSeeds; i++ {
		s = append(s, uint64(i)*7919)
	}
	return s
}

func randKey(r *rand.Rand, db modelDB) []byte {
	if db.flags&IntegerKey != 0 {
		b := make([]byte, 8)
		le.PutUint64(b, r.Uint64N(5000))
		return b
	}
	switch r.IntN(10) {
	case 0:
		b := make([]byte, 1+r.IntN(MaxKeySize))
		for i := range b {
			b[i] = byte('a' + r.IntN(3))
		}
		return b
	default:
		return fmt.Appendf(nil, "k%05d", r.IntN(3000))
	}
}

func randValue(r *rand.Rand) []byte {
	var n int
	switch r.IntN(20) {
	case 0:
		n = 0
	case 1:
		n = 2000 + r.IntN(20000) // overflow pages
	case 2:
		n = 1000 + r.IntN(1100) // around the inline limit
	default:
		n = r.IntN(120)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestModel_randomOps_matchSortedMap(t *testing.T) {
	for _, seed := range seedsToRun() {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed, *modelTxns) })
	}
}

// modelOptions: odd seeds run in SyncInterval mode, flushed at random
// points between transactions, so that commits reuse pages written after
// a flush (young.go) while the model checks every transaction.
func modelOptions(seed uint64) *Options {
	opts := &Options{MapSize: 256 << 20, Durability: NoSync, DirtyLimit: modelDirtyLimit}
	if seed%2 == 1 {
		opts.Durability, opts.SyncInterval = SyncInterval, time.Hour
	}
	return opts
}

// runModel returns how many times its write transactions spilled.
func runModel(t *testing.T, seed uint64, txns int) (spills int) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	dir := t.TempDir()
	opts := modelOptions(seed)
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		spills += env.spills
		env.Close()
	}()
	committed := model{}
	for _, d := range modelDBs {
		committed[d.name] = map[string][]byte{}
	}
	for i := 0; i < txns; i++ {
		txn, err := env.BeginWrite()
		if err != nil {
			t.Fatal(err)
		}
		m := committed.clone()
		dbis := map[string]DBI{}
		for _, d := range modelDBs {
			dbi, err := txn.OpenDB(d.name, d.flags|Create)
			if err != nil {
				t.Fatalf("seed %d txn %d: open %q: %v", seed, i, d.name, err)
			}
			dbis[d.name] = dbi
		}
		nops := 1 + r.IntN(400)
		if r.IntN(10) == 0 {
			nops = 3000
		}
		// A cursor kept across the whole transaction walks one database
		// while every operation changes the trees under it.
		w := newModelWalker(t, txn, modelDBs[1+r.IntN(len(modelDBs)-1)], dbis, r.IntN(2) == 0)
		for j := 0; j < nops; j++ {
			if r.IntN(8) == 0 {
				w.step(r, m, fmt.Sprintf("seed %d txn %d op %d", seed, i, j))
			}
			d := modelDBs[r.IntN(len(modelDBs))]
			dbi := dbis[d.name]
			switch op := r.IntN(13); {
			case op == 11:
				// NoOverwrite stores a new key and refuses a present one.
				k, v := randKey(r, d), randValue(r)
				if ks := m.sorted(d.name, orderBytes); len(ks) > 0 && r.IntN(2) == 0 {
					k = ks[r.IntN(len(ks))].k
				}
				err := txn.Put(dbi, k, v, NoOverwrite)
				if _, had := m[d.name][string(k)]; had {
					if !errors.Is(err, ErrKeyExists) {
						t.Fatalf("seed %d txn %d op %d: NoOverwrite of a present key: %v", seed, i, j, err)
					}
					break
				}
				if err != nil {
					t.Fatalf("seed %d txn %d op %d: NoOverwrite of a new key: %v", seed, i, j, err)
				}
				m[d.name][string(k)] = v
			case op == 12:
				// PutReserve, filled afterwards; then a Current put of
				// another size through a cursor on the same key.
				k, v := randKey(r, d), randValue(r)
				buf, err := txn.PutReserve(dbi, k, len(v), 0)
				if err != nil || len(buf) != len(v) {
					t.Fatalf("seed %d txn %d op %d: PutReserve: %d bytes, %v", seed, i, j, len(buf), err)
				}
				copy(buf, v)
				m[d.name][string(k)] = v
				if r.IntN(2) == 0 {
					c := mustCursor(t, txn, dbi)
					if _, _, err := c.Get(k, nil, Set); err != nil {
						t.Fatal(err)
					}
					v2 := randValue(r)
					if len(v2) == len(v) {
						v2 = append(v2, 'x') // another size
					}
					if err := c.Put(k, v2, Current); err != nil {
						t.Fatalf("seed %d txn %d op %d: Current put: %v", seed, i, j, err)
					}
					m[d.name][string(k)] = v2
					c.Close()
				}
			case op == 10 && d.flags&ReverseKey == 0 && d.name != "": // the main DB also holds the DB records
				// A run of Appends after the current last key (sorted bulk load).
				cmp, _ := comparators(uint16(d.flags))
				ks := m.sorted(d.name, cmp)
				for n := 1 + r.IntN(60); n > 0; n-- {
					var k []byte
					switch {
					case d.flags&IntegerKey != 0:
						next := uint64(0)
						if len(ks) > 0 {
							next = le.Uint64(ks[len(ks)-1].k) + 1 + r.Uint64N(3)
						}
						k = le.AppendUint64(nil, next)
					case len(ks) == 0:
						k = []byte("a")
					case len(ks[len(ks)-1].k) < 400:
						k = append(bytes.Clone(ks[len(ks)-1].k), byte('a'+r.IntN(26)))
					default:
						k = nil
					}
					if k == nil {
						break
					}
					v := randValue(r)
					if err := txn.Put(dbi, k, v, Append); err != nil {
						t.Fatalf("seed %d txn %d op %d: append %x: %v", seed, i, j, k, err)
					}
					m[d.name][string(k)] = v
					ks = append(ks, kv{k, v})
				}
				if len(ks) > 0 {
					// Out of order: the first key again.
					if err := txn.Put(dbi, ks[0].k, []byte("x"), Append); !errors.Is(err, ErrKeyExists) {
						t.Fatalf("seed %d txn %d op %d: out-of-order append: %v", seed, i, j, err)
					}
				}
			case op < 6:
				k, v := randKey(r, d), randValue(r)
				if err := txn.Put(dbi, k, v, 0); err != nil {
					t.Fatalf("seed %d txn %d op %d: put: %v", seed, i, j, err)
				}
				m[d.name][string(k)] = v
			case op < 9:
				k := randKey(r, d)
				if ks := m.sorted(d.name, orderBytes); len(ks) > 0 && r.IntN(2) == 0 {
					k = ks[r.IntN(len(ks))].k
				}
				err := txn.Del(dbi, k, nil)
				_, had := m[d.name][string(k)]
				if had && err != nil || !had && err != ErrNotFound {
					for _, p := range scanAll(t, txn, dbi) {
						t.Logf("have %q %d", p.k, len(p.v))
					}
					st, _ := txn.Stat(dbi)
					t.Fatalf("seed %d txn %d op %d: db %q key %q del(had=%v): %v %+v", seed, i, j, d.name, k, had, err, st)
				}
				delete(m[d.name], string(k))
			default:
				// Delete a run of keys through a cursor.
				c, err := txn.OpenCursor(dbi)
				if err != nil {
					t.Fatal(err)
				}
				k, _, err := c.Get(randKey(r, d), nil, SetRange)
				for n := r.IntN(200); err == nil && n > 0; n-- {
					ks := string(k) // k points into the page Del changes
					if d.name == "" && txn.isNamed(k) {
						k, _, err = c.Get(nil, nil, Next)
						continue
					}
					if err := c.Del(true); err != nil {
						t.Fatalf("seed %d txn %d: cursor del: %v", seed, i, err)
					}
					delete(m[d.name], ks)
					k, _, err = c.Get(nil, nil, Next)
				}
				if err != nil && err != ErrNotFound {
					t.Fatalf("seed %d txn %d: cursor next after del: %v", seed, i, err)
				}
				c.Close()
			}
		}
		verifyModel(t, txn, m, dbis, fmt.Sprintf("seed %d txn %d (before commit)", seed, i))
		if r.IntN(5) == 0 {
			txn.Abort()
		} else {
			if err := txn.Commit(); err != nil {
				t.Fatalf("seed %d txn %d: commit: %v", seed, i, err)
			}
			committed = m
		}
		if opts.Durability == SyncInterval && r.IntN(6) == 0 {
			if err := env.Sync(false); err != nil {
				t.Fatal(err)
			}
		}
		checkEnv(t, env, fmt.Sprintf("seed %d txn %d", seed, i))
		if r.IntN(15) == 0 {
			spills += env.spills
			if err := env.Close(); err != nil {
				t.Fatal(err)
			}
			if env, err = Open(dir, opts); err != nil {
				t.Fatal(err)
			}
		}
		rt, err := env.BeginRead()
		if err != nil {
			t.Fatal(err)
		}
		rdbis := map[string]DBI{}
		for _, d := range modelDBs {
			if rdbis[d.name], err = rt.OpenDB(d.name, 0); errors.Is(err, ErrNotFound) && len(committed[d.name]) == 0 {
				continue // created by an aborted transaction only: absent
			} else if err != nil {
				t.Fatalf("seed %d txn %d: reopen db %q: %v", seed, i, d.name, err)
			}
		}
		verifyModel(t, rt, committed, rdbis, fmt.Sprintf("seed %d txn %d (committed)", seed, i))
		rt.Abort()
	}
	return spills // the deferred close adds the open environment's spills
}

// modelWalker is a cursor moving through one database of a write
// transaction while other operations change it: each move must give the
// smallest key after the last one it gave (backwards: the largest before
// it), as the model holds them now. It moves mostly one way, with moves the
// other way mixed in; past an end the same move must find nothing again.
type modelWalker struct {
	t    *testing.T
	d    modelDB
	c    *Cursor
	back bool   // walks with Last and Prev
	at   []byte // the key it stands on; nil: not positioned
}

func newModelWalker(t *testing.T, txn *Txn, d modelDB, dbis map[string]DBI, back bool) *modelWalker {
	return &modelWalker{t: t, d: d, c: mustCursor(t, txn, dbis[d.name]), back: back}
}

func (w *modelWalker) step(r *rand.Rand, m model, where string) {
	w.t.Helper()
	cmp, _ := comparators(uint16(w.d.flags))
	back := w.back != (r.IntN(4) == 0)
	op := map[bool]CursorOp{false: Next, true: Prev}[back]
	if r.IntN(4) == 0 { // the same moves, for a database without duplicates
		op = map[bool]CursorOp{false: NextNoDup, true: PrevNoDup}[back]
	}
	if w.at == nil {
		back = w.back
		op = map[bool]CursorOp{false: First, true: Last}[back]
	}
	dir := 1 // the next key is the smallest after at; backwards the largest before
	if back {
		dir = -1
	}
	var want []byte
	for k := range m[w.d.name] {
		kb := []byte(k)
		if (w.at == nil || dir*cmp.compare(kb, w.at) > 0) && (want == nil || dir*cmp.compare(kb, want) < 0) {
			want = kb
		}
	}
	k, v, err := w.c.Get(nil, nil, op)
	if want == nil {
		if !errors.Is(err, ErrNotFound) {
			w.t.Fatalf("%s: walker on %q, op %d from %x: %x %v, want the end", where, w.d.name, op, w.at, k, err)
		}
		if k, _, err := w.c.Get(nil, nil, op); !errors.Is(err, ErrNotFound) {
			w.t.Fatalf("%s: walker on %q, op %d again past the end: %x %v", where, w.d.name, op, k, err)
		}
		w.at = nil
		return
	}
	if err != nil || !bytes.Equal(k, want) || !bytes.Equal(v, m[w.d.name][string(want)]) {
		w.t.Fatalf("%s: walker on %q, op %d from %x: %x %v, want %x", where, w.d.name, op, w.at, k, err, want)
	}
	w.at = bytes.Clone(k)
}

func verifyModel(t *testing.T, txn *Txn, m model, dbis map[string]DBI, where string) {
	t.Helper()
	for _, d := range modelDBs {
		if _, ok := dbis[d.name]; !ok {
			continue
		}
		cmp, _ := comparators(uint16(d.flags))
		want := m.sorted(d.name, cmp)
		got := scanAll(t, txn, dbis[d.name])
		named := 0
		if d.name == "" {
			// The main DB also holds the named databases' records.
			got = slices.DeleteFunc(got, func(p kv) bool {
				for _, o := range modelDBs {
					if o.name != "" && string(p.k) == o.name && len(p.v) == dbRecordSize {
						named++
						return true
					}
				}
				return false
			})
		}
		if len(got) != len(want) {
			t.Fatalf("%s: db %q has %d keys, model %d", where, d.name, len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i].k, want[i].k) || !bytes.Equal(got[i].v, want[i].v) {
				t.Fatalf("%s: db %q pair %d differs: key %x vs %x", where, d.name, i, got[i].k, want[i].k)
			}
		}
		st, _ := txn.Stat(dbis[d.name])
		if st.Entries != uint64(len(want)+named) {
			t.Fatalf("%s: db %q entries %d, model %d", where, d.name, st.Entries, len(want))
		}
		// Backwards too.
		c, _ := txn.OpenCursor(dbis[d.name])
		k, _, err := c.Get(nil, nil, Last)
		for i := len(want) - 1; i >= 0; i-- {
			for d.name == "" && err == nil && txn.isNamed(k) {
				k, _, err = c.Get(nil, nil, Prev)
			}
			if err != nil || !bytes.Equal(k, want[i].k) {
				t.Fatalf("%s: db %q reverse scan at %d: %x %v", where, d.name, i, k, err)
			}
			k, _, err = c.Get(nil, nil, Prev)
		}
		for d.name == "" && err == nil && txn.isNamed(k) {
			k, _, err = c.Get(nil, nil, Prev)
		}
		if err != ErrNotFound {
			t.Fatalf("%s: db %q reverse scan past start: %v", where, d.name, err)
		}
		c.Close()
	}
}

// checkEnv runs the structural check (a no-op until Check exists).
func checkEnv(t *testing.T, env *Env, where string) {
	t.Helper()
	if err := Check(env); err != nil {
		t.Fatalf("%s: check: %v", where, err)
	}
}

func (t *Txn) isNamed(k []byte) bool {
	for _, o := range modelDBs {
		if o.name != "" && string(k) == o.name {
			return true
		}
	}
	return false
}
