package ldapserver

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ldapUtils runs Debian's ldap-utils against a test server, with a private
// environment (no system ldap.conf or ~/.ldaprc) trusting the test CA.
type ldapUtils struct {
	t   *testing.T
	env []string
}

// needTools skips when a tool is missing on a developer machine; in CI it fails.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") == "" {
				t.Skipf("%s not installed (ldap-utils)", n)
			}
			t.Fatalf("%s not installed; CI needs ldap-utils", n)
		}
	}
}

func newLDAPUtils(t *testing.T, caFile string) *ldapUtils {
	dir := t.TempDir()
	conf := filepath.Join(dir, "ldap.conf")
	if err := os.WriteFile(conf, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &ldapUtils{t: t, env: []string{"HOME=" + dir, "LDAPCONF=" + conf, "LDAPRC=" + filepath.Join(dir, "none"),
		"LDAPTLS_CACERT=" + caFile, "LDAPTLS_REQCERT=demand", "PATH=" + os.Getenv("PATH")}}
}

// run executes a tool and returns its combined output and exit code.
func (u *ldapUtils) run(stdin string, name string, args ...string) (string, int) {
	u.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = u.env
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	default:
		u.t.Fatalf("%s: %v", name, err)
		return "", -1
	}
}

// expect runs a tool and checks its exit code and that the output holds each want.
func (u *ldapUtils) expect(wantCode int, wants []string, stdin, name string, args ...string) string {
	u.t.Helper()
	out, code := u.run(stdin, name, args...)
	if code != wantCode {
		u.t.Fatalf("%s %v: exit %d, want %d\n%s", name, args, code, wantCode, out)
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			u.t.Fatalf("%s %v: output lacks %q\n%s", name, args, w, out)
		}
	}
	return out
}

const (
	rootDN  = "cn=admin," + testSuffix
	aliceDN = "uid=alice,ou=people," + testSuffix
	bobDN   = "uid=bob,ou=people," + testSuffix
)

// TestLDAPUtils: every ldap-utils client against the server: search (paged,
// sorted, Root DSE), add, modify (pre/post-read, assertion, no-op, proxied
// authorization, unknown critical control), delete, modrdn, compare, whoami,
// passwd, exop, StartTLS, ldaps and ldapi with SASL EXTERNAL.
func TestLDAPUtils(t *testing.T) {
	needTools(t, "ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapmodrdn", "ldapcompare",
		"ldapwhoami", "ldappasswd", "ldapexop")
	p := newTestPKI(t)
	ts, ldapsAddr := startTLSServer(t, p)
	u := newLDAPUtils(t, p.caFile)
	H := ts.url()
	root := []string{"-x", "-H", H, "-D", rootDN, "-w", "secret"}
	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }
	people := "ou=people," + testSuffix

	t.Run("ldapsearch", func(t *testing.T) {
		u.t = t
		u.expect(0, []string{"dn: " + aliceDN, "cn: Alice Liddell"}, "", "ldapsearch", "-x", "-LLL", "-H", H, "-b", people, "(uid=alice)", "cn")
		out := u.expect(0, []string{"namingContexts: " + testSuffix, "supportedExtension: " + OIDWhoAmI, "supportedLDAPVersion: 3"},
			"", "ldapsearch", "-x", "-LLL", "-H", H, "-s", "base", "-b", "", "+")
		if strings.Contains(out, "supportedSASLMechanisms") {
			t.Fatalf("SASL EXTERNAL offered over plain TCP:\n%s", out)
		}
		out = u.expect(0, nil, "", "ldapsearch", with(root, "-LLL", "-b", testSuffix, "-E", "pr=2/noprompt", "(objectClass=*)", "1.1")...)
		if n := strings.Count(out, "dn: "); n != 5 {
			t.Fatalf("paged search returned %d entries, want 5\n%s", n, out)
		}
		out = u.expect(0, nil, "", "ldapsearch", with(root, "-LLL", "-b", people, "-s", "one", "-E", "!sss=-sn", "(objectClass=*)", "sn")...)
		if strings.Index(out, "Liddell") > strings.Index(out, "Builder") {
			t.Fatalf("not sorted by descending sn:\n%s", out)
		}
		u.expect(4, []string{"Size limit exceeded"}, "", "ldapsearch", with(root, "-b", testSuffix, "-z", "2", "(objectClass=*)")...)
		u.expect(32, []string{"No such object", "matchedDN: " + testSuffix}, "", "ldapsearch", with(root, "-b", "ou=none,"+testSuffix)...)
		u.expect(12, []string{"Critical extension is unavailable"}, "", "ldapsearch", with(root, "-b", testSuffix, "-E", "!1.2.3.4.5.6")...)
	})

	t.Run("ldapadd", func(t *testing.T) {
		u.t = t
		ldif := "dn: uid=erin," + people + "\nobjectClass: inetOrgPerson\nuid: erin\ncn: Erin\nsn: E\nuserPassword: erinpw\n"
		u.expect(0, []string{"adding new entry"}, ldif, "ldapadd", root...)
		u.expect(68, []string{"Already exists"}, ldif, "ldapadd", root...)
	})

	t.Run("ldapmodify", func(t *testing.T) {
		u.t = t
		mod := "dn: " + aliceDN + "\nchangetype: modify\nreplace: mail\nmail: alice2@example.com\n"
		u.expect(0, []string{"mail: alice@example.com", "mail: alice2@example.com"}, mod, "ldapmodify",
			with(root, "-e", "preread=mail", "-e", "postread=mail")...)
		u.expect(122, []string{"Assertion Failed"}, mod, "ldapmodify", with(root, "-e", "!assert=(sn=Wrong)")...)
		u.expect(0, nil, mod, "ldapmodify", with(root, "-e", "!assert=(sn=Liddell)")...)
		u.expect(0, nil, mod, "ldapmodify", with(root, "-e", "!authzid=dn:"+aliceDN)...)
		u.expect(12, []string{"Critical extension is unavailable"}, mod, "ldapmodify", with(root, "-e", "!relax")...)
		del := "dn: uid=carol," + people + "\nchangetype: delete\n"
		out, _ := u.run(del, "ldapmodify", with(root, "-e", "!noop")...)
		if !strings.Contains(out, "(16654)") {
			t.Fatalf("no-op delete: %s", out)
		}
		u.expect(0, []string{"dn: uid=carol"}, "", "ldapsearch", with(root, "-LLL", "-b", "uid=carol,"+people, "-s", "base", "1.1")...)
	})

	t.Run("ldapmodrdn", func(t *testing.T) {
		u.t = t
		u.expect(0, nil, "", "ldapmodrdn", with(root, "-r", "uid=erin,"+people, "uid=erin2")...)
		u.expect(0, []string{"uid: erin2"}, "", "ldapsearch", with(root, "-LLL", "-b", "uid=erin2,"+people, "-s", "base", "uid")...)
		u.expect(0, nil, "", "ldapmodrdn", with(root, "-s", testSuffix, "uid=erin2,"+people, "uid=erin2")...)
	})

	t.Run("ldapcompare", func(t *testing.T) {
		u.t = t
		u.expect(6, []string{"TRUE"}, "", "ldapcompare", with(root, aliceDN, "sn:Liddell")...)
		u.expect(5, []string{"FALSE"}, "", "ldapcompare", with(root, aliceDN, "sn:Other")...)
		u.expect(32, []string{"No such object"}, "", "ldapcompare", with(root, "uid=zz,"+people, "sn:x")...)
	})

	t.Run("ldapdelete", func(t *testing.T) {
		u.t = t
		u.expect(0, nil, "", "ldapdelete", with(root, "uid=erin2,"+testSuffix)...)
		u.expect(32, nil, "", "ldapdelete", with(root, "uid=erin2,"+testSuffix)...)
		u.expect(66, []string{"not allowed on non-leaf"}, "", "ldapdelete", with(root, people)...)
	})

	t.Run("ldapwhoami", func(t *testing.T) {
		u.t = t
		u.expect(0, []string{"anonymous"}, "", "ldapwhoami", "-x", "-H", H)
		u.expect(0, []string{"dn:" + rootDN}, "", "ldapwhoami", root...)
		u.expect(49, []string{"Invalid credentials"}, "", "ldapwhoami", "-x", "-H", H, "-D", rootDN, "-w", "bad")
	})

	t.Run("ldappasswd", func(t *testing.T) {
		u.t = t
		u.expect(0, nil, "", "ldappasswd", "-x", "-H", H, "-D", bobDN, "-w", "bobpw", "-a", "bobpw", "-s", "bobpw2")
		u.expect(0, []string{"dn:" + bobDN}, "", "ldapwhoami", "-x", "-H", H, "-D", bobDN, "-w", "bobpw2")
		u.expect(0, []string{"New password: generated-pw"}, "", "ldappasswd", with(root, bobDN)...)
		u.expect(1, []string{"Insufficient access (50)"}, "", "ldappasswd", "-x", "-H", H, "-D", bobDN, "-w", "generated-pw", "-s", "x", aliceDN)
	})

	t.Run("ldapexop", func(t *testing.T) {
		u.t = t
		u.expect(0, []string{"dn:" + rootDN}, "", "ldapexop", with(root, "whoami")...)
		u.expect(1, []string{"No Operation to Cancel (119)"}, "", "ldapexop", with(root, "cancel", "42")...)
		u.expect(0, []string{"data:: ZWNobzpoaQ=="}, "", "ldapexop", with(root, "1.3.6.1.4.1.99999.1:hi")...)
		u.expect(1, []string{"Protocol error (2)"}, "", "ldapexop", with(root, "1.2.3.4")...)
	})

	t.Run("StartTLS and ldaps", func(t *testing.T) {
		u.t = t
		u.expect(0, []string{"dn:" + rootDN}, "", "ldapwhoami", "-ZZ", "-x", "-H", H, "-D", rootDN, "-w", "secret")
		u.expect(0, []string{"dn:" + rootDN}, "", "ldapwhoami", "-x", "-H", "ldaps://"+ldapsAddr, "-D", rootDN, "-w", "secret")
		// SASL EXTERNAL with a client certificate, over ldaps and over StartTLS.
		withCert := &ldapUtils{t: t, env: append(append([]string{}, u.env...), "LDAPTLS_CERT="+p.certFile, "LDAPTLS_KEY="+p.keyFile)}
		withCert.expect(0, []string{"dn:" + p.clientName}, "", "ldapwhoami", "-Y", "EXTERNAL", "-H", "ldaps://"+ldapsAddr)
		withCert.expect(0, []string{"dn:" + p.clientName}, "", "ldapwhoami", "-ZZ", "-Y", "EXTERNAL", "-H", H)
	})

	t.Run("ldapi EXTERNAL", func(t *testing.T) {
		u.t = t
		_, ldapiURL := startLDAPI(t)
		u.expect(0, []string{"dn:" + peercredDN()}, "", "ldapwhoami", "-Y", "EXTERNAL", "-H", ldapiURL)
		u.expect(0, []string{"namingContexts: " + testSuffix}, "", "ldapsearch", "-Y", "EXTERNAL", "-H", ldapiURL, "-LLL", "-b", "", "-s", "base", "namingContexts")
	})
}
