package backend

import (
	"context"
	"errors"
	"testing"
	"time"

	"lightdir/ldapserver"
)

// blockingWriter is a SearchWriter whose first SendEntry waits for release,
// as a search writing to a client that does not read its results does.
type blockingWriter struct {
	started chan struct{}
	release chan struct{}
}

func (w *blockingWriter) SendEntry(*ldapserver.Entry) error {
	w.started <- struct{}{}
	<-w.release
	return nil
}
func (w *blockingWriter) SendReference([]string) error { return nil }

// TestReaders_fullWaitsForSlot: with every reader slot held by searches
// (MaxReaders of them, blocked on slow clients), a further search, compare
// or bind waits for a slot instead of failing with "internal error"
// (the server admits far more concurrent operations, max_connections ×
// max_ops_per_connection, than the 1024 reader slots), and gives up only
// when its own context ends (time limit, abandon, client gone).
func TestReaders_fullWaitsForSlot(t *testing.T) {
	opts := testOptions(t)
	opts.MaxReaders = 2
	b := openTest(t, opts)
	mustAdd(t, b, "uid=alice,"+testSuffix, person("alice", "userPassword: alicepw")...)
	w := &blockingWriter{started: make(chan struct{}), release: make(chan struct{})}
	held := make(chan error, 2)
	for range 2 {
		go func() {
			req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, testSuffix), RawBase: testSuffix,
				Scope: ldapserver.ScopeBase, Filter: mustFilter(t, "(objectClass=*)")}
			_, err := b.Search(context.Background(), req, w)
			held <- err
		}()
		<-w.started
	}

	// A search whose context ends while it waits reports that, not a
	// reader-table error.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := &ldapserver.SearchRequest{Header: rootHdr(), Base: mustDN(t, testSuffix), RawBase: testSuffix,
		Scope: ldapserver.ScopeBase, Filter: mustFilter(t, "(objectClass=*)")}
	if _, err := b.Search(ctx, req, &collector{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("search with every reader slot taken, until its deadline: %v, want context.DeadlineExceeded", err)
	}

	results := make(chan string, 3)
	go func() {
		c, err := doSearch(t, b, "uid=alice,"+testSuffix, ldapserver.ScopeBase, "(objectClass=*)")
		if err != nil || len(c.entries) != 1 {
			results <- "search: " + errString(err)
			return
		}
		results <- ""
	}()
	go func() {
		ok, err := b.Compare(context.Background(), &ldapserver.CompareRequest{Header: rootHdr(),
			DN: mustDN(t, "uid=alice,"+testSuffix), Attr: "uid", Value: []byte("alice")})
		if err != nil || !ok {
			results <- "compare: " + errString(err)
			return
		}
		results <- ""
	}()
	go func() {
		res, err := b.Bind(context.Background(), &ldapserver.BindRequest{DN: mustDN(t, "uid=alice,"+testSuffix),
			RawDN: "uid=alice," + testSuffix, Password: []byte("alicepw")})
		if err != nil || res == nil {
			results <- "bind: " + errString(err)
			return
		}
		results <- ""
	}()
	select {
	case r := <-results:
		t.Fatalf("an operation ended while every reader slot was taken: %q", r)
	case <-time.After(200 * time.Millisecond):
	}
	close(w.release)
	for range 3 {
		select {
		case r := <-results:
			if r != "" {
				t.Error(r)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("an operation still waits after the slots were freed")
		}
	}
	for range 2 {
		if err := <-held; err != nil {
			t.Fatal(err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "no error but a wrong result"
	}
	return err.Error()
}
