package backend

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/ldapserver"
)

// TestBackend_indexReadded_rebuiltNotStale: an index (or one of its
// kinds) left out of the configuration while entries are added, modified
// and deleted is not trusted when configured again: searches ignore it
// (the dropped kind; the kinds kept stayed maintained and serve) until it
// is rebuilt (online or with Reindex), and afterwards searches planned
// through it return exactly the model's entries.
func TestBackend_indexReadded_rebuiltNotStale(t *testing.T) {
	full := []IndexSpec{{Attr: "sn", Kinds: []string{"eq", "sub"}}}
	for _, tc := range []struct {
		name    string
		without []IndexSpec // the configuration while the index goes stale
		online  bool        // rebuilt online, else with Reindex
		eqKept  bool        // the equality kind stayed configured
	}{
		{"dropped/online", nil, true, false},
		{"dropped/reindex", nil, false, false},
		{"sub dropped/online", []IndexSpec{{Attr: "sn", Kinds: []string{"eq"}}}, true, true},
		{"sub dropped/reindex", []IndexSpec{{Attr: "sn", Kinds: []string{"eq"}}}, false, true},
		{"other index kept/online", []IndexSpec{{Attr: "uid", Kinds: []string{"eq"}}}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions(t, full...)
			model := map[string]string{} // uid -> sn
			b := openTest(t, opts)
			for i := range 20 {
				uid := fmt.Sprintf("u%02d", i)
				mustAdd(t, b, "uid="+uid+","+testSuffix, person(uid)...)
				model[uid] = uid
			}
			closeTest(t, b)

			opts.Indexes = tc.without
			b = openTest(t, opts)
			for i := 20; i < 30; i++ {
				uid := fmt.Sprintf("u%02d", i)
				mustAdd(t, b, "uid="+uid+","+testSuffix, person(uid)...)
				model[uid] = uid
			}
			for i := range 5 {
				uid := fmt.Sprintf("u%02d", i)
				setSN(t, b, uid, "x"+uid+"-mod")
				model[uid] = "x" + uid + "-mod"
			}
			for i := 5; i < 10; i++ {
				uid := fmt.Sprintf("u%02d", i)
				if _, err := b.Delete(context.Background(), &ldapserver.DeleteRequest{Header: rootHdr(),
					DN: mustDN(t, "uid="+uid+","+testSuffix)}); err != nil {
					t.Fatal(err)
				}
				delete(model, uid)
			}
			closeTest(t, b)

			filters := map[string]func(sn string) bool{
				"(sn=u25)":      func(sn string) bool { return sn == "u25" },
				"(sn=u03)":      func(sn string) bool { return sn == "u03" },
				"(sn=xu03-mod)": func(sn string) bool { return sn == "xu03-mod" },
				"(sn=u07)":      func(sn string) bool { return sn == "u07" },
				"(sn=xu*)":      func(sn string) bool { return strings.HasPrefix(sn, "xu") },
				"(sn=u2*)":      func(sn string) bool { return strings.HasPrefix(sn, "u2") },
				"(sn=*-mod*)":   func(sn string) bool { return strings.Contains(sn, "-mod") },
			}
			want := func(match func(string) bool) []string {
				var out []string
				for uid, sn := range model {
					if match(sn) {
						out = append(out, uid)
					}
				}
				slices.Sort(out)
				return out
			}
			check := func(b *Backend, indexed bool) {
				t.Helper()
				for f, match := range filters {
					indexed := indexed || tc.eqKept && !strings.Contains(f, "*")
					if by, _ := plannedByIndex(t, b, f); by != indexed {
						t.Errorf("%s: planned by the index %v, want %v", f, by, indexed)
					}
					if got, w := uidsOf(t, b, f), want(match); !slices.Equal(got, w) {
						t.Errorf("%s: got %v, want %v", f, got, w)
					}
				}
			}

			opts.Indexes = full
			b = openTest(t, opts)
			check(b, false) // configured again, not rebuilt: ignored
			closeTest(t, b)
			if tc.online {
				opts.BuildIndexesOnline = true
				b = openTest(t, opts)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if ok, err := b.WaitIndexes(ctx); !ok || err != nil {
					t.Fatalf("online build: %v %v", ok, err)
				}
			} else {
				if err := Reindex(opts, []string{"sn"}); err != nil {
					t.Fatal(err)
				}
				b = openTest(t, opts)
			}
			check(b, true)
		})
	}
}

// closeTest closes b (openTest's cleanup closes it again harmlessly).
func closeTest(t *testing.T, b *Backend) {
	t.Helper()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func setSN(t *testing.T, b *Backend, uid, sn string) {
	t.Helper()
	req := &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, "uid="+uid+","+testSuffix),
		Changes: []ldapserver.Change{change(ldapserver.ModReplace, "sn", sn)}}
	if _, err := b.Modify(context.Background(), req); err != nil {
		t.Fatal(err)
	}
}

// TestBackend_onlineIndexBuild_clearsInBatches: a stale index configured
// again is emptied over several write transactions before the build, with
// client writes between them; the built index then answers like the model
// and Check finds it exact.
func TestBackend_onlineIndexBuild_clearsInBatches(t *testing.T) {
	opts := testOptions(t, IndexSpec{Attr: "sn", Kinds: []string{"eq"}})
	model := map[string]string{}
	b := openTest(t, opts)
	for i := range 40 {
		uid := fmt.Sprintf("u%02d", i)
		mustAdd(t, b, "uid="+uid+","+testSuffix, person(uid)...)
		model[uid] = uid
	}
	closeTest(t, b)
	opts.Indexes = nil
	b = openTest(t, opts)
	for i := range 20 {
		uid := fmt.Sprintf("u%02d", i)
		setSN(t, b, uid, "stale-"+uid)
		model[uid] = "stale-" + uid
	}
	closeTest(t, b)

	opts.Indexes = []IndexSpec{{Attr: "sn", Kinds: []string{"eq"}}}
	opts.BuildIndexesOnline = true
	opts.clearBatch = 7
	batches := 0
	paused, resume := make(chan struct{}), make(chan struct{})
	opts.clearHook = func(context.Context) {
		if batches++; batches == 3 {
			close(paused)
			<-resume
		}
	}
	b = openTest(t, opts)
	select {
	case <-paused:
	case <-time.After(30 * time.Second):
		t.Fatal("the online clear never reached its third batch")
	}
	// Client writes between two clearing batches.
	for i := 20; i < 25; i++ {
		uid := fmt.Sprintf("u%02d", i)
		setSN(t, b, uid, "during-"+uid)
		model[uid] = "during-" + uid
	}
	mustAdd(t, b, "uid=late,"+testSuffix, person("late")...)
	model["late"] = "late"
	if _, err := b.Delete(context.Background(), &ldapserver.DeleteRequest{Header: rootHdr(),
		DN: mustDN(t, "uid=u39,"+testSuffix)}); err != nil {
		t.Fatal(err)
	}
	delete(model, "u39")
	close(resume)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ok, err := b.WaitIndexes(ctx); !ok || err != nil {
		t.Fatalf("online build: %v %v", ok, err)
	}
	if batches < 6 {
		t.Errorf("%d clearing transactions for 40 stale IDs at 7 per batch", batches)
	}
	for uid, sn := range model {
		f := "(sn=" + sn + ")"
		if used, _ := plannedByIndex(t, b, f); !used {
			t.Fatalf("%s: index not used after the build", f)
		}
		if got := uidsOf(t, b, f); !slices.Equal(got, []string{uid}) {
			t.Errorf("%s: %v, want [%s]", f, got, uid)
		}
	}
	for _, f := range []string{"(sn=u00)", "(sn=u39)", "(sn=u21)"} {
		if got := uidsOf(t, b, f); len(got) != 0 {
			t.Errorf("%s: %v, want none", f, got)
		}
	}
}

// TestClearSome_boundedBatches: each call deletes at most limit IDs (a key
// with more IDs than that loses them over several calls) and reports
// empty exactly when nothing is left.
func TestClearSome_boundedBatches(t *testing.T) {
	b := openTest(t, testOptions(t))
	var dbi engine.DBI
	total := 0
	err := b.env.Update(func(txn *engine.Txn) error {
		var err error
		if dbi, err = txn.OpenDB("ix.cleartest", ixFlags|engine.Create); err != nil {
			return err
		}
		var idb [8]byte
		for k, n := range map[string]int{"a": 3, "big": 95, "c": 1, "d": 12} {
			for id := range n {
				index.NativeEndian.PutID(idb[:], uint64(id+1))
				if err := txn.Put(dbi, []byte(k), idb[:], 0); err != nil {
					return err
				}
				total++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n := 0
		err := b.env.View(func(txn *engine.Txn) error {
			c, err := txn.OpenCursor(dbi)
			if err != nil {
				return err
			}
			defer c.Close()
			for _, _, err = c.Get(nil, nil, engine.First); err == nil; _, _, err = c.Get(nil, nil, engine.Next) {
				n++
			}
			if errors.Is(err, engine.ErrNotFound) {
				return nil
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	const limit = 20
	for calls := 1; ; calls++ {
		var empty bool
		if err := b.env.Update(func(txn *engine.Txn) error {
			var err error
			empty, err = clearSome(txn, dbi, limit, 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		left := count()
		if deleted := total - left; deleted > limit {
			t.Fatalf("call %d deleted %d IDs, limit %d", calls, deleted, limit)
		}
		if empty != (left == 0) {
			t.Fatalf("call %d: empty=%v with %d IDs left", calls, empty, left)
		}
		if empty {
			if calls < (111+limit-1)/limit {
				t.Fatalf("emptied 111 IDs in %d calls", calls)
			}
			return
		}
		if left == total {
			t.Fatalf("call %d deleted nothing", calls)
		}
		total = left
	}
}
