package backend

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// TestBackend_modify_manyValues: adding and deleting many values of a large
// attribute (members of a big group) in one modify keeps and drops exactly
// the right ones. BenchmarkBackend_modifyManyValues measures it: each value
// added or deleted used to normalize every value already present again
// (1,000 members added to a group of 10,000: 15 s; slapd 60 ms).
func TestBackend_modify_manyValues(t *testing.T) {
	b := peopleFixture(t)
	dn, more := bigGroup(t, b, 10000, 1000)
	modifyMembers(t, b, dn, ldapserver.ModAdd, more)
	modifyMembers(t, b, dn, ldapserver.ModDelete, more[:999])
	got, err := doSearch(t, b, dn, ldapserver.ScopeBase, "(objectClass=*)", "member")
	if err != nil || len(got.attr(0, "member")) != 10001 {
		t.Fatalf("members afterwards: %d %v", len(got.attr(0, "member")), err)
	}
	if got, _ := doSearch(t, b, dn, ldapserver.ScopeBase, "(member=UID=user10999,ou=people,dc=example,dc=com)"); len(got.entries) != 1 {
		t.Errorf("the member not deleted does not match")
	}
	if got, _ := doSearch(t, b, dn, ldapserver.ScopeBase, "(member=uid=user10500,ou=people,dc=example,dc=com)"); len(got.entries) != 0 {
		t.Errorf("a deleted member still matches")
	}
}

// BenchmarkBackend_modifyManyValues: one modify adding 1,000 members to a
// group of 10,000, then one deleting them.
func BenchmarkBackend_modifyManyValues(b *testing.B) {
	be := peopleFixture(b)
	dn, more := bigGroup(b, be, 10000, 1000)
	b.ResetTimer()
	for range b.N {
		modifyMembers(b, be, dn, ldapserver.ModAdd, more)
		modifyMembers(b, be, dn, ldapserver.ModDelete, more)
	}
}

// bigGroup adds a groupOfNames with n members and returns its DN and extra
// more member values not in it.
func bigGroup(t testing.TB, b *Backend, n, extra int) (string, [][]byte) {
	t.Helper()
	member := func(i int) []byte { return fmt.Appendf(nil, "uid=user%d,ou=people,dc=example,dc=com", i) }
	var old, more [][]byte
	for i := range n {
		old = append(old, member(i))
	}
	for i := n; i < n+extra; i++ {
		more = append(more, member(i))
	}
	dn := "cn=big,ou=groups,dc=example,dc=com"
	req := addReq(t, dn, "objectClass: groupOfNames", "cn: big")
	req.Attributes = append(req.Attributes, ldapserver.Attribute{Type: "member", Values: old})
	if _, err := b.Add(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return dn, more
}

func modifyMembers(t testing.TB, b *Backend, dn string, op ldapserver.ModOp, vals [][]byte) {
	t.Helper()
	_, err := b.Modify(context.Background(), &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, dn),
		Changes: []ldapserver.Change{{Op: op, Attribute: ldapserver.Attribute{Type: "member", Values: vals}}}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBackend_modify_addExistingValue_names: the error of an add that
// brings a value already present names that value's place in the
// request, as slapd's "modify/add: sn: value #1 already exists" does
// (lightdir always said #0), and the request changes nothing.
func TestBackend_modify_addExistingValue_names(t *testing.T) {
	b := peopleFixture(t)
	dn := "uid=alice,ou=people,dc=example,dc=com"
	_, err := b.Modify(context.Background(), &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, dn),
		Changes: []ldapserver.Change{{Op: ldapserver.ModAdd, Attribute: ldapserver.Attribute{Type: "sn", Values: [][]byte{[]byte("new"), []byte("ALICE")}}}}})
	if codeOf(err) != ldapserver.AttributeOrValueExists || !strings.Contains(err.Error(), "modify/add: sn: value #1 already exists") {
		t.Fatalf("got %v", err)
	}
	if got, _ := doSearch(t, b, dn, ldapserver.ScopeBase, "(objectClass=*)", "sn"); len(got.attr(0, "sn")) != 1 {
		t.Errorf("sn afterwards: %v", got.attr(0, "sn"))
	}
}
