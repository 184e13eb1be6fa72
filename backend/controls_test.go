package backend

import (
	"context"
	"testing"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// TestBackend_assertionAndPreRead_onEveryChange: delete, modify and modify DN
// refuse with assertionFailed (and change nothing) when the target does not
// match the assertion control, and with a matching assertion and the pre-read
// control return the entry as it was before the change.
func TestBackend_assertionAndPreRead_onEveryChange(t *testing.T) {
	ctx := context.Background()
	b := openTest(t, testOptions(t))
	const dn = "uid=a,dc=example,dc=com"
	hdr := func(assert string) ldapserver.Header {
		h := rootHdr()
		h.Controls.Assertion = mustFilter(t, assert)
		h.Controls.PreRead = &ldapserver.ReadControl{Attributes: []string{"sn"}}
		return h
	}
	preSN := func(res *ldapserver.WriteResult) string {
		if res == nil || res.PreRead == nil {
			return ""
		}
		for _, a := range res.PreRead.Attributes {
			if a.Type == "sn" && len(a.Values) == 1 {
				return string(a.Values[0])
			}
		}
		return ""
	}
	present := func() bool {
		c, err := doSearch(t, b, "dc=example,dc=com", ldapserver.ScopeSubtree, "(sn=before)")
		return err == nil && len(c.dns()) == 1
	}
	mustAdd(t, b, dn, "objectClass: inetOrgPerson", "uid: a", "cn: a", "sn: before")

	mod := &ldapserver.ModifyRequest{Header: hdr("(sn=nomatch)"), DN: mustDN(t, dn),
		Changes: []ldapserver.Change{{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "sn", Values: [][]byte{[]byte("after")}}}}}
	if _, err := b.Modify(ctx, mod); codeOf(err) != ldapserver.AssertionFailed || !present() {
		t.Fatalf("modify with a failing assertion: %v (entry unchanged: %v)", err, present())
	}
	rdn, _ := schema.ParseDN("uid=b")
	mdn := &ldapserver.ModifyDNRequest{Header: hdr("(sn=nomatch)"), DN: mustDN(t, dn), NewRDN: rdn[0], DeleteOldRDN: true}
	if _, err := b.ModifyDN(ctx, mdn); codeOf(err) != ldapserver.AssertionFailed || !present() {
		t.Fatalf("modify DN with a failing assertion: %v", err)
	}
	del := &ldapserver.DeleteRequest{Header: hdr("(sn=nomatch)"), DN: mustDN(t, dn)}
	if _, err := b.Delete(ctx, del); codeOf(err) != ldapserver.AssertionFailed || !present() {
		t.Fatalf("delete with a failing assertion: %v", err)
	}

	mod.Header = hdr("(sn=before)")
	res, err := b.Modify(ctx, mod)
	if err != nil || preSN(res) != "before" {
		t.Fatalf("modify: %v, pre-read sn %q", err, preSN(res))
	}
	mdn.Header = hdr("(sn=after)")
	if res, err = b.ModifyDN(ctx, mdn); err != nil || preSN(res) != "after" {
		t.Fatalf("modify DN: %v, pre-read sn %q", err, preSN(res))
	}
	del = &ldapserver.DeleteRequest{Header: hdr("(uid=b)"), DN: mustDN(t, "uid=b,dc=example,dc=com")}
	if res, err = b.Delete(ctx, del); err != nil || preSN(res) != "after" {
		t.Fatalf("delete: %v, pre-read sn %q", err, preSN(res))
	}
	if _, err := doSearch(t, b, "uid=b,dc=example,dc=com", ldapserver.ScopeBase, "(objectClass=*)"); codeOf(err) != ldapserver.NoSuchObject {
		t.Fatalf("entry still there after the delete: %v", err)
	}
}

// The assertion control on a change sees the target's computed attributes
// and its DN, as the same filter in a search or compare would.
func TestBackend_assertionOnChange_seesComputedAttributes(t *testing.T) {
	ctx := context.Background()
	b := openTest(t, testOptions(t))
	const dn = "uid=a,dc=example,dc=com"
	mustAdd(t, b, dn, "objectClass: inetOrgPerson", "uid: a", "cn: a", "sn: before")
	modify := func(assert string) error {
		h := rootHdr()
		h.Controls.Assertion = mustFilter(t, assert)
		_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: h, DN: mustDN(t, dn),
			Changes: []ldapserver.Change{{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "description", Values: [][]byte{[]byte(assert)}}}}})
		return err
	}
	for _, tc := range []struct {
		assert string
		want   ldapserver.ResultCode
	}{
		{"(entryDN=UID=A,DC=Example,DC=com)", ldapserver.Success},
		{"(hasSubordinates=FALSE)", ldapserver.Success},
		{"(&(sn=before)(subschemaSubentry=cn=subschema))", ldapserver.Success},
		{"(dc:dn:=example)", ldapserver.Success},
		{"(hasSubordinates=TRUE)", ldapserver.AssertionFailed},
		{"(entryDN=uid=b,dc=example,dc=com)", ldapserver.AssertionFailed},
	} {
		if got := codeOf(modify(tc.assert)); got != tc.want {
			t.Errorf("modify asserting %s: result %v, want %v", tc.assert, got, tc.want)
		}
	}
}
