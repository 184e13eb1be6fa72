package backend

import (
	"regexp"
	"testing"
	"time"
)

// An import of more than 2^24 entries must not run out of CSN change
// counts: the counts go on at the next microsecond, six hex digits
// each, and every CSN sorts after the one before.
func TestImportStamps_csnPastTheCountLimit(t *testing.T) {
	start := time.Date(2001, 2, 3, 4, 5, 6, 999999500, time.UTC)
	st := &importStamps{csnTime: start.Format("20060102150405.000000Z"), csnStart: start}
	st.csnNext = csnCountMax - 1 // as if 2^24-2 entries were stamped already
	r := st.reserveCSNs(4)
	want := []string{
		"20010203040506.999999Z#fffffe#000#000000",
		"20010203040506.999999Z#ffffff#000#000000",
		"20010203040507.000000Z#000000#000#000000",
		"20010203040507.000000Z#000001#000#000000",
	}
	syntax := regexp.MustCompile(`^\d{14}\.\d{6}Z#[0-9a-f]{6}#000#000000$`)
	prev := ""
	for i, w := range want {
		got := string(st.appendCSN(nil, r.first+uint64(i)))
		if got != w {
			t.Errorf("CSN %d: %s, want %s", i, got, w)
		}
		if !syntax.MatchString(got) || got <= prev {
			t.Errorf("CSN %d: %s is malformed or not after %s", i, got, prev)
		}
		prev = got
	}
	// The process clock continues after the import's last stamp.
	csnClock.Lock()
	last, count := csnClock.last, csnClock.count
	csnClock.Unlock()
	if last != "20010203040507.000000Z" || count != 1 {
		t.Errorf("clock left at %s count %d", last, count)
	}
}
