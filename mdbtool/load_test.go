package mdbtool

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lightdir/engine"
)

// TestLoad_fixtureDumps_realMdbDumpRoundTrips: loading each saved mdb_dump
// output (both formats, main DB and -a) gives an environment of which real
// mdb_dump prints the same text, and so does our Dump.
func TestLoad_fixtureDumps_realMdbDumpRoundTrips(t *testing.T) {
	for _, tc := range dumpCases {
		t.Run(tc.fixture+"/"+tc.file, func(t *testing.T) {
			if tc.dups || tc.fixture == "dupsort" && tc.opts.All {
				needDups(t)
			}
			input := fixtureFile(t, tc.fixture, tc.file)
			dir := t.TempDir()
			// The dupsort fixture's key k0-empty holds one empty value: it
			// loads as a plain node, as LMDB stores it.
			err := Load(bytes.NewReader(input), dir, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := Check(&out, dir, false); err != nil {
				t.Fatalf("%v: %s", err, out.Bytes())
			}
			equalText(t, ourDump(t, dir, tc.opts), input)
			args := []string{dir}
			if tc.opts.All {
				args = append([]string{"-a"}, args...)
			}
			if tc.opts.Print {
				args = append([]string{"-p"}, args...)
			}
			equalText(t, runTool(t, "mdb_dump", args...), input)
		})
	}
}

// TestLoad_realMdbLoad_readsOurDump: real mdb_load reads what our Dump wrote.
// (Print format only for the fixture without backslashes: 0.9.24 writes a
// backslash unescaped, so its own mdb_load cannot read binary data back.)
func TestLoad_realMdbLoad_readsOurDump(t *testing.T) {
	for _, tc := range []struct {
		src   string
		print bool
	}{{randomWorkload(t, 3, plainDBs, 40), false}, {copyFixture(t, "subdbs"), true}} {
		src, print := tc.src, tc.print
		dump := ourDump(t, src, DumpOptions{All: true, Print: print})
		dst := t.TempDir()
		in := filepath.Join(t.TempDir(), "in.txt")
		if err := os.WriteFile(in, dump, 0o644); err != nil {
			t.Fatal(err)
		}
		runTool(t, "mdb_load", "-f", in, dst)
		equalText(t, ourDump(t, dst, DumpOptions{All: true, Print: print}), dump)
	}
}

// TestLoad_text_likeMdbLoadT: -T reads key and value lines in the print
// encoding, with no header, into the main DB or -s NAME.
func TestLoad_text_likeMdbLoadT(t *testing.T) {
	dir := t.TempDir()
	in := "apple\nred\\0a\nback\\\\slash\nx\n"
	if err := Load(strings.NewReader(in), dir, LoadOptions{Text: true, Name: "fruit"}); err != nil {
		t.Fatal(err)
	}
	got := ourDump(t, dir, DumpOptions{Name: "fruit", Print: true})
	if !bytes.Contains(got, []byte("HEADER=END\n apple\n red\\0a\n back\\slash\n x\nDATA=END\n")) {
		t.Fatalf("dump:\n%s", got)
	}
}

// TestLoad_badInput_namesLine: every malformed input fails with ErrBadInput
// and the number of the offending line, and commits nothing of its batch.
func TestLoad_badInput_namesLine(t *testing.T) {
	hdr := "VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n"
	cases := []struct{ name, in, line string }{
		{"odd hex", hdr + " 6162\n 616\nDATA=END\n", "line 6:"},
		{"bad hex", hdr + " 6162\n zz\nDATA=END\n", "line 6:"},
		{"bad hex later", hdr + " 6162\n 41g1\nDATA=END\n", "line 6: invalid hex digit at column 4"},
		{"no space", hdr + "6162\n 61\nDATA=END\n", "line 5:"},
		{"no DATA=END", hdr + " 6162\n 61\n", "line 6:"},
		{"key without value", hdr + " 6162\nDATA=END\n", "line 6:"},
		{"version", "VERSION=4\n" + hdr, "line 1:"},
		{"format", "VERSION=3\nformat=base64\n", "line 2:"},
		{"type", "VERSION=3\ntype=hash\n", "line 2:"},
		{"header line", "VERSION=3\nnonsense\n", "line 2:"},
		{"header cut", "VERSION=3\n", "line 1:"},
		{"print escape", strings.Replace(hdr, "bytevalue", "print", 1) + " a\\4\n b\nDATA=END\n", "line 5:"},
		{"CRLF", strings.ReplaceAll(hdr, "\n", "\r\n"), "line 1: line ends with CR"},
		{"maxreaders", "VERSION=3\nmaxreaders=abc\n" + hdr, "line 2: invalid maxreaders"},
		{"mapaddr", "VERSION=3\nmapaddr=zz\n" + hdr, "line 2: invalid mapaddr"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := Load(strings.NewReader(tc.in), dir, LoadOptions{})
			if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tc.line) {
				t.Fatalf("got %v, want ErrBadInput at %s", err, tc.line)
			}
		})
	}
	// An engine error (empty key) names its line too.
	err := Load(strings.NewReader(hdr+" \n 61\nDATA=END\n"), t.TempDir(), LoadOptions{})
	if !errors.Is(err, engine.ErrBadValSize) || !strings.Contains(err.Error(), "line 6:") {
		t.Fatalf("empty key: %v", err)
	}
}

// TestLoad_noOverwriteAndAppend: -N keeps existing values, -a loads sorted input.
func TestLoad_noOverwriteAndAppend(t *testing.T) {
	dir := t.TempDir()
	first := "VERSION=3\nformat=print\ntype=btree\nHEADER=END\n a\n 1\n b\n 2\nDATA=END\n"
	if err := Load(strings.NewReader(first), dir, LoadOptions{Append: true}); err != nil {
		t.Fatal(err)
	}
	second := "VERSION=3\nformat=print\ntype=btree\nHEADER=END\n a\n new\n c\n 3\nDATA=END\n"
	if err := Load(strings.NewReader(second), dir, LoadOptions{NoOverwrite: true}); err != nil {
		t.Fatal(err)
	}
	got := ourDump(t, dir, DumpOptions{Print: true})
	if !bytes.HasSuffix(got, []byte("HEADER=END\n a\n 1\n b\n 2\n c\n 3\nDATA=END\n")) {
		t.Fatalf("dump:\n%s", got)
	}
	if err := Load(strings.NewReader(first), t.TempDir(), LoadOptions{Batch: 1}); err != nil {
		t.Fatal(err)
	}
}

// TestLoad_mapSizeNotPageMultiple_keptAsGiven: a map size that is not a
// multiple of the page size (slapd's "maxsize 1000000000") is recorded as
// given, as LMDB does, so dumps and stats of either tool agree.
func TestLoad_mapSizeNotPageMultiple_keptAsGiven(t *testing.T) {
	in := "VERSION=3\nformat=bytevalue\ntype=btree\nmapsize=1000000000\nHEADER=END\n 6b\n 76\nDATA=END\n"
	dir := t.TempDir()
	if err := Load(strings.NewReader(in), dir, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, dump := range [][]byte{ourDump(t, dir, DumpOptions{}), runTool(t, "mdb_dump", dir)} {
		if !bytes.Contains(dump, []byte("\nmapsize=1000000000\n")) {
			t.Fatalf("dump header:\n%s", dump)
		}
	}
	if st := runTool(t, "mdb_stat", "-e", dir); !bytes.Contains(st, []byte("Map size: 1000000000\n")) {
		t.Fatalf("mdb_stat -e:\n%s", st)
	}
}

// TestLoad_emptyInput_createsEnvironment: like mdb_load, an empty input still
// leaves an (empty) environment that the dump tools open.
func TestLoad_emptyInput_createsEnvironment(t *testing.T) {
	dir := t.TempDir()
	if err := Load(strings.NewReader(""), dir, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	equalText(t, ourDump(t, dir, DumpOptions{}), runTool(t, "mdb_dump", dir))
}

// TestLoad_missingDirectory_notCreated: mdb_load does not create the
// environment's directory (mdb_env_open fails with ENOENT, exit 1), so a
// mistyped or unmounted target is an error rather than a new database
// somewhere else.
func TestLoad_missingDirectory_notCreated(t *testing.T) {
	in := "VERSION=3\nformat=print\ntype=btree\nHEADER=END\n a\n 1\nDATA=END\n"
	dir := filepath.Join(t.TempDir(), "missing")
	err := exec.Command(needTool(t, "mdb_load"), dir).Run()
	if err == nil {
		t.Fatal("mdb_load created a missing directory: the oracle changed")
	}
	if err := Load(strings.NewReader(in), dir, LoadOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load into a missing directory: %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load created %s (%v)", dir, err)
	}
}

// TestLoad_emptyDatabaseHeader_refused: a "database=" header line with an
// empty name is an error (mdb_load: mdb_dbi_open fails with MDB_BAD_VALSIZE),
// not the main DB.
func TestLoad_emptyDatabaseHeader_refused(t *testing.T) {
	in := "VERSION=3\nformat=print\ndatabase=\ntype=btree\nHEADER=END\n a\n 1\nDATA=END\n"
	dir := t.TempDir()
	err := Load(strings.NewReader(in), dir, LoadOptions{})
	if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "line 3:") {
		t.Fatalf("got %v, want ErrBadInput at line 3", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data.mdb")); err != nil {
		return // nothing written at all
	}
	if got := ourDump(t, dir, DumpOptions{Print: true}); bytes.Contains(got, []byte("\n a\n")) {
		t.Fatalf("the section went into the main DB:\n%s", got)
	}
}

// TestLoad_emptyInputWithName_createsDatabase: mdb_load -s NAME opens NAME
// with MDB_CREATE before it finds the input empty, so the (empty) named
// database exists afterwards, in both input formats.
func TestLoad_emptyInputWithName_createsDatabase(t *testing.T) {
	for _, text := range []bool{false, true} {
		dir := t.TempDir()
		if err := Load(strings.NewReader(""), dir, LoadOptions{Name: "x", Text: text}); err != nil {
			t.Fatal(err)
		}
		args := []string{"-s", "x", dir}
		if text {
			args = append([]string{"-T"}, args...)
		}
		want := t.TempDir()
		runTool(t, "mdb_load", append(args[:len(args)-1:len(args)-1], want)...)
		equalText(t, ourDump(t, dir, DumpOptions{List: true}), runTool(t, "mdb_dump", "-l", want))
		equalText(t, ourDump(t, dir, DumpOptions{List: true}), []byte("x\n"))
	}
}
