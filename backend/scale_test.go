package backend

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"lightdir/engine"
	"lightdir/ldapserver"
)

// Scaling tests: an operation whose result is small must not cost memory
// in proportion to the size of the directory, of a container or of an
// index key's ID list. Each test measures the bytes one operation
// allocates (sync.Pool buffers dropped first, so pooled ID buffers count)
// in databases of scaleN and 4*scaleN entries under one container and
// asserts that they do not grow with it. Nothing depends on timing.

const scaleN = 50_000

var scaleDBs sync.Map // n -> *scaleDB

type scaleDB struct {
	once sync.Once
	opts Options
	err  error
}

// scaleOptions returns a database holding ou=people with n people
// (uid pI, cn, sn, description "d"; objectClass and uid indexed) and
// ou=few with 5, imported once per process.
func scaleOptions(t testing.TB, n int) Options {
	v, _ := scaleDBs.LoadOrStore(n, &scaleDB{})
	db := v.(*scaleDB)
	db.once.Do(func() {
		dir, err := os.MkdirTemp("", "lightdir-scale-")
		if err != nil {
			db.err = err
			return
		}
		scaleDirs = append(scaleDirs, dir)
		db.opts = Options{Dir: filepath.Join(dir, "db"), Suffix: testSuffix, Durability: 2, MapSize: 4 << 30,
			RootDN: testRoot, RootPW: []byte("secret"),
			Indexes: []IndexSpec{{Attr: "uid", Kinds: []string{"eq"}}}}
		pr, pw := io.Pipe()
		go func() {
			w := bufio.NewWriter(pw)
			fmt.Fprintf(w, "dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n", testSuffix)
			for _, c := range []struct {
				ou string
				n  int
			}{{"people", n}, {"few", 5}} {
				fmt.Fprintf(w, "dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n", c.ou, testSuffix, c.ou)
				for i := range c.n {
					fmt.Fprintf(w, "dn: uid=%s%d,ou=%s,%s\nobjectClass: inetOrgPerson\nuid: %s%d\ncn: c%d\nsn: s%d\ndescription: d\n\n",
						c.ou, i, c.ou, testSuffix, c.ou, i, i, i)
				}
			}
			pw.CloseWithError(w.Flush())
		}()
		_, db.err = Import(db.opts, pr, ImportOptions{})
		pr.Close()
	})
	if db.err != nil {
		t.Fatal(db.err)
	}
	return db.opts
}

var scaleDirs []string // removed by TestMain

// openScale opens the database of n people (read-mostly: tests that write
// use NoOp or undo what they do).
func openScale(t testing.TB, n int) *Backend {
	if testing.Short() {
		t.Skip("imports 250,000 entries")
	}
	b, err := Open(scaleOptions(t, n))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// allocated returns the bytes fn allocates, pools emptied first.
func allocated(fn func()) uint64 {
	runtime.GC()
	runtime.GC() // a second cycle drops sync.Pool's victim cache too
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	fn()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// scaleCompare runs op (given the database of n people) at scaleN and
// 4*scaleN and fails when the bytes it allocates grow with the size.
func scaleCompare(t *testing.T, op func(t *testing.T, b *Backend, n int)) {
	var got [2]uint64
	for i, n := range []int{scaleN, 4 * scaleN} {
		b := openScale(t, n)
		op(t, b, n) // warm up: schema caches, search pool
		got[i] = allocated(func() { op(t, b, n) })
	}
	t.Logf("bytes allocated: %d at %d entries, %d at %d", got[0], scaleN, got[1], 4*scaleN)
	if got[1] > 2*got[0]+64<<10 {
		t.Errorf("allocations grow with the directory: %d bytes at %d entries, %d at %d", got[0], scaleN, got[1], 4*scaleN)
	}
}

func scaleSearch(t *testing.T, b *Backend, base string, scope ldapserver.Scope, filter string, sizeLimit int, paged *ldapserver.PagedResults) (*collector, *ldapserver.SearchResult, error) {
	t.Helper()
	req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, base), RawBase: base, Scope: scope,
		Filter: mustFilter(t, filter), SizeLimit: sizeLimit, Attributes: []string{"1.1"}}
	if paged != nil {
		req.Controls.Paged = paged
	}
	c := &collector{}
	res, err := b.Search(context.Background(), req, c)
	return c, res, err
}

// A one-level or subtree search with a size limit of 10 below a container
// of many entries must not list the container's every ID first.
func TestScale_scopeSizeLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scope  ldapserver.Scope
		filter string
	}{
		{"one/present", ldapserver.ScopeOne, "(objectClass=*)"},
		{"sub/unindexed", ldapserver.ScopeSubtree, "(description=d)"},
		{"sub/indexed", ldapserver.ScopeSubtree, "(objectClass=person)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scaleCompare(t, func(t *testing.T, b *Backend, n int) {
				c, _, err := scaleSearch(t, b, "ou=people,"+testSuffix, tc.scope, tc.filter, 10, nil)
				if codeOf(err) != ldapserver.SizeLimitExceeded || len(c.entries) != 10 {
					t.Fatalf("%d entries, %v; want 10, sizeLimitExceeded", len(c.entries), err)
				}
			})
		})
	}
}

// An AND of a selective key and a key holding every person must not read
// the big key's IDs (shared/docs/backend-design.md §10.3.1: count first,
// then probe).
func TestScale_andSelectiveWithBigKey(t *testing.T) {
	for _, filter := range []string{
		"(&(objectClass=person)(uid=people1234))",
		"(&(uid=people1234)(objectClass=inetOrgPerson)(objectClass=*))",
		"(&(objectClass=person)(|(uid=people1234)(uid=few1)))",
	} {
		t.Run(filter, func(t *testing.T) {
			scaleCompare(t, func(t *testing.T, b *Backend, n int) {
				c, _, err := scaleSearch(t, b, testSuffix, ldapserver.ScopeSubtree, filter, 0, nil)
				if err != nil || len(c.entries) < 1 {
					t.Fatalf("%d entries, %v", len(c.entries), err)
				}
			})
		})
	}
}

// Each page of a paged search costs O(page), not O(all matches): the
// second page allocates no more in a container four times as big.
func TestScale_pagedSearch(t *testing.T) {
	for _, tc := range []struct {
		name, base string
		scope      ldapserver.Scope
		filter     string
	}{
		{"sub/suffix/indexed", testSuffix, ldapserver.ScopeSubtree, "(objectClass=person)"},
		{"one/indexed", "ou=people," + testSuffix, ldapserver.ScopeOne, "(objectClass=person)"},
		{"one/present", "ou=people," + testSuffix, ldapserver.ScopeOne, "(objectClass=*)"},
		{"sub/unindexed", "ou=people," + testSuffix, ldapserver.ScopeSubtree, "(description=d)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scaleCompare(t, func(t *testing.T, b *Backend, n int) {
				c, res, err := scaleSearch(t, b, tc.base, tc.scope, tc.filter, 0, &ldapserver.PagedResults{Size: 100})
				if err != nil || len(c.entries) != 100 || res.Paged == nil || len(res.Paged.Cookie) == 0 {
					t.Fatalf("first page: %d entries, %v", len(c.entries), err)
				}
				c, res, err = scaleSearch(t, b, tc.base, tc.scope, tc.filter, 0, &ldapserver.PagedResults{Size: 100, Cookie: res.Paged.Cookie})
				if err != nil || len(c.entries) != 100 || len(res.Paged.Cookie) == 0 {
					t.Fatalf("second page: %d entries, %v", len(c.entries), err)
				}
			})
		})
	}
}

// Check's walk of the DN tree must not hold every child of a container:
// its memory is bounded by the depth of the tree.
func TestScale_checkReachable(t *testing.T) {
	scaleCompare(t, func(t *testing.T, b *Backend, n int) {
		err := b.env.View(func(txn *engine.Txn) error {
			c := &checker{b: b, txn: txn}
			want := uint64(n + 5 + 3)
			got, err := c.reachable(want)
			if err == nil && got != want {
				t.Errorf("%d entries reachable, want %d", got, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// The streamed and scope-walking plans give the same entries as checking
// each candidate's scope (noScopeWalk), across pages too.
func TestScale_streamedResults(t *testing.T) {
	b := openScale(t, scaleN)
	all := func(base string, scope ldapserver.Scope, filter string, page int) []string {
		var out []string
		var cookie []byte
		for {
			var pc *ldapserver.PagedResults
			if page > 0 {
				pc = &ldapserver.PagedResults{Size: page, Cookie: cookie}
			}
			c, res, err := scaleSearch(t, b, base, scope, filter, 0, pc)
			if err != nil {
				t.Fatalf("%s %v %s: %v", base, scope, filter, err)
			}
			for _, e := range c.entries {
				out = append(out, e.DN)
			}
			if pc == nil || len(res.Paged.Cookie) == 0 {
				return out
			}
			cookie = res.Paged.Cookie
		}
	}
	few, people := "ou=few,"+testSuffix, "ou=people,"+testSuffix
	for _, tc := range []struct {
		base   string
		scope  ldapserver.Scope
		filter string
		page   int
		want   int
	}{
		{few, ldapserver.ScopeOne, "(objectClass=person)", 0, 5},
		{few, ldapserver.ScopeSubtree, "(objectClass=*)", 0, 6},
		{few, ldapserver.ScopeSubtree, "(objectClass=organizationalUnit)", 0, 1},
		{few, ldapserver.ScopeSubordinate, "(objectClass=person)", 2, 5},
		{few, ldapserver.ScopeSubtree, "(description=d)", 2, 5},
		{testSuffix, ldapserver.ScopeOne, "(objectClass=*)", 1, 2},
		{people, ldapserver.ScopeOne, "(objectClass=person)", 7000, scaleN},
		{people, ldapserver.ScopeSubtree, "(description=d)", 9999, scaleN},
		{testSuffix, ldapserver.ScopeSubtree, "(objectClass=person)", 20000, scaleN + 5},
		{people, ldapserver.ScopeSubtree, "(|(uid=people7)(uid=few2)(objectClass=organizationalUnit))", 0, 2},
	} {
		b.noScopeWalk = false
		got := all(tc.base, tc.scope, tc.filter, tc.page)
		b.noScopeWalk = true
		want := all(tc.base, tc.scope, tc.filter, tc.page)
		b.noScopeWalk = false
		if len(got) != tc.want || !slices.Equal(got, want) {
			t.Errorf("%s %v %s (page %d): %d entries, want %d (scope checks alone: %d)", tc.base, tc.scope, tc.filter, tc.page, len(got), tc.want, len(want))
		}
	}
}
