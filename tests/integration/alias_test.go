package integration

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// aliasFixture is shared with the backend's unit tests.
const aliasFixture = "../../backend/testdata/aliases.ldif"

// serveAliasFixture imports the alias fixture into lightdir and into slapd,
// serves both, and returns a connection to each.
func serveAliasFixture(t *testing.T) (ours, theirs *ldap.Conn) {
	t.Helper()
	fixture, err := filepath.Abs(aliasFixture)
	if err != nil {
		t.Fatal(err)
	}
	oursURL, theirsURL := serveFile(t, fixture)
	return dial(t, oursURL), dial(t, theirsURL)
}

// TestSearch_deref_matchesSlapd: the same alias data served by lightdir and
// by slapd (back-mdb) gives the same entries, result codes and matched DNs
// for every derefAliases mode and scope. Entries are compared as sets of
// distinct DNs: slapd may return an entry reached through several aliases
// more than once, lightdir returns it once.
func TestSearch_deref_matchesSlapd(t *testing.T) {
	ours, theirs := serveAliasFixture(t)

	derefs := map[string]int{"never": ldap.NeverDerefAliases, "search": ldap.DerefInSearching,
		"find": ldap.DerefFindingBaseObj, "always": ldap.DerefAlways}
	scopes := map[string]int{"base": ldap.ScopeBaseObject, "one": ldap.ScopeSingleLevel,
		"sub": ldap.ScopeWholeSubtree, "children": ldap.ScopeChildren}
	bases := []string{"dc=example,dc=com", "ou=links", "ou=toalice,ou=links", "ou=togroups,ou=links",
		"ou=up,ou=links", "ou=chain,ou=links", "ou=dangling,ou=links", "ou=tochain,ou=links",
		"ou=loop1,ou=links", "ou=outside,ou=links", "ou=c3,ou=links", "ou=l2",
		"uid=x,ou=toalice,ou=links", "cn=g1,ou=togroups,ou=links"}
	filters := []string{"(objectClass=*)", "(objectClass=alias)", "(objectClass=organizationalUnit)", "(|(uid=alice)(cn=g1))"}
	n := 0
	for dname, deref := range derefs {
		for sname, scope := range scopes {
			for _, base := range bases {
				if !strings.HasPrefix(base, "dc=") {
					base += ",dc=example,dc=com"
				}
				for _, f := range filters {
					req := ldap.NewSearchRequest(base, scope, deref, 0, 0, false, f, []string{"1.1"}, nil)
					name := fmt.Sprintf("-a %s -s %s -b %s %s", dname, sname, base, f)
					got, want := searchOutcome(ours, req), searchOutcome(theirs, req)
					if w, ok := slapdQuirks[name]; ok {
						want = w
					}
					if got != want {
						t.Errorf("%s:\nlightdir: %s\nslapd:    %s", name, got, want)
					}
					n++
				}
			}
		}
	}
	t.Logf("%d searches compared", n)
}

// slapdQuirks are the searches where slapd's answer depends on whether it
// walks the scope or loops over indexed candidates, with lightdir's answer,
// which is slapd's scope-walk answer (the one (objectClass=*) gives):
//   - one-level: the alias ou=up's target (the suffix) is returned, not the
//     suffix's children; slapd's candidate loop takes the children too;
//   - children: the base ou=links lies below ou=up's target, so it is in
//     scope; slapd's candidate loop always leaves the base out.
var slapdQuirks = map[string]string{
	"-a search -s one -b ou=links,dc=example,dc=com (objectClass=organizationalUnit)":      ouUnderLinks,
	"-a always -s one -b ou=links,dc=example,dc=com (objectClass=organizationalUnit)":      ouUnderLinks,
	"-a search -s children -b ou=links,dc=example,dc=com (objectClass=organizationalUnit)": allOUs,
	"-a always -s children -b ou=links,dc=example,dc=com (objectClass=organizationalUnit)": allOUs,
}

const (
	ouUnderLinks = "ou=c18,ou=links,dc=example,dc=com | ou=groups,dc=example,dc=com"
	allOUs       = "ou=c18,ou=links,dc=example,dc=com | ou=groups,dc=example,dc=com | ou=l2,dc=example,dc=com | " +
		"ou=links,dc=example,dc=com | ou=people,dc=example,dc=com"
)

// searchOutcome is the sorted set of DNs a search returns, or its result
// code and matched DN.
func searchOutcome(c *ldap.Conn, req *ldap.SearchRequest) string {
	res, err := c.Search(req)
	var le *ldap.Error
	if errors.As(err, &le) {
		return fmt.Sprintf("code %d matched %q", le.ResultCode, strings.ToLower(le.MatchedDN))
	}
	if err != nil {
		return "error " + err.Error()
	}
	var dns []string
	for _, e := range res.Entries {
		dns = append(dns, strings.ToLower(e.DN))
	}
	slices.Sort(dns)
	return strings.Join(slices.Compact(dns), " | ")
}

// sbinTool finds an OpenLDAP server tool in PATH or /usr/sbin; it skips
// without it, except in CI.
func sbinTool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := filepath.Join("/usr/sbin", name); fileExists(p) {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not installed (CI needs slapd)", name)
	}
	t.Skipf("%s not installed", name)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
