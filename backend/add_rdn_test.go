package backend

import (
	"context"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// TestAdd_missingRDNValueAdded: slapd 2.5 adds the RDN's values
// an added entry lacks (uid=nouid without a uid attribute is stored with
// uid: nouid; cn=Tag2 with only cn;lang-en gets cn: Tag2), it does not
// refuse the add with namingViolation.
func TestAdd_missingRDNValueAdded(t *testing.T) {
	b := peopleFixture(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}})
	ctx := context.Background()
	_, err := b.Add(ctx, addReq(t, "uid=nouid,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "cn: x", "sn: t"))
	if err != nil {
		t.Fatalf("add without the RDN value: %v (slapd: success)", err)
	}
	c, _ := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(uid=nouid)", "uid")
	if len(c.entries) != 1 || strings.Join(c.attr(0, "uid"), ",") != "nouid" {
		t.Errorf("(uid=nouid): %v", c.dns())
	}
}
