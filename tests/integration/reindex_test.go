package integration

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// TestServe_onlineIndexBuild: serve started with an index the loaded
// database lacks builds it in the background, answers correctly meanwhile,
// logs when the index is built, and the database checks clean afterwards.
func TestServe_onlineIndexBuild(t *testing.T) {
	dir := t.TempDir()
	var ldif strings.Builder
	ldif.WriteString("dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example\n\n")
	for i := range 2000 {
		fmt.Fprintf(&ldif, "dn: uid=u%04d,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: u%04d\ncn: u\nsn: u\ntelephoneNumber: +46 70 %07d\n\n", i, i, i)
	}
	writeFile(t, filepath.Join(dir, "data.ldif"), ldif.String())
	if code, _, errOut := lightdir(t, dir, "import", "-q", "data.ldif"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	writeFile(t, filepath.Join(dir, "lightdir.toml"), `listen = ["ldap://127.0.0.1:0"]
[[database]]
suffix = "dc=example,dc=com"
directory = "lightdir-data"
[database.indices]
telephoneNumber = ["eq"]
`)
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-c", "lightdir.toml")
	c := dial(t, s.url("ldap"))
	search := func() {
		t.Helper()
		res, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, 0, 0, 0, false,
			"(telephoneNumber=+46700001234)", []string{"uid"}, nil))
		if err != nil || len(res.Entries) != 1 {
			t.Fatalf("search: %v %v", err, res)
		}
		if u := res.Entries[0].GetAttributeValue("uid"); u != "u1234" {
			t.Fatalf("found %s", u)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(s.out.String(), "index built online") {
		search() // during the build (when it is slow enough to be caught)
		if time.Now().After(deadline) {
			t.Fatalf("no \"index built online\" log line:\n%s", s.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	search()
	s.stop()
	if code, out, errOut := lightdir(t, dir, "check", "-c", "lightdir.toml"); code != 0 {
		t.Fatalf("check after the online build: %s%s", out, errOut)
	}
}
