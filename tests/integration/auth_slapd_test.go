package integration

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// authFixture has an entry at the root DN with its own userPassword (as
// many directories moved over from slapd have), an alias and a referral
// object that carry a userPassword, and a person.
const authFixture = `dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: example

dn: cn=admin,dc=example,dc=com
objectClass: person
cn: admin
sn: admin
userPassword: entrypw

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: A
userPassword: alicepw

dn: uid=al,ou=people,dc=example,dc=com
objectClass: alias
objectClass: extensibleObject
uid: al
aliasedObjectName: uid=alice,ou=people,dc=example,dc=com
userPassword: aliaspw

dn: uid=ref,ou=people,dc=example,dc=com
objectClass: referral
objectClass: extensibleObject
uid: ref
ref: ldap://example.net/uid=ref,dc=example,dc=net
userPassword: refpw
`

// toolOutcome runs an ldap-utils command and returns its exit code and the
// first line of its output (the result or the whoami answer).
func toolOutcome(t *testing.T, name string, args ...string) string {
	t.Helper()
	needTool(t, name)
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LDAPCONF=/dev/null")
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return fmt.Sprintf("exit %d: %s", cmd.ProcessState.ExitCode(), first)
}

// TestAuth_matchesSlapd: binds, ldapwhoami and ldappasswd give slapd's
// answers: the root DN also binds with its entry's userPassword (back-mdb,
// ITS#4962), so a password the root DN set on itself with ldappasswd works;
// alias and referral objects never bind; an anonymous ldappasswd is
// strongerAuthRequired.
func TestAuth_matchesSlapd(t *testing.T) {
	ours, theirs := serveLDIF(t, authFixture)
	people := "ou=people,dc=example,dc=com"
	steps := []struct {
		what string
		tool string
		args []string
	}{
		{"root password", "ldapwhoami", []string{"-x", "-D", rootDN, "-w", "secret"}},
		{"root DN, entry password", "ldapwhoami", []string{"-x", "-D", rootDN, "-w", "entrypw"}},
		{"root DN, wrong password", "ldapwhoami", []string{"-x", "-D", rootDN, "-w", "nope"}},
		{"alias", "ldapwhoami", []string{"-x", "-D", "uid=al," + people, "-w", "aliaspw"}},
		{"referral", "ldapwhoami", []string{"-x", "-D", "uid=ref," + people, "-w", "refpw"}},
		{"person", "ldapwhoami", []string{"-x", "-D", "uid=alice," + people, "-w", "alicepw"}},
		{"anonymous passwd", "ldappasswd", []string{"-x", "-s", "x", "uid=alice," + people}},
		{"anonymous passwd, no user", "ldappasswd", []string{"-x", "-s", "x"}},
		{"root sets its own password", "ldappasswd", []string{"-x", "-D", rootDN, "-w", "secret", "-s", "changed"}},
		{"root DN, the password it set", "ldapwhoami", []string{"-x", "-D", rootDN, "-w", "changed"}},
		{"root password still", "ldapwhoami", []string{"-x", "-D", rootDN, "-w", "secret"}},
	}
	for _, s := range steps {
		got := toolOutcome(t, s.tool, append([]string{"-H", ours}, s.args...)...)
		want := toolOutcome(t, s.tool, append([]string{"-H", theirs}, s.args...)...)
		if got != want {
			t.Errorf("%s: lightdir %q, slapd %q", s.what, got, want)
		}
	}
}
