package integration

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// TestImport_serverStartedDuringImport: a server started on the database
// while `lightdir import` runs must not lose what it acknowledged. The
// import holds the database like an open environment until it has moved
// its result into place, so the server is refused ("environment in use")
// instead of serving a file the import then replaces under it (before, the
// server's acknowledged add vanished at its next start, and the running
// server never saw the imported entries).
func TestImport_serverStartedDuringImport(t *testing.T) {
	dir := t.TempDir()
	imp := exec.Command(binary, "import", "-q")
	imp.Dir = dir
	stdin, err := imp.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var impErr strings.Builder
	imp.Stderr = &impErr
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example\n\n"+
		"dn: ou=imported,dc=example,dc=com\nobjectClass: organizationalUnit\nou: imported\n\n")
	// The import is now waiting for more LDIF, its temporary database open.
	time.Sleep(300 * time.Millisecond)

	// serve exits at once, refused; or it gets ready and serves.
	cmd := exec.Command(binary, "serve", "-l", "ldap://127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LIGHTDIR_ROOTPW=secret")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	var url string
	for url == "" {
		select {
		case <-exited:
		case <-time.After(50 * time.Millisecond):
			if m := readyURLs.FindString(out.String()); m != "" && strings.Contains(out.String(), "ready") {
				url = m
			}
			continue
		}
		break
	}
	if url != "" {
		// It serves: an add it acknowledges must survive the import.
		c := dial(t, url)
		if err := c.Bind(rootDN, "secret"); err != nil {
			t.Fatal(err)
		}
		add := ldap.NewAddRequest("ou=served,dc=example,dc=com", nil)
		add.Attribute("objectClass", []string{"organizationalUnit"})
		add.Attribute("ou", []string{"served"})
		if err := c.Add(add); err != nil {
			t.Fatal(err)
		}
		stdin.Close()
		imp.Wait()
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
		_, ldif, _ := lightdir(t, dir, "export")
		if !strings.Contains(ldif, "dn: ou=served,dc=example,dc=com") {
			t.Fatalf("a server ran during the import (import: exit %d %s); the add it acknowledged is lost:\n%s",
				imp.ProcessState.ExitCode(), impErr.String(), ldif)
		}
		return
	}
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(out.String(), "in use") {
		t.Fatalf("serve during the import: exit %d:\n%s", cmd.ProcessState.ExitCode(), out.String())
	}
	stdin.Close()
	if err := imp.Wait(); err != nil {
		t.Fatalf("import: %v %s", err, impErr.String())
	}
	code, ldif, errOut := lightdir(t, dir, "export")
	if code != 0 || !strings.Contains(ldif, "dn: ou=imported,dc=example,dc=com") {
		t.Fatalf("export after the import: exit %d %s\n%s", code, errOut, ldif)
	}
}

// TestDatabaseFiles_private: the database files hold every entry, userPassword
// hashes included, so they are created 0600 in a 0700 directory, as slapd's
// back-mdb does (its default mode is 0600), whether serve or import creates
// them and whatever the umask lets through.
func TestDatabaseFiles_private(t *testing.T) {
	dir := t.TempDir()
	hash := func() string {
		_, out, _ := lightdir(t, dir, "passwd", "-s", "secret")
		return strings.TrimSpace(out)
	}()
	writeFile(t, filepath.Join(dir, "lightdir.toml"), `[[database]]
suffix = "dc=example,dc=com"
directory = "served"
root_dn = "cn=admin,dc=example,dc=com"
root_password = "`+hash+`"
`)
	s := startServer(t, dir, nil, "-c", "lightdir.toml", "-l", "ldap://127.0.0.1:0")
	s.stop()
	ldif := filepath.Join(dir, "in.ldif")
	writeFile(t, ldif, "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example\n"+
		"userPassword: {SSHA}abcdefghijklmnopqrstuvwxyz01\n")
	if code, _, errOut := lightdir(t, dir, "import", "-q", "-b", "dc=example,dc=com", "-d", "imported", ldif); code != 0 {
		t.Fatalf("import: exit %d %s", code, errOut)
	}
	for _, db := range []string{"served", "imported"} {
		want := map[string]os.FileMode{db: 0o700}
		files, _ := filepath.Glob(filepath.Join(dir, db, "*.mdb"))
		if len(files) == 0 {
			t.Fatalf("%s: no database files", db)
		}
		for _, f := range files {
			want[filepath.Join(db, filepath.Base(f))] = 0o600
		}
		for p, mode := range want {
			fi, err := os.Stat(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != mode {
				t.Errorf("%s: mode %o, want %o", p, fi.Mode().Perm(), mode)
			}
		}
	}
}
