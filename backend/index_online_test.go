package backend

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"lightdir/ldapserver"
)

// plannedByIndex reports whether the planner answers filter from an
// index in a fresh read transaction (or in txn when not nil), and the
// candidates it gives.
func plannedByIndex(t *testing.T, b *Backend, filter string) (bool, []uint64) {
	t.Helper()
	txn, err := b.env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Abort()
	p := &planner{b: b, txn: txn, root: true}
	defer p.close()
	f := mustFilter(t, filter)
	l, all, err := p.candidates(f, b.reg.Compile(f).Root())
	if err != nil {
		t.Fatal(err)
	}
	if all {
		return false, nil
	}
	return true, slices.Clone(l.IDs())
}

func uidsOf(t *testing.T, b *Backend, filter string) []string {
	t.Helper()
	c, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, filter, "uid")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := range c.entries {
		out = append(out, c.attr(i, "uid")...)
	}
	slices.Sort(out)
	return out
}

// buildPause stops the online builder before its fourth batch until resume
// is closed.
type buildPause struct {
	paused chan uint64 // receives the first ID of the batch held back
	resume chan struct{}
}

func pauseBuild(opts *Options) *buildPause {
	p := &buildPause{paused: make(chan uint64), resume: make(chan struct{})}
	batches := 0
	opts.buildHook = func(_ context.Context, next uint64) {
		if batches++; batches == 4 {
			p.paused <- next
			<-p.resume
		}
	}
	return p
}

// wait returns the ID the paused builder would index next.
func (p *buildPause) wait(t *testing.T) uint64 {
	t.Helper()
	select {
	case next := <-p.paused:
		return next
	case <-time.After(30 * time.Second):
		t.Fatal("online build never reached its fourth batch")
	}
	return 0
}

// TestBackend_onlineIndexBuild: an index added to the configuration of a
// loaded database is built in the background; while it builds, searches
// answer correctly without it and writes go ahead (before and after the
// builder's position); a snapshot older than the build's end never uses
// it; afterwards the planner uses it and Check finds it exact.
func TestBackend_onlineIndexBuild(t *testing.T) {
	opts := testOptions(t)
	b := openTest(t, opts)
	for i := range 50 {
		mustAdd(t, b, fmt.Sprintf("uid=u%02d,%s", i, testSuffix), person(fmt.Sprintf("u%02d", i))...)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Indexes = []IndexSpec{{Attr: "uid", Kinds: []string{"eq"}}}
	opts.BuildIndexesOnline = true
	opts.buildBatch = 5
	pause := pauseBuild(&opts)
	b = openTest(t, opts)
	next := pause.wait(t)
	if next <= 1 || next > 50 {
		t.Fatalf("paused at ID %d", next)
	}
	if used, _ := plannedByIndex(t, b, "(uid=u07)"); used {
		t.Error("a half-built index is used")
	}
	if got := uidsOf(t, b, "(uid=u07)"); !slices.Equal(got, []string{"u07"}) {
		t.Errorf("search during the build: %v", got)
	}
	// Writes on both sides of the builder's position.
	ctx := context.Background()
	mustAdd(t, b, "uid=new,"+testSuffix, person("new")...)
	for _, dn := range []string{"uid=u01," + testSuffix, "uid=u45," + testSuffix} {
		if _, err := b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, dn)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"u02", "u44"} {
		mod := &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, "uid="+u+","+testSuffix),
			Changes: []ldapserver.Change{{Op: ldapserver.ModAdd, Attribute: ldapserver.Attribute{Type: "uid", Values: [][]byte{[]byte(u + "b")}}}}}
		if _, err := b.Modify(ctx, mod); err != nil {
			t.Fatal(err)
		}
	}
	old, err := b.env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	defer old.Abort()
	close(pause.resume)
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if ok, err := b.WaitIndexes(wctx); !ok || err != nil {
		t.Fatalf("WaitIndexes: %v %v", ok, err)
	}
	p := &planner{b: b, txn: old, root: true}
	f := mustFilter(t, "(uid=u07)")
	if _, all, err := p.candidates(f, b.reg.Compile(f).Root()); err != nil || !all {
		t.Errorf("a snapshot from before the build's end uses the index (all=%v, %v)", all, err)
	}
	p.close()
	for _, tc := range []struct{ filter, want string }{
		{"(uid=u07)", "[u07]"}, {"(uid=u01)", "[]"}, {"(uid=u45)", "[]"}, {"(uid=new)", "[new]"},
		{"(uid=u02b)", "[u02 u02b]"}, {"(uid=u44b)", "[u44 u44b]"}, {"(uid=u49)", "[u49]"},
	} {
		used, ids := plannedByIndex(t, b, tc.filter)
		if !used {
			t.Errorf("%s: index not used after the build", tc.filter)
		}
		if got := fmt.Sprint(uidsOf(t, b, tc.filter)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.filter, got, tc.want)
		}
		if want := tc.want != "[]"; (len(ids) > 0) != want {
			t.Errorf("%s: candidates %v", tc.filter, ids)
		}
	}
}

// TestBackend_onlineIndexBuild_closeStops: Close stops a build midway;
// the next Open (online) starts over and completes it.
func TestBackend_onlineIndexBuild_closeStops(t *testing.T) {
	opts := testOptions(t)
	b := openTest(t, opts)
	for i := range 30 {
		mustAdd(t, b, fmt.Sprintf("uid=u%02d,%s", i, testSuffix), person(fmt.Sprintf("u%02d", i))...)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	opts.Indexes = []IndexSpec{{Attr: "sn", Kinds: []string{"eq", "sub"}}}
	opts.BuildIndexesOnline = true
	opts.buildBatch = 4
	paused := make(chan struct{})
	calls := 0
	opts.buildHook = func(ctx context.Context, _ uint64) {
		if calls++; calls == 2 {
			close(paused)
			<-ctx.Done() // until Close cancels the build
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
	if ok, _ := half.WaitIndexes(context.Background()); ok {
		t.Error("an interrupted build reports the index ready")
	}
	opts.buildHook = nil
	b = openTest(t, opts)
	if ok, err := b.WaitIndexes(context.Background()); !ok || err != nil {
		t.Fatalf("second build: %v %v", ok, err)
	}
	if used, _ := plannedByIndex(t, b, "(sn=u1*)"); !used {
		t.Error("substring index not used after the build")
	}
	if got := uidsOf(t, b, "(sn=u1*)"); len(got) != 10 {
		t.Errorf("(sn=u1*): %v", got)
	}
}

// TestBackend_onlineIndexBuild_addedKindKeepsOthers: adding a kind to an
// index ("uid eq" becomes "uid eq,sub") builds only the new kind online;
// equality searches keep using the index throughout (they scanned every
// entry until the build ended, which on a large directory is an outage).
// A build interrupted and then configured without the new kind removes
// its partial keys before the index is trusted again (Check would count
// them as extra keys).
func TestBackend_onlineIndexBuild_addedKindKeepsOthers(t *testing.T) {
	opts := testOptions(t)
	opts.Indexes = []IndexSpec{{Attr: "uid", Kinds: []string{"eq"}}}
	b := openTest(t, opts)
	for i := range 50 {
		mustAdd(t, b, fmt.Sprintf("uid=u%02d,%s", i, testSuffix), person(fmt.Sprintf("u%02d", i))...)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Indexes = []IndexSpec{{Attr: "uid", Kinds: []string{"eq", "sub"}}}
	opts.BuildIndexesOnline = true
	opts.buildBatch = 5
	pause := pauseBuild(&opts)
	b = openTest(t, opts)
	pause.wait(t)
	ctx := context.Background()
	mustAdd(t, b, "uid=new,"+testSuffix, person("new")...)
	if _, err := b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, "uid=u01,"+testSuffix)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ filter, want string }{{"(uid=u07)", "[u07]"}, {"(uid=new)", "[new]"}, {"(uid=u01)", "[]"}} {
		used, ids := plannedByIndex(t, b, tc.filter)
		if !used || (len(ids) > 0) != (tc.want != "[]") {
			t.Errorf("%s during the build of sub: index used %v, candidates %v; the equality keys are complete", tc.filter, used, ids)
		}
		if got := fmt.Sprint(uidsOf(t, b, tc.filter)); got != tc.want {
			t.Errorf("%s during the build: %s, want %s", tc.filter, got, tc.want)
		}
	}
	if used, _ := plannedByIndex(t, b, "(uid=u0*)"); used {
		t.Error("the half-built substring keys are used")
	}
	if got := fmt.Sprint(uidsOf(t, b, "(uid=u0*)")); got != "[u00 u02 u03 u04 u05 u06 u07 u08 u09]" {
		t.Errorf("(uid=u0*) during the build: %s", got)
	}
	close(pause.resume)
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if ok, err := b.WaitIndexes(wctx); !ok || err != nil {
		t.Fatalf("WaitIndexes: %v %v", ok, err)
	}
	if used, ids := plannedByIndex(t, b, "(uid=u0*)"); !used || len(ids) != 9 {
		t.Errorf("(uid=u0*) after the build: index used %v, candidates %v", used, ids)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	// Interrupted: pres is being added when the backend closes; the next
	// configuration drops it again.
	opts.Indexes = []IndexSpec{{Attr: "uid", Kinds: []string{"eq", "sub", "pres"}}}
	pause = pauseBuild(&opts)
	b = openTest(t, opts)
	pause.wait(t)
	if used, _ := plannedByIndex(t, b, "(uid=u1*)"); !used {
		t.Error("substring keys unused while pres builds")
	}
	close(pause.resume)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	opts.Indexes = []IndexSpec{{Attr: "uid", Kinds: []string{"eq", "sub"}}}
	opts.buildHook = nil
	b = openTest(t, opts)
	if used, _ := plannedByIndex(t, b, "(uid=u07)"); !used {
		t.Error("equality keys unused after the interrupted build")
	}
	if ok, err := b.WaitIndexes(wctx); !ok || err != nil {
		t.Fatalf("WaitIndexes after the interrupted build: %v %v", ok, err)
	}
	// openTest's cleanup runs Check: no presence key may be left.
}

// TestBackend_droppedKindKeepsOthers: configuring an index with fewer kinds
// (uid eq,sub to uid eq) keeps the remaining kinds in use at once, offline
// and online; the dropped kind's keys go at the next build, after which
// Check finds the index exact.
func TestBackend_droppedKindKeepsOthers(t *testing.T) {
	opts := testOptions(t)
	opts.Indexes = []IndexSpec{{Attr: "uid", Kinds: []string{"eq", "sub"}}}
	b := openTest(t, opts)
	for i := range 30 {
		mustAdd(t, b, fmt.Sprintf("uid=u%02d,%s", i, testSuffix), person(fmt.Sprintf("u%02d", i))...)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Indexes = []IndexSpec{{Attr: "uid", Kinds: []string{"eq"}}}
	b = openTest(t, opts)
	mustAdd(t, b, "uid=new,"+testSuffix, person("new")...)
	if _, err := b.Delete(context.Background(), &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, "uid=u01,"+testSuffix)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ filter, want string }{{"(uid=u07)", "[u07]"}, {"(uid=new)", "[new]"}, {"(uid=u01)", "[]"}} {
		if used, _ := plannedByIndex(t, b, tc.filter); !used {
			t.Errorf("%s after sub was dropped: equality keys unused", tc.filter)
		}
		if got := fmt.Sprint(uidsOf(t, b, tc.filter)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.filter, got, tc.want)
		}
	}
	if got := fmt.Sprint(uidsOf(t, b, "(uid=u0*)")); got != "[u00 u02 u03 u04 u05 u06 u07 u08 u09]" {
		t.Errorf("(uid=u0*): %s", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if unbuilt, err := Unbuilt(opts); err != nil || len(unbuilt) != 0 {
		t.Errorf("Unbuilt = %v, %v; every configured kind is built", unbuilt, err)
	}

	// The online build removes the substring keys; equality stays in use.
	opts.BuildIndexesOnline = true
	b = openTest(t, opts)
	if used, _ := plannedByIndex(t, b, "(uid=u08)"); !used {
		t.Error("equality keys unused while the dropped kind's keys are removed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ok, err := b.WaitIndexes(ctx); !ok || err != nil {
		t.Fatalf("WaitIndexes: %v %v", ok, err)
	}
	// openTest's cleanup runs Check: no substring key may be left.
}
