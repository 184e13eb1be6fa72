package backend

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestIndex_interruptedOnlineBuildNotTrusted: an index built with
// "eq" is configured "eq,sub" and built online; the build empties the
// index DB and is interrupted (Close). Opening again with the earlier
// configuration ("eq") must not trust the emptied index: searches must
// still find every entry by equality.
func TestIndex_interruptedOnlineBuildNotTrusted(t *testing.T) {
	eqOnly := []IndexSpec{{Attr: "sn", Kinds: []string{"eq"}}}
	opts := testOptions(t, eqOnly...)
	b := openTest(t, opts)
	for i := range 30 {
		mustAdd(t, b, fmt.Sprintf("uid=u%02d,%s", i, testSuffix), person(fmt.Sprintf("u%02d", i))...)
	}
	closeTest(t, b)

	// Add "sub" and build online; stop the build after the clearing
	// phase, before the first indexing batch has finished.
	opts.Indexes = []IndexSpec{{Attr: "sn", Kinds: []string{"eq", "sub"}}}
	opts.BuildIndexesOnline = true
	opts.buildBatch = 4
	paused := make(chan struct{})
	opts.buildHook = func(ctx context.Context, next uint64) {
		if next > 1 { // one batch of 4 entries is in, the rest is not
			close(paused)
			<-ctx.Done()
		}
	}
	half, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	<-paused
	if err := half.Close(); err != nil {
		t.Fatal(err)
	}

	// Back to the old configuration.
	opts.Indexes = eqOnly
	opts.BuildIndexesOnline = false
	opts.buildHook = nil
	b = openTest(t, opts)
	if got := uidsOf(t, b, "(sn=u20)"); !slices.Equal(got, []string{"u20"}) {
		t.Errorf("(sn=u20) after an interrupted online build: %v, want [u20]", got)
	}
}
