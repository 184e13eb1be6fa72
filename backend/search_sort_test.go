package backend

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"lightdir/ldapserver"
)

// sortFixture adds n people under ou=people with random description
// values (some without, some with two); it returns the backend and each
// person's uid -> description values.
func sortFixture(t *testing.T, rng *rand.Rand, n int) (*Backend, map[string][]string) {
	t.Helper()
	b := openTest(t, testOptions(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}}))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	words := []string{"adams", "Baker", "clark", "Davis", "evans", "baker", "ADAMS"}
	descs := map[string][]string{}
	for i := range n {
		uid := fmt.Sprintf("u%03d", i)
		lines := person(uid)
		var vals []string
		switch rng.Intn(5) {
		case 0:
		case 1:
			a, c := words[rng.Intn(len(words))], words[rng.Intn(len(words))]
			if strings.EqualFold(a, c) {
				c = "zed"
			}
			vals = []string{a, c}
		default:
			vals = []string{words[rng.Intn(len(words))]}
		}
		for _, v := range vals {
			lines = append(lines, "description: "+v)
		}
		descs[uid] = vals
		mustAdd(t, b, "uid="+uid+",ou=people,"+testSuffix, lines...)
	}
	return b, descs
}

// sortedSearch runs a sorted (and, with pageSize > 0, paged) search and
// returns the uids in the order received plus the result.
func sortedSearch(t *testing.T, b *Backend, keys []ldapserver.SortKey, filter string, pageSize int, cookie []byte) ([]string, *ldapserver.SearchResult, error) {
	t.Helper()
	req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, "ou=people,"+testSuffix), Scope: ldapserver.ScopeOne,
		Filter: mustFilter(t, filter), Attributes: []string{"uid"}}
	req.Controls.Sort = &ldapserver.SortRequest{Keys: keys}
	if pageSize > 0 {
		req.Controls.Paged = &ldapserver.PagedResults{Size: pageSize, Cookie: cookie}
	}
	c := &collector{}
	res, err := b.Search(context.Background(), req, c)
	var uids []string
	for i := range c.entries {
		uids = append(uids, c.attr(i, "uid")...)
	}
	return uids, res, err
}

// modelSort orders uids by their least lower-cased value, entries
// without one last; reverse flips that whole order; ties go by creation
// order, which is uid order here.
func modelSort(vals map[string][]string, reverse bool) []string {
	key := func(u string) (string, bool) {
		var low []string
		for _, v := range vals[u] {
			low = append(low, strings.ToLower(v))
		}
		if len(low) == 0 {
			return "", false
		}
		return slices.Min(low), true
	}
	var uids []string
	for u := range vals {
		uids = append(uids, u)
	}
	slices.SortFunc(uids, func(a, b string) int {
		ka, oka := key(a)
		kb, okb := key(b)
		var c int
		switch {
		case oka && okb:
			c = strings.Compare(ka, kb)
		case oka:
			c = -1
		case okb:
			c = 1
		}
		if reverse {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(a, b)
		}
		return c
	})
	return uids
}

// TestSearch_sort_paged: a sorted search, whole and in pages of every
// size, returns the model's order; pages never repeat or skip an entry.
func TestSearch_sort_paged(t *testing.T) {
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	b, descs := sortFixture(t, rand.New(rand.NewSource(seed)), 40)
	for _, reverse := range []bool{false, true} {
		want := modelSort(descs, reverse)
		keys := []ldapserver.SortKey{{Attr: "description", Reverse: reverse}}
		got, res, err := sortedSearch(t, b, keys, "(objectClass=person)", 0, nil)
		if err != nil || res.Sort == nil || res.Sort.Code != ldapserver.Success {
			t.Fatalf("sorted search: %v %+v", err, res)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("reverse=%v:\ngot  %v\nwant %v", reverse, got, want)
		}
		for _, size := range []int{1, 3, 7, 40, 100} {
			var all []string
			var cookie []byte
			for page := 0; ; page++ {
				uids, res, err := sortedSearch(t, b, keys, "(objectClass=person)", size, cookie)
				if err != nil {
					t.Fatalf("page %d of %d: %v", page, size, err)
				}
				if len(uids) > size {
					t.Fatalf("page of %d entries, size %d", len(uids), size)
				}
				all = append(all, uids...)
				if cookie = res.Paged.Cookie; len(cookie) == 0 {
					break
				}
			}
			if !slices.Equal(all, want) {
				t.Errorf("reverse=%v pages of %d:\ngot  %v\nwant %v", reverse, size, all, want)
			}
		}
	}
}

// TestSearch_sort_pagedStableAcrossWrites: entries added between pages
// before the cookie's position are not returned and nothing repeats;
// entries added after it are returned in place.
func TestSearch_sort_pagedStableAcrossWrites(t *testing.T) {
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	for _, sn := range []string{"d", "b", "f", "a", "e", "c"} {
		mustAdd(t, b, "uid="+sn+",ou=people,"+testSuffix, person(sn)...)
	}
	keys := []ldapserver.SortKey{{Attr: "sn"}}
	first, res, err := sortedSearch(t, b, keys, "(objectClass=person)", 3, nil)
	if err != nil || strings.Join(first, "") != "abc" {
		t.Fatalf("first page %v %v", first, err)
	}
	mustAdd(t, b, "uid=aa,ou=people,"+testSuffix, person("aa")...)                                            // before the position
	mustAdd(t, b, "uid=ee,ou=people,"+testSuffix, person("ee")...)                                            // after it
	mustAdd(t, b, "uid=c2,ou=people,"+testSuffix, "objectClass: inetOrgPerson", "uid: c2", "cn: c2", "sn: c") // same key, later ID
	rest, res, err := sortedSearch(t, b, keys, "(objectClass=person)", 10, res.Paged.Cookie)
	if err != nil || strings.Join(rest, " ") != "c2 d e ee f" || len(res.Paged.Cookie) != 0 {
		t.Fatalf("second page %v %v %v", rest, res, err)
	}
}

// TestSearch_sort_keysAndErrors: several keys, an explicit ordering
// rule, unusable keys (critical or not), a foreign cookie and the size
// limit.
func TestSearch_sort_keysAndErrors(t *testing.T) {
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	for _, p := range [][3]string{{"p1", "x", "10"}, {"p2", "y", "9"}, {"p3", "x", "100"}, {"p4", "y", "9"}} {
		mustAdd(t, b, "uid="+p[0]+",ou=people,"+testSuffix, "objectClass: inetOrgPerson", "objectClass: posixAccount",
			"uid: "+p[0], "cn: "+p[0], "sn: "+p[1], "uidNumber: "+p[2], "gidNumber: 1", "homeDirectory: /h")
	}
	f := "(objectClass=person)"
	got, _, err := sortedSearch(t, b, []ldapserver.SortKey{{Attr: "sn"}, {Attr: "uidNumber", Reverse: true}}, f, 0, nil)
	if err != nil || strings.Join(got, " ") != "p3 p1 p2 p4" {
		t.Errorf("sn, -uidNumber: %v %v", got, err)
	}
	got, _, err = sortedSearch(t, b, []ldapserver.SortKey{{Attr: "uidNumber", OrderingRule: "integerOrderingMatch"}}, f, 0, nil)
	if err != nil || strings.Join(got, " ") != "p2 p4 p1 p3" {
		t.Errorf("uidNumber numerically: %v %v", got, err)
	}
	got, res, err := sortedSearch(t, b, []ldapserver.SortKey{{Attr: "noSuchAttr"}}, f, 0, nil)
	if err != nil || len(got) != 4 || res.Sort == nil || res.Sort.Code != ldapserver.NoSuchAttribute {
		t.Errorf("non-critical unknown attribute: %v %+v %v", got, res, err)
	}
	got, res, err = sortedSearch(t, b, []ldapserver.SortKey{{Attr: "sn", OrderingRule: "caseIgnoreMatch"}}, f, 0, nil)
	if err != nil || len(got) != 4 || res.Sort == nil || res.Sort.Code != ldapserver.InappropriateMatching {
		t.Errorf("equality rule as ordering rule: %v %+v %v", got, res, err)
	}
	req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, testSuffix), Scope: ldapserver.ScopeSubtree, Filter: mustFilter(t, f)}
	req.Controls.Sort = &ldapserver.SortRequest{Keys: []ldapserver.SortKey{{Attr: "noSuchAttr"}}, Critical: true}
	if _, err := b.Search(context.Background(), req, &collector{}); codeOf(err) != ldapserver.UnavailableCriticalExtension {
		t.Errorf("critical unknown attribute: %v", err)
	}
	_, res, err = sortedSearch(t, b, []ldapserver.SortKey{{Attr: "sn"}}, f, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sortedSearch(t, b, []ldapserver.SortKey{{Attr: "cn"}}, f, 1, res.Paged.Cookie); codeOf(err) != ldapserver.ProtocolError {
		t.Errorf("cookie of another sort: %v", err)
	}
	req = &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, "ou=people,"+testSuffix), Scope: ldapserver.ScopeOne,
		Filter: mustFilter(t, f), SizeLimit: 2, Attributes: []string{"uid"}}
	req.Controls.Sort = &ldapserver.SortRequest{Keys: []ldapserver.SortKey{{Attr: "uidNumber", OrderingRule: "integerOrderingMatch", Reverse: true}}}
	c := &collector{limit: 2} // the server enforces req.SizeLimit in SendEntry
	if _, err := b.Search(context.Background(), req, c); codeOf(err) != ldapserver.SizeLimitExceeded || len(c.entries) != 2 ||
		c.attr(0, "uid")[0] != "p3" || c.attr(1, "uid")[0] != "p1" {
		t.Errorf("size limit 2 on -uidNumber: %d entries, %v", len(c.entries), err)
	}
}

// Sorted results are presented like unsorted ones: userPassword is hidden
// from anyone but the root, and the attributes next to it stay.
func TestSearch_sorted_hidesPasswords(t *testing.T) {
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	for _, uid := range []string{"b", "a", "c"} {
		mustAdd(t, b, "uid="+uid+",ou=people,"+testSuffix, person(uid, "userPassword: secret-"+uid)...)
	}
	for _, tc := range []struct {
		hdr     ldapserver.Header
		wantPWs int
	}{{ldapserver.Header{}, 0}, {rootHdr(), 1}} {
		req := &ldapserver.SearchRequest{Header: tc.hdr, Base: mustDN(t, "ou=people,"+testSuffix), Scope: ldapserver.ScopeOne,
			Filter: mustFilter(t, "(objectClass=person)")}
		req.Controls.Sort = &ldapserver.SortRequest{Keys: []ldapserver.SortKey{{Attr: "uid"}}}
		c := &collector{}
		if _, err := b.Search(context.Background(), req, c); err != nil {
			t.Fatal(err)
		}
		var uids []string
		for i := range c.entries {
			uids = append(uids, c.attr(i, "uid")...)
			if got := len(c.attr(i, "userPassword")); got != tc.wantPWs {
				t.Errorf("root=%v: entry %d shows %d userPassword values, want %d", tc.hdr.Session.Identity != "", i, got, tc.wantPWs)
			}
			if len(c.attr(i, "sn")) != 1 {
				t.Errorf("entry %d lost sn: %+v", i, c.entries[i].Attributes)
			}
		}
		if !slices.Equal(uids, []string{"a", "b", "c"}) {
			t.Errorf("sorted uids %v", uids)
		}
	}
}

// A sort key with options (cn;lang-de) orders by the values of that
// description only, as slapd's sssvlv does (RFC 2891 keys are attribute
// descriptions): lightdir used to drop the options and order by every cn
// value, tagged or not.
func TestSearch_sortKeyWithOptions(t *testing.T) {
	b := openTest(t, testOptions(t))
	mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
	for _, p := range [][]string{
		{"u1", "cn: Aaron", "cn;lang-de: Zacharias"},
		{"u2", "cn: Zed", "cn;lang-de: Anton"},
		{"u3", "cn: Mia", "cn;lang-de: Moritz", "cn;lang-en: Aaron"},
		{"u4", "cn: Bea"},
	} {
		lines := append(slices.DeleteFunc(person(p[0]), func(l string) bool { return strings.HasPrefix(l, "cn:") }), p[1:]...)
		mustAdd(t, b, "uid="+p[0]+",ou=people,"+testSuffix, lines...)
	}
	for _, tc := range []struct {
		key  string
		want []string
	}{
		{"cn;lang-de", []string{"u2", "u3", "u1", "u4"}},
		{"CN;LANG-DE", []string{"u2", "u3", "u1", "u4"}},
		{"cn;lang-en", []string{"u3", "u1", "u2", "u4"}},
		{"cn;lang-fr", []string{"u1", "u2", "u3", "u4"}},
	} {
		uids, res, err := sortedSearch(t, b, []ldapserver.SortKey{{Attr: tc.key, OrderingRule: "caseIgnoreOrderingMatch"}}, "(objectClass=person)", 0, nil)
		if err != nil || res.Sort == nil || res.Sort.Code != ldapserver.Success {
			t.Fatalf("sort by %s: %v %+v", tc.key, err, res)
		}
		if !slices.Equal(uids, tc.want) {
			t.Errorf("sort by %s: %v, want %v", tc.key, uids, tc.want)
		}
	}
}
