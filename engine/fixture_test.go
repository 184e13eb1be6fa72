package engine

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtureDir = "../../shared/fixtures/lmdb"

// copyFixture copies a fixture's data.mdb into a temporary environment directory.
func copyFixture(t testing.TB, name string) string {
	t.Helper()
	src := filepath.Join(fixtureDir, name, "data.mdb")
	b, err := os.ReadFile(src)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("fixture %s not available: %v", name, err)
		}
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.mdb"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

type kv struct{ k, v []byte }

// parseDumpPairs reads the key/value lines of one database section of an
// mdb_dump bytevalue output (the first section if name is "").
func parseDumpPairs(t testing.TB, path, name string) []kv {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []kv
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	in, matched, curName := false, false, ""
	var pending []byte
	havePending := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "database="):
			curName = strings.TrimPrefix(line, "database=")
		case line == "HEADER=END":
			in = curName == name
			if in {
				matched = true
			}
		case line == "DATA=END":
			if in {
				return out
			}
			curName = ""
		case in && strings.HasPrefix(line, " "):
			b, err := hex.DecodeString(line[1:])
			if err != nil {
				t.Fatalf("bad hex %q", line)
			}
			if !havePending {
				pending, havePending = b, true
			} else {
				out = append(out, kv{pending, b})
				havePending = false
			}
		}
	}
	if !matched {
		t.Fatalf("no section %q in %s", name, path)
	}
	return out
}

func scanAll(t testing.TB, txn *Txn, dbi DBI) []kv {
	t.Helper()
	c, err := txn.OpenCursor(dbi)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []kv
	k, v, err := c.Get(nil, nil, First)
	for err == nil {
		out = append(out, kv{bytes.Clone(k), bytes.Clone(v)})
		k, v, err = c.Get(nil, nil, Next)
	}
	if err != ErrNotFound {
		t.Fatalf("scan: %v", err)
	}
	return out
}

func equalKVs(t testing.TB, got, want []kv) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d pairs, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i].k, want[i].k) || !bytes.Equal(got[i].v, want[i].v) {
			t.Fatalf("pair %d: got %x=%x, want %x=%x", i, got[i].k, got[i].v, want[i].k, want[i].v)
		}
	}
}

func TestFixtures_MainDB_matchesMdbDump(t *testing.T) {
	for _, name := range []string{"plain", "deep", "subdbs", "overflow", "freelist", "compacted", "integerkey"} {
		t.Run(name, func(t *testing.T) {
			env, err := Open(copyFixture(t, name), &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			txn, err := env.BeginRead()
			if err != nil {
				t.Fatal(err)
			}
			defer txn.Abort()
			want := parseDumpPairs(t, filepath.Join(fixtureDir, name, "mdb_dump.txt"), "")
			got := scanAll(t, txn, MainDB)
			equalKVs(t, got, want)
			for _, p := range want {
				v, err := txn.Get(MainDB, p.k)
				if err != nil || !bytes.Equal(v, p.v) {
					t.Fatalf("Get(%x) = %x, %v", p.k, v, err)
				}
			}
		})
	}
}

func TestCheck_fixtures_pass(t *testing.T) {
	for _, name := range []string{"plain", "deep", "subdbs", "overflow", "freelist", "compacted", "integerkey", "dupsort", "dupfixed"} {
		t.Run(name, func(t *testing.T) {
			env, err := Open(copyFixture(t, name), &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			if err := Check(env); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCheck_damagedPage_reported(t *testing.T) {
	dir := copyFixture(t, "deep")
	path := filepath.Join(dir, "data.mdb")
	b, _ := os.ReadFile(path)
	// Swap two pointers of the root's first child level: keys go out of order.
	root := 2 * 4096
	copy(b[root+18:root+20], b[root+20:root+22])
	os.WriteFile(path, b, 0o644)
	env, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if err := Check(env); !errors.Is(err, ErrCorrupted) {
		t.Fatalf("Check = %v, want ErrCorrupted", err)
	}
}

func TestFixtures_DupSort_matchesMdbDump(t *testing.T) {
	cases := []struct{ fixture, db, dump string }{
		{"dupsort", "dups", "mdb_dump-a.txt"},
		{"dupsort", "revdup", "mdb_dump-a.txt"},
		{"dupfixed", "", "mdb_dump.txt"},
		{"integerkey", "intdup", "mdb_dump-a.txt"},
		{"integerkey", "intdup64", "mdb_dump-a.txt"},
		{"integerkey", "int32", "mdb_dump-a.txt"},
		{"integerkey", "int64", "mdb_dump-a.txt"},
		{"subdbs", "beta", "mdb_dump-a.txt"},
	}
	for _, tc := range cases {
		t.Run(tc.fixture+"/"+tc.db, func(t *testing.T) {
			env, err := Open(copyFixture(t, tc.fixture), &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			txn, err := env.BeginRead()
			if err != nil {
				t.Fatal(err)
			}
			defer txn.Abort()
			dbi, err := txn.OpenDB(tc.db, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := parseDumpPairs(t, filepath.Join(fixtureDir, tc.fixture, tc.dump), tc.db)
			equalKVs(t, scanAll(t, txn, dbi), want)
			// Backwards, and GetBoth on every pair.
			c, _ := txn.OpenCursor(dbi)
			k, v, err := c.Get(nil, nil, Last)
			for i := len(want) - 1; i >= 0; i-- {
				if err != nil || !bytes.Equal(k, want[i].k) || !bytes.Equal(v, want[i].v) {
					t.Fatalf("reverse %d: %x=%x %v, want %x=%x", i, k, v, err, want[i].k, want[i].v)
				}
				k, v, err = c.Get(nil, nil, Prev)
			}
			fl, _ := txn.Flags(dbi)
			if fl&DupSort != 0 {
				for i, p := range want {
					if _, _, err := c.Get(p.k, p.v, GetBoth); err != nil {
						t.Fatalf("GetBoth %d: %v", i, err)
					}
				}
			}
		})
	}
}
