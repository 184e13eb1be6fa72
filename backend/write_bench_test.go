package backend

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkAdd_person: one add per operation under a container entry,
// with the default indices (the parent lookup, the alias check on the
// parent, schema checks, stamps, index keys and the commit).
func BenchmarkAdd_person(b *testing.B) {
	bk := openTest(b, testOptions(b))
	mustAdd(b, bk, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people",
		"description: a container with a few attributes")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		uid := fmt.Sprintf("p%d", i)
		if _, err := bk.Add(ctx, addReq(b, "uid="+uid+",ou=people,"+testSuffix, person(uid)...)); err != nil {
			b.Fatal(err)
		}
	}
}
