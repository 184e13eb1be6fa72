package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

var dupCheckEach = flag.Bool("model.checkeach", false, "run Check after every operation of the dup model test")

// dupModel is key -> sorted set of values.
type dupModel map[string]map[string]bool

func (m dupModel) clone() dupModel {
	out := dupModel{}
	for k, vs := range m {
		c := map[string]bool{}
		for v := range vs {
			c[v] = true
		}
		out[k] = c
	}
	return out
}

func (m dupModel) pairs(kcmp, vcmp keyOrder) []kv {
	var keys [][]byte
	for k := range m {
		keys = append(keys, []byte(k))
	}
	slices.SortFunc(keys, kcmp.compare)
	var out []kv
	for _, k := range keys {
		var vals [][]byte
		for v := range m[string(k)] {
			vals = append(vals, []byte(v))
		}
		slices.SortFunc(vals, vcmp.compare)
		for _, v := range vals {
			out = append(out, kv{k, v})
		}
	}
	return out
}

var dupModelDBs = []modelDB{
	{"dups", DupSort},
	{"fixed", DupSort | DupFixed},
	{"intdup", DupSort | DupFixed | IntegerDup},
	{"revdup", DupSort | ReverseDup},
}

func dupValue(r *rand.Rand, d modelDB) []byte {
	switch {
	case d.flags&IntegerDup != 0:
		return binary.LittleEndian.AppendUint64(nil, r.Uint64N(100000))
	case d.flags&DupFixed != 0:
		return fmt.Appendf(nil, "%08d", r.IntN(100000))
	}
	n := 1 + r.IntN(40)
	if r.IntN(20) == 0 {
		n = 100 + r.IntN(MaxKeySize-100)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return b
}

// dupRun returns a run of DupFixed values for PutMultiple, packed: mostly
// ascending from a random start (long runs for the big keys, which fill
// and split values tree leaves), now and then with one value out of order.
func dupRun(r *rand.Rand, d modelDB, big bool) ([]byte, int) {
	n := 1 + r.IntN(6)
	if big {
		n = 1 + r.IntN(1500)
	}
	x := r.IntN(100000)
	if big && r.IntN(2) == 0 {
		x = 100000 + r.IntN(1000000) // after every value dupValue makes
	}
	var vals []byte
	for i := 0; i < n; i++ {
		x += 1 + r.IntN(20)
		if r.IntN(200) == 0 {
			x -= 40
		}
		if d.flags&IntegerDup != 0 {
			vals = binary.LittleEndian.AppendUint64(vals, uint64(max(x, 0)))
		} else {
			vals = fmt.Appendf(vals, "%08d", max(x, 0)%100000000)
		}
	}
	return vals, 8
}

func TestModelDup_randomOps_matchSortedSets(t *testing.T) {
	for _, seed := range seedsToRun() {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runDupModel(t, seed, *modelTxns) })
	}
}

// runDupModel returns how many times its write transactions spilled.
func runDupModel(t *testing.T, seed uint64, txns int) (spills int) {
	r := rand.New(rand.NewPCG(seed, seed*31+7))
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
	committed := map[string]dupModel{}
	for _, d := range dupModelDBs {
		committed[d.name] = dupModel{}
	}
	for i := 0; i < txns; i++ {
		where := func(j int) string { return fmt.Sprintf("seed %d txn %d op %d", seed, i, j) }
		txn, err := env.BeginWrite()
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]dupModel{}
		dbis := map[string]DBI{}
		for _, d := range dupModelDBs {
			m[d.name] = committed[d.name].clone()
			if dbis[d.name], err = txn.OpenDB(d.name, d.flags|Create); err != nil {
				t.Fatal(err)
			}
		}
		nops := 1 + r.IntN(500)
		// A cursor kept across the transaction walks the pairs of one
		// database while the operations change it.
		wd := dupModelDBs[r.IntN(len(dupModelDBs))]
		walker := dupWalker{d: wd, c: mustCursor(t, txn, dbis[wd.name]), back: r.IntN(2) == 0}
		for j := 0; j < nops; j++ {
			if r.IntN(10) == 0 {
				walker.step(t, r, m[wd.name], where(j))
			}
			if *dupCheckEach {
				if err := txn.Check(); err != nil {
					t.Fatalf("%s: %v", where(j), err)
				}
			}
			d := dupModelDBs[r.IntN(len(dupModelDBs))]
			dbi, dm := dbis[d.name], m[d.name]
			key := fmt.Appendf(nil, "key%03d", r.IntN(40))
			if r.IntN(8) == 0 {
				key = fmt.Appendf(nil, "big%03d", r.IntN(3)) // keys that collect many values
			}
			switch op := r.IntN(25); {
			case op >= 20:
				old, nv := dupModelExtraOp(t, r, txn, d, dbi, dm, key, op-20, where(j))
				if old != nil && d.name == wd.name && walker.placed && bytes.Equal(walker.k, key) && bytes.Equal(walker.v, old) {
					// A cursor on a value replaced in place by another
					// cursor's Current put stays on it, as in LMDB.
					walker.v = nv
				}
			case op < 3 && d.flags&DupFixed != 0:
				vals, size := dupRun(r, d, bytes.HasPrefix(key, []byte("big")))
				flags := []PutFlags{0, 0, NoDupData, AppendDup}[r.IntN(4)]
				n, err := txn.PutMultiple(dbi, key, vals, size, flags)
				if err != nil && (!errors.Is(err, ErrKeyExists) || flags == 0) {
					t.Fatalf("%s: PutMultiple %q flags %#x: %v", where(j), key, flags, err)
				}
				if err == nil && n != len(vals)/size {
					t.Fatalf("%s: PutMultiple stored %d of %d", where(j), n, len(vals)/size)
				}
				for i := 0; i < n; i++ {
					if dm[string(key)] == nil {
						dm[string(key)] = map[string]bool{}
					}
					dm[string(key)][string(vals[i*size:(i+1)*size])] = true
				}
			case op < 12:
				v := dupValue(r, d)
				n := 1 + r.IntN(3)
				if bytes.HasPrefix(key, []byte("big")) {
					n = 30
				}
				for ; n > 0; n-- {
					v = dupValue(r, d)
					if err := txn.Put(dbi, key, v, 0); err != nil {
						t.Fatalf("%s: put %q: %v", where(j), key, err)
					}
					if dm[string(key)] == nil {
						dm[string(key)] = map[string]bool{}
					}
					dm[string(key)][string(v)] = true
				}
				err := txn.Put(dbi, key, v, NoDupData)
				if err != ErrKeyExists {
					t.Fatalf("%s: NoDupData put of an existing pair: %v", where(j), err)
				}
			case op < 16:
				vals := dm[string(key)]
				if len(vals) == 0 {
					if err := txn.Del(dbi, key, nil); err != ErrNotFound {
						t.Fatalf("%s: del missing key: %v", where(j), err)
					}
					continue
				}
				v := []byte(pickValue(r, vals))
				if err := txn.Del(dbi, key, v); err != nil {
					t.Fatalf("%s: del %q=%q: %v", where(j), key, v, err)
				}
				delete(vals, string(v))
				if len(vals) == 0 {
					delete(dm, string(key))
				}
			case op < 17:
				err := txn.Del(dbi, key, nil)
				if _, had := dm[string(key)]; had != (err == nil) {
					t.Fatalf("%s: del key %q: %v", where(j), key, err)
				}
				delete(dm, string(key))
			default:
				// Delete every other value of a key through a cursor.
				c, _ := txn.OpenCursor(dbi)
				_, v, err := c.Get(key, nil, Set)
				for n := 0; err == nil; n++ {
					if n%2 == 0 {
						vs := string(v)
						if err := c.Del(false); err != nil {
							t.Fatalf("%s: cursor del: %v", where(j), err)
						}
						delete(dm[string(key)], vs)
						if len(dm[string(key)]) == 0 {
							delete(dm, string(key))
						}
					}
					_, v, err = c.Get(nil, nil, NextDup)
				}
				if err != ErrNotFound {
					t.Fatalf("%s: NextDup: %v", where(j), err)
				}
				c.Close()
			}
		}
		verifyDupModel(t, txn, m, dbis, fmt.Sprintf("seed %d txn %d", seed, i))
		if r.IntN(5) == 0 {
			txn.Abort()
		} else {
			if err := txn.Commit(); err != nil {
				t.Fatal(err)
			}
			committed = m
		}
		if opts.Durability == SyncInterval && r.IntN(6) == 0 {
			if err := env.Sync(false); err != nil {
				t.Fatal(err)
			}
		}
		checkEnv(t, env, fmt.Sprintf("seed %d txn %d", seed, i))
		if r.IntN(10) == 0 {
			spills += env.spills
			env.Close()
			if env, err = Open(dir, opts); err != nil {
				t.Fatal(err)
			}
		}
	}
	return spills // the deferred close adds the open environment's spills
}

// dupWalker moves a cursor through the (key, value) pairs of a DupSort
// database while other operations change it: each move must give the pair
// the model holds at that moment relative to the last pair the cursor gave
// (which may since have been deleted). Moves go mostly one way (back: Last,
// Prev), with every relative move mixed in: Next, Prev, NextDup, PrevDup,
// NextNoDup, PrevNoDup.
type dupWalker struct {
	d      modelDB
	c      *Cursor
	back   bool
	k, v   []byte // the last pair given
	placed bool   // false: the walk starts again with First (Last)
}

func (w *dupWalker) step(t *testing.T, r *rand.Rand, dm dupModel, where string) {
	t.Helper()
	kcmp, vcmp := comparators(uint16(w.d.flags))
	cmpPair := func(k1, v1, k2, v2 []byte) int {
		if c := kcmp.compare(k1, k2); c != 0 {
			return c
		}
		return vcmp.compare(v1, v2)
	}
	ops := []CursorOp{Next, NextDup, NextNoDup, Prev, PrevDup, PrevNoDup}
	op := ops[r.IntN(len(ops))]
	if r.IntN(3) != 0 { // mostly the walk's own direction
		op = map[bool]CursorOp{false: Next, true: Prev}[w.back]
	}
	if !w.placed {
		op = map[bool]CursorOp{false: First, true: Last}[w.back]
	}
	// The expected pair: the least (greatest, for backward moves) pair
	// satisfying the move's condition.
	backward := op == Last || op == Prev || op == PrevDup || op == PrevNoDup
	wants := func(k, v []byte) bool {
		c, ck := cmpPair(k, v, w.k, w.v), kcmp.compare(k, w.k)
		switch op {
		case Next:
			return c > 0
		case Prev:
			return c < 0
		case NextDup:
			return c > 0 && ck == 0
		case PrevDup:
			return c < 0 && ck == 0
		case NextNoDup:
			return ck > 0
		case PrevNoDup:
			return ck < 0
		}
		return true // First, Last
	}
	var wk, wv []byte
	for k, vals := range dm {
		for v := range vals {
			kb, vb := []byte(k), []byte(v)
			if !wants(kb, vb) {
				continue
			}
			if c := cmpPair(kb, vb, wk, wv); wk == nil || (c < 0) != backward {
				wk, wv = kb, vb
			}
		}
	}
	k, v, err := w.c.Get(nil, nil, op)
	if wk == nil {
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("%s: walker on %q, op %d from %q/%x: %q/%x %v, want ErrNotFound", where, w.d.name, op, w.k, w.v, k, v, err)
		}
		switch op {
		case NextDup, PrevDup: // the cursor stays where it was
		default:
			// Past an end the cursor stays there: the same move finds
			// nothing again.
			if k, v, err := w.c.Get(nil, nil, op); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s: walker on %q, op %d again past the end: %q/%x %v", where, w.d.name, op, k, v, err)
			}
			w.placed = false
		}
		return
	}
	if err != nil || !bytes.Equal(k, wk) || !bytes.Equal(v, wv) {
		t.Fatalf("%s: walker on %q, op %d from %q/%x: %q/%x %v, want %q/%x", where, w.d.name, op, w.k, w.v, k, v, err, wk, wv)
	}
	w.k, w.v, w.placed = bytes.Clone(k), bytes.Clone(v), true
}

// dupModelExtraOp runs one of the rarer operations of the dup model test:
// 0: a put of a value the key already has (a no-op), then for DupFixed a
// PutMultiple into the same key; 1: a Current put through a cursor (it
// replaces the value when the new one sorts into its place, else changes
// nothing); 2: PutMultiple with NoOverwrite; 3: a put through a cursor,
// which then stands on the pair; 4: an Append put (dupModelAppend).
// dupModelExtraOp runs one of the less common operations; after a Current
// put that replaced a value in place, it returns the old and new values.
func dupModelExtraOp(t *testing.T, r *rand.Rand, txn *Txn, d modelDB, dbi DBI, dm dupModel, key []byte, op int, where string) (replaced, by []byte) {
	t.Helper()
	_, vcmp := comparators(uint16(d.flags))
	add := func(v []byte) {
		if dm[string(key)] == nil {
			dm[string(key)] = map[string]bool{}
		}
		dm[string(key)][string(v)] = true
	}
	var some []byte // one of the key's values, if it has any
	if vals := dm[string(key)]; len(vals) > 0 {
		some = []byte(pickValue(r, vals))
	}
	switch op {
	case 0:
		if some == nil {
			return
		}
		if err := txn.Put(dbi, key, some, 0); err != nil {
			t.Fatalf("%s: put of a present value: %v", where, err)
		}
		if d.flags&DupFixed == 0 {
			return
		}
		vals, size := dupRun(r, d, true)
		n, err := txn.PutMultiple(dbi, key, vals, size, 0)
		if err != nil || n != len(vals)/size {
			t.Fatalf("%s: PutMultiple after a present value: %d, %v", where, n, err)
		}
		for i := 0; i < n; i++ {
			add(vals[i*size : (i+1)*size])
		}
	case 1:
		if some == nil {
			return
		}
		c := mustCursor(t, txn, dbi)
		defer c.Close()
		if _, _, err := c.Get(key, some, GetBoth); err != nil {
			t.Fatalf("%s: GetBoth of a present value: %v", where, err)
		}
		nv := bytes.Clone(some)
		switch r.IntN(4) {
		case 0:
			nv = dupValue(r, d) // mostly sorts elsewhere
		case 1:
			nv[len(nv)-1]++ // often just after
		case 2:
			nv[0]-- // often before, maybe far
		case 3:
			nv = append(nv, 'x') // another size: refused by DupFixed
		}
		if d.flags&IntegerDup == 0 && d.flags&DupFixed != 0 && r.IntN(2) == 0 {
			nv = []byte(string(some[:7]) + string(rune('0'+r.IntN(10))))
		}
		var prev, next []byte
		for v := range dm[string(key)] {
			switch c := vcmp.compare([]byte(v), some); {
			case c < 0 && (prev == nil || vcmp.compare([]byte(v), prev) > 0):
				prev = []byte(v)
			case c > 0 && (next == nil || vcmp.compare([]byte(v), next) < 0):
				next = []byte(v)
			}
		}
		inPlace := bytes.Equal(nv, some) || (prev == nil || vcmp.compare(nv, prev) > 0) && (next == nil || vcmp.compare(nv, next) < 0)
		if d.flags&DupFixed != 0 && len(nv) != len(some) || len(nv) > MaxKeySize {
			inPlace = false
		}
		err := c.Put(key, nv, Current)
		switch {
		case inPlace && err != nil:
			t.Fatalf("%s: Current put of %x in place of %x: %v", where, nv, some, err)
		case !inPlace && !errors.Is(err, ErrBadValSize):
			t.Fatalf("%s: Current put of %x (sorts elsewhere than %x): %v", where, nv, some, err)
		case inPlace:
			delete(dm[string(key)], string(some))
			add(nv)
			if k, v, err := c.Get(nil, nil, GetCurrent); err != nil || !bytes.Equal(k, key) || !bytes.Equal(v, nv) {
				t.Fatalf("%s: cursor after a Current put: %q %x %v", where, k, v, err)
			}
			return some, nv
		}
	case 2:
		if d.flags&DupFixed == 0 {
			return
		}
		vals, size := dupRun(r, d, false)
		n, err := txn.PutMultiple(dbi, key, vals, size, NoOverwrite)
		if some != nil {
			if !errors.Is(err, ErrKeyExists) || n != 0 {
				t.Fatalf("%s: PutMultiple NoOverwrite of a present key: %d, %v", where, n, err)
			}
			return
		}
		if err != nil || n != len(vals)/size {
			t.Fatalf("%s: PutMultiple NoOverwrite of a new key: %d, %v", where, n, err)
		}
		for i := 0; i < n; i++ {
			add(vals[i*size : (i+1)*size])
		}
	case 3:
		c := mustCursor(t, txn, dbi)
		defer c.Close()
		v := dupValue(r, d)
		if err := c.Put(key, v, 0); err != nil {
			t.Fatalf("%s: cursor put: %v", where, err)
		}
		add(v)
		if k, got, err := c.Get(nil, nil, GetCurrent); err != nil || !bytes.Equal(k, key) || !bytes.Equal(got, v) {
			t.Fatalf("%s: cursor after its put: %q %x %v", where, k, got, err)
		}
	case 4:
		dupModelAppend(t, r, txn, d, dbi, dm, key, where)
	}
	return nil, nil
}

// dupModelAppend puts with Append (and half the time AppendDup) at the end of
// the database: onto the last key, onto a new key after it, or onto key,
// which is usually before the last and must be refused.
func dupModelAppend(t *testing.T, r *rand.Rand, txn *Txn, d modelDB, dbi DBI, dm dupModel, key []byte, where string) {
	t.Helper()
	_, vcmp := comparators(uint16(d.flags))
	var last []byte
	for k := range dm {
		if last == nil || k > string(last) {
			last = []byte(k)
		}
	}
	switch {
	case last == nil || r.IntN(3) == 0:
	case r.IntN(2) == 0:
		key = last
	default:
		key = bytes.Clone(last) // a new key just after the last
		if key[len(key)-1] < 0xff {
			key[len(key)-1]++
		} else {
			key = append(key, 0)
		}
	}
	flags := Append
	if r.IntN(2) == 0 {
		flags |= AppendDup
	}
	v := dupValue(r, d)
	var ok bool // whether the put must succeed; it adds v if so
	switch c := bytes.Compare(key, last); {
	case last == nil || c > 0:
		ok = true
	case c < 0:
		ok = false
	case dm[string(key)][string(v)]:
		ok = true // already there: nothing to add, nothing refused
	default:
		ok = true
		if flags&AppendDup != 0 {
			for have := range dm[string(key)] {
				if vcmp.compare(v, []byte(have)) < 0 {
					ok = false
				}
			}
		}
	}
	err := txn.Put(dbi, key, v, flags)
	switch {
	case ok && err != nil:
		t.Fatalf("%s: Append put %q=%x (flags %#x, last key %q): %v", where, key, v, flags, last, err)
	case !ok && !errors.Is(err, ErrKeyExists):
		t.Fatalf("%s: Append put %q=%x (flags %#x, last key %q) must be refused: %v", where, key, v, flags, last, err)
	case ok:
		if dm[string(key)] == nil {
			dm[string(key)] = map[string]bool{}
		}
		dm[string(key)][string(v)] = true
	}
}

func verifyDupModel(t *testing.T, txn *Txn, m map[string]dupModel, dbis map[string]DBI, where string) {
	t.Helper()
	for _, d := range dupModelDBs {
		kcmp, vcmp := comparators(uint16(d.flags))
		want := m[d.name].pairs(kcmp, vcmp)
		dbi := dbis[d.name]
		got := scanAll(t, txn, dbi)
		if len(got) != len(want) {
			t.Fatalf("%s: db %q has %d pairs, model %d", where, d.name, len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i].k, want[i].k) || !bytes.Equal(got[i].v, want[i].v) {
				t.Fatalf("%s: db %q pair %d: %q=%x, model %q=%x", where, d.name, i, got[i].k, got[i].v, want[i].k, want[i].v)
			}
		}
		st, _ := txn.Stat(dbi)
		if st.Entries != uint64(len(want)) {
			t.Fatalf("%s: db %q entries %d, model %d", where, d.name, st.Entries, len(want))
		}
		c, _ := txn.OpenCursor(dbi)
		// Per key: Count, FirstDup/LastDup, PrevDup walk, GetMultiple for DupFixed.
		k, _, err := c.Get(nil, nil, First)
		for err == nil {
			vals := m[d.name][string(k)]
			n, cerr := c.Count()
			if cerr != nil || n != uint64(len(vals)) {
				t.Fatalf("%s: db %q key %q Count %d %v, model %d", where, d.name, k, n, cerr, len(vals))
			}
			_, last, lerr := c.Get(nil, nil, LastDup)
			if lerr != nil {
				t.Fatal(lerr)
			}
			cnt := 1
			prev := bytes.Clone(last)
			for {
				_, v, perr := c.Get(nil, nil, PrevDup)
				if perr == ErrNotFound {
					break
				}
				if perr != nil || vcmp.compare(v, prev) >= 0 {
					t.Fatalf("%s: PrevDup order: %v", where, perr)
				}
				prev = bytes.Clone(v)
				cnt++
			}
			if cnt != len(vals) {
				t.Fatalf("%s: db %q key %q PrevDup walk saw %d, model %d", where, d.name, k, cnt, len(vals))
			}
			if d.flags&DupFixed != 0 {
				total := 0
				_, run, merr := c.Get(nil, nil, GetMultiple)
				for merr == nil {
					total += len(run) / 8
					_, run, merr = c.Get(nil, nil, NextMultiple)
				}
				if total != len(vals) {
					t.Fatalf("%s: db %q key %q GetMultiple runs hold %d values, model %d", where, d.name, k, total, len(vals))
				}
				if _, _, err := c.Get(k, nil, Set); err != nil {
					t.Fatal(err)
				}
			}
			k, _, err = c.Get(nil, nil, NextNoDup)
		}
		if err != ErrNotFound {
			t.Fatalf("%s: NextNoDup: %v", where, err)
		}
		c.Close()
	}
}

// TestDup_putPathsWithOtherCursors: Txn.Put into one key again and again
// resumes its remembered path (the key's node, and the values tree's leaf
// once the values outgrow a sub-page), while another cursor adds and deletes
// values of the same key in between. Every value must land, the key's count
// must stay right, and Check must agree with the records.
func TestDup_putPathsWithOtherCursors(t *testing.T) {
	for _, flags := range []DBFlags{DupSort, DupSort | DupFixed} {
		env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: NoSync})
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(7, uint64(flags)))
		model := map[uint64]bool{}
		key := []byte("subscriber")
		val := func(x uint64) []byte { return binary.BigEndian.AppendUint64(nil, x) }
		for round := 0; round < 4; round++ {
			txn, err := env.BeginWrite()
			if err != nil {
				t.Fatal(err)
			}
			dbi, err := txn.OpenDB("ids", Create|flags)
			if err != nil {
				t.Fatal(err)
			}
			other, err := txn.OpenCursor(dbi)
			if err != nil {
				t.Fatal(err)
			}
			for op := 0; op < 3000; op++ {
				x := uint64(r.IntN(20000))
				switch k := r.IntN(10); {
				case k < 6: // the Txn.Put cursor, mostly ascending runs
					x = uint64(round*20000 + op)
					if err := txn.Put(dbi, key, val(x), 0); err != nil {
						t.Fatal(err)
					}
					model[x] = true
				case k < 8:
					if err := other.Put(key, val(x), 0); err != nil {
						t.Fatal(err)
					}
					model[x] = true
				default:
					if _, _, err := other.Get(key, val(x), GetBoth); err == nil {
						if err := other.Del(false); err != nil {
							t.Fatal(err)
						}
						delete(model, x)
					}
				}
			}
			c, err := txn.OpenCursor(dbi)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.Get(key, nil, Set); err != nil {
				t.Fatal(err)
			}
			n, err := c.Count()
			if err != nil {
				t.Fatal(err)
			}
			if n != uint64(len(model)) {
				t.Fatalf("flags %v round %d: count %d, model %d", flags, round, n, len(model))
			}
			c.Close()
			other.Close()
			if err := txn.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := Check(env); err != nil {
				t.Fatalf("flags %v round %d: %v", flags, round, err)
			}
		}
		if err := env.View(func(txn *Txn) error {
			dbi, err := txn.OpenDB("ids", 0)
			if err != nil {
				return err
			}
			for x := range model {
				if _, _, err := mustCursor(t, txn, dbi).Get(key, val(x), GetBoth); err != nil {
					t.Errorf("value %d lost: %v", x, err)
					return nil
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		env.Close()
	}
}

func mustCursor(t *testing.T, txn *Txn, dbi DBI) *Cursor {
	t.Helper()
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// pickValue returns a random one of vals, chosen by r alone (not by map
// order), so that a seed replays the same operations.
func pickValue(r *rand.Rand, vals map[string]bool) string {
	sorted := slices.Sorted(maps.Keys(vals))
	return sorted[r.IntN(len(sorted))]
}
