package backend

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"lightdir/ldapserver"
	"lightdir/schema"
)

const testSuffix = "dc=example,dc=com"
const testRoot = "cn=admin,dc=example,dc=com"

func testOptions(t testing.TB, indexes ...IndexSpec) Options {
	return Options{
		Dir:        t.TempDir(),
		Suffix:     testSuffix,
		MapSize:    64 << 20,
		Durability: 2, // engine.NoSync: tests do not need fsync
		Indexes:    indexes,
		RootDN:     testRoot,
		RootPW:     []byte("secret"),
	}
}

func openTest(t testing.TB, opts Options) *Backend {
	t.Helper()
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
		if err := Check(opts); err != nil {
			t.Errorf("check after test: %v", err)
		}
	})
	if _, err := b.EnsureSuffix(context.Background()); err != nil {
		t.Fatal(err)
	}
	return b
}

func rootHdr() ldapserver.Header {
	return ldapserver.Header{Session: ldapserver.Session{Identity: testRoot}}
}

func mustDN(t testing.TB, s string) schema.DN {
	t.Helper()
	dn, err := schema.ParseDN(s)
	if err != nil {
		t.Fatal(err)
	}
	return dn
}

// entry builds an add request from "attr: value" lines.
func addReq(t testing.TB, dn string, lines ...string) *ldapserver.AddRequest {
	req := &ldapserver.AddRequest{Header: rootHdr(), DN: mustDN(t, dn), RawDN: dn}
	for _, l := range lines {
		k, v, _ := strings.Cut(l, ": ")
		found := false
		for i := range req.Attributes {
			if req.Attributes[i].Type == k {
				req.Attributes[i].Values = append(req.Attributes[i].Values, []byte(v))
				found = true
			}
		}
		if !found {
			req.Attributes = append(req.Attributes, ldapserver.Attribute{Type: k, Values: [][]byte{[]byte(v)}})
		}
	}
	return req
}

func mustAdd(t testing.TB, b *Backend, dn string, lines ...string) {
	t.Helper()
	if _, err := b.Add(context.Background(), addReq(t, dn, lines...)); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
}

func person(uid string, extra ...string) []string {
	return append([]string{"objectClass: inetOrgPerson", "uid: " + uid, "cn: " + uid + " name", "sn: " + uid}, extra...)
}

// collector is a SearchWriter that keeps copies.
type collector struct {
	entries []*ldapserver.Entry
	limit   int
}

func (c *collector) SendEntry(e *ldapserver.Entry) error {
	if c.limit > 0 && len(c.entries) >= c.limit {
		return &ldapserver.Error{Code: ldapserver.SizeLimitExceeded}
	}
	c.entries = append(c.entries, copyWireEntry(e))
	return nil
}
func (c *collector) SendReference([]string) error { return nil }

func (c *collector) dns() []string {
	var out []string
	for _, e := range c.entries {
		out = append(out, strings.ToLower(e.DN))
	}
	sort.Strings(out)
	return out
}

func doSearch(t testing.TB, b *Backend, base string, scope ldapserver.Scope, filter string, attrs ...string) (*collector, error) {
	t.Helper()
	f, err := schema.ParseFilter(filter)
	if err != nil {
		t.Fatal(err)
	}
	req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, base), RawBase: base, Scope: scope, Filter: f, Attributes: attrs}
	c := &collector{}
	_, err = b.Search(context.Background(), req, c)
	return c, err
}

func codeOf(err error) ldapserver.ResultCode {
	var le *ldapserver.Error
	if errors.As(err, &le) {
		return le.Code
	}
	if err == nil {
		return ldapserver.Success
	}
	return ldapserver.Other
}

func (c *collector) attr(i int, name string) []string {
	var out []string
	for _, a := range c.entries[i].Attributes {
		if strings.EqualFold(a.Type, name) {
			for _, v := range a.Values {
				out = append(out, string(v))
			}
		}
	}
	return out
}

func mustFilter(t testing.TB, s string) *schema.Filter {
	t.Helper()
	f, err := schema.ParseFilter(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
