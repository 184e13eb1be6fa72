package backend

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lightdir/ldapserver"
)

// TestBackend_indexReadded_rebuiltNotStale: an index (or one of its
// kinds) left out of the configuration while entries are added, modified
// and deleted is not trusted when configured again: searches ignore it
// until it is rebuilt (online or with Reindex), and afterwards searches
// planned through it return exactly the model's entries.
func TestBackend_indexReadded_rebuiltNotStale(t *testing.T) {
	full := []IndexSpec{{Attr: "sn", Kinds: []string{"eq", "sub"}}}
	for _, tc := range []struct {
		name    string
		without []IndexSpec // the configuration while the index goes stale
		online  bool        // rebuilt online, else with Reindex
	}{
		{"dropped/online", nil, true},
		{"dropped/reindex", nil, false},
		{"sub dropped/online", []IndexSpec{{Attr: "sn", Kinds: []string{"eq"}}}, true},
		{"sub dropped/reindex", []IndexSpec{{Attr: "sn", Kinds: []string{"eq"}}}, false},
		{"other index kept/online", []IndexSpec{{Attr: "uid", Kinds: []string{"eq"}}}, true},
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
