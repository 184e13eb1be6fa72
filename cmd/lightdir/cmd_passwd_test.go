package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lightdir/pwhash"
)

func errorsAs[T any](err error, target *T) bool { return errors.As(err, target) }

// TestPasswd_hashes: every way of giving the password prints a hash that
// verifies it, in the scheme asked for.
func TestPasswd_hashes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(file, []byte("from-file\nignored\n"), 0o600)
	cases := []struct {
		stdin  string
		args   []string
		pw     string
		prefix string
	}{
		{"", []string{"passwd", "-s", "s3cret"}, "s3cret", "{SSHA512}"},
		{"piped\n", []string{"passwd"}, "piped", "{SSHA512}"},
		{"", []string{"passwd", "-T", file, "-m", "{ssha}"}, "from-file", "{SSHA}"},
		{"dash\n", []string{"passwd", "-T", "-", "-m", "CRYPT"}, "dash", "{CRYPT}$6$"},
	}
	for _, tc := range cases {
		code, out, errs := runCmd(tc.stdin, tc.args...)
		if code != exitOK || errs != "" || !strings.HasSuffix(out, "\n") {
			t.Fatalf("%v: exit %d %q %q", tc.args, code, out, errs)
		}
		h := strings.TrimSuffix(out, "\n")
		if ok, err := pwhash.Verify([]byte(h), []byte(tc.pw)); !ok || err != nil || !strings.HasPrefix(h, tc.prefix) {
			t.Errorf("%v: %s does not verify %q as %s (%v)", tc.args, h, tc.pw, tc.prefix, err)
		}
	}
	if code, out, _ := runCmd("", "passwd", "-n", "-s", "x"); code != exitOK || strings.HasSuffix(out, "\n") {
		t.Errorf("-n: %q", out)
	}
	if code, _, errs := runCmd("", "passwd", "-m", "{NOPE}", "-s", "x"); code != exitError || !strings.Contains(errs, "NOPE") {
		t.Errorf("unknown scheme: %d %q", code, errs)
	}
	if code, _, _ := runCmd("", "passwd", "-s", "a", "-T", file); code != exitUsage {
		t.Errorf("-s with -T: exit %d", code)
	}
}

// TestConfigTest_exitCodes: `lightdir test` exits 0 on a good file, 1 with every
// problem (key and line) on a broken one, 2 on a usage error.
func TestConfigTest_exitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(good, []byte("listen = [\"ldap://127.0.0.1:3389\"]\n"), 0o644)
	os.WriteFile(bad, []byte("[log]\nlevel = \"chatty\"\n[[database]]\nsuffix = \"dc=x\"\ndirectory = \"d\"\nroot_dn = \"not a dn\"\n"), 0o644)
	if code, out, errs := runCmd("", "test", "-c", good); code != exitOK || !strings.Contains(out, "good.toml: ok") || errs != "" {
		t.Errorf("good: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCmd("", "test", "-q", "-c", good); code != exitOK || out != "" {
		t.Errorf("-q: %d %q", code, out)
	}
	code, _, errs := runCmd("", "test", "-c", bad)
	if code != exitError || !strings.Contains(errs, "bad.toml:2: log.level:") || !strings.Contains(errs, "bad.toml:6: database[0].root_dn:") {
		t.Errorf("bad: %d %q", code, errs)
	}
	if code, _, _ := runCmd("", "test", "extra"); code != exitUsage {
		t.Errorf("operand: exit %d", code)
	}
	// A suffix given twice is one problem, whether the text repeats (conf) or only
	// the normalized DN does (serve's checks).
	dup := filepath.Join(dir, "dup.toml")
	os.WriteFile(dup, []byte("[[database]]\nsuffix = \"dc=a\"\ndirectory = \"a\"\n[[database]]\nsuffix = \"DC=A\"\n"+
		"directory = \"b\"\n[[database]]\nsuffix = \"dc = a\"\ndirectory = \"c\"\n"), 0o644)
	code, _, errs = runCmd("", "test", "-c", dup)
	want := dup + ":5: database[1].suffix: conf: invalid value: \"DC=A\" is also the suffix of database[0]\n" +
		dup + ":8: database[2].suffix: conf: invalid value: same suffix as database[0]\n"
	if code != exitError || errs != want {
		t.Errorf("duplicate suffixes: exit %d\n%s", code, errs)
	}
}

// TestConfigTest_logFile: `lightdir test` checks that log.file can be
// written, as serve needs at start; a log in a missing directory passed the
// test and then stopped serve.
func TestConfigTest_logFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "log.toml")
	os.WriteFile(cfg, []byte("[log]\nfile = \"missing/dir/lightdir.log\"\n"), 0o644)
	code, _, errs := runCmd("", "test", "-c", cfg)
	if code != exitError || !strings.Contains(errs, cfg+":2: log.file:") {
		t.Errorf("log in a missing directory: exit %d %q", code, errs)
	}
	os.WriteFile(cfg, []byte("[log]\nfile = \"lightdir.log\"\n"), 0o644)
	if code, _, errs := runCmd("", "test", "-q", "-c", cfg); code != exitOK {
		t.Errorf("log in the config's directory: exit %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "lightdir.log")); !os.IsNotExist(err) {
		t.Errorf("lightdir test created the log file: %v", err)
	}
}

// TestConfigTest_emptySuffixOnce: a database without a suffix is one
// problem (it was also reported as an empty DN).
func TestConfigTest_emptySuffixOnce(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "s.toml")
	os.WriteFile(cfg, []byte("[[database]]\nsuffix = \"\"\ndirectory = \"d\"\n"), 0o644)
	code, _, errs := runCmd("", "test", "-c", cfg)
	if code != exitError || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "suffix is required") {
		t.Errorf("empty suffix: exit %d %q", code, errs)
	}
}
