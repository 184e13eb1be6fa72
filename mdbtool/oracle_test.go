package mdbtool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"lightdir/engine"
)

var oracleSeeds = flag.Int("oracle.seeds", 2, "random workloads the real-LMDB oracle tests run")

// workloadDB is one database of the random workload.
type workloadDB struct {
	name  string
	flags engine.DBFlags
}

var plainDBs = []workloadDB{{"", 0}, {"alpha", 0}, {"rev", engine.ReverseKey}, {"int32", engine.IntegerKey},
	{"int64", engine.IntegerKey}, {"big values", 0}, {"emptied", 0}}

var dupDBs = []workloadDB{{"dups", engine.DupSort}, {"revdups", engine.DupSort | engine.ReverseDup},
	{"ids", engine.DupSort | engine.DupFixed | engine.IntegerDup | engine.IntegerKey}}

// randomWorkload writes many transactions of puts (inline and overflow
// values) and deletes (single keys, single duplicates, ranges) into dbs, with
// some aborted transactions, and returns the environment's directory.
func randomWorkload(t testing.TB, seed uint64, dbs []workloadDB, txns int) string {
	t.Helper()
	dir := t.TempDir()
	env, err := engine.Open(dir, &engine.Options{MapSize: 64 << 20, Durability: engine.NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := 0; i < txns; i++ {
		txn, err := env.BeginWrite()
		if err != nil {
			t.Fatal(err)
		}
		for _, db := range dbs {
			if err := workloadStep(txn, rng, db, i); err != nil {
				txn.Abort()
				t.Fatalf("seed %d txn %d db %q: %v", seed, i, db.name, err)
			}
		}
		if rng.IntN(10) == 0 {
			txn.Abort()
			continue
		}
		if err := txn.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if err := engine.Check(env); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	return dir
}

func workloadKey(rng *rand.Rand, db workloadDB) []byte {
	n := rng.IntN(600)
	if db.flags&engine.DupSort != 0 {
		n = rng.IntN(8) // few keys, many values: sub-pages grow into sub-databases
		if db.flags&engine.DupFixed != 0 {
			n = rng.IntN(2) // > 248 values: LEAF2 sub-databases
		}
	}
	switch {
	case db.name == "int32":
		return binary.LittleEndian.AppendUint32(nil, uint32(n)*2654435761)
	case db.flags&engine.IntegerKey != 0:
		return binary.LittleEndian.AppendUint64(nil, uint64(n)*0x9E3779B97F4A7C15)
	case db.flags&engine.ReverseKey != 0:
		return fmt.Appendf(nil, "%d-yek", n)
	}
	return fmt.Appendf(nil, "key-%05d", n)
}

func workloadValue(rng *rand.Rand, db workloadDB) []byte {
	switch {
	case db.flags&engine.DupFixed != 0:
		return binary.LittleEndian.AppendUint64(nil, uint64(rng.IntN(3000)))
	case db.flags&engine.DupSort != 0:
		return fmt.Appendf(nil, "v%0*d", rng.IntN(40), rng.IntN(2000))
	}
	n := rng.IntN(200)
	if db.name == "big values" || rng.IntN(20) == 0 {
		n = 1500 + rng.IntN(20000) // overflow runs of 1..6 pages, and near the inline limit
	}
	v := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(v[i:], rng.Uint64())
	}
	return v[:n]
}

func workloadStep(txn *engine.Txn, rng *rand.Rand, db workloadDB, i int) error {
	dbi, err := txn.OpenDB(db.name, db.flags|engine.Create)
	if err != nil {
		return err
	}
	if db.name == "emptied" && i%25 == 24 {
		return txn.Empty(dbi)
	}
	for j := 0; j < 12; j++ {
		key := workloadKey(rng, db)
		switch r := rng.IntN(10); {
		case r < 3:
			var val []byte
			if db.flags&engine.DupSort != 0 && rng.IntN(30) != 0 { // mostly one value, rarely all
				val = workloadValue(rng, db)
			}
			if err := txn.Del(dbi, key, val); err != nil && !errors.Is(err, engine.ErrNotFound) {
				return err
			}
		case r == 3 && db.name != "": // the main DB's range would hit named-DB records
			if err := deleteRange(txn, dbi, rng.IntN(8)); err != nil {
				return err
			}
		default:
			if err := txn.Put(dbi, key, workloadValue(rng, db), 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleteRange deletes up to n items from a random place with a cursor.
func deleteRange(txn *engine.Txn, dbi engine.DBI, n int) error {
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		return err
	}
	defer c.Close()
	_, _, err = c.Get(nil, nil, engine.Last)
	for i := 0; i < n && err == nil; i++ {
		if err = c.Del(false); err == nil {
			_, _, err = c.Get(nil, nil, engine.Prev)
		}
	}
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

func ourDump(t testing.TB, dir string, opts DumpOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Dump(&buf, dir, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ourStat(t testing.TB, dir string, opts StatOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Stat(&buf, dir, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkWithRealLMDB runs the oracle on a closed environment: real mdb_stat
// prints what our Stat prints (the engine's stored figures, which Check has
// matched against the trees), real mdb_dump what our Dump prints, and real
// mdb_copy -c accepts the page accounting; its copy dumps identically.
func checkWithRealLMDB(t *testing.T, dir string) {
	t.Helper()
	equalText(t, runTool(t, "mdb_stat", "-a", "-e", "-f", dir), ourStat(t, dir, StatOptions{All: true, Env: true, Free: 1}))
	equalText(t, runTool(t, "mdb_stat", "-e", "-fff", dir), ourStat(t, dir, StatOptions{Env: true, Free: 3}))
	all := runTool(t, "mdb_dump", "-a", dir)
	equalText(t, all, ourDump(t, dir, DumpOptions{All: true}))
	equalText(t, runTool(t, "mdb_dump", dir), ourDump(t, dir, DumpOptions{}))
	equalText(t, runTool(t, "mdb_dump", "-a", "-p", dir), ourDump(t, dir, DumpOptions{All: true, Print: true}))
	dst := t.TempDir()
	runTool(t, "mdb_copy", "-c", dir, dst)
	equalText(t, runTool(t, "mdb_dump", "-a", dst), all)
	var out bytes.Buffer
	if err := Check(&out, dst, false); err != nil {
		t.Fatalf("our check of mdb_copy -c's copy: %v: %s", err, out.Bytes())
	}
}

// TestOracle_randomWorkload_realLMDBAgrees: the engine writes named DBs
// (plain, ReverseKey, IntegerKey of both widths), overflow values and many
// deletes over many transactions; real mdb_stat, mdb_dump and mdb_copy -c agree.
func TestOracle_randomWorkload_realLMDBAgrees(t *testing.T) {
	needTool(t, "mdb_stat")
	for seed := uint64(1); seed <= uint64(*oracleSeeds); seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			checkWithRealLMDB(t, randomWorkload(t, seed, plainDBs, 150))
		})
	}
}

// TestOracle_dupWorkload_realLMDBAgrees: the same with DupSort, ReverseDup and
// DupFixed/IntegerDup databases (sub-pages, sub-databases, LEAF2 pages).
func TestOracle_dupWorkload_realLMDBAgrees(t *testing.T) {
	needTool(t, "mdb_stat")
	needDups(t)
	for seed := uint64(1); seed <= uint64(*oracleSeeds); seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			checkWithRealLMDB(t, randomWorkload(t, seed, append(plainDBs[:2:2], dupDBs...), 150))
		})
	}
}

// TestOracle_copies_realLMDBAccepts: plain and compacted copies of every
// fixture and of an engine-written environment are accepted by real
// mdb_stat and dump as the source does with real mdb_dump (-a: every named
// DB; the main DB too for plain copies).
func TestOracle_copies_realLMDBAccepts(t *testing.T) {
	needTool(t, "mdb_stat")
	sources := map[string]string{"workload": randomWorkload(t, 7, plainDBs, 60)}
	for _, name := range []string{"plain", "deep", "subdbs", "overflow", "freelist", "compacted", "integerkey", "dupsort", "dupfixed"} {
		sources[name] = copyFixture(t, name)
	}
	for name, src := range sources {
		for _, compact := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/compact=%v", name, compact), func(t *testing.T) {
				dst := filepath.Join(t.TempDir(), "copy")
				if err := CopyToPath(src, dst, CopyOptions{Compact: compact}); err != nil {
					t.Fatal(err)
				}
				runTool(t, "mdb_stat", "-a", "-e", "-ff", dst)
				if !compact { // compaction renumbers the roots inside named-DB records
					equalText(t, runTool(t, "mdb_dump", dst), runTool(t, "mdb_dump", src))
				}
				equalText(t, runTool(t, "mdb_dump", "-a", dst), runTool(t, "mdb_dump", "-a", src))
				if compact {
					runTool(t, "mdb_copy", "-c", dst, t.TempDir()) // the copy's accounting is exact too
				}
			})
		}
	}
}
