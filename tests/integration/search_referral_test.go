package integration

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// referralOutcome is a search's entries, references and result code with
// its matched DN.
func referralOutcome(c *ldap.Conn, base string, scope int, filter string, manage bool) string {
	var ctrls []ldap.Control
	if manage {
		ctrls = append(ctrls, ldap.NewControlManageDsaIT(true))
	}
	res, err := c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, []string{"1.1"}, ctrls))
	var dns, refs []string
	if res != nil {
		for _, e := range res.Entries {
			dns = append(dns, strings.ToLower(e.DN))
		}
		refs = res.Referrals
	}
	slices.Sort(dns)
	out := fmt.Sprintf("entries [%s] references [%s]", strings.Join(dns, " | "), strings.Join(refs, " | "))
	var le *ldap.Error
	if errors.As(err, &le) {
		return out + fmt.Sprintf(" code %d matched %q", le.ResultCode, strings.ToLower(le.MatchedDN))
	}
	if err != nil {
		return out + " error " + err.Error()
	}
	return out + " code 0"
}

// TestSearch_referrals_matchesSlapd: a referral object (RFC 3296) is
// served as slapd (back-mdb) serves it: without ManageDsaIT, a base at or
// below it gives a referral result, and in the scope of a one-level or
// subtree search it is a search result reference whatever the filter;
// with ManageDsaIT it is an ordinary entry (also for a base below it,
// where slapd still answers referral).
func TestSearch_referrals_matchesSlapd(t *testing.T) {
	ldif := numberedPeople(3) + "dn: ou=remote,dc=example,dc=com\nobjectClass: referral\nobjectClass: extensibleObject\nou: remote\n" +
		"ref: ldap://other.example.net/ou=remote,dc=example,dc=com\n\n"
	oursURL, theirsURL := serveLDIF(t, ldif)
	ours, theirs := dial(t, oursURL), dial(t, theirsURL)
	scopes := map[string]int{"base": ldap.ScopeBaseObject, "one": ldap.ScopeSingleLevel, "sub": ldap.ScopeWholeSubtree, "children": ldap.ScopeChildren}
	for _, base := range []string{"dc=example,dc=com", "ou=people,dc=example,dc=com", "ou=remote,dc=example,dc=com", "cn=x,ou=remote,dc=example,dc=com"} {
		for sname, scope := range scopes {
			for _, f := range []string{"(objectClass=*)", "(uid=p001)", "(ou=remote)"} {
				for _, manage := range []bool{false, true} {
					got, want := referralOutcome(ours, base, scope, f, manage), referralOutcome(theirs, base, scope, f, manage)
					if manage && strings.HasPrefix(base, "cn=x,") {
						// slapd answers referral here too; RFC 3296 §3: with
						// ManageDsaIT the server MUST NOT generate a referral
						// from a referral object, which is then an entry with
						// no child cn=x.
						want = `entries [] references [] code 32 matched "ou=remote,dc=example,dc=com"`
					}
					if got != want {
						t.Errorf("-b %s -s %s %s manageDsaIT=%v:\nlightdir: %s\nslapd:    %s", base, sname, f, manage, got, want)
					}
				}
			}
		}
	}
}
