package backend

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"lightdir/engine"
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
		checkNorms(t, opts)
	})
	if _, err := b.EnsureSuffix(context.Background()); err != nil {
		t.Fatal(err)
	}
	return b
}

// checkNorms fails t when a stored entry's normalized values differ from
// what the schema makes of its values: writes must normalize every value
// they store (and may keep the stored forms of values they leave alone).
func checkNorms(t testing.TB, opts Options) {
	t.Helper()
	opts.ReadOnly, opts.BuildIndexesOnline = true, false
	b, err := Open(opts)
	if err != nil {
		t.Errorf("check norms: %v", err)
		return
	}
	defer b.Close()
	err = b.view(context.Background(), func(txn *engine.Txn) error {
		c, err := txn.OpenCursor(b.db.id2entry)
		if err != nil {
			return err
		}
		defer c.Close()
		var e schema.Entry
		var dec decoder
		k, v, err := c.Get(nil, nil, engine.First)
		for ; err == nil; k, v, err = c.Get(nil, nil, engine.Next) {
			if err := dec.decode(&e, v, b.ads.snapshot()); err != nil {
				return err
			}
			fresh := cloneEntry(&e)
			for i := range fresh.Attrs {
				fresh.Attrs[i].Norm = nil
			}
			b.reg.PrepareEntry(fresh)
			for i := range e.Attrs {
				for j := range e.Attrs[i].Values {
					got, want := normAt(&e.Attrs[i], j), normAt(&fresh.Attrs[i], j)
					if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
						t.Errorf("entry %d %s value %q: stored norm %q, want %q", idOf(k), e.Attrs[i].Desc, e.Attrs[i].Values[j], got, want)
					}
				}
			}
		}
		if errors.Is(err, engine.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Errorf("check norms: %v", err)
	}
}

func normAt(a *schema.Attribute, j int) []byte {
	if a.Norm == nil {
		return nil
	}
	return a.Norm[j]
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

// modDNReq is a root modify DN request; newSuperior "" keeps the parent.
func modDNReq(t testing.TB, dn, newRDN string, deleteOld bool, newSuperior string) *ldapserver.ModifyDNRequest {
	req := &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: mustDN(t, dn), NewRDN: mustDN(t, newRDN)[0], DeleteOldRDN: deleteOld}
	if newSuperior != "" {
		req.NewSuperior = mustDN(t, newSuperior)
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
