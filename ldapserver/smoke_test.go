package ldapserver

import (
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestServer_Search_smoke(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	res, err := c.Search(ldap.NewSearchRequest("ou=people,"+testSuffix, ldap.ScopeSingleLevel, 0, 0, 0, false,
		"(uid=alice)", []string{"cn", "mail"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 1 || res.Entries[0].GetAttributeValue("cn") != "Alice Liddell" {
		t.Fatalf("got %+v", res.Entries)
	}
}
