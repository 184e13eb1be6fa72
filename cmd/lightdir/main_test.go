package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const fixtureDir = "../../../shared/fixtures/lmdb"

func copyFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name, "data.mdb"))
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

func fixtureFile(t *testing.T, name, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name, file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runCmd runs the binary's dispatcher in-process.
func runCmd(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, stdio{strings.NewReader(stdin), &out, &errb})
	return code, out.String(), errb.String()
}

// TestRun_mdbTools_printFixtureOutputs: the subcommands print the saved
// mdb_dump and mdb_stat outputs, with clustered switches as getopt allows.
func TestRun_mdbTools_printFixtureOutputs(t *testing.T) {
	dir := copyFixture(t, "subdbs")
	cases := []struct {
		args []string
		file string
	}{
		{[]string{"mdb-dump", dir}, "mdb_dump.txt"},
		{[]string{"mdb-dump", "-a", dir}, "mdb_dump-a.txt"},
		{[]string{"mdb-dump", "-ap", dir}, "mdb_dump-a-p.txt"},
		{[]string{"mdb-dump", dir, "-p"}, "mdb_dump-p.txt"},
		{[]string{"mdb-stat", "-a", "-e", "-f", dir}, "mdb_stat.txt"},
		{[]string{"mdb-stat", "-aef", dir}, "mdb_stat.txt"},
		{[]string{"mdb-stat", "-efff", dir}, "mdb_stat-fff.txt"},
		{[]string{"mdb-stat", "-e", "-f", "-f", "-f", dir}, "mdb_stat-fff.txt"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args[:len(tc.args)-1], " "), func(t *testing.T) {
			code, out, errs := runCmd("", tc.args...)
			if code != exitOK || errs != "" {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if want := fixtureFile(t, "subdbs", tc.file); out != want {
				t.Fatalf("output differs from %s:\n%s", tc.file, out)
			}
		})
	}
}

// TestRun_exitCodes: 0 success, 1 error, 2 usage; every error is one line on stderr.
func TestRun_exitCodes(t *testing.T) {
	dir := copyFixture(t, "subdbs")
	cases := []struct {
		args []string
		code int
		err  string
	}{
		{nil, exitUsage, ""},
		{[]string{"help"}, exitOK, ""},
		{[]string{"help", "mdb-dump"}, exitOK, ""},
		{[]string{"help", "nope"}, exitUsage, "unknown command"},
		{[]string{"nope"}, exitUsage, "unknown command"},
		{[]string{"mdb-dump", "--help"}, exitOK, ""},
		{[]string{"mdb-stat", "-h"}, exitOK, ""},
		{[]string{"mdb-dump"}, exitUsage, "one DIR expected"},
		{[]string{"mdb-dump", "-x", dir}, exitUsage, "unknown option -x"},
		{[]string{"mdb-dump", "-s"}, exitUsage, "needs an argument"},
		{[]string{"mdb-dump", "-a", "-s", "alpha", dir}, exitUsage, "exclude"},
		{[]string{"mdb-stat", "-a", "-salpha", dir}, exitUsage, "exclude"},
		{[]string{"mdb-copy"}, exitUsage, "SRCDIR"},
		{[]string{"mdb-dump", "-s", "nope", dir}, exitError, "not found"},
		{[]string{"mdb-dump", filepath.Join(dir, "missing")}, exitError, "missing"},
		{[]string{"mdb-dump", "-f", filepath.Join(dir, "no", "dump.txt"), dir}, exitError, "no such file"},
		{[]string{"mdb-stat", "-s", "zz-plain-key", dir}, exitError, "incompatible"},
		{[]string{"mdb-check", dir}, exitOK, ""},
		{[]string{"version"}, exitOK, ""},
		{[]string{"version", "x"}, exitUsage, "no arguments"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errs := runCmd("", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, errs)
			}
			if !strings.Contains(errs, tc.err) || strings.Count(errs, "\n") > 1 {
				t.Fatalf("stderr %q, want one line containing %q", errs, tc.err)
			}
		})
	}
}

// TestRun_loadCopyCheck: mdb-load reads a dump from stdin and from -f, mdb-copy
// copies to a directory and to stdout, mdb-check passes on the results and
// fails (exit 1, problems on stdout) on a damaged file.
func TestRun_loadCopyCheck(t *testing.T) {
	src := copyFixture(t, "subdbs")
	dump := fixtureFile(t, "subdbs", "mdb_dump-a.txt")
	loaded := t.TempDir()
	if code, _, errs := runCmd(dump, "mdb-load", loaded); code != exitOK {
		t.Fatalf("mdb-load: %d %s", code, errs)
	}
	in := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(in, []byte(dump), 0o644)
	loaded2 := t.TempDir()
	if code, _, errs := runCmd("", "mdb-load", "-f", in, loaded2); code != exitOK {
		t.Fatalf("mdb-load -f: %d %s", code, errs)
	}
	for _, dir := range []string{loaded, loaded2} {
		if _, out, _ := runCmd("", "mdb-dump", "-a", dir); out != dump {
			t.Fatalf("dump of loaded %s differs", dir)
		}
	}
	dumpFile := filepath.Join(t.TempDir(), "dump.txt")
	if code, out, errs := runCmd("", "mdb-dump", "-a", "-f", dumpFile, loaded); code != exitOK || out != "" {
		t.Fatalf("mdb-dump -f: %d %q %s", code, out, errs)
	}
	if b, err := os.ReadFile(dumpFile); err != nil || string(b) != dump {
		t.Fatalf("mdb-dump -f wrote %q (%v), want what standard output gets", b, err)
	}
	compact := filepath.Join(t.TempDir(), "c")
	if code, _, errs := runCmd("", "mdb-copy", "-c", src, compact); code != exitOK {
		t.Fatalf("mdb-copy -c: %d %s", code, errs)
	}
	if _, out, _ := runCmd("", "mdb-dump", "-a", compact); out != dump {
		t.Fatal("dump of the compacted copy differs")
	}
	code, raw, errs := runCmd("", "mdb-copy", src)
	if code != exitOK {
		t.Fatalf("mdb-copy to stdout: %d %s", code, errs)
	}
	orig, _ := os.ReadFile(filepath.Join(src, "data.mdb"))
	if !bytes.Equal([]byte(raw)[8192:], orig[8192:]) {
		t.Fatal("plain copy on stdout differs from the source's pages")
	}
	if code, out, _ := runCmd("", "mdb-check", compact); code != exitOK || !strings.HasPrefix(out, "ok:") {
		t.Fatalf("mdb-check: %d %q", code, out)
	}
	// Damage: swap two pointers of every leaf so their keys go out of order
	// (every leaf: the first one in the file may be a free page).
	path := filepath.Join(loaded, "data.mdb")
	b, _ := os.ReadFile(path)
	if code, out, _ := runCmd("", "mdb-stat", "-s", "alpha", loaded); code != exitOK || !strings.Contains(out, "Entries: 60") {
		t.Fatalf("stat: %q", out)
	}
	damaged := false
	for pg := 2; pg*4096 < len(b); pg++ {
		p := b[pg*4096:]
		if p[10] == 0x02 && int(p[12])-16 >= 4 { // a leaf with at least 2 keys
			p[16], p[17], p[18], p[19] = p[18], p[19], p[16], p[17]
			damaged = true
		}
	}
	if !damaged {
		t.Fatal("no leaf page to damage")
	}
	os.WriteFile(path, b, 0o644)
	code, out, errs := runCmd("", "mdb-check", loaded)
	if code != exitError || !strings.Contains(out, "out of order") || strings.Count(errs, "\n") != 1 {
		t.Fatalf("mdb-check of a damaged file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestRun_realMdbDump_readsMdbLoadOutput: what mdb-load -T writes, real
// mdb_dump reads.
func TestRun_realMdbDump_readsMdbLoadOutput(t *testing.T) {
	mdbDump, err := exec.LookPath("mdb_dump")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("mdb_dump not installed (lmdb-utils)")
		}
		t.Fatal(err)
	}
	dir := t.TempDir()
	if code, _, errs := runCmd("k1\nv1\nk2\n\\00\\ff\n", "mdb-load", "-T", "-s", "text", dir); code != exitOK {
		t.Fatalf("mdb-load -T: %d %s", code, errs)
	}
	out, err := exec.Command(mdbDump, "-s", "text", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(out), "HEADER=END\n 6b31\n 7631\n 6b32\n 00ff\nDATA=END\n") {
		t.Fatalf("mdb_dump:\n%s", out)
	}
}

// TestRun_emptyDatabaseName_refused: -s "" (as an unset shell variable gives)
// names no database: mdb_dump, mdb_stat and mdb_load fail with
// MDB_BAD_VALSIZE from mdb_dbi_open (exit 1) instead of falling back to the
// main DB; mdb-load must not write the input into the main DB.
func TestRun_emptyDatabaseName_refused(t *testing.T) {
	dir := copyFixture(t, "subdbs")
	for _, tool := range []string{"mdb-dump", "mdb-stat"} {
		code, out, errs := runCmd("", tool, "-s", "", dir)
		if code != exitError || out != "" || !strings.Contains(errs, "database name") {
			t.Fatalf("%s -s '': exit %d, stdout %q, stderr %q; want exit 1 and no output", tool, code, out, errs)
		}
	}
	loaded := t.TempDir()
	dump := fixtureFile(t, "plain", "mdb_dump.txt")
	code, _, errs := runCmd(dump, "mdb-load", "-s", "", loaded)
	if code != exitError || !strings.Contains(errs, "database name") {
		t.Fatalf("mdb-load -s '': exit %d, stderr %q; want exit 1", code, errs)
	}
	if _, err := os.Stat(filepath.Join(loaded, "data.mdb")); err == nil {
		if _, out, _ := runCmd("", "mdb-dump", loaded); strings.Contains(out, " 6170706c65\n") {
			t.Fatalf("mdb-load -s '' loaded the input into the main DB:\n%s", out)
		}
	}
}
