package index_test

import (
	"fmt"

	"lightdir/index"
)

// A search for (&(objectClass=person)(telephoneNumber=+491700004242)):
// build the keys, read each key's stored list (here: made up), and
// intersect smallest first into a reused buffer.
func Example() {
	phone := &index.Keyer{Attr: "telephoneNumber"}
	key := phone.AppendEquality(nil, []byte("+491700004242"))
	fmt.Printf("key %q\n", key)

	stored := index.BigEndian.Append(nil, index.FromIDs(42)) // the key's dups
	var b index.Builder
	b.Reset(nil, 0)
	if err := b.AddEncoded(stored, index.BigEndian); err != nil {
		panic(err)
	}
	byPhone := b.List()
	persons := index.Range(1, 3_000_000) // a key past the size limit

	buf := index.GetBuffer()
	defer index.PutBuffer(buf)
	cands := index.IntersectAll(*buf, []index.List{persons, byPhone}, 0)
	for id := range cands.All() {
		fmt.Println("candidate", id)
	}
	// Output:
	// key "=+491700004242"
	// candidate 42
}
