package backend

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// TestBackend_objectClassSubclasses_agreeEverywhere: (objectClass=X)
// matches entries of X's subclasses alike in searches (indexed candidate
// loop and scope walk), compare, and the assertion control, as slapd does:
// an inetOrgPerson entry is a person, an organizationalPerson and a top.
func TestBackend_objectClassSubclasses_agreeEverywhere(t *testing.T) {
	ctx := context.Background()
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	mustAdd(t, b, "uid=ann,ou=people,"+testSuffix, person("ann")...)
	mustAdd(t, b, "cn=bob,ou=people,"+testSuffix, "objectClass: person", "cn: bob", "sn: b")
	mustAdd(t, b, "cn=role,ou=people,"+testSuffix, "objectClass: organizationalRole", "cn: role")
	all := "cn=bob cn=role dc=example ou=people uid=ann"
	for _, tc := range []struct {
		filter, want string
	}{
		{"(objectClass=person)", "cn=bob uid=ann"},
		{"(objectClass=2.5.6.6)", "cn=bob uid=ann"},
		{"(objectClass=organizationalPerson)", "uid=ann"},
		{"(objectClass=inetOrgPerson)", "uid=ann"},
		{"(objectClass=top)", all},
		{"(!(objectClass=person))", "cn=role dc=example ou=people"},
		{"(&(objectClass=person)(sn=b))", "cn=bob"},
		{"(|(objectClass=organizationalPerson)(objectClass=organizationalRole))", "cn=role uid=ann"},
		{"(objectClass:=person)", "cn=bob uid=ann"},
	} {
		for _, walk := range []bool{false, true} {
			b.noScopeWalk = !walk
			c, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, tc.filter)
			if err != nil {
				t.Fatalf("%s: %v", tc.filter, err)
			}
			var got []string
			for _, dn := range c.dns() {
				got = append(got, strings.Split(dn, ",")[0])
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("%s (scope walk %v): %s, want %s", tc.filter, walk, g, tc.want)
			}
		}
		if used, ids := plannedByIndex(t, b, tc.filter); used && len(ids) < strings.Count(tc.want, "=") {
			t.Errorf("%s: index candidates %v miss entries", tc.filter, ids)
		}
	}

	ann := "uid=ann,ou=people," + testSuffix
	for class, want := range map[string]bool{"person": true, "organizationalPerson": true, "top": true,
		"inetOrgPerson": true, "2.5.6.6": true, "organizationalUnit": false, "organizationalRole": false} {
		got, err := b.Compare(ctx, &ldapserver.CompareRequest{Header: rootHdr(), DN: mustDN(t, ann), Attr: "objectClass", Value: []byte(class)})
		if err != nil || got != want {
			t.Errorf("compare objectClass=%s: %v %v, want %v", class, got, err, want)
		}
	}

	for i, tc := range []struct {
		assertion string
		code      ldapserver.ResultCode
	}{
		{"(objectClass=person)", ldapserver.Success},
		{"(&(objectClass=organizationalPerson)(uid=ann))", ldapserver.Success},
		{"(objectClass=organizationalUnit)", ldapserver.AssertionFailed},
		{"(!(objectClass=person))", ldapserver.AssertionFailed},
	} {
		hdr := rootHdr()
		hdr.Controls.Assertion = mustFilter(t, tc.assertion)
		req := &ldapserver.ModifyRequest{Header: hdr, DN: mustDN(t, ann),
			Changes: []ldapserver.Change{change(ldapserver.ModReplace, "description", fmt.Sprint("step ", i))}}
		if _, err := b.Modify(ctx, req); codeOf(err) != tc.code {
			t.Errorf("modify asserting %s: %v, want code %d", tc.assertion, err, tc.code)
		}
		cmp := &ldapserver.CompareRequest{Header: hdr, DN: mustDN(t, ann), Attr: "uid", Value: []byte("ann")}
		if _, err := b.Compare(ctx, cmp); codeOf(err) != tc.code {
			t.Errorf("compare asserting %s: %v, want code %d", tc.assertion, err, tc.code)
		}
	}
}
