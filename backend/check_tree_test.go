package backend

import (
	"context"
	"testing"

	"lightdir/engine"
)

// TestCheck_detectsDNCycle: two entries whose DN records name each
// other as parent are cut off from the suffix (no search, lookup or
// subtree delete reaches them, and walking up from either never ends).
// Check promises "no orphans": it must report them.
func TestCheck_detectsDNCycle(t *testing.T) {
	opts := testOptions(t)
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.EnsureSuffix(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, b, "ou=x,"+testSuffix, "objectClass: organizationalUnit", "ou: x")
	mustAdd(t, b, "ou=y,ou=x,"+testSuffix, "objectClass: organizationalUnit", "ou: y")
	var x, y uint64
	err = b.env.Update(func(txn *engine.Txn) error {
		var ok bool
		var err error
		if x, _, ok, err = b.lookup(txn, mustDN(t, "ou=x,"+testSuffix)); !ok || err != nil {
			t.Fatalf("lookup x: %v %v", ok, err)
		}
		if y, _, ok, err = b.lookup(txn, mustDN(t, "ou=y,ou=x,"+testSuffix)); !ok || err != nil {
			t.Fatalf("lookup y: %v %v", ok, err)
		}
		// Re-parent x under y: x's records now say its parent is y.
		if err := b.unlinkDN(txn, x); err != nil {
			return err
		}
		return b.linkDN(txn, x, y, "ou=x", "ou=x")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Check(opts); err == nil {
		t.Errorf("Check passes a DN tree where entries %d and %d are each other's parent (unreachable from the suffix)", x, y)
	}
}
