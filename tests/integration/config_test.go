package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServe_brokenConfigs: each broken configuration stops serve before it binds
// anything, exit 1, with one stderr line naming the file, line and key; `lightdir
// test` reports the same.
func TestServe_brokenConfigs(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"unknown key", "listen = [\"ldap://127.0.0.1:0\"]\nlisten_backlog = 5\n", "lightdir.toml:2: listen_backlog: conf: unknown key"},
		{"bad durability", "[[database]]\nsuffix = \"o=x\"\ndirectory = \"d\"\ndurability = \"maybe\"\n", "lightdir.toml:4: database[0].durability: conf: invalid value"},
		{"wrong type", "[access]\nread_requires_auth = \"yes\"\n", "lightdir.toml:2: access.read_requires_auth: conf: syntax error"},
		{"cleartext root password", "[[database]]\nsuffix = \"o=x\"\ndirectory = \"d\"\nroot_dn = \"cn=r,o=x\"\nroot_password = \"secret\"\n",
			"lightdir.toml:5: database[0].root_password: conf: invalid value: must be hashed"},
		{"root DN outside the suffix", "[[database]]\nsuffix = \"o=x\"\ndirectory = \"d\"\nroot_dn = \"cn=r,o=y\"\n",
			"lightdir.toml:4: database[0].root_dn: conf: invalid value"},
		{"missing schema file", "schema_files = [\"nope.schema\"]\n", "lightdir.toml:1: schema_files[0]:"},
		{"ldaps without a certificate", "listen = [\"ldaps://127.0.0.1:0\"]\n", "lightdir.toml:1: listen[0]: conf: invalid value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "lightdir.toml"), tc.text)
			code, _, errs := lightdir(t, dir, "serve", "-c", "lightdir.toml")
			if code != 1 || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("serve: exit %d, stderr %q; want 1 and one line with %q", code, errs, tc.want)
			}
			code, _, errs = lightdir(t, dir, "test", "-c", "lightdir.toml")
			if code != 1 || !strings.Contains(errs, tc.want) {
				t.Errorf("test: exit %d, stderr %q; want 1 and %q", code, errs, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "d")); err == nil {
				t.Errorf("a broken configuration created the database directory")
			}
		})
	}
}

// TestConfigTest_example: the example configuration passes `lightdir test`.
func TestConfigTest_example(t *testing.T) {
	code, out, errs := lightdir(t, "../..", "test", "-c", "lightdir.example.toml")
	if code != 0 || errs != "" || !strings.Contains(out, "lightdir.example.toml: ok") {
		t.Fatalf("exit %d %q %q", code, out, errs)
	}
}

// TestHelp_subcommands: serve, test and passwd are listed and have --help.
func TestHelp_subcommands(t *testing.T) {
	_, out, _ := lightdir(t, ".", "help")
	for _, c := range []string{"serve", "test", "passwd"} {
		if !strings.Contains(out, "  "+c+" ") {
			t.Errorf("help does not list %s:\n%s", c, out)
		}
		code, h, _ := lightdir(t, ".", c, "--help")
		if code != 0 || !strings.HasPrefix(h, "usage: lightdir "+c) {
			t.Errorf("%s --help: %d %q", c, code, h)
		}
	}
}
