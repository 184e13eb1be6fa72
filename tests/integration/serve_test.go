package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

const rootDN = "cn=admin,dc=example,dc=com"

// TestServe_noConfig: the README's first command. Without a configuration,
// serve creates ./lightdir-data with the suffix entry, prints a generated root
// password once, and anonymous ldapsearch -x works at once.
func TestServe_noConfig(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW="}, "-l", "ldap://127.0.0.1:0")
	m := regexp.MustCompile(`password of cn=admin,dc=example,dc=com: (\S+)`).FindStringSubmatch(s.out.String())
	if m == nil {
		t.Fatalf("no generated password printed:\n%s", s.out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "lightdir-data", "rootpw")); err != nil {
		t.Fatal(err)
	}
	out := ldapTool(t, nil, "", 0, "ldapsearch", "-x", "-H", s.url("ldap"), "-b", "dc=example,dc=com", "-s", "base")
	if !strings.Contains(out, "dn: dc=example,dc=com") {
		t.Fatalf("suffix entry not found:\n%s", out)
	}
	out = ldapTool(t, nil, "", 0, "ldapwhoami", "-x", "-H", s.url("ldap"), "-D", rootDN, "-w", m[1])
	if strings.TrimSpace(out) != "dn:"+rootDN {
		t.Fatalf("ldapwhoami: %q", out)
	}
	s.stop()
	// A restart keeps the password and prints nothing new.
	s = startServer(t, dir, []string{"LIGHTDIR_ROOTPW="}, "-l", "ldap://127.0.0.1:0")
	if strings.Contains(s.out.String(), "password of") {
		t.Fatalf("restart printed a password again:\n%s", s.out.String())
	}
	ldapTool(t, nil, "", 0, "ldapwhoami", "-x", "-H", s.url("ldap"), "-D", rootDN, "-w", m[1])
}

// TestServe_exampleConfig: the example configuration serves as it is.
func TestServe_exampleConfig(t *testing.T) {
	dir := t.TempDir()
	ex, err := os.ReadFile("../../lightdir.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "lightdir.toml"), string(ex))
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-c", "lightdir.toml", "-l", "ldap://127.0.0.1:0")
	c := dial(t, s.url("ldap"))
	res, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("search: %v %v", err, res)
	}
	if err := c.Bind(rootDN, "secret"); err != nil {
		t.Fatal(err)
	}
}

func dial(t *testing.T, url string) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

const peopleLDIF = `dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Example
sn: Example
mail: alice@example.com
userPassword: alice-pw

dn: uid=bob,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bob
cn: Bob Example
sn: Example
userPassword: bob-pw

dn: uid=carol,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: carol
cn: Carol Example
sn: Example

`

// TestServe_ldapUtils: the OpenLDAP client tools against a served database:
// add, search (anonymous and root), modify, modrdn, delete, compare, whoami,
// passwd, paged results; writes need the root DN; userPassword is the root's.
func TestServe_ldapUtils(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0")
	H := s.url("ldap")
	root := []string{"-x", "-H", H, "-D", rootDN, "-w", "secret"}
	base := "dc=example,dc=com"

	ldapTool(t, nil, peopleLDIF, 50, "ldapadd", "-x", "-H", H) // anonymous: insufficientAccessRights
	ldapTool(t, nil, peopleLDIF, 0, "ldapadd", root...)

	out := ldapTool(t, nil, "", 0, "ldapsearch", "-x", "-H", H, "-b", base, "-LLL", "(sn=Example)", "uid", "userPassword")
	if strings.Count(out, "uid: ") != 3 || strings.Contains(out, "userPassword") {
		t.Fatalf("anonymous search:\n%s", out)
	}
	out = ldapTool(t, nil, "", 0, "ldapsearch", "-x", "-H", H, "-b", base, "-LLL", "(userPassword=alice-pw)", "uid")
	if strings.Contains(out, "uid: alice") {
		t.Fatalf("anonymous filter on userPassword matched:\n%s", out)
	}
	out = ldapTool(t, nil, "", 0, "ldapsearch", append(root, "-b", base, "-LLL", "(uid=alice)", "userPassword")...)
	if !strings.Contains(out, "userPassword") {
		t.Fatalf("root does not see userPassword:\n%s", out)
	}

	ldapTool(t, nil, "dn: uid=bob,ou=people,dc=example,dc=com\nchangetype: modify\nreplace: mail\nmail: bob@example.com\n", 0, "ldapmodify", root...)
	out = ldapTool(t, nil, "", 0, "ldapsearch", "-x", "-H", H, "-b", base, "-LLL", "(mail=bob@example.com)", "dn")
	if !strings.Contains(out, "dn: uid=bob,ou=people,dc=example,dc=com") {
		t.Fatalf("modify not visible:\n%s", out)
	}

	ldapTool(t, nil, "", 0, "ldapmodrdn", append(root, "-r", "uid=carol,ou=people,dc=example,dc=com", "uid=caroline")...)
	out = ldapTool(t, nil, "", 0, "ldapsearch", "-x", "-H", H, "-b", "ou=people,"+base, "-LLL", "(uid=carol*)", "uid")
	if !strings.Contains(out, "dn: uid=caroline,ou=people") || strings.Contains(out, "uid: carol\n") {
		t.Fatalf("modrdn:\n%s", out)
	}
	ldapTool(t, nil, "", 0, "ldapdelete", append(root, "uid=caroline,ou=people,dc=example,dc=com")...)
	ldapTool(t, nil, "", 32, "ldapsearch", "-x", "-H", H, "-b", "uid=caroline,ou=people,"+base, "-s", "base")

	ldapTool(t, nil, "", 6, "ldapcompare", "-x", "-H", H, "uid=alice,ou=people,dc=example,dc=com", "cn:alice example")
	ldapTool(t, nil, "", 5, "ldapcompare", "-x", "-H", H, "uid=alice,ou=people,dc=example,dc=com", "cn:Bob Example")

	out = ldapTool(t, nil, "", 0, "ldapwhoami", "-x", "-H", H, "-D", "uid=alice,ou=people,dc=example,dc=com", "-w", "alice-pw")
	if strings.TrimSpace(out) != "dn:uid=alice,ou=people,dc=example,dc=com" {
		t.Fatalf("ldapwhoami: %q", out)
	}
	ldapTool(t, nil, "", 49, "ldapwhoami", "-x", "-H", H, "-D", "uid=alice,ou=people,dc=example,dc=com", "-w", "wrong")
	ldapTool(t, nil, "", 0, "ldappasswd", append(root, "-s", "bob-new", "uid=bob,ou=people,dc=example,dc=com")...)
	ldapTool(t, nil, "", 0, "ldapwhoami", "-x", "-H", H, "-D", "uid=bob,ou=people,dc=example,dc=com", "-w", "bob-new")

	out = ldapTool(t, nil, "", 0, "ldapsearch", "-x", "-H", H, "-b", base, "-E", "pr=1/noprompt", "(objectClass=*)", "dn")
	if n := strings.Count(out, "\ndn: "); n != 4 || !strings.Contains(out, "pagedresults:") {
		t.Fatalf("paged search returned %d entries:\n%s", n, out)
	}
}

// TestServe_ldapiExternal: over ldapi, SASL EXTERNAL binds as the peer's uid and gid.
func TestServe_ldapiExternal(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	url := "ldapi://" + strings.ReplaceAll(sock, "/", "%2F")
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0 "+url)
	out := ldapTool(t, nil, "", 0, "ldapwhoami", "-Q", "-Y", "EXTERNAL", "-H", url)
	want := fmt.Sprintf("dn:gidNumber=%d+uidNumber=%d,cn=peercred,cn=external,cn=auth", os.Getgid(), os.Getuid())
	if strings.TrimSpace(out) != want {
		t.Fatalf("ldapwhoami: %q, want %q", out, want)
	}
	out = ldapTool(t, nil, "", 0, "ldapsearch", "-Q", "-Y", "EXTERNAL", "-H", url, "-b", "dc=example,dc=com", "-s", "base", "-LLL", "dn")
	if !strings.Contains(out, "dn: dc=example,dc=com") {
		t.Fatalf("search over ldapi:\n%s", out)
	}
	_ = s
}
