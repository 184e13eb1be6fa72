package backend

import (
	"context"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.uber.org/zap"

	"lightdir/ldapserver"
)

// TestBackend_endToEnd: a go-ldap client against ldapserver.New(backend)
// on 127.0.0.1 adds, searches, modifies, renames, compares, binds and
// deletes, with slapd's result codes.
func TestBackend_endToEnd(t *testing.T) {
	b := openTest(t, testOptions(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}}))
	srv := ldapserver.New(b, ldapserver.Options{Logger: zap.NewNop()})
	l, err := ldapserver.Listen("ldap://127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-served
	}()
	c, err := ldap.DialURL("ldap://" + l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind(testRoot, "secret"); err != nil {
		t.Fatal(err)
	}
	ar := ldap.NewAddRequest("ou=people,dc=example,dc=com", nil)
	ar.Attribute("objectClass", []string{"organizationalUnit"})
	ar.Attribute("ou", []string{"people"})
	if err := c.Add(ar); err != nil {
		t.Fatal(err)
	}
	ar = ldap.NewAddRequest("uid=alice,ou=people,dc=example,dc=com", nil)
	ar.Attribute("objectClass", []string{"inetOrgPerson"})
	ar.Attribute("uid", []string{"alice"})
	ar.Attribute("cn", []string{"Alice"})
	ar.Attribute("sn", []string{"Liddell"})
	ar.Attribute("userPassword", []string{"wonderland"})
	if err := c.Add(ar); err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ar); !ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists) {
		t.Errorf("second add: %v", err)
	}
	res, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, 0, 0, 0, false,
		"(uid=alice)", []string{"cn", "entryUUID", "hasSubordinates"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("search: %v %v", res, err)
	}
	if e := res.Entries[0]; e.GetAttributeValue("cn") != "Alice" || e.GetAttributeValue("entryUUID") == "" || e.GetAttributeValue("hasSubordinates") != "FALSE" {
		t.Errorf("entry: %+v", e.Attributes)
	}
	mr := ldap.NewModifyRequest("uid=alice,ou=people,dc=example,dc=com", nil)
	mr.Replace("sn", []string{"Smith"})
	if err := c.Modify(mr); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Compare("uid=alice,ou=people,dc=example,dc=com", "sn", "smith"); err != nil || !ok {
		t.Errorf("compare: %v %v", ok, err)
	}
	if err := c.ModifyDN(ldap.NewModifyDNRequest("uid=alice,ou=people,dc=example,dc=com", "uid=alicia", true, "")); err != nil {
		t.Fatal(err)
	}
	_, err = c.Search(ldap.NewSearchRequest("uid=alice,ou=people,dc=example,dc=com", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		t.Errorf("old name: %v", err)
	}
	c2, err := ldap.DialURL("ldap://" + l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := c2.Bind("uid=alicia,ou=people,dc=example,dc=com", "wonderland"); err != nil {
		t.Errorf("user bind: %v", err)
	}
	if err := c2.Bind("uid=alicia,ou=people,dc=example,dc=com", "wrong"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if err := c2.Del(ldap.NewDelRequest("uid=alicia,ou=people,dc=example,dc=com", nil)); !ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights) {
		t.Errorf("non-root delete: %v", err)
	}
	if err := c.Del(ldap.NewDelRequest("ou=people,dc=example,dc=com", nil)); !ldap.IsErrorWithCode(err, ldap.LDAPResultNotAllowedOnNonLeaf) {
		t.Errorf("non-leaf delete: %v", err)
	}
	if err := c.Del(ldap.NewDelRequest("uid=alicia,ou=people,dc=example,dc=com", nil)); err != nil {
		t.Fatal(err)
	}
	paged, err := c.SearchWithPaging(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", nil, nil), 1)
	if err != nil || len(paged.Entries) != 2 {
		t.Errorf("paged search: %v %v", paged, err)
	}
}
