package backend

import (
	"bytes"
	"errors"
	"testing"

	"lightdir/engine"
	"lightdir/index"
)

// When AppendDup refuses an ID of a key's run (it does not follow the IDs
// already stored), putKeyRuns still stores that ID and every one after it.
func TestPutKeyRuns_refusedAppendKeepsTheRest(t *testing.T) {
	b := openTest(t, testOptions(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}}))
	d := b.ixByTyp[b.reg.AttributeType("uid")]
	if d == nil {
		t.Fatal("no uid index")
	}
	txn, err := b.env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Abort()
	key := []byte("key")
	id := func(n uint64) []byte { return index.NativeEndian.AppendID(nil, n) }
	if err := txn.Put(d.dbi, key, id(100), 0); err != nil {
		t.Fatal(err)
	}
	kb := &keyBatch{}
	for _, n := range []uint64{5, 6, 200, 201} {
		kb.pairs = append(kb.pairs, keyPair{off: uint32(len(kb.arena)), n: uint32(len(key)), id: n})
		kb.arena = append(kb.arena, key...)
	}
	if err := (&importer{}).putKeyRuns(txn, d, kb, engine.AppendDup); err != nil {
		t.Fatal(err)
	}
	c, err := txn.OpenCursor(d.dbi)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []byte
	_, v, err := c.Get(key, nil, engine.Set)
	for err == nil {
		got = append(got, v...)
		_, v, err = c.Get(nil, nil, engine.NextDup)
	}
	if !errors.Is(err, engine.ErrNotFound) {
		t.Fatal(err)
	}
	var want []byte
	for _, n := range []uint64{5, 6, 100, 200, 201} {
		want = append(want, id(n)...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("stored IDs %x, want %x", got, want)
	}
}
