package conf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type problemCase struct {
	name, input, want string
}

func readCases(t *testing.T, file string) []problemCase {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []problemCase
	var cur *problemCase
	inWant := false
	for _, line := range strings.SplitAfter(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "case "):
			cases = append(cases, problemCase{name: strings.TrimSpace(line[5:])})
			cur, inWant = &cases[len(cases)-1], false
		case cur == nil:
		case strings.TrimSpace(line) == "----":
			inWant = true
		case inWant:
			cur.want += line
		default:
			cur.input += line
		}
	}
	return cases
}

// TestParse_problems: each snippet of testdata/problems.txt gives exactly the
// listed problems, each naming the file, line and key.
func TestParse_problems(t *testing.T) {
	for _, tc := range readCases(t, "testdata/problems.txt") {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.toml", []byte(tc.input))
			got := ""
			if err != nil {
				got = err.Error() + "\n"
			}
			want := strings.TrimRight(tc.want, "\n")
			if want != "" {
				want += "\n"
			}
			if got != want {
				t.Fatalf("got:\n%swant:\n%s", got, want)
			}
		})
	}
}

// TestParse_sentinels: problems wrap the sentinel of their kind.
func TestParse_sentinels(t *testing.T) {
	cases := []struct {
		input string
		want  error
	}{
		{"nope = 1", ErrUnknownKey},
		{"listen = 1", ErrSyntax},
		{"[log]\nlevel = \"x\"", ErrInvalid},
	}
	for _, tc := range cases {
		_, err := Parse("t.toml", []byte(tc.input))
		var ps Problems
		if !errors.Is(err, tc.want) || !errors.As(err, &ps) {
			t.Errorf("%q: got %v, want %v in a Problems list", tc.input, err, tc.want)
		}
	}
}

// TestParse_emptyIsDefault: an empty file is the default configuration, with
// paths relative to the file's directory.
func TestParse_emptyIsDefault(t *testing.T) {
	c, err := Parse("/etc/lightdir/lightdir.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	d.File, d.lines = c.File, c.lines
	d.Database[0].Directory = "/etc/lightdir/lightdir-data"
	d.Database[0].RootPasswordFile = "/etc/lightdir/lightdir-data/rootpw"
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("got %+v\nwant %+v", c, d)
	}
}

// TestLoad_example: the example file loads, and every value it shows is the
// default (it documents the defaults).
func TestLoad_example(t *testing.T) {
	c, err := Load("../lightdir.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("..")
	d := Default()
	d.File, d.lines = c.File, c.lines
	d.SchemaFiles = []string{}
	d.Database[0].Indices = map[string][]string{}
	d.Database[0].Directory = filepath.Join("..", "lightdir-data")
	d.Database[0].RootPasswordFile = filepath.Join("..", "lightdir-data", "rootpw")
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("example differs from the defaults (%s):\ngot  %+v\nwant %+v", dir, c, d)
	}
}

// TestDefault_values: the defaults the README's quick start relies on.
func TestDefault_values(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	db := c.Database[0]
	if c.Listen[0] != "ldap://127.0.0.1:3389" || db.Suffix != "dc=example,dc=com" ||
		db.RootDN != "cn=admin,dc=example,dc=com" || db.Directory != "lightdir-data" ||
		db.RootPasswordFile != "lightdir-data/rootpw" || db.MaxSize != 10<<30 {
		t.Fatalf("defaults changed: %+v", c)
	}
}

// TestValues_parse: sizes and durations in their accepted spellings.
func TestValues_parse(t *testing.T) {
	sizes := map[string]Size{"0": 0, "1024": 1024, "512MiB": 512 << 20, "10GiB": 10 << 30, "2kb": 2000, "3 G": 3 << 30}
	for in, want := range sizes {
		var z Size
		if err := z.UnmarshalText([]byte(in)); err != nil || z != want {
			t.Errorf("Size(%q) = %d, %v; want %d", in, z, err, want)
		}
	}
	for _, in := range []string{"", "-1", "ten", "1PiB", "99999999999TiB"} {
		var z Size
		if err := z.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("Size(%q) accepted as %d", in, z)
		}
	}
	durs := map[string]time.Duration{"30": 30 * time.Second, "1h30m": 90 * time.Minute, "-1s": -time.Second}
	for in, want := range durs {
		var d Duration
		if err := d.UnmarshalText([]byte(in)); err != nil || d.D() != want {
			t.Errorf("Duration(%q) = %v, %v; want %v", in, d.D(), err, want)
		}
	}
	if s := Size(10 << 30).String(); s != "10GiB" {
		t.Errorf("String = %s", s)
	}
}

// TestIndexLines_paths: the scanner positions keys of nested and repeated tables.
func TestIndexLines_paths(t *testing.T) {
	src := `a = 1
b = [
  "x",  # ]
]
c = """
d = 2
"""
[t]
"quoted.key" = 1
[[db]]
s = 1
[db.sub]
k = 2
[[db]]
s = 3
x.y = 4
`
	idx := indexLines([]byte(src))
	want := map[string]int{"a": 1, "b": 2, "c": 5, "t": 8, "t.quoted.key": 9, "db[0]": 10, "db[0].s": 11,
		"db[0].sub": 12, "db[0].sub.k": 13, "db[1]": 14, "db[1].s": 15, "db[1].x.y": 16}
	if !reflect.DeepEqual(map[string]int(idx), want) {
		t.Fatalf("got %v\nwant %v", idx, want)
	}
	if n := idx.lineOfKey("db.s"); n != 11 {
		t.Errorf("lineOfKey(db.s) = %d", n)
	}
	if n := idx.line("db[1].nothere"); n != 14 {
		t.Errorf("line(db[1].nothere) = %d", n)
	}
}

// TestParse_smallMaxRequestSize: a max_request_size below the default of
// max_request_size_anonymous is valid when the latter is left out; the
// anonymous bound then defaults to max_request_size (it can never be larger).
// An explicit larger anonymous bound is still a problem (testdata/problems.txt).
func TestParse_smallMaxRequestSize(t *testing.T) {
	c, err := Parse("t.toml", []byte("[limits]\nmax_request_size = \"64KiB\"\n"))
	if err != nil {
		t.Fatalf("max_request_size = 64KiB alone: %v", err)
	}
	if c.Limits.MaxRequestSize != 64<<10 || c.Limits.MaxRequestSizeAnonymous != 64<<10 {
		t.Fatalf("limits: %+v", c.Limits)
	}
	c, err = Parse("t.toml", []byte("[limits]\nmax_request_size = \"1MiB\"\n"))
	if err != nil || c.Limits.MaxRequestSizeAnonymous != DefaultMaxPDUAnon {
		t.Fatalf("max_request_size = 1MiB: %+v %v", c.Limits, err)
	}
}

// TestValidate_sameDirectoryTwoSpellings: two databases in one directory are
// a problem however the paths are spelled (relative to a relative file name,
// or absolute); before, `lightdir test` passed and serve failed with
// "environment in use ... already open in this process".
func TestValidate_sameDirectoryTwoSpellings(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	src := "[[database]]\nsuffix = \"o=a\"\ndirectory = \"a\"\n[[database]]\nsuffix = \"o=b\"\ndirectory = \"" +
		filepath.Join(wd, "a") + "\"\n"
	_, err = Parse("t.toml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "t.toml:6: database[1].directory: conf: invalid value:") {
		t.Fatalf("got %v", err)
	}
}

// TestDuration_overflow: an integer number of seconds too large for a
// time.Duration is an error, not a wrapped-around value (18446744074 seconds
// used to become 290ms, and 9223372036854775807 a negative "never").
func TestDuration_overflow(t *testing.T) {
	for _, in := range []string{"18446744074", "9223372036854775807", "-9223372036854775807"} {
		var d Duration
		if err := d.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("Duration(%q) accepted as %v", in, d.D())
		}
	}
	var d Duration
	if err := d.UnmarshalText([]byte("9223372036")); err != nil || d.D() != 9223372036*time.Second {
		t.Errorf("the largest whole number of seconds: %v %v", d.D(), err)
	}
}
