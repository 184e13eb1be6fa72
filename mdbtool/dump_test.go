package mdbtool

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"lightdir/engine"
)

// dumpCases are the saved mdb_dump outputs of the fixtures and the options
// that produce them.
var dumpCases = []struct {
	fixture, file string
	opts          DumpOptions
	dups          bool // reads DupSort databases
}{
	{"plain", "mdb_dump.txt", DumpOptions{}, false},
	{"plain", "mdb_dump-p.txt", DumpOptions{Print: true}, false},
	{"deep", "mdb_dump.txt", DumpOptions{}, false},
	{"subdbs", "mdb_dump.txt", DumpOptions{}, false},
	{"subdbs", "mdb_dump-p.txt", DumpOptions{Print: true}, false},
	{"subdbs", "mdb_dump-a.txt", DumpOptions{All: true}, false},
	{"subdbs", "mdb_dump-a-p.txt", DumpOptions{All: true, Print: true}, false},
	{"overflow", "mdb_dump.txt", DumpOptions{}, false},
	{"freelist", "mdb_dump.txt", DumpOptions{}, false},
	{"compacted", "mdb_dump.txt", DumpOptions{}, false},
	{"integerkey", "mdb_dump.txt", DumpOptions{}, false},
	{"integerkey", "mdb_dump-a.txt", DumpOptions{All: true}, true},
	{"dupsort", "mdb_dump.txt", DumpOptions{}, false},
	{"dupsort", "mdb_dump-p.txt", DumpOptions{Print: true}, false},
	{"dupsort", "mdb_dump-a.txt", DumpOptions{All: true}, true},
	{"dupfixed", "mdb_dump.txt", DumpOptions{}, true},
}

// TestDump_fixtures_equalMdbDump: our dump of every fixture equals the saved
// mdb_dump output byte for byte.
func TestDump_fixtures_equalMdbDump(t *testing.T) {
	for _, tc := range dumpCases {
		t.Run(tc.fixture+"/"+tc.file, func(t *testing.T) {
			if tc.dups {
				needDups(t)
			}
			var buf bytes.Buffer
			if err := Dump(&buf, copyFixture(t, tc.fixture), tc.opts); err != nil {
				t.Fatal(err)
			}
			equalText(t, buf.Bytes(), fixtureFile(t, tc.fixture, tc.file))
		})
	}
}

// TestDump_named_equalsSectionOfAll: -s NAME prints exactly that database's
// section of the -a output, and -l lists the names mdb_dump -l lists.
func TestDump_named_equalsSectionOfAll(t *testing.T) {
	dir := copyFixture(t, "subdbs")
	all := fixtureFile(t, "subdbs", "mdb_dump-a.txt")
	var joined bytes.Buffer
	for _, name := range []string{"alpha", "beta", "empty", "name with space"} {
		if err := Dump(&joined, dir, DumpOptions{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	equalText(t, joined.Bytes(), all)
	var list bytes.Buffer
	if err := Dump(&list, dir, DumpOptions{List: true}); err != nil {
		t.Fatal(err)
	}
	equalText(t, list.Bytes(), []byte("alpha\nbeta\nempty\nname with space\n"))
}

// TestDump_errors: a missing database, an ordinary key used as a name, and -a
// on a main DB without any usable key fail as mdb_dump does.
func TestDump_errors(t *testing.T) {
	dir := copyFixture(t, "subdbs")
	var buf bytes.Buffer
	if err := Dump(&buf, dir, DumpOptions{Name: "nope"}); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("missing database: %v", err)
	}
	if err := Dump(&buf, dir, DumpOptions{Name: "zz-plain-key"}); !errors.Is(err, engine.ErrIncompatible) {
		t.Fatalf("ordinary key: %v", err)
	}
	empty := t.TempDir()
	env, err := engine.Open(empty, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.Close()
	if err := Dump(&buf, empty, DumpOptions{All: true}); !errors.Is(err, ErrNoDatabases) {
		t.Fatalf("-a on an empty main DB: %v", err)
	}
	if err := Dump(&buf, t.TempDir()+"/missing", DumpOptions{}); err == nil {
		t.Fatal("dump of a missing environment succeeded")
	}
}

// TestDump_moreNamedDBsThanDefaultLimit: mdb_dump and mdb_stat close each
// named database after visiting it, so they list, dump and stat an
// environment of any number of named databases; so must Dump and Stat
// (here 1<<15 + 10, more than the tools' former handle limit).
func TestDump_moreNamedDBsThanDefaultLimit(t *testing.T) {
	const n = 1<<15 + 10
	dir := t.TempDir()
	env, err := engine.Open(dir, &engine.Options{MaxDBs: n, Durability: engine.NoSync})
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	err = env.Update(func(txn *engine.Txn) error {
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("db%05d", i)
			if _, err := txn.OpenDB(name, engine.Create); err != nil {
				return err
			}
			want.WriteString(name + "\n")
		}
		return nil
	})
	if cerr := env.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	var list bytes.Buffer
	if err := Dump(&list, dir, DumpOptions{List: true}); err != nil {
		t.Fatalf("Dump -l: %v", err)
	}
	equalText(t, list.Bytes(), []byte(want.String()))
	var st bytes.Buffer
	if err := Stat(&st, dir, StatOptions{All: true}); err != nil {
		t.Fatalf("Stat -a: %v", err)
	}
	if got := bytes.Count(st.Bytes(), []byte("Status of ")); got != n+1 {
		t.Fatalf("Stat -a printed %d blocks, want %d", got, n+1)
	}
}
