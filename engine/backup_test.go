package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

var allFixtures = []string{"plain", "deep", "subdbs", "overflow", "freelist", "compacted", "integerkey", "dupsort", "dupfixed"}

// needTool returns the path of an LMDB utility; a missing tool skips the test
// outside CI and fails it in CI.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s not installed (lmdb-utils)", name)
		}
		t.Fatalf("%s not installed (lmdb-utils): %v", name, err)
	}
	return p
}

// copyEnv copies env's data file (plain or compacted) into a new directory.
func copyEnv(t testing.TB, env *Env, compact bool) string {
	t.Helper()
	dir := t.TempDir()
	if err := env.CopyFile(filepath.Join(dir, "data.mdb"), compact); err != nil {
		t.Fatalf("copy (compact %v): %v", compact, err)
	}
	return dir
}

func readMetas(t testing.TB, b []byte) (m0, m1 meta) {
	t.Helper()
	var err error
	if m0, err = decodeMeta(b, 0); err != nil {
		t.Fatal(err)
	}
	if m1, err = decodeMeta(b[m0.pageSize():], 1); err != nil {
		t.Fatal(err)
	}
	return m0, m1
}

// equalUsedPages compares pages 2..last of two data files in every byte that
// carries meaning: headers, pointer arrays and node areas of branch and leaf
// pages, the items of LEAF2 pages, and overflow runs whole (both copies take
// runs verbatim from the same source). The free gap inside a page is garbage
// in LMDB files and is not compared.
func equalUsedPages(t testing.TB, got, want []byte, last uint64, ps int) {
	t.Helper()
	if len(got) < int(last+1)*ps || len(want) < int(last+1)*ps {
		t.Fatalf("files of %d and %d bytes, want %d pages", len(got), len(want), last+1)
	}
	for pg := uint64(2); pg <= last; {
		a := page(got[int(pg)*ps : int(pg+1)*ps])
		b := page(want[int(pg)*ps : int(pg+1)*ps])
		if a.flags() != b.flags() {
			t.Fatalf("page %d: flags %#x, want %#x", pg, a.flags(), b.flags())
		}
		switch {
		case a.flags() == pageOverflow:
			n := uint64(b.overflowCount())
			if !bytes.Equal(got[int(pg)*ps:int(pg+n)*ps], want[int(pg)*ps:int(pg+n)*ps]) {
				t.Fatalf("overflow run at page %d differs", pg)
			}
			pg += n
			continue
		case a.isLeaf2():
			end := pageHeaderSize + a.numKeys()*int(a.pad())
			if !bytes.Equal(a[:end], b[:end]) {
				t.Fatalf("LEAF2 page %d differs", pg)
			}
		default:
			if !bytes.Equal(a[:a.lower()], b[:b.lower()]) || !bytes.Equal(a[a.upper():], b[b.upper():]) {
				t.Fatalf("page %d differs", pg)
			}
		}
		pg++
	}
}

// TestEnv_CopyTo_compactFreelist_equalsFixture: compacting freelist/ gives
// fixture compacted/ (made by mdb_copy -c) in every meaningful byte.
func TestEnv_CopyTo_compactFreelist_equalsFixture(t *testing.T) {
	env, err := Open(copyFixture(t, "freelist"), &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var buf bytes.Buffer
	if err := env.CopyTo(&buf, true); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(fixtureDir, "compacted", "data.mdb"))
	if err != nil {
		t.Fatal(err)
	}
	compareCompacted(t, buf.Bytes(), want)
}

func compareCompacted(t testing.TB, got, want []byte) {
	t.Helper()
	g0, g1 := readMetas(t, got)
	w0, w1 := readMetas(t, want)
	if g0 != w0 || g1 != w1 {
		t.Fatalf("metas:\n got %+v\n     %+v\nwant %+v\n     %+v", g0, g1, w0, w1)
	}
	if len(got) != len(want) {
		t.Fatalf("copy is %d bytes, want %d", len(got), len(want))
	}
	equalUsedPages(t, got, want, w1.lastPg, w0.pageSize())
}

// TestEnv_CopyTo_compactFixtures_equalMdbCopy: for every fixture (dup
// sub-pages, dup sub-databases, LEAF2, named DBs, overflow runs) our
// compacting copy equals real mdb_copy -c's.
func TestEnv_CopyTo_compactFixtures_equalMdbCopy(t *testing.T) {
	mdbCopy := needTool(t, "mdb_copy")
	for _, name := range allFixtures {
		t.Run(name, func(t *testing.T) {
			src := copyFixture(t, name)
			dst := t.TempDir()
			if out, err := exec.Command(mdbCopy, "-c", src, dst).CombinedOutput(); err != nil {
				t.Fatalf("mdb_copy -c: %v: %s", err, out)
			}
			want, err := os.ReadFile(filepath.Join(dst, "data.mdb"))
			if err != nil {
				t.Fatal(err)
			}
			env, err := Open(src, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			var buf bytes.Buffer
			if err := env.CopyTo(&buf, true); err != nil {
				t.Fatal(err)
			}
			compareCompacted(t, buf.Bytes(), want)
		})
	}
}

// TestEnv_CopyTo_plainFixtures_identical: a plain copy holds the source's
// current meta in its slot and every page 2..last_pg byte for byte, and passes Check.
func TestEnv_CopyTo_plainFixtures_identical(t *testing.T) {
	for _, name := range allFixtures {
		t.Run(name, func(t *testing.T) {
			src := copyFixture(t, name)
			orig, err := os.ReadFile(filepath.Join(src, "data.mdb"))
			if err != nil {
				t.Fatal(err)
			}
			env, err := Open(src, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			dst := copyEnv(t, env, false)
			got, err := os.ReadFile(filepath.Join(dst, "data.mdb"))
			if err != nil {
				t.Fatal(err)
			}
			o0, o1 := readMetas(t, orig)
			g0, g1 := readMetas(t, got)
			if o0 != g0 || o1 != g1 {
				t.Fatalf("metas differ:\n got %+v\n     %+v\nwant %+v\n     %+v", g0, g1, o0, o1)
			}
			ps := o0.pageSize()
			if !bytes.Equal(got[2*ps:], orig[2*ps:]) {
				t.Fatal("pages 2..last differ")
			}
			cp, err := Open(dst, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer cp.Close()
			if err := Check(cp); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// copyWorkload fills env with named DBs (plain, ReverseKey, IntegerKey),
// overflow values and deletes over many transactions, and returns the model.
func copyWorkload(t testing.TB, env *Env, seed uint64, txns int) map[string]map[string][]byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	specs := []struct {
		name  string
		flags DBFlags
	}{{"", 0}, {"plain", 0}, {"rev", ReverseKey}, {"int", IntegerKey}}
	model := map[string]map[string][]byte{}
	for _, s := range specs {
		model[s.name] = map[string][]byte{}
	}
	for i := 0; i < txns; i++ {
		err := env.Update(func(txn *Txn) error {
			for _, s := range specs {
				dbi, err := txn.OpenDB(s.name, s.flags|Create)
				if err != nil {
					return err
				}
				m := model[s.name]
				for j := 0; j < 20; j++ {
					var key []byte
					if s.flags&IntegerKey != 0 {
						key = le.AppendUint64(nil, uint64(rng.IntN(400)))
					} else {
						key = fmt.Appendf(nil, "k%05d", rng.IntN(400))
					}
					if rng.IntN(3) == 0 {
						if err := txn.Del(dbi, key, nil); err != nil && err != ErrNotFound {
							return err
						}
						delete(m, string(key))
						continue
					}
					n := rng.IntN(100)
					if rng.IntN(15) == 0 {
						n = 2000 + rng.IntN(9000)
					}
					val := bytes.Repeat([]byte{byte(rng.IntN(256))}, n)
					if err := txn.Put(dbi, key, val, 0); err != nil {
						return err
					}
					m[string(key)] = val
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return model
}

// verifyCopyModel checks that every key of model is in env with its value.
func verifyCopyModel(t testing.TB, env *Env, model map[string]map[string][]byte) {
	t.Helper()
	err := env.View(func(txn *Txn) error {
		for name, m := range model {
			dbi, err := txn.OpenDB(name, 0)
			if err != nil {
				return err
			}
			st, err := txn.Stat(dbi)
			if err != nil {
				return err
			}
			if name != "" && st.Entries != uint64(len(m)) {
				return fmt.Errorf("db %q: %d entries, want %d", name, st.Entries, len(m))
			}
			for k, v := range m {
				got, err := txn.Get(dbi, []byte(k))
				if err != nil || !bytes.Equal(got, v) {
					return fmt.Errorf("db %q key %x: %v", name, k, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEnv_CopyTo_engineWritten_bothModes: plain and compacted copies of an
// engine-written environment pass Check and hold every key.
func TestEnv_CopyTo_engineWritten_bothModes(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	model := copyWorkload(t, env, 1, 60)
	for _, compact := range []bool{false, true} {
		cp, err := Open(copyEnv(t, env, compact), &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(cp); err != nil {
			t.Fatalf("compact %v: %v", compact, err)
		}
		verifyCopyModel(t, cp, model)
		if compact {
			if fr := cp.snap.Load().meta.free; fr.root != invalidPgno {
				t.Fatal("compacted copy has a free DB")
			}
		}
		cp.Close()
	}
}

// TestEnv_CopyTo_whileWriting_holdsCommitted: a copy taken while a writer
// goroutine commits reopens, passes Check, and holds every key committed
// before the copy began.
func TestEnv_CopyTo_whileWriting_holdsCommitted(t *testing.T) {
	for _, compact := range []bool{false, true} {
		t.Run(fmt.Sprintf("compact=%v", compact), func(t *testing.T) {
			env, err := Open(t.TempDir(), &Options{Durability: NoSync})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			var committed atomic.Int64 // keys 0..committed-1 are committed
			var stop, failed atomic.Bool
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					err := env.Update(func(txn *Txn) error {
						for j := 0; j < 10; j++ {
							k := fmt.Appendf(nil, "key-%07d", i*10+j)
							if err := txn.Put(MainDB, k, bytes.Repeat(k, 1+j*60), 0); err != nil {
								return err
							}
						}
						// Churn: rewrite old keys so pages are freed and reused.
						if i > 5 {
							old := fmt.Appendf(nil, "key-%07d", (i-5)*10)
							return txn.Put(MainDB, old, []byte("rewritten"), 0)
						}
						return nil
					})
					if err != nil {
						t.Error(err)
						failed.Store(true)
						return
					}
					committed.Store(int64(i+1) * 10)
				}
			}()
			for committed.Load() < 500 && !failed.Load() {
				runtime.Gosched()
			}
			before := committed.Load()
			dst := copyEnv(t, env, compact)
			stop.Store(true)
			wg.Wait()
			cp, err := Open(dst, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer cp.Close()
			if err := Check(cp); err != nil {
				t.Fatal(err)
			}
			err = cp.View(func(txn *Txn) error {
				for i := int64(0); i < before; i++ {
					if _, err := txn.Get(MainDB, fmt.Appendf(nil, "key-%07d", i)); err != nil {
						return fmt.Errorf("key %d of %d committed before the copy: %w", i, before, err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEnv_CopyFile_existing_refused: CopyFile never overwrites a file.
func TestEnv_CopyFile_existing_refused(t *testing.T) {
	env, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	path := filepath.Join(t.TempDir(), "data.mdb")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := env.CopyFile(path, false); err == nil {
		t.Fatal("CopyFile overwrote an existing file")
	}
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Fatal("existing file changed")
	}
}

// TestEnv_CopyTo_emptyEnv: a fresh environment copies to a valid empty one.
func TestEnv_CopyTo_emptyEnv(t *testing.T) {
	env, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for _, compact := range []bool{false, true} {
		cp, err := Open(copyEnv(t, env, compact), &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(cp); err != nil {
			t.Fatal(err)
		}
		if info := cp.Info(); info.LastTxnID != 0 || info.LastPgno != 1 {
			t.Fatalf("compact %v: %+v", compact, info)
		}
		cp.Close()
	}
}

// TestEnv_CopyTo_compactNoSubdir_equalsMdbCopyN: with NoSubdir the compacted
// metas record LMDB's NOSUBDIR flag (free DB flags 0x4008) as mdb_copy -n -c does.
func TestEnv_CopyTo_compactNoSubdir_equalsMdbCopyN(t *testing.T) {
	mdbCopy := needTool(t, "mdb_copy")
	src := filepath.Join(copyFixture(t, "subdbs"), "data.mdb")
	dst := filepath.Join(t.TempDir(), "copy.mdb")
	if out, err := exec.Command(mdbCopy, "-n", "-c", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("mdb_copy -n -c: %v: %s", err, out)
	}
	want, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	env, err := Open(src, &Options{ReadOnly: true, NoSubdir: true})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var buf bytes.Buffer
	if err := env.CopyTo(&buf, true); err != nil {
		t.Fatal(err)
	}
	if m0, _ := readMetas(t, buf.Bytes()); m0.free.flags != 0x4008 {
		t.Fatalf("free DB flags %#x, want 0x4008", m0.free.flags)
	}
	compareCompacted(t, buf.Bytes(), want)
}

// TestEnv_CopyTo_truncatedFile_refused: a plain copy of a data file cut short
// before its trees' roots fails instead of writing a "backup" that cannot be
// read.
func TestEnv_CopyTo_truncatedFile_refused(t *testing.T) {
	dir := copyFixture(t, "deep")
	data := filepath.Join(dir, "data.mdb")
	if err := os.Truncate(data, 12000); err != nil {
		t.Fatal(err)
	}
	env, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err) // it opens: the file may end before last_pg
	}
	defer env.Close()
	if err := env.CopyTo(io.Discard, false); !errors.Is(err, ErrCorrupted) {
		t.Fatalf("plain copy of a truncated file: %v", err)
	}
}
