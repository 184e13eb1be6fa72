package integration

import (
	"fmt"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// langFixture: people with language-tagged values, for language ranges.
const langFixture = peopleBase + `dn: uid=l1,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: l1
cn: Plain One
cn;lang-en: English One
cn;lang-en-us: American One
cn;lang-de: Deutsch Eins
sn: One
sn;lang-fr: Un

dn: uid=l2,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: l2
cn: Plain Two
cn;lang-eng: Engish Two
sn: Two

dn: uid=l3,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: l3
cn: Plain Three
sn: Three
`

// TestSlapd_languageRanges: a language range option (RFC 3866 §3.3,
// "lang-" or a language tag followed by "-") selects the attributes
// whose language tags it covers: in attribute lists, filters and
// compares, as in slapd ("cn;lang-en-" covers cn;lang-en and
// cn;lang-en-us, not cn;lang-eng; "cn;lang-" every tagged cn). lightdir
// took a range for a tag no attribute has (it selected and matched
// nothing), and stored values under it (slapd refuses them: "inappropriate
// use of tag range option"). A malformed description in an attribute list
// ("cn;", empty option) selects nothing, as in slapd; lightdir returned
// cn.
func TestSlapd_languageRanges(t *testing.T) {
	ours, theirs := serveBoth(t, langFixture)
	bindRoot(t, ours, theirs)
	for _, attr := range []string{"cn;lang-", "cn;lang-en-", "CN;LANG-EN-", "name;lang-", "name;lang-en-", "cn;lang-en-us-",
		"cn;lang-e", "cn;lang-en", "sn;lang-", "cn;lang-de-;lang-", "cn;", "cn;;lang-en", "sn;lang-en-;"} {
		got := searchSummary(ours, "ou=people,dc=example,dc=com", ldap.ScopeSingleLevel, "(objectClass=person)", attr)
		want := searchSummary(theirs, "ou=people,dc=example,dc=com", ldap.ScopeSingleLevel, "(objectClass=person)", attr)
		if got != want {
			t.Errorf("attributes %q\nlightdir: %s\nslapd:    %s", attr, got, want)
		}
	}
	compareFilters(t, ours, theirs, "(cn;lang-=*)", "(cn;lang-en-=*)", "(cn;lang-en-=American One)", "(cn;lang-=deutsch eins)",
		"(name;lang-=*)", "(cn;lang-en-=engish two)", "(cn;lang-en-us-=american*)", "(!(cn;lang-=*))", "(sn;lang-=un)",
		"(cn;lang-e-=*)")
	for _, c := range [][2]string{{"cn;lang-en-", "American One"}, {"cn;lang-", "Deutsch Eins"}, {"name;lang-en-", "English One"},
		{"cn;lang-en-", "Deutsch Eins"}} {
		const l1 = "uid=l1,ou=people,dc=example,dc=com"
		got, want := compareSummary(ours, l1, c[0], c[1]), compareSummary(theirs, l1, c[0], c[1])
		if got != want {
			t.Errorf("compare uid=l1 %s=%q\nlightdir: %s\nslapd:    %s", c[0], c[1], got, want)
		}
	}
	for _, desc := range []string{"cn;lang-en-", "cn;lang-", "description;lang-de-;lang-de"} {
		m := ldap.NewModifyRequest("uid=l3,ou=people,dc=example,dc=com", nil)
		m.Add(desc, []string{"ranged"})
		got, want := fmt.Sprint(ldap.IsErrorWithCode(ours.Modify(m), ldap.LDAPResultUndefinedAttributeType)),
			fmt.Sprint(ldap.IsErrorWithCode(theirs.Modify(m), ldap.LDAPResultUndefinedAttributeType))
		if got != want {
			t.Errorf("modify add %s: undefinedAttributeType: lightdir %s, slapd %s", desc, got, want)
		}
		a := ldap.NewAddRequest("cn=ranged,ou=people,dc=example,dc=com", nil)
		a.Attribute("objectClass", []string{"person"})
		a.Attribute("sn", []string{"r"})
		a.Attribute(desc, []string{"ranged"})
		got, want = fmt.Sprint(ldap.IsErrorWithCode(ours.Add(a), ldap.LDAPResultUndefinedAttributeType)),
			fmt.Sprint(ldap.IsErrorWithCode(theirs.Add(a), ldap.LDAPResultUndefinedAttributeType))
		if got != want {
			t.Errorf("add with %s: undefinedAttributeType: lightdir %s, slapd %s", desc, got, want)
		}
	}
	compareFilters(t, ours, theirs, "(cn=ranged)")
}
