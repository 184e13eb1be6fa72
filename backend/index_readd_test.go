package backend

import (
	"context"
	"testing"

	"lightdir/ldapserver"
)

// TestIndex_readdedOnEmptyDatabaseStartsEmpty: an index left out of the
// configuration while every entry is deleted keeps the deleted entries'
// keys. Configured again on the now empty database, it is complete by
// construction only once its DB is emptied: it used to keep the stale keys
// for good, and Check failed on a database only ordinary operations wrote.
func TestIndex_readdedOnEmptyDatabaseStartsEmpty(t *testing.T) {
	withCN := []IndexSpec{{Attr: "cn", Kinds: []string{"eq"}}}
	opts := testOptions(t, withCN...)
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.EnsureSuffix(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, b, "uid=u1,"+testSuffix, person("u1")...)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Indexes = nil // cn left out for a while ...
	b, err = Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, dn := range []string{"uid=u1," + testSuffix, testSuffix} { // ... while everything is deleted
		if _, err := b.Delete(context.Background(), &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, dn)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Check(opts); err != nil {
		t.Fatalf("check without cn: %v", err)
	}

	opts.Indexes = withCN // configured again: the database is empty
	b, err = Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.EnsureSuffix(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, b, "uid=u2,"+testSuffix, person("u2")...)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Check(opts); err != nil {
		t.Errorf("check after re-adding the index on an empty database: %v", err)
	}
}
