package integration

// Differential tests through Debian's ldap-utils: the same command lines go
// to lightdir and to slapd 2.5 (back-mdb), loaded with the same LDIF, and
// what an administrator or a script sees must agree: the exit code, the
// output, and the result lines the tools print on stderr (the free-text
// "additional info" lines aside, which each server words its own way).

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// toolRun runs an ldap-utils command with "{H}" in args replaced by url and
// stdin as its input, and returns its exit code and its output (stdout
// then stderr) without the servers' free-text diagnostic lines.
func toolRun(t *testing.T, url, stdin, name string, args ...string) string {
	t.Helper()
	needTool(t, name)
	a := make([]string, len(args))
	for i, s := range args {
		a[i] = strings.ReplaceAll(s, "{H}", url)
	}
	cmd := exec.Command(name, a...)
	cmd.Env = append(os.Environ(), "LDAPCONF=/dev/null")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(out.String()+errb.String(), "\n") {
		if s := strings.TrimSpace(l); strings.HasPrefix(strings.ToLower(s), "additional info") {
			continue
		}
		kept = append(kept, l)
	}
	return "exit " + strconv.Itoa(cmd.ProcessState.ExitCode()) + "\n" + strings.Join(kept, "\n")
}

// toolStep is one command line, run against both servers.
type toolStep struct {
	what  string
	stdin string
	tool  string
	args  []string
}

// compareTools runs every step on both servers in order and reports each
// difference.
func compareTools(t *testing.T, ours, theirs string, steps ...toolStep) {
	t.Helper()
	for _, s := range steps {
		got := toolRun(t, ours, s.stdin, s.tool, s.args...)
		want := toolRun(t, theirs, s.stdin, s.tool, s.args...)
		if got != want {
			t.Errorf("%s: %s %s\nlightdir: %s\nslapd:    %s", s.what, s.tool, strings.Join(s.args, " "), got, want)
		}
	}
}

// A proxied authorization control (RFC 4370) naming an identity the server
// does not recognize is proxiedAuthorizationDenied (123), as RFC 4370 §4
// requires and slapd answers: a "dn:" identity that is no DN at all, or a
// DN outside the database the operation goes to (slapd lets a root DN
// assume identities of its own database only). lightdir ran the operation
// as a made-up identity instead.
func TestLdapUtils_proxiedAuthzIdentity(t *testing.T) {
	ours, theirs := serveLDIF(t, authFixture)
	root := []string{"-x", "-H", "{H}", "-D", rootDN, "-w", "secret"}
	search := func(what, authzid string) toolStep {
		return toolStep{what: what, tool: "ldapsearch", args: append(append([]string{}, root...),
			"-e", "!authzid="+authzid, "-b", "uid=alice,ou=people,dc=example,dc=com", "-s", "base", "-LLL", "1.1")}
	}
	compareTools(t, ours, theirs,
		search("an entry of the database", "dn:uid=alice,ou=people,dc=example,dc=com"),
		search("another spelling of it", "dn:UID=Alice, ou=People,dc=example,dc=com"),
		search("a DN of the database without an entry", "dn:uid=nobody,ou=people,dc=example,dc=com"),
		search("anonymous", "dn:"),
		search("not a DN", "dn:not a dn"),
		search("a DN with an undefined type", "dn:fooBar=x,dc=example,dc=com"),
		search("a DN outside every naming context", "dn:cn=x,dc=other"),
		search("a u: identity", "u:alice"),
	)
}

// Every attribute the Root DSE returns is defined in the subschema:
// `ldapsearch -b "" -s base '*' '+'` lists vendorName and vendorVersion
// (RFC 3045), which slapd defines in its cn=Subschema and lightdir did not,
// so an administrator or a schema-driven client looking them up found
// nothing.
func TestLdapUtils_rootDSETypesInSubschema(t *testing.T) {
	ours, theirs := serveLDIF(t, authFixture)
	defined := func(url string) map[string]bool {
		sub := toolRun(t, url, "", "ldapsearch", "-x", "-H", "{H}", "-b", "cn=Subschema", "-s", "base", "-LLL", "-o", "ldif_wrap=no", "attributeTypes")
		if !strings.HasPrefix(sub, "exit 0\n") {
			t.Fatal(sub)
		}
		names := map[string]bool{}
		for _, l := range strings.Split(sub, "\n") {
			def, ok := strings.CutPrefix(l, "attributeTypes: ")
			if !ok {
				continue
			}
			_, list, _ := strings.Cut(def, " NAME ")
			for _, f := range strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(list)) {
				if !strings.HasPrefix(f, "'") {
					break
				}
				names[strings.ToLower(strings.Trim(f, "'"))] = true
			}
		}
		return names
	}
	theirTypes := defined(theirs)
	for _, typ := range []string{"vendorName", "vendorVersion"} {
		if !theirTypes[strings.ToLower(typ)] {
			t.Errorf("slapd does not define %s", typ)
		}
	}
	ourTypes := defined(ours)
	dse := toolRun(t, ours, "", "ldapsearch", "-x", "-H", "{H}", "-b", "", "-s", "base", "-LLL", "-o", "ldif_wrap=no", "*", "+")
	seen := map[string]bool{}
	for _, l := range strings.Split(dse, "\n") {
		typ, _, ok := strings.Cut(l, ":")
		if !ok || typ == "dn" || seen[typ] {
			continue
		}
		seen[typ] = true
		if !ourTypes[strings.ToLower(typ)] {
			t.Errorf("the Root DSE's %s is not in cn=Subschema", typ)
		}
	}
	if len(seen) < 5 {
		t.Fatalf("Root DSE:\n%s", dse)
	}
}
