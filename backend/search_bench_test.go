package backend

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"lightdir/ldapserver"
)

// Benchmarks of searches over many candidates: allocs/op must not grow
// with the number of candidates (compare the sizes below; the per-search
// setup is the same for all of them), except for one per returned entry,
// its DN string (ldapserver.Entry.DN is a string).

var manyDB struct {
	once sync.Once
	opts Options
	err  error
}

// manyBackend opens a database with ou=c10 and ou=c1000 holding 10 and
// 1000 people (uid and cn indexed, description not).
func manyBackend(b *testing.B) *Backend {
	manyDB.once.Do(func() {
		dir, err := os.MkdirTemp("", "lightdir-bench-many-")
		if err != nil {
			manyDB.err = err
			return
		}
		var l strings.Builder
		l.WriteString("dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n")
		for _, n := range []int{10, 1000} {
			fmt.Fprintf(&l, "dn: ou=c%d,dc=example,dc=com\nobjectClass: organizationalUnit\nou: c%d\n\n", n, n)
			for i := range n {
				fmt.Fprintf(&l, "dn: uid=p%d-%d,ou=c%d,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: p%d-%d\ncn: group%d\nsn: s%d\ndescription: d\nmail: p%d@example.com\n\n",
					n, i, n, n, i, n, i, i)
			}
		}
		manyDB.opts = Options{Dir: filepath.Join(dir, "db"), Suffix: testSuffix, Durability: 2, MapSize: 1 << 30,
			Indexes: []IndexSpec{{Attr: "uid", Kinds: []string{"eq"}}, {Attr: "cn", Kinds: []string{"eq"}}}}
		_, manyDB.err = Import(manyDB.opts, strings.NewReader(l.String()), ImportOptions{})
	})
	if manyDB.err != nil {
		b.Fatal(manyDB.err)
	}
	bk, err := Open(manyDB.opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bk.Close() })
	return bk
}

func benchMany(b *testing.B, scope ldapserver.Scope, filter func(n int) string, want func(n int) int, attrs ...string) {
	bk := manyBackend(b)
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			req := &ldapserver.SearchRequest{Base: mustDN(b, fmt.Sprintf("ou=c%d,%s", n, testSuffix)), Scope: scope,
				Filter: mustFilter(b, filter(n)), Attributes: attrs}
			ctx := context.Background()
			var d discard
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				d.n = 0
				if _, err := bk.Search(ctx, req, &d); err != nil {
					b.Fatal(err)
				}
				if d.n != want(n) {
					b.Fatalf("%d entries, want %d", d.n, want(n))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/candidate")
		})
	}
}

// BenchmarkSearch_oneLevel: every child of a container (scope walk).
func BenchmarkSearch_oneLevel(b *testing.B) {
	benchMany(b, ldapserver.ScopeOne, func(int) string { return "(objectClass=*)" }, all)
}

// BenchmarkSearch_subtreeUnindexed: an unindexed filter over a subtree.
func BenchmarkSearch_subtreeUnindexed(b *testing.B) {
	benchMany(b, ldapserver.ScopeSubtree, func(int) string { return "(description=d)" }, all, "uid", "hasSubordinates")
}

// BenchmarkSearch_subtreeIndexed: an indexed filter whose candidates are
// the whole container (candidate loop with scope checks).
func BenchmarkSearch_subtreeIndexed(b *testing.B) {
	benchMany(b, ldapserver.ScopeSubtree, func(n int) string { return fmt.Sprintf("(cn=group%d)", n) }, all, "cn", "mail")
}

// BenchmarkSearch_subtreeFewMatch: every entry of the subtree is a
// candidate and one matches: a rejected candidate must allocate nothing.
func BenchmarkSearch_subtreeFewMatch(b *testing.B) {
	benchMany(b, ldapserver.ScopeSubtree, func(int) string { return "(&(description=d)(sn=s7))" }, func(int) int { return 1 })
}

// BenchmarkSearch_subtreeSuperclass: (objectClass=person) over
// inetOrgPerson entries: one objectClass index key, each candidate
// matched through the subclass relation.
func BenchmarkSearch_subtreeSuperclass(b *testing.B) {
	benchMany(b, ldapserver.ScopeSubtree, func(int) string { return "(objectClass=person)" }, all, "uid")
}

func all(n int) int { return n }

// BenchmarkSearch_telephoneNumberServer is BenchmarkSearch_telephoneNumber
// the way ldapserver calls Search: with the raw base DN, so the cached
// normalized base applies.
func BenchmarkSearch_telephoneNumberServer(b *testing.B) {
	bk := benchBackend(b)
	base := mustDN(b, testSuffix)
	benchSearch(b, bk, func(i int) *ldapserver.SearchRequest {
		return &ldapserver.SearchRequest{Base: base, RawBase: testSuffix, Scope: ldapserver.ScopeSubtree,
			Filter: mustFilter(b, "(telephoneNumber="+msisdn(i)+")")}
	}, 1)
}

// BenchmarkSearch_telephoneNumberBound is BenchmarkSearch_telephoneNumberServer
// for a bound (not root) client, as an application server searches: the
// session identity comes with every request.
func BenchmarkSearch_telephoneNumberBound(b *testing.B) {
	bk := benchBackend(b)
	base := mustDN(b, testSuffix)
	hdr := ldapserver.Header{Session: ldapserver.Session{Identity: "cn=provisioning,ou=apps," + testSuffix}}
	benchSearch(b, bk, func(i int) *ldapserver.SearchRequest {
		return &ldapserver.SearchRequest{Header: hdr, Base: base, RawBase: testSuffix, Scope: ldapserver.ScopeSubtree,
			Filter: mustFilter(b, "(telephoneNumber="+msisdn(i)+")")}
	}, 1)
}
