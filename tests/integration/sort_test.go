package integration

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSearch_sortPaged_ldapsearch: ldapsearch with server-side sorting and
// paged results together (-E sss=... -E pr=N/noprompt) gets every entry
// once, in sort order across all pages, with a successful sortResult.
func TestSearch_sortPaged_ldapsearch(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0")
	H := s.url("ldap")
	var ldif strings.Builder
	ldif.WriteString("dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n\n")
	// Descriptions in an order unrelated to creation: (i*7) mod 23.
	for i := range 23 {
		fmt.Fprintf(&ldif, "dn: uid=p%02d,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: p%02d\ncn: p\nsn: p\ndescription: d%02d\n\n", i, i, i*7%23)
	}
	ldapTool(t, nil, ldif.String(), 0, "ldapadd", "-x", "-H", H, "-D", rootDN, "-w", "secret")
	for _, rev := range []string{"", "-"} {
		out := ldapTool(t, nil, "", 0, "ldapsearch", "-x", "-H", H, "-b", "ou=people,dc=example,dc=com", "-LLL",
			"-E", "sss="+rev+"description", "-E", "pr=4/noprompt", "(uid=p*)", "description")
		got := regexp.MustCompile(`description: (d\d\d)`).FindAllStringSubmatch(out, -1)
		var descs []string
		for _, m := range got {
			descs = append(descs, m[1])
		}
		want := slices.Clone(descs)
		slices.Sort(want)
		if rev == "-" {
			slices.Reverse(want)
		}
		if len(descs) != 23 || len(slices.Compact(slices.Clone(want))) != 23 || !slices.Equal(descs, want) {
			t.Errorf("sss=%sdescription with pr=4: %v", rev, descs)
		}
		if strings.Count(out, "sortResult: (0)") < 6 {
			t.Errorf("sortResult missing on some pages:\n%s", out)
		}
	}
}
