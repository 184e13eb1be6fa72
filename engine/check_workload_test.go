package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// Long random workloads must never make Check report a problem.
func TestCheck_randomWorkloadsPass(t *testing.T) {
	for _, mode := range []struct {
		name string
		d    Durability
		dl   int
	}{{"nosync-spill", NoSync, 12}, {"syncinterval", SyncInterval, 40}, {"metasync-nolimit", NoMetaSync, 0}, {"syncfull-spill", SyncFull, 20}} {
		t.Run(mode.name, func(t *testing.T) {
			for seed := int64(1); seed <= 2; seed++ {
				checkWorkload(t, seed, mode.d, mode.dl)
			}
		})
	}
}

func checkWorkload(t *testing.T, seed int64, d Durability, dirtyLimit int) {
	dir := t.TempDir()
	opts := &Options{MapSize: 512 << 20, MaxDBs: 16, Durability: d, DirtyLimit: dirtyLimit, SyncInterval: 5 * time.Millisecond}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(seed))
	names := []struct {
		n string
		f DBFlags
	}{{"plain", 0}, {"dup", DupSort}, {"dfix", DupSort | DupFixed | IntegerDup}, {"ints", IntegerKey}, {"rev", ReverseKey | DupSort | ReverseDup}, {"dfix4", DupSort | DupFixed}}
	var readers []*Txn
	op := func(txn *Txn, dbis []DBI) error {
		i := rng.Intn(len(dbis))
		dbi, fl := dbis[i], names[i].f
		var k, v []byte
		switch {
		case fl&IntegerKey != 0:
			// One size per database (LMDB's rule): 4 bytes for one seed, 8 for the other.
			if seed%2 == 0 {
				k = binary.LittleEndian.AppendUint32(nil, uint32(rng.Intn(3000)))
			} else {
				k = binary.LittleEndian.AppendUint64(nil, uint64(rng.Intn(3000)))
			}
		case fl&DupSort != 0:
			k = []byte(fmt.Sprintf("k%03d", rng.Intn(4)))
		default:
			k = []byte(fmt.Sprintf("key-%06d", rng.Intn(5000)))
		}
		switch {
		case fl&IntegerDup != 0:
			v = binary.LittleEndian.AppendUint64(nil, uint64(rng.Intn(100000)))
		case fl&DupFixed != 0:
			v = []byte(fmt.Sprintf("%04d", rng.Intn(10000)))
		case fl&DupSort != 0:
			v = []byte(fmt.Sprintf("v%0*d", 1+rng.Intn(30), rng.Intn(10000)))
		case rng.Intn(20) == 0:
			v = make([]byte, 2000+rng.Intn(20000))
		default:
			v = make([]byte, rng.Intn(300))
		}
		switch r := rng.Intn(400); {
		case r == 0:
			// delete every value of a key, or a whole run of keys
			c, err := txn.OpenCursor(dbi)
			if err != nil {
				return err
			}
			defer c.Close()
			_, _, err = c.Get(k, nil, SetRange)
			for j := 0; err == nil && j < 200; j++ {
				if err = c.Del(true); err != nil {
					return err
				}
				_, _, err = c.Get(nil, nil, GetCurrent)
				if err != nil {
					_, _, err = c.Get(nil, nil, Next)
				}
			}
			return nil
		case r < 60:
			var vv []byte
			if fl&DupSort != 0 && rng.Intn(30) != 0 {
				vv = v
			}
			if err := txn.Del(dbi, k, vv); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			return nil
		}
		return txn.Put(dbi, k, v, 0)
	}
	for round := 0; round < 150; round++ {
		txn, err := env.BeginWrite()
		if err != nil {
			t.Fatal(err)
		}
		var dbis []DBI
		for _, n := range names {
			dbi, err := txn.OpenDB(n.n, n.f|Create)
			if err != nil {
				t.Fatal(err)
			}
			dbis = append(dbis, dbi)
		}
		nops := rng.Intn(600)
		if round%25 == 0 {
			nops = 3000
		}
		for i := 0; i < nops; i++ {
			if rng.Intn(200) == 0 {
				child, err := txn.BeginChild()
				if err != nil {
					t.Fatal(err)
				}
				for j := 0; j < rng.Intn(50); j++ {
					if err := op(child, dbis); err != nil && !errors.Is(err, ErrTxnFull) {
						t.Fatalf("child op: %v", err)
					}
				}
				if rng.Intn(2) == 0 {
					child.Abort()
				} else if err := child.Commit(); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := op(txn, dbis); err != nil {
				t.Fatalf("seed %d round %d op %d: %v", seed, round, i, err)
			}
		}
		if round == 30 {
			if err := txn.Empty(dbis[rng.Intn(len(dbis))]); err != nil {
				t.Fatal(err)
			}
		}
		if round%10 == 0 {
			if err := txn.Check(); err != nil {
				t.Fatalf("seed %d round %d: write txn check: %v", seed, round, err)
			}
		}
		if rng.Intn(10) == 0 {
			txn.Abort()
		} else if err := txn.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := Check(env); err != nil {
			t.Fatalf("seed %d round %d: %v", seed, round, err)
		}
		if rng.Intn(8) == 0 {
			if r, err := env.BeginRead(); err == nil {
				readers = append(readers, r)
			}
		}
		if len(readers) > 0 && rng.Intn(4) == 0 {
			readers[0].Abort()
			readers = readers[1:]
		}
	}
	for _, r := range readers {
		r.Abort()
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	env, err = Open(dir, &Options{ReadOnly: true, MaxDBs: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if err := Check(env); err != nil {
		t.Fatalf("seed %d after reopen: %v", seed, err)
	}
	rt, _ := env.BeginRead()
	defer rt.Abort()
	var st []string
	for _, n := range names {
		dbi, _ := rt.OpenDB(n.n, 0)
		s, _ := rt.Stat(dbi)
		st = append(st, fmt.Sprintf("%s:%+v", n.n, s))
	}
	fs, _ := rt.Stat(FreeDB)
	t.Logf("seed %d: info %+v free %+v %v", seed, env.Info(), fs, st)
}
