package backend

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// pagedLimitFixture adds ou=people with n people p00..p(n-1), whose
// uidNumber runs backwards so that sorting on it reverses creation order.
func pagedLimitFixture(t *testing.T, opts Options, n int) *Backend {
	t.Helper()
	b := openTest(t, opts)
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	for i := range n {
		uid := fmt.Sprintf("p%02d", i)
		mustAdd(t, b, "uid="+uid+",ou=people,"+testSuffix, "objectClass: inetOrgPerson", "objectClass: posixAccount",
			"uid: "+uid, "cn: "+uid, "sn: "+uid, fmt.Sprintf("uidNumber: %d", 1000-i), "gidNumber: 1", "homeDirectory: /h")
	}
	return b
}

// pageThrough runs a paged search (sorted on uidNumber when sorted) with
// the given header and size limit until the last page or an error; it
// returns the uids received, one string per page, then "end" (the last
// page came with an empty cookie), "unpaged" (no paged results control in
// the response) or the error's result code.
func pageThrough(t *testing.T, b *Backend, hdr ldapserver.Header, sizeLimit, pageSize int, sorted bool) string {
	t.Helper()
	var pages []string
	var cookie []byte
	for range 50 {
		req := &ldapserver.SearchRequest{Header: hdr, Base: mustDN(t, "ou=people,"+testSuffix), Scope: ldapserver.ScopeOne,
			Filter: mustFilter(t, "(objectClass=person)"), Attributes: []string{"uid"}, SizeLimit: sizeLimit}
		req.Controls.Paged = &ldapserver.PagedResults{Size: pageSize, Cookie: cookie}
		if sorted {
			req.Controls.Sort = &ldapserver.SortRequest{Keys: []ldapserver.SortKey{{Attr: "uidNumber"}}}
		}
		// Like the server, the writer enforces the request's size limit
		// on each operation.
		c := &collector{limit: sizeLimit}
		res, err := b.Search(context.Background(), req, c)
		var uids []string
		for i := range c.entries {
			uids = append(uids, c.attr(i, "uid")...)
		}
		pages = append(pages, "["+strings.Join(uids, ",")+"]")
		switch {
		case err != nil:
			return strings.Join(pages, " ") + fmt.Sprintf(" code %d", codeOf(err))
		case res.Paged == nil:
			return strings.Join(pages, " ") + " unpaged"
		case len(res.Paged.Cookie) == 0:
			return strings.Join(pages, " ") + " end"
		}
		cookie = res.Paged.Cookie
	}
	t.Fatal("more than 50 pages")
	return ""
}

// TestSearch_paged_sizeLimitIsTotal: a size limit, the client's or the
// server's, bounds the whole paged search, not each page, as in slapd
// (which counts the entries of every page against the limit): a paging
// client cannot read past the server's size limit. A page size at or
// above the client's own limit makes the control ignored (RFC 2696 §3).
func TestSearch_paged_sizeLimitIsTotal(t *testing.T) {
	opts := testOptions(t)
	opts.SizeLimit = 5
	b := pagedLimitFixture(t, opts, 10)
	anon := ldapserver.Header{}
	for _, sorted := range []bool{false, true} {
		p := func(ns ...int) string { // uids by position in the result order
			var out []string
			for _, n := range ns {
				if sorted {
					n = 9 - n
				}
				out = append(out, fmt.Sprintf("p%02d", n))
			}
			return "[" + strings.Join(out, ",") + "]"
		}
		exceeded := " code 4"
		for _, tc := range []struct {
			name      string
			hdr       ldapserver.Header
			sizeLimit int
			pageSize  int
			want      string
		}{
			{"server limit 5 (anonymous)", anon, 0, 2, p(0, 1) + " " + p(2, 3) + " " + p(4) + exceeded},
			{"server limit 5 (anonymous)", anon, 0, 5, p(0, 1, 2, 3, 4) + " []" + exceeded},
			{"server limit 5 (anonymous)", anon, 0, 7, p(0, 1, 2, 3, 4) + exceeded},
			{"client limit 5 (root)", rootHdr(), 5, 2, p(0, 1) + " " + p(2, 3) + " " + p(4) + exceeded},
			{"client limit 6 (root)", rootHdr(), 6, 3, p(0, 1, 2) + " " + p(3, 4, 5) + " []" + exceeded},
			{"client limit 5 (root)", rootHdr(), 5, 5, p(0, 1, 2, 3, 4) + exceeded},
			{"client limit 5 (root)", rootHdr(), 5, 7, p(0, 1, 2, 3, 4) + exceeded},
			{"client limit 20 (root)", rootHdr(), 20, 20, p(0, 1, 2, 3, 4, 5, 6, 7, 8, 9) + " unpaged"},
			{"client limit 8 above the server's 5 (anonymous)", anon, 8, 2, p(0, 1) + " " + p(2, 3) + " " + p(4) + exceeded},
			{"no limit (root)", rootHdr(), 0, 4, p(0, 1, 2, 3) + " " + p(4, 5, 6, 7) + " " + p(8, 9) + " end"},
		} {
			if got := pageThrough(t, b, tc.hdr, tc.sizeLimit, tc.pageSize, sorted); got != tc.want {
				t.Errorf("%s, pages of %d, sorted %v:\n got %s\nwant %s", tc.name, tc.pageSize, sorted, got, tc.want)
			}
		}
	}
}

// TestSearch_paged_cookieSealed: a cookie whose count of entries returned
// (or position) was altered is refused, so a client cannot reset the count
// a size limit bounds; an unaltered one continues the search.
func TestSearch_paged_cookieSealed(t *testing.T) {
	opts := testOptions(t)
	opts.SizeLimit = 5
	b := pagedLimitFixture(t, opts, 10)
	page := func(cookie []byte) ([]byte, error) {
		req := &ldapserver.SearchRequest{Base: mustDN(t, "ou=people,"+testSuffix), Scope: ldapserver.ScopeOne,
			Filter: mustFilter(t, "(objectClass=person)"), Attributes: []string{"uid"}}
		req.Controls.Paged = &ldapserver.PagedResults{Size: 2, Cookie: cookie}
		res, err := b.Search(context.Background(), req, &collector{})
		if err != nil {
			return nil, err
		}
		return res.Paged.Cookie, nil
	}
	first, err := page(nil)
	if err != nil || len(first) == 0 {
		t.Fatalf("first page: %q %v", first, err)
	}
	for _, i := range []int{0, 7, 8, 15, 23} { // position, seal, count
		forged := slices.Clone(first)
		forged[i] ^= 1
		if _, err := page(forged); codeOf(err) != ldapserver.ProtocolError {
			t.Errorf("cookie with byte %d altered: %v, want protocolError", i, err)
		}
	}
	if _, err := page(first); err != nil {
		t.Fatalf("the real cookie: %v", err)
	}
}
