package integration

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// TestImport_kill9LeavesDatabaseAsBefore: kill -9 in the middle of
// `lightdir import` leaves the database as it was (import builds a temporary
// database and moves it into place only when complete): `lightdir check`
// passes, the import can simply be run again, and the server then serves it.
func TestImport_kill9LeavesDatabaseAsBefore(t *testing.T) {
	dir := t.TempDir()
	ldif := filepath.Join(dir, "subscribers.ldif")
	f, err := os.Create(ldif)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example\n\n")
	fmt.Fprint(w, "dn: ou=subscribers,dc=example,dc=com\nobjectClass: organizationalUnit\nou: subscribers\n\n")
	// The import commits every 50,000 entries: after the first commit the
	// temporary database holds data, and 100,000 more entries leave the
	// test time to see it and kill the import (with 60,000 the window was
	// about 25 ms, which a loaded machine missed).
	const n = 150000
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "dn: uid=26201%010d,ou=subscribers,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: 26201%010d\ncn: Subscriber %d\nsn: %d\ntelephoneNumber: +49151%08d\n\n", i, i, i, i, i)
	}
	w.Flush()
	f.Close()

	// Start the import; kill it once its temporary database holds data.
	cmd := exec.Command(binary, "import", "-q", ldif)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	killed := false
	for !killed {
		select {
		case err := <-exited:
			t.Fatalf("the import finished (%v) before its temporary database grew; make the LDIF larger", err)
		default:
		}
		tmp, _ := filepath.Glob(filepath.Join(dir, ".lightdir-import-*", "data.mdb"))
		if len(tmp) > 0 {
			if st, err := os.Stat(tmp[0]); err == nil && st.Size() > 1<<20 {
				cmd.Process.Kill()
				<-exited
				killed = true
			}
		}
		runtime.Gosched()
	}
	if _, err := os.Stat(filepath.Join(dir, "lightdir-data", "data.mdb")); err == nil {
		t.Fatal("a killed import left a database in place")
	}

	if code, out, errOut := lightdir(t, dir, "check"); code != 0 && !strings.Contains(errOut+out, "no such") {
		// An import that never completed leaves no database or an untouched one.
		t.Fatalf("check after a killed import: exit %d: %s%s", code, out, errOut)
	}
	if code, _, errOut := lightdir(t, dir, "import", "-q", ldif); code != 0 {
		t.Fatalf("import after the kill: exit %d: %s", code, errOut)
	}
	if code, out, errOut := lightdir(t, dir, "check"); code != 0 {
		t.Fatalf("check after the import: exit %d: %s%s", code, out, errOut)
	}
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0")
	c := dial(t, s.url("ldap"))
	res, err := c.Search(searchReq("dc=example,dc=com", "(telephoneNumber=+49 151 00012345)"))
	if err != nil || len(res.Entries) != 1 || res.Entries[0].DN != "uid=262010000012345,ou=subscribers,dc=example,dc=com" {
		t.Fatalf("search after import: %v %v", res, err)
	}
}

func searchReq(base, filter string) *ldap.SearchRequest {
	return ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, []string{"dn"}, nil)
}
