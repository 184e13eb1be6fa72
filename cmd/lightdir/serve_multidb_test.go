package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"go.uber.org/zap"

	"lightdir/backend"
	"lightdir/ldapserver"
	"lightdir/pwhash"
	"lightdir/schema"
)

// startNested serves, with real databases, dc=example,dc=com and the nested
// database dc=sub,dc=example,dc=com, each with its root DN (password
// "secret"), and returns a connection bound as the upper database's root DN.
func startNested(t *testing.T) *ldap.Conn {
	t.Helper()
	dir := t.TempDir()
	h, err := pwhash.Hash("", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := parseConf(t, dir, `listen = ["ldap://127.0.0.1:0"]
[[database]]
suffix = "dc=example,dc=com"
directory = "`+filepath.Join(dir, "ex")+`"
max_size = "64MiB"
root_dn = "cn=admin,dc=example,dc=com"
root_password = "`+h+`"
[[database]]
suffix = "dc=sub,dc=example,dc=com"
directory = "`+filepath.Join(dir, "sub")+`"
max_size = "64MiB"
root_dn = "cn=admin,dc=sub,dc=example,dc=com"
root_password = "`+h+`"
`)
	p, err := preparePlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := start(p, zap.NewNop(), stdio{out: &bytes.Buffer{}, err: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.stop)
	c, err := ldap.DialURL(r.urls[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Bind("cn=admin,dc=example,dc=com", "secret"); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestServe_renameOntoNestedSuffix: renaming an entry of the upper database
// so that its new DN is the suffix of the nested database, without a
// newSuperior, moves it into the other database's naming context. slapd
// refuses it with affectsMultipleDSAs ("cannot rename between DSAs");
// lightdir renamed it inside the upper database, where the entry became
// unreachable (every operation on its DN goes to the nested database) yet
// showed up in subtree searches of the upper suffix, twice the same DN.
func TestServe_renameOntoNestedSuffix(t *testing.T) {
	c := startNested(t)
	add := ldap.NewAddRequest("dc=foo,dc=example,dc=com", nil)
	add.Attribute("objectClass", []string{"dcObject", "organization"})
	add.Attribute("o", []string{"foo"})
	if err := c.Add(add); err != nil {
		t.Fatal(err)
	}
	err := c.ModifyDN(ldap.NewModifyDNRequest("dc=foo,dc=example,dc=com", "dc=sub", true, ""))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultAffectsMultipleDSAs) {
		t.Errorf("rename onto the nested suffix: %v, want affectsMultipleDSAs", err)
	}
	// The same with a newSuperior that is in the upper database.
	err = c.ModifyDN(ldap.NewModifyDNRequest("dc=foo,dc=example,dc=com", "dc=sub", true, "dc=example,dc=com"))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultAffectsMultipleDSAs) {
		t.Errorf("move onto the nested suffix: %v, want affectsMultipleDSAs", err)
	}
	res, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, 0, 0, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	var dns []string
	for _, e := range res.Entries {
		dns = append(dns, e.DN)
	}
	if got := strings.Join(dns, ";"); got != "dc=example,dc=com;dc=foo,dc=example,dc=com" {
		t.Errorf("upper database holds %s", got)
	}
}

// TestPreparePlan_rootDNInNestedDatabase: a root DN below its database's
// suffix but inside a nested database's naming context can never bind: the
// bind goes to the nested database, which does not know it. slaptest refuses
// such a configuration ("<rootpw> can only be set when rootdn is under
// suffix"); lightdir started, and the root DN's bind was invalidCredentials.
func TestPreparePlan_rootDNInNestedDatabase(t *testing.T) {
	dir := t.TempDir()
	h, _ := pwhash.Hash("", []byte("secret"))
	cfg := parseConf(t, dir, `[[database]]
suffix = "dc=a,dc=com"
directory = "a"
root_dn = "cn=admin,dc=c,dc=a,dc=com"
root_password = "`+h+`"

[[database]]
suffix = "dc=c,dc=a,dc=com"
directory = "c"
root_dn = "cn=admin,dc=c,dc=a,dc=com"
`)
	_, err := preparePlan(cfg)
	want := `/lightdir.toml:4: database[0].root_dn: conf: invalid value: "cn=admin,dc=c,dc=a,dc=com" is in the naming context of database[1] ("dc=c,dc=a,dc=com")`
	if err == nil || !strings.HasSuffix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want %s", err, want)
	}
}

// TestRouter_readInvalidDN: as with one database (and as slapd), a search,
// compare or bind whose DN has an undefined attribute type is
// invalidDNSyntax; with several databases the router answered noSuchObject
// ("no database holds") and, for a bind, invalidCredentials.
func TestRouter_readInvalidDN(t *testing.T) {
	reg := schema.Default()
	r, err := newRouter(reg, []database{&fakeDB{opts: backend.Options{Suffix: "o=a"}}, &fakeDB{opts: backend.Options{Suffix: "o=b"}}})
	if err != nil {
		t.Fatal(err)
	}
	const raw = "foo=bar,o=a"
	dn, err := schema.ParseDN(raw)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(op string, err error) {
		t.Helper()
		var le *ldapserver.Error
		if !errorsAs(err, &le) || le.Code != ldapserver.InvalidDNSyntax {
			t.Errorf("%s: %v, want invalidDNSyntax", op, err)
		}
	}
	_, err = r.Search(ctx, &ldapserver.SearchRequest{Base: dn, RawBase: raw}, &countWriter{})
	check("search", err)
	_, err = r.Compare(ctx, &ldapserver.CompareRequest{DN: dn, RawDN: raw, Attr: "cn", Value: []byte("x")})
	check("compare", err)
	_, err = r.Bind(ctx, &ldapserver.BindRequest{DN: dn, RawDN: raw, Password: []byte("x")})
	check("bind", err)
	nr, _ := schema.ParseRDN("cn=y")
	_, err = r.ModifyDN(ctx, &ldapserver.ModifyDNRequest{DN: schema.DN{nr, dn[1]}, RawDN: "cn=y,o=a", NewRDN: nr, NewSuperior: dn})
	check("modrdn with an invalid newSuperior", err)
}

// TestSubschema_compare: a compare of the subschema subentry that the Root
// DSE names is answered from the registry, as slapd does (compareTrue for
// objectClass=subschema, noSuchAttribute for an attribute it lacks); it went to
// the databases, which answered noSuchObject ("no database holds").
func TestSubschema_compare(t *testing.T) {
	sb, err := newSubschemaBackend(schema.Default(), &fakeDB{opts: backend.Options{Suffix: "dc=example,dc=com"}})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		match bool
		code  ldapserver.ResultCode
	}
	for _, c := range []struct {
		dn, attr, value string
		want            result
	}{
		{"cn=Subschema", "objectClass", "subschema", result{match: true}},
		{"CN=subschema", "objectClass", "SUBSCHEMA", result{match: true}},
		{"cn=Subschema", "cn", "subschema", result{match: true}},
		{"cn=Subschema", "objectClass", "organization", result{match: false}},
		{"cn=Subschema", "description", "x", result{code: ldapserver.NoSuchAttribute}},
		{"cn=Subschema", "nosuchattr", "x", result{code: ldapserver.UndefinedAttributeType}},
		{"cn=x,dc=example,dc=com", "cn", "y", result{match: true}}, // the database's answer
	} {
		dn, _ := schema.ParseDN(c.dn)
		match, err := sb.Compare(context.Background(), &ldapserver.CompareRequest{DN: dn, RawDN: c.dn, Attr: c.attr, Value: []byte(c.value)})
		got := result{match: match}
		var le *ldapserver.Error
		if errorsAs(err, &le) {
			got = result{code: le.Code}
		} else if err != nil {
			got = result{code: ldapserver.Other}
		}
		if got != c.want {
			t.Errorf("compare %s %s=%s: %+v (%v), want %+v", c.dn, c.attr, c.value, got, err, c.want)
		}
	}
}
