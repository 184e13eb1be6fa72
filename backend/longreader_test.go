package backend

import (
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// TestBackend_longReader_logged: a read transaction left open longer than
// LongReaderAfter is reported once, as a warning, when the next write begins.
func TestBackend_longReader_logged(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	opts := testOptions(t)
	opts.Logger = zap.New(core)
	opts.LongReaderAfter = time.Millisecond
	b := openTest(t, opts)
	txn, err := b.env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	mustAdd(t, b, "uid=a,dc=example,dc=com", person("a")...)
	mustAdd(t, b, "uid=b,dc=example,dc=com", person("b")...)
	txn.Abort()
	got := logs.FilterMessageSnippet("long read transaction").All()
	if len(got) != 1 {
		t.Fatalf("%d long-reader warnings, want 1: %v", len(got), logs.All())
	}
	if f := got[0].ContextMap(); f["snapshot"] != txn.ID() {
		t.Fatalf("warning fields %v, want snapshot %d", f, txn.ID())
	}
}
