package mdbtool

import (
	"bytes"
	"testing"
)

var statFixtures = []string{"plain", "deep", "subdbs", "overflow", "freelist", "compacted", "integerkey", "dupsort", "dupfixed"}

// TestStat_fixtures_equalMdbStat: -a -e -f and -e -fff print the saved
// mdb_stat output of every fixture byte for byte.
func TestStat_fixtures_equalMdbStat(t *testing.T) {
	for _, name := range statFixtures {
		t.Run(name, func(t *testing.T) {
			if name == "dupfixed" {
				needDups(t) // its main DB is DupSort: -a walks it
			}
			dir := copyFixture(t, name)
			var buf bytes.Buffer
			if err := Stat(&buf, dir, StatOptions{All: true, Env: true, Free: 1}); err != nil {
				t.Fatal(err)
			}
			equalText(t, buf.Bytes(), fixtureFile(t, name, "mdb_stat.txt"))
			buf.Reset()
			if err := Stat(&buf, dir, StatOptions{Env: true, Free: 3}); err != nil {
				t.Fatal(err)
			}
			equalText(t, buf.Bytes(), fixtureFile(t, name, "mdb_stat-fff.txt"))
		})
	}
}

// TestStat_readers_likeMdbStat: -r and -rr on an environment nobody else uses
// print what mdb_stat prints there.
func TestStat_readers_likeMdbStat(t *testing.T) {
	dir := copyFixture(t, "plain")
	var buf bytes.Buffer
	if err := Stat(&buf, dir, StatOptions{Readers: 2}); err != nil {
		t.Fatal(err)
	}
	want := "Reader Table Status\n(no active readers)\n  0 stale readers cleared.\n(no active readers)\n"
	equalText(t, buf.Bytes(), []byte(want))
}

// TestStat_name_onlyThatDB: -s NAME prints that database's block only.
func TestStat_name_onlyThatDB(t *testing.T) {
	var buf bytes.Buffer
	if err := Stat(&buf, copyFixture(t, "subdbs"), StatOptions{Name: "alpha"}); err != nil {
		t.Fatal(err)
	}
	want := "Status of alpha\n  Tree depth: 1\n  Branch pages: 0\n  Leaf pages: 1\n  Overflow pages: 0\n  Entries: 60\n"
	equalText(t, buf.Bytes(), []byte(want))
}
