package backend

import (
	"context"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

func peopleFixture(t testing.TB, indexes ...IndexSpec) *Backend {
	b := openTest(t, testOptions(t, indexes...))
	mustAdd(t, b, "ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people")
	mustAdd(t, b, "ou=groups,dc=example,dc=com", "objectClass: organizationalUnit", "ou: groups")
	mustAdd(t, b, "uid=alice,ou=people,dc=example,dc=com", person("alice", "userPassword: wonderland", "telephoneNumber: +1 555 0100")...)
	return b
}

// TestBackend_writes_resultCodes: write failures carry slapd's result codes and change nothing.
func TestBackend_writes_resultCodes(t *testing.T) {
	b := peopleFixture(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}})
	ctx := context.Background()
	anon := ldapserver.Header{}
	cases := []struct {
		name string
		err  error
		code ldapserver.ResultCode
	}{
		{"add exists", func() error {
			_, e := b.Add(ctx, addReq(t, "uid=alice,ou=people,dc=example,dc=com", person("alice")...))
			return e
		}(), ldapserver.EntryAlreadyExists},
		{"add no parent", func() error {
			_, e := b.Add(ctx, addReq(t, "uid=x,ou=nowhere,dc=example,dc=com", person("x")...))
			return e
		}(), ldapserver.NoSuchObject},
		{"add schema", func() error {
			_, e := b.Add(ctx, addReq(t, "uid=y,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: y"))
			return e
		}(), ldapserver.ObjectClassViolation},
		{"add anonymous", func() error {
			r := addReq(t, "uid=z,ou=people,dc=example,dc=com", person("z")...)
			r.Header = anon
			_, e := b.Add(ctx, r)
			return e
		}(), ldapserver.InsufficientAccessRights},
		{"delete non-leaf", func() error {
			_, e := b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, "ou=people,dc=example,dc=com")})
			return e
		}(), ldapserver.NotAllowedOnNonLeaf},
		{"delete missing", func() error {
			_, e := b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, "uid=nobody,ou=people,dc=example,dc=com")})
			return e
		}(), ldapserver.NoSuchObject},
		{"modify add existing value", func() error {
			_, e := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, "uid=alice,ou=people,dc=example,dc=com"),
				Changes: []ldapserver.Change{{Op: ldapserver.ModAdd, Attribute: ldapserver.Attribute{Type: "sn", Values: [][]byte{[]byte("ALICE")}}}}})
			return e
		}(), ldapserver.AttributeOrValueExists},
		{"modify delete missing", func() error {
			_, e := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, "uid=alice,ou=people,dc=example,dc=com"),
				Changes: []ldapserver.Change{{Op: ldapserver.ModDelete, Attribute: ldapserver.Attribute{Type: "mail"}}}})
			return e
		}(), ldapserver.NoSuchAttribute},
		{"modify RDN value", func() error {
			_, e := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, "uid=alice,ou=people,dc=example,dc=com"),
				Changes: []ldapserver.Change{{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "uid", Values: [][]byte{[]byte("other")}}}}})
			return e
		}(), ldapserver.NamingViolation},
		{"modify operational", func() error {
			_, e := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, "uid=alice,ou=people,dc=example,dc=com"),
				Changes: []ldapserver.Change{{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "entryUUID", Values: [][]byte{[]byte("x")}}}}})
			return e
		}(), ldapserver.ConstraintViolation},
		{"moddn below itself", func() error {
			sup := mustDN(t, "uid=alice,ou=people,dc=example,dc=com")
			_, e := b.ModifyDN(ctx, &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: mustDN(t, "ou=people,dc=example,dc=com"), NewRDN: mustDN(t, "ou=p2")[0], NewSuperior: sup})
			return e
		}(), ldapserver.UnwillingToPerform},
		{"moddn onto existing", func() error {
			_, e := b.ModifyDN(ctx, &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: mustDN(t, "ou=people,dc=example,dc=com"), NewRDN: mustDN(t, "ou=groups")[0]})
			return e
		}(), ldapserver.EntryAlreadyExists},
		{"compare password anonymous", func() error {
			_, e := b.Compare(ctx, &ldapserver.CompareRequest{DN: mustDN(t, "uid=alice,ou=people,dc=example,dc=com"), Attr: "userPassword", Value: []byte("x")})
			return e
		}(), ldapserver.InsufficientAccessRights},
		{"bind wrong password", func() error {
			_, e := b.Bind(ctx, &ldapserver.BindRequest{DN: mustDN(t, "uid=alice,ou=people,dc=example,dc=com"), Password: []byte("nope")})
			return e
		}(), ldapserver.InvalidCredentials},
	}
	for _, c := range cases {
		if got := codeOf(c.err); got != c.code {
			t.Errorf("%s: got %v (%v), want %v", c.name, got, c.err, c.code)
		}
	}
	got, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(objectClass=*)")
	if err != nil || len(got.entries) != 4 {
		t.Errorf("directory changed by failed writes: %v %v", got.dns(), err)
	}
}

// TestBackend_writes_apply: modify, rename, move, compare, bind and delete do what they say, indices follow.
func TestBackend_writes_apply(t *testing.T) {
	b := peopleFixture(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}}, IndexSpec{Attr: "mail", Kinds: []string{"eq", "pres"}})
	ctx := context.Background()
	alice := mustDN(t, "uid=alice,ou=people,dc=example,dc=com")
	res, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: ldapserver.Header{Session: rootHdr().Session,
		Controls: ldapserver.Controls{PostRead: &ldapserver.ReadControl{Attributes: []string{"mail"}}}}, DN: alice,
		Changes: []ldapserver.Change{{Op: ldapserver.ModAdd, Attribute: ldapserver.Attribute{Type: "mail", Values: [][]byte{[]byte("alice@example.com")}}}}})
	if err != nil || res.PostRead == nil || len(res.PostRead.Attributes) != 1 {
		t.Fatalf("modify: %v %+v", err, res)
	}
	if got, _ := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(mail=ALICE@example.com)"); len(got.entries) != 1 {
		t.Errorf("mail eq after modify: %v", got.dns())
	}
	ok, err := b.Compare(ctx, &ldapserver.CompareRequest{Header: rootHdr(), DN: alice, Attr: "sn", Value: []byte("ALICE")})
	if err != nil || !ok {
		t.Errorf("compare: %v %v", ok, err)
	}
	br, err := b.Bind(ctx, &ldapserver.BindRequest{DN: alice, Password: []byte("wonderland")})
	if err != nil || br.Identity != "uid=alice,ou=people,dc=example,dc=com" {
		t.Errorf("bind: %v %v", br, err)
	}
	// Anonymous readers never see userPassword, and cannot filter on it.
	f := mustFilter(t, "(userPassword=*)")
	c := &collector{}
	if _, err := b.Search(ctx, &ldapserver.SearchRequest{Base: alice, Scope: ldapserver.ScopeBase, Filter: f}, c); err != nil || len(c.entries) != 0 {
		t.Errorf("anonymous filter on userPassword matched: %v", err)
	}
	c = &collector{}
	if _, err := b.Search(ctx, &ldapserver.SearchRequest{Base: alice, Scope: ldapserver.ScopeBase, Filter: mustFilter(t, "(objectClass=*)")}, c); err != nil || c.attr(0, "userPassword") != nil {
		t.Errorf("anonymous sees userPassword: %v", err)
	}
	// The attributes around it stay.
	if got := c.attr(0, "uid"); len(got) != 1 || len(c.attr(0, "telephoneNumber")) != 1 || len(c.attr(0, "sn")) != 1 {
		t.Errorf("anonymous read lost attributes next to userPassword: %+v", c.entries[0].Attributes)
	}
	c = &collector{}
	if _, err := b.Search(ctx, &ldapserver.SearchRequest{Header: rootHdr(), Base: alice, Scope: ldapserver.ScopeBase, Filter: f}, c); err != nil || len(c.attr(0, "userPassword")) != 1 {
		t.Errorf("root does not see userPassword: %v", err)
	}
	// Move and rename: the subtree follows, the old name is gone.
	if _, err := b.ModifyDN(ctx, &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: alice, NewRDN: mustDN(t, "uid=alicia")[0], DeleteOldRDN: true, NewSuperior: mustDN(t, "ou=groups,dc=example,dc=com")}); err != nil {
		t.Fatal(err)
	}
	got, _ := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(uid=alicia)", "uid", "entryDN")
	if strings.Join(got.dns(), " ") != "uid=alicia,ou=groups,dc=example,dc=com" || strings.Join(got.attr(0, "uid"), ",") != "alicia" {
		t.Errorf("after moddn: %v %v", got.dns(), got.attr(0, "uid"))
	}
	if got, _ := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(uid=alice)"); len(got.entries) != 0 {
		t.Errorf("old RDN value still indexed: %v", got.dns())
	}
	if _, err := b.ModifyDN(ctx, &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: mustDN(t, "ou=groups,dc=example,dc=com"), NewRDN: mustDN(t, "ou=teams")[0], DeleteOldRDN: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := doSearch(t, b, "ou=teams,dc=example,dc=com", ldapserver.ScopeOne, "(objectClass=*)"); err != nil || strings.Join(got.dns(), "") != "uid=alicia,ou=teams,dc=example,dc=com" {
		t.Errorf("children after parent rename: %v %v", got.dns(), err)
	}
	// Subtree delete.
	if _, err := b.Delete(ctx, &ldapserver.DeleteRequest{Header: ldapserver.Header{Session: rootHdr().Session, Controls: ldapserver.Controls{SubtreeDelete: true}}, DN: mustDN(t, "ou=teams,dc=example,dc=com")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(objectClass=*)"); len(got.entries) != 2 {
		t.Errorf("after subtree delete: %v", got.dns())
	}
}

// TestBackend_Search_paged: pages of 2 with the cookie cover every entry once.
func TestBackend_Search_paged(t *testing.T) {
	b := peopleFixture(t)
	for _, u := range []string{"b", "c", "d", "e"} {
		mustAdd(t, b, "uid="+u+",ou=people,dc=example,dc=com", person(u)...)
	}
	var all []string
	var cookie []byte
	for page := 0; page < 10; page++ {
		req := &ldapserver.SearchRequest{Header: ldapserver.Header{Session: rootHdr().Session, Controls: ldapserver.Controls{Paged: &ldapserver.PagedResults{Size: 2, Cookie: cookie}}},
			Base: mustDN(t, "ou=people,dc=example,dc=com"), Scope: ldapserver.ScopeOne, Filter: mustFilter(t, "(objectClass=*)")}
		c := &collector{}
		res, err := b.Search(context.Background(), req, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.entries) > 2 {
			t.Fatalf("page of %d", len(c.entries))
		}
		all = append(all, c.dns()...)
		cookie = res.Paged.Cookie
		if len(cookie) == 0 {
			break
		}
	}
	if len(all) != 5 {
		t.Errorf("paged results: %v", all)
	}
}

// TestBackend_writes_missingTarget_matchedDN: every change to a missing
// entry is noSuchObject with the deepest existing ancestor as the matched
// DN, spelled as stored (as slapd returns it), not as the client spelled it.
func TestBackend_writes_missingTarget_matchedDN(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	const missing = "uid=nobody,OU=People,dc=example,dc=com"
	const want = "ou=people,dc=example,dc=com"
	dn := mustDN(t, missing)
	for name, op := range map[string]func() error{
		"delete": func() error {
			_, err := b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: dn})
			return err
		},
		"modify": func() error {
			_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: dn, Changes: []ldapserver.Change{
				{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "sn", Values: [][]byte{[]byte("x")}}}}})
			return err
		},
		"modify DN": func() error {
			_, err := b.ModifyDN(ctx, &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: dn, NewRDN: mustDN(t, "uid=other")[0]})
			return err
		},
		"password modify": func() error {
			_, err := b.PasswordModify(ctx, &ldapserver.PasswordModifyRequest{Header: rootHdr(), UserIdentity: "dn:" + missing, NewPassword: []byte("pw")})
			return err
		},
	} {
		err := op()
		le, ok := err.(*ldapserver.Error)
		if !ok || le.Code != ldapserver.NoSuchObject || le.MatchedDN != want {
			t.Errorf("%s: %v, want noSuchObject with matched DN %q", name, err, want)
		}
	}
}
