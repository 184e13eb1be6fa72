package ldapserver

import (
	"errors"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// TestServer_Bind_results: every bind outcome maps to the RFC 4511/4513 result code.
func TestServer_Bind_results(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, false)
	tests := []struct {
		name, dn, pw string
		want         ResultCode
	}{
		{"root", "cn=admin," + testSuffix, "secret", Success},
		{"root wrong password", "cn=admin," + testSuffix, "nope", InvalidCredentials},
		{"ssha user", "uid=alice,ou=people," + testSuffix, "alicepw", Success},
		{"cleartext user", "uid=bob,ou=people," + testSuffix, "bobpw", Success},
		{"user without password", "uid=carol,ou=people," + testSuffix, "x", InvalidCredentials},
		{"unknown user", "uid=nobody," + testSuffix, "x", InvalidCredentials},
		{"bad DN syntax", "not a dn", "x", InvalidDNSyntax},
		{"password without DN", "", "x", InvalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.SimpleBind(&ldap.SimpleBindRequest{Username: tt.dn, Password: tt.pw, AllowEmptyPassword: true})
			if got := ldapCode(t, err); got != tt.want {
				t.Fatalf("bind %q: got %v, want %v (%v)", tt.dn, got, tt.want, err)
			}
		})
	}
	t.Run("unauthenticated", func(t *testing.T) {
		err := c.UnauthenticatedBind("uid=alice,ou=people," + testSuffix)
		if got := ldapCode(t, err); got != UnwillingToPerform {
			t.Fatalf("got %v, want unwillingToPerform", got)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		if err := c.UnauthenticatedBind(""); err != nil {
			t.Fatal(err)
		}
		who, err := c.WhoAmI(nil)
		if err != nil || who.AuthzID != "" {
			t.Fatalf("whoami after anonymous bind: %+v %v", who, err)
		}
	})
	t.Run("unsupported SASL mechanism", func(t *testing.T) {
		_, err := c.DigestMD5Bind(&ldap.DigestMD5BindRequest{Host: "x", Username: "u", Password: "p"})
		if got := ldapCode(t, err); got != AuthMethodNotSupported {
			t.Fatalf("got %v, want authMethodNotSupported", got)
		}
	})
	t.Run("EXTERNAL without credentials", func(t *testing.T) {
		err := c.ExternalBind()
		if got := ldapCode(t, err); got != InappropriateAuthentication {
			t.Fatalf("got %v, want inappropriateAuthentication", got)
		}
	})
}

// TestServer_Bind_failureResetsIdentity: a failed bind leaves the connection anonymous.
func TestServer_Bind_failureResetsIdentity(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	if who, _ := c.WhoAmI(nil); who.AuthzID != "dn:cn=admin,"+testSuffix {
		t.Fatalf("whoami = %q", who.AuthzID)
	}
	if err := c.Bind("cn=admin,"+testSuffix, "wrong"); err == nil {
		t.Fatal("bind with wrong password succeeded")
	}
	who, err := c.WhoAmI(nil)
	if err != nil || who.AuthzID != "" {
		t.Fatalf("whoami after failed bind = %+v, %v; want anonymous", who, err)
	}
}

// TestServer_Search_results: scopes, filters, attribute selection, limits, errors.
func TestServer_Search_results(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	people := "ou=people," + testSuffix
	tests := []struct {
		name      string
		base      string
		scope     int
		filter    string
		attrs     []string
		sizeLimit int
		wantDNs   int
		wantCode  ResultCode
		wantMatch string
	}{
		{"base", people, ldap.ScopeBaseObject, "(objectClass=*)", nil, 0, 1, Success, ""},
		{"one", people, ldap.ScopeSingleLevel, "(objectClass=*)", nil, 0, 3, Success, ""},
		{"sub", testSuffix, ldap.ScopeWholeSubtree, "(objectClass=*)", nil, 0, 5, Success, ""},
		{"subordinate", testSuffix, 3, "(objectClass=*)", nil, 0, 4, Success, ""},
		{"and/or/not", people, ldap.ScopeSingleLevel, "(&(objectClass=inetOrgPerson)(|(uid=alice)(uid=bob))(!(uid=bob)))", nil, 0, 1, Success, ""},
		{"substrings", people, ldap.ScopeSingleLevel, "(cn=*li*dell)", nil, 0, 1, Success, ""},
		{"initial", people, ldap.ScopeSingleLevel, "(cn=Car*)", nil, 0, 1, Success, ""},
		{"ge", people, ldap.ScopeSingleLevel, "(uidNumber>=1002)", nil, 0, 2, Success, ""},
		{"le", people, ldap.ScopeSingleLevel, "(uidNumber<=1002)", nil, 0, 2, Success, ""},
		{"approx", people, ldap.ScopeSingleLevel, "(uid~=bob)", nil, 0, 1, Success, ""},
		{"extensible", people, ldap.ScopeSingleLevel, "(uid:caseExactMatch:=bob)", nil, 0, 1, Success, ""},
		{"absolute true", people, ldap.ScopeSingleLevel, "(&)", nil, 0, 3, Success, ""},
		{"size limit", people, ldap.ScopeSingleLevel, "(objectClass=*)", nil, 2, 2, SizeLimitExceeded, ""},
		{"no such object", "ou=nowhere," + testSuffix, ldap.ScopeBaseObject, "(objectClass=*)", nil, 0, 0, NoSuchObject, testSuffix},
		{"invalid base", "bogus", ldap.ScopeBaseObject, "(objectClass=*)", nil, 0, 0, InvalidDNSyntax, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := ldap.NewSearchRequest(tt.base, tt.scope, ldap.NeverDerefAliases, tt.sizeLimit, 0, false, tt.filter, tt.attrs, nil)
			res, err := c.Search(req)
			if got := ldapCode(t, err); got != tt.wantCode {
				t.Fatalf("code %v, want %v (%v)", got, tt.wantCode, err)
			}
			if err != nil && tt.wantCode != SizeLimitExceeded {
				if le := ldapErr(t, err); le.MatchedDN != tt.wantMatch {
					t.Fatalf("matchedDN %q, want %q", le.MatchedDN, tt.wantMatch)
				}
				return
			}
			if res == nil || len(res.Entries) != tt.wantDNs {
				t.Fatalf("got %v entries, want %d", res, tt.wantDNs)
			}
		})
	}
	t.Run("attribute selection and typesOnly", func(t *testing.T) {
		req := ldap.NewSearchRequest("uid=alice,"+people, ldap.ScopeBaseObject, 0, 0, 0, true, "(objectClass=*)", []string{"mail"}, nil)
		res, err := c.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		e := res.Entries[0]
		if len(e.Attributes) != 1 || e.Attributes[0].Name != "mail" || len(e.Attributes[0].Values) != 0 {
			t.Fatalf("got %+v", e.Attributes[0])
		}
	})
	t.Run("referral", func(t *testing.T) {
		_, err := c.Search(ldap.NewSearchRequest("cn=referral", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
		le := ldapErr(t, err)
		if ResultCode(le.ResultCode) != Referral {
			t.Fatalf("got %v, want referral", le)
		}
	})
}

// TestServer_Search_serverSizeLimit: the server's limit caps a client asking for more.
func TestServer_Search_serverSizeLimit(t *testing.T) {
	ts := startServer(t, Options{SizeLimit: 1})
	c := ts.dial(t, true)
	res, err := c.Search(ldap.NewSearchRequest(testSuffix, ldap.ScopeWholeSubtree, 0, 100, 0, false, "(objectClass=*)", nil, nil))
	if ldapCode(t, err) != SizeLimitExceeded || len(res.Entries) != 1 {
		t.Fatalf("got %v with %d entries; want sizeLimitExceeded with 1", err, len(res.Entries))
	}
}

// TestServer_RootDSE: the server answers the Root DSE itself.
func TestServer_RootDSE(t *testing.T) {
	ts := startServer(t, Options{VendorVersion: "0.1-test"})
	c := ts.dial(t, false)
	search := func(attrs ...string) *ldap.Entry {
		t.Helper()
		res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", attrs, nil))
		if err != nil || len(res.Entries) != 1 {
			t.Fatalf("root DSE search: %v %v", res, err)
		}
		return res.Entries[0]
	}
	e := search()
	if len(e.Attributes) != 1 || e.Attributes[0].Name != "objectClass" {
		t.Fatalf("default selection returned %v, want only objectClass", e.Attributes)
	}
	e = search("+")
	want := map[string]string{
		"namingContexts": testSuffix, "supportedLDAPVersion": "3", "supportedSASLMechanisms": "",
		"subschemaSubentry": "cn=Subschema", "vendorName": "lightdir", "vendorVersion": "0.1-test",
	}
	for k, v := range want {
		if got := e.GetAttributeValue(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, oid := range []string{OIDPagedResults, OIDSortRequest, OIDAssertion, OIDPreRead, OIDPostRead, OIDProxiedAuthz, OIDNoOp} {
		if !contains(e.GetAttributeValues("supportedControl"), oid) {
			t.Errorf("supportedControl lacks %s", oid)
		}
	}
	for _, oid := range []string{OIDWhoAmI, OIDPasswordModify, OIDCancel, "1.3.6.1.4.1.99999.1"} {
		if !contains(e.GetAttributeValues("supportedExtension"), oid) {
			t.Errorf("supportedExtension lacks %s", oid)
		}
	}
	if contains(e.GetAttributeValues("supportedExtension"), OIDStartTLS) {
		t.Errorf("StartTLS advertised without a TLS config")
	}
	if len(e.GetAttributeValues("supportedFeatures")) == 0 {
		t.Errorf("no supportedFeatures")
	}
	e = search("namingContexts")
	if len(e.Attributes) != 1 {
		t.Fatalf("named selection returned %v", e.Attributes)
	}
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=nothing)", nil, nil))
	if err != nil || len(res.Entries) != 0 {
		t.Fatalf("non-matching filter returned %v %v", res, err)
	}
}

// TestServer_RootDSE_assertion: an assertion control (RFC 4528) on a Root DSE
// search is evaluated against the Root DSE, as slapd does: a false assertion is
// assertionFailed and returns no entry.
func TestServer_RootDSE_assertion(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, false)
	search := func(assertion string) (*ldap.SearchResult, error) {
		return c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)",
			[]string{"1.1"}, []ldap.Control{assertionControl(t, assertion)}))
	}
	res, err := search("(supportedLDAPVersion=2)")
	if code := ldapCode(t, err); code != AssertionFailed || (res != nil && len(res.Entries) != 0) {
		t.Fatalf("false assertion: %v %v, want assertionFailed and no entry", res, err)
	}
	res, err = search("(supportedLDAPVersion=3)")
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("true assertion: %v %v", res, err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestServer_Compare_results: compareTrue/compareFalse and the errors.
func TestServer_Compare_results(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	alice := "uid=alice,ou=people," + testSuffix
	if ok, err := c.Compare(alice, "sn", "liddell"); err != nil || !ok {
		t.Fatalf("compare true: %v %v", ok, err)
	}
	if ok, err := c.Compare(alice, "sn", "other"); err != nil || ok {
		t.Fatalf("compare false: %v %v", ok, err)
	}
	if _, err := c.Compare(alice, "description", "x"); ldapCode(t, err) != NoSuchAttribute {
		t.Fatalf("missing attribute: %v", err)
	}
	_, err := c.Compare("uid=zed,ou=people,"+testSuffix, "sn", "x")
	if le := ldapErr(t, err); ResultCode(le.ResultCode) != NoSuchObject || le.MatchedDN != "ou=people,"+testSuffix {
		t.Fatalf("missing entry: %v matched %q", err, le.MatchedDN)
	}
}

// TestServer_Updates: add, modify, modify DN and delete with their error codes.
func TestServer_Updates(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	dn := "uid=dave,ou=people," + testSuffix
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	add.Attribute("uid", []string{"dave"})
	add.Attribute("sn", []string{"Dave"})
	add.Attribute("cn", []string{"Dave D"})
	if err := c.Add(add); err != nil {
		t.Fatal(err)
	}
	if err := c.Add(add); ldapCode(t, err) != EntryAlreadyExists {
		t.Fatalf("second add: %v", err)
	}
	orphan := ldap.NewAddRequest("uid=x,ou=missing,"+testSuffix, nil)
	orphan.Attribute("uid", []string{"x"})
	err := c.Add(orphan)
	if le := ldapErr(t, err); ResultCode(le.ResultCode) != NoSuchObject || le.MatchedDN != testSuffix {
		t.Fatalf("orphan add: %v (matched %q)", err, le.MatchedDN)
	}
	bad := ldap.NewAddRequest("no-equals-sign", nil)
	bad.Attribute("uid", []string{"x"})
	if err := c.Add(bad); ldapCode(t, err) != InvalidDNSyntax {
		t.Fatalf("bad DN add: %v", err)
	}

	mod := ldap.NewModifyRequest(dn, nil)
	mod.Add("mail", []string{"dave@example.com"})
	mod.Replace("cn", []string{"David"})
	mod.Delete("sn", nil)
	if err := c.Modify(mod); err != nil {
		t.Fatal(err)
	}
	mod = ldap.NewModifyRequest(dn, nil)
	mod.Delete("description", []string{"x"})
	if err := c.Modify(mod); ldapCode(t, err) != NoSuchAttribute {
		t.Fatalf("delete missing attribute: %v", err)
	}
	mod = ldap.NewModifyRequest(dn, nil)
	mod.Add("mail", []string{"dave@example.com"})
	if err := c.Modify(mod); ldapCode(t, err) != AttributeOrValueExists {
		t.Fatalf("add existing value: %v", err)
	}
	mod = ldap.NewModifyRequest(dn, nil)
	mod.Add("uidNumber", []string{"10"})
	if err := c.Modify(mod); err != nil {
		t.Fatal(err)
	}
	mod = ldap.NewModifyRequest(dn, nil)
	mod.Increment("uidNumber", "5")
	if err := c.Modify(mod); err != nil {
		t.Fatalf("increment: %v", err)
	}
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	e := res.Entries[0]
	if e.GetAttributeValue("cn") != "David" || e.GetAttributeValue("mail") != "dave@example.com" ||
		e.GetAttributeValue("sn") != "" || e.GetAttributeValue("uidNumber") != "15" {
		t.Fatalf("after modify: %+v", e)
	}

	if err := c.ModifyDN(ldap.NewModifyDNRequest(dn, "uid=david", true, "")); err != nil {
		t.Fatal(err)
	}
	newDN := "uid=david,ou=people," + testSuffix
	if err := c.ModifyDN(ldap.NewModifyDNRequest(newDN, "uid=david", false, testSuffix)); err != nil {
		t.Fatalf("modrdn with new superior: %v", err)
	}
	moved := "uid=david," + testSuffix
	if err := c.ModifyDN(ldap.NewModifyDNRequest(moved, "uid=x", false, "ou=missing,"+testSuffix)); ldapCode(t, err) != NoSuchObject {
		t.Fatalf("modrdn to missing superior: %v", err)
	}
	if err := c.ModifyDN(ldap.NewModifyDNRequest(moved, "not an rdn", false, "")); ldapCode(t, err) != InvalidDNSyntax {
		t.Fatalf("modrdn with bad rdn: %v", err)
	}
	if err := c.ModifyDN(ldap.NewModifyDNRequest("ou=people,"+testSuffix, "ou=folk", false, "")); ldapCode(t, err) != NotAllowedOnNonLeaf {
		t.Fatalf("modrdn non-leaf: %v", err)
	}

	if err := c.Del(ldap.NewDelRequest("ou=people,"+testSuffix, nil)); ldapCode(t, err) != NotAllowedOnNonLeaf {
		t.Fatalf("delete non-leaf: %v", err)
	}
	if err := c.Del(ldap.NewDelRequest(moved, nil)); err != nil {
		t.Fatal(err)
	}
	if err := c.Del(ldap.NewDelRequest(moved, nil)); ldapCode(t, err) != NoSuchObject {
		t.Fatalf("second delete: %v", err)
	}
}

// TestServer_Extended: WhoAmI, Password Modify, backend extensions, unknown OIDs.
func TestServer_Extended(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, false)
	alice := "uid=alice,ou=people," + testSuffix
	// As slapd (passwd_extop): any anonymous request is strongerAuthRequired,
	// "only authenticated users may change passwords", with or without a
	// user identity and old password.
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest("", "", "x")); ldapCode(t, err) != StrongerAuthRequired {
		t.Fatalf("anonymous password modify: %v", err)
	}
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest(alice, "alicepw", "x")); ldapCode(t, err) != StrongerAuthRequired {
		t.Fatalf("anonymous password modify naming a user: %v", err)
	}
	if err := c.Bind(alice, "alicepw"); err != nil {
		t.Fatal(err)
	}
	who, err := c.WhoAmI(nil)
	if err != nil || who.AuthzID != "dn:"+alice {
		t.Fatalf("whoami: %+v %v", who, err)
	}
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest("", "wrong", "newpw")); ldapCode(t, err) != InvalidCredentials {
		t.Fatalf("wrong old password: %v", err)
	}
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest("", "alicepw", "newpw")); err != nil {
		t.Fatal(err)
	}
	if err := c.Bind(alice, "newpw"); err != nil {
		t.Fatalf("bind with changed password: %v", err)
	}
	res, err := c.PasswordModify(ldap.NewPasswordModifyRequest("", "", ""))
	if err != nil || res.GeneratedPassword != "generated-pw" {
		t.Fatalf("generated password: %+v %v", res, err)
	}
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest("uid=bob,ou=people,"+testSuffix, "", "x")); ldapCode(t, err) != InsufficientAccessRights {
		t.Fatalf("changing another user's password: %v", err)
	}

	ext, err := c.Extended(ldap.NewExtendedRequest("1.3.6.1.4.1.99999.1", ber.NewString(ber.ClassContext, ber.TypePrimitive, 1, "hi", "")))
	if err != nil || ext.Name != "1.3.6.1.4.1.99999.1" || ext.Value == nil || string(ext.Value.Data.Bytes()) != "echo:hi" {
		t.Fatalf("backend extension: %+v %v", ext, err)
	}
	if _, err := c.Extended(ldap.NewExtendedRequest("1.2.3.4", nil)); ldapCode(t, err) != ProtocolError {
		t.Fatalf("unknown extension: %v", err)
	}
	if _, err := c.Extended(ldap.NewExtendedRequest(OIDStartTLS, nil)); ldapCode(t, err) != ProtocolError {
		t.Fatalf("StartTLS without TLS config: %v", err)
	}
}

// TestServer_Controls: every supported control, and unknown critical controls.
func TestServer_Controls(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	people := "ou=people," + testSuffix
	alice := "uid=alice," + people

	t.Run("paged", func(t *testing.T) {
		res, err := c.SearchWithPaging(ldap.NewSearchRequest(testSuffix, ldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", nil, nil), 2)
		if err != nil || len(res.Entries) != 5 {
			t.Fatalf("paged search: %v entries, %v", len(res.Entries), err)
		}
	})
	t.Run("paged single page cookie", func(t *testing.T) {
		p := ldap.NewControlPaging(2)
		res, err := c.Search(ldap.NewSearchRequest(testSuffix, ldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{p}))
		if err != nil || len(res.Entries) != 2 {
			t.Fatalf("first page: %v %v", res, err)
		}
		rc, ok := ldap.FindControl(res.Controls, OIDPagedResults).(*ldap.ControlPaging)
		if !ok || len(rc.Cookie) == 0 {
			t.Fatalf("no cookie in %v", res.Controls)
		}
	})
	t.Run("sort", func(t *testing.T) {
		sortCtl := ldap.NewControlServerSideSortingWithSortKeys([]*ldap.SortKey{{AttributeType: "sn", Reverse: true}})
		res, err := c.Search(ldap.NewSearchRequest(people, ldap.ScopeSingleLevel, 0, 0, 0, false, "(objectClass=*)", []string{"sn"}, []ldap.Control{sortCtl}))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range res.Entries {
			got = append(got, e.GetAttributeValue("sn"))
		}
		if strings.Join(got, ",") != "Liddell,Danvers,Builder" {
			t.Fatalf("sorted: %v", got)
		}
		if ldap.FindControl(res.Controls, OIDSortResponse) == nil {
			t.Fatalf("no sort response control in %v", res.Controls)
		}
	})
	t.Run("referral on update, manageDsaIT", func(t *testing.T) {
		err := c.Del(ldap.NewDelRequest("cn=referral", nil))
		if le := ldapErr(t, err); ResultCode(le.ResultCode) != Referral {
			t.Fatalf("delete of a referral object: %v", err)
		}
		err = c.Del(ldap.NewDelRequest("cn=referral", []ldap.Control{ldap.NewControlManageDsaIT(true)}))
		if ldapCode(t, err) != NoSuchObject {
			t.Fatalf("with manageDsaIT the backend treats it as an entry: %v", err)
		}
	})
	t.Run("manageDsaIT", func(t *testing.T) {
		_, err := c.Search(ldap.NewSearchRequest(people, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{ldap.NewControlManageDsaIT(true)}))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("assertion", func(t *testing.T) {
		pass := assertionControl(t, "(sn=Liddell)")
		fail := assertionControl(t, "(sn=Nobody)")
		if _, err := c.Search(ldap.NewSearchRequest(alice, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{pass})); err != nil {
			t.Fatalf("passing assertion: %v", err)
		}
		mod := ldap.NewModifyRequest(alice, []ldap.Control{fail})
		mod.Replace("description", []string{"x"})
		if err := c.Modify(mod); ldapCode(t, err) != AssertionFailed {
			t.Fatalf("failing assertion: %v", err)
		}
		bad := ldap.NewControlString(OIDAssertion, true, "\x01\x02")
		mod = ldap.NewModifyRequest(alice, []ldap.Control{bad})
		mod.Replace("description", []string{"x"})
		if err := c.Modify(mod); ldapCode(t, err) != ProtocolError {
			t.Fatalf("malformed assertion value: %v", err)
		}
	})
	t.Run("pre-read and post-read", func(t *testing.T) {
		mod := ldap.NewModifyRequest(alice, []ldap.Control{readControl(OIDPreRead, "mail"), readControl(OIDPostRead, "mail")})
		mod.Replace("mail", []string{"new@example.com"})
		res, err := c.ModifyWithResult(mod)
		if err != nil {
			t.Fatal(err)
		}
		pre := readControlEntry(t, res.Controls, OIDPreRead)
		post := readControlEntry(t, res.Controls, OIDPostRead)
		if pre != "uid=alice,ou=people,dc=example,dc=com mail=alice@example.com" ||
			post != "uid=alice,ou=people,dc=example,dc=com mail=new@example.com" {
			t.Fatalf("pre %q post %q", pre, post)
		}
	})
	t.Run("subtree delete", func(t *testing.T) {
		ts2 := startServer(t, Options{})
		c2 := ts2.dial(t, true)
		if err := c2.Del(ldap.NewDelRequest(people, []ldap.Control{ldap.NewControlSubtreeDelete()})); err != nil {
			t.Fatal(err)
		}
		if _, err := c2.Search(ldap.NewSearchRequest(alice, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil)); ldapCode(t, err) != NoSuchObject {
			t.Fatalf("child survived subtree delete: %v", err)
		}
	})
	t.Run("proxied authorization", func(t *testing.T) {
		pa := ldap.NewControlString(OIDProxiedAuthz, true, "dn:"+alice)
		if _, err := c.Search(ldap.NewSearchRequest(alice, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{pa})); err != nil {
			t.Fatalf("root proxying: %v", err)
		}
		c2 := ts.dial(t, false)
		if err := c2.Bind(alice, "alicepw"); err != nil {
			t.Fatal(err)
		}
		if _, err := c2.Search(ldap.NewSearchRequest(alice, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{pa})); ldapCode(t, err) != AuthorizationDenied {
			t.Fatalf("user proxying: %v", err)
		}
		nonCrit := ldap.NewControlString(OIDProxiedAuthz, false, "dn:"+alice)
		if _, err := c.Search(ldap.NewSearchRequest(alice, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{nonCrit})); ldapCode(t, err) != ProtocolError {
			t.Fatalf("non-critical proxied authz: %v", err)
		}
	})
	t.Run("permissive modify", func(t *testing.T) {
		mod := ldap.NewModifyRequest(alice, []ldap.Control{ldap.NewControlString(OIDPermissiveModify, false, "")})
		mod.Add("objectClass", []string{"inetOrgPerson"})
		mod.Delete("description", []string{"absent"})
		if err := c.Modify(mod); err != nil {
			t.Fatalf("permissive modify: %v", err)
		}
	})
	t.Run("no-op", func(t *testing.T) {
		noop := ldap.NewControlString(OIDNoOp, true, "")
		if err := c.Del(ldap.NewDelRequest("uid=carol,"+people, []ldap.Control{noop})); ldapCode(t, err) != NoOperation {
			t.Fatalf("no-op delete: %v", err)
		}
		if _, err := c.Search(ldap.NewSearchRequest("uid=carol,"+people, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil)); err != nil {
			t.Fatalf("entry gone after no-op delete: %v", err)
		}
	})
	t.Run("unknown critical", func(t *testing.T) {
		_, err := c.Search(ldap.NewSearchRequest(people, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{ldap.NewControlString("1.2.3.4.5", true, "")}))
		if ldapCode(t, err) != UnavailableCriticalExtension {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("unknown non-critical ignored", func(t *testing.T) {
		_, err := c.Search(ldap.NewSearchRequest(people, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{ldap.NewControlString("1.2.3.4.5", false, "")}))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("critical control on wrong operation", func(t *testing.T) {
		// Non-critical: ignored, so the delete runs and finds no entry.
		if err := c.Del(ldap.NewDelRequest("uid=none,"+people, []ldap.Control{ldap.NewControlPaging(5)})); ldapCode(t, err) != NoSuchObject {
			t.Fatalf("non-critical paging on delete: %v", err)
		}
		if err := c.Del(ldap.NewDelRequest("uid=none,"+people, []ldap.Control{ldap.NewControlString(OIDPagedResults, true, "")})); ldapCode(t, err) != UnavailableCriticalExtension {
			t.Fatalf("critical paging on delete: %v", err)
		}
	})
}

func assertionControl(t *testing.T, filter string) ldap.Control {
	t.Helper()
	p, err := ldap.CompileFilter(filter)
	if err != nil {
		t.Fatal(err)
	}
	return ldap.NewControlString(OIDAssertion, true, string(p.Bytes()))
}

func readControl(oid string, attrs ...string) ldap.Control {
	seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	for _, a := range attrs {
		seq.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a, ""))
	}
	return ldap.NewControlString(oid, true, string(seq.Bytes()))
}

// readControlEntry decodes a pre/post-read response control into "dn attr=value...".
func readControlEntry(t *testing.T, ctrls []ldap.Control, oid string) string {
	t.Helper()
	c, ok := ldap.FindControl(ctrls, oid).(*ldap.ControlString)
	if !ok {
		t.Fatalf("no %s control in %v", oid, ctrls)
	}
	p, err := ber.DecodePacketErr([]byte(c.ControlValue))
	if err != nil {
		t.Fatal(err)
	}
	if p.ClassType != ber.ClassApplication || p.Tag != 4 || len(p.Children) != 2 {
		t.Fatalf("not a SearchResultEntry: %v", p)
	}
	out := p.Children[0].Value.(string)
	for _, a := range p.Children[1].Children {
		for _, v := range a.Children[1].Children {
			out += " " + a.Children[0].Value.(string) + "=" + v.Value.(string)
		}
	}
	return out
}

var _ = errors.New
