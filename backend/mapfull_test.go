package backend

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"lightdir/engine"
	"lightdir/ldapserver"
)

// TestMapFull_namesTheSetting: when the database reaches its map size, an
// import fails saying which setting to raise, and so does a write (whose
// error the server logs; the client gets "internal error"); the write
// leaves the database as it was.
func TestMapFull_namesTheSetting(t *testing.T) {
	var in strings.Builder
	in.WriteString(baseLDIF)
	for i := range 3000 {
		fmt.Fprintf(&in, "\ndn: cn=p%d,dc=example,dc=com\nobjectClass: person\ncn: p%d\nsn: %s\n", i, i, strings.Repeat("s", 500))
	}
	opts := testOptions(t)
	opts.MapSize = 1 << 20
	_, err := Import(opts, strings.NewReader(in.String()), ImportOptions{})
	if !errors.Is(err, engine.ErrMapFull) || !strings.Contains(err.Error(), "max_size") {
		t.Fatalf("import into a 1 MiB map: %v, want map full naming max_size", err)
	}

	b := openTest(t, opts)
	var werr error
	n := 0
	for ; n < 5000 && werr == nil; n++ {
		_, werr = b.Add(context.Background(), addReq(t, fmt.Sprintf("cn=q%d,%s", n, testSuffix),
			"objectClass: person", fmt.Sprintf("cn: q%d", n), "sn: "+strings.Repeat("s", 500)))
	}
	var le *ldapserver.Error
	if !errors.Is(werr, engine.ErrMapFull) || errors.As(werr, &le) || !strings.Contains(werr.Error(), "max_size") {
		t.Fatalf("add %d into a full map: %v, want an internal map full error naming max_size", n, werr)
	}
	if got := countSubtree(t, b, testSuffix); got != n {
		t.Fatalf("%d entries after %d adds of which the last failed, want %d", got, n, n)
	}
}
