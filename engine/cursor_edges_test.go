package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Cursor moves at the edges: past the end, after deletes, after refused puts,
// across Renew.

// edgeTxn opens an environment and a write transaction, both ended by cleanup.
func edgeTxn(t *testing.T) *Txn {
	t.Helper()
	env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: NoSync, MaxDBs: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	txn, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(txn.Abort)
	return txn
}

// move runs op and describes the outcome as "key/value" or "NotFound".
func move(t *testing.T, c *Cursor, key, val []byte, op CursorOp) string {
	t.Helper()
	k, v, err := c.Get(key, val, op)
	switch {
	case errors.Is(err, ErrNotFound):
		return "NotFound"
	case err != nil:
		t.Fatalf("op %d: %v", op, err)
	}
	return fmt.Sprintf("%s/%s", k, v)
}

// dupDB opens a DupSort database holding a:{a1} k:{k1,k2,k3} z:{z1}.
func dupDB(t *testing.T, txn *Txn, flags DBFlags) DBI {
	t.Helper()
	dbi, err := txn.OpenDB("d", DupSort|Create|flags)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a/a1", "k/k1", "k/k2", "k/k3", "z/z1"} {
		k, v, _ := strings.Cut(p, "/")
		if err := txn.Put(dbi, []byte(k), []byte(v), 0); err != nil {
			t.Fatal(err)
		}
	}
	return dbi
}

// Past the end a cursor stays there: Next, NextNoDup and NextMultiple find
// nothing again (they used to start over at the first item).
func TestCursor_pastTheEnd_staysThere(t *testing.T) {
	for _, op := range []CursorOp{Next, NextNoDup, NextMultiple} {
		t.Run(fmt.Sprint(op), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi := dupDB(t, txn, DupFixed)
			c := mustCursor(t, txn, dbi)
			move(t, c, nil, nil, Last)
			if got := move(t, c, nil, nil, Next); got != "NotFound" {
				t.Fatal(got)
			}
			for i := 0; i < 3; i++ {
				if got := move(t, c, nil, nil, op); got != "NotFound" {
					t.Fatalf("op %d past the end, time %d: %s", op, i, got)
				}
			}
			if got := move(t, c, nil, nil, Prev); got != "z/z1" {
				t.Fatalf("Prev from past the end: %s, want z/z1", got)
			}
		})
	}
}

// A cursor past the end while the tree changes: it still comes back with
// Prev, and Next reaches items added after the old last one.
func TestCursor_pastTheEnd_thenWrites(t *testing.T) {
	for _, dups := range []bool{false, true} {
		t.Run(fmt.Sprint("dups=", dups), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi := MainDB
			if dups {
				dbi = dupDB(t, txn, 0)
			} else {
				for _, k := range []string{"a", "k", "z"} {
					txn.Put(dbi, []byte(k), []byte(k+"1"), 0)
				}
			}
			c := mustCursor(t, txn, dbi)
			move(t, c, nil, nil, Last)
			if got := move(t, c, nil, nil, Next); got != "NotFound" {
				t.Fatal(got)
			}
			if err := txn.Put(dbi, []byte("b"), []byte("b1"), 0); err != nil { // elsewhere
				t.Fatal(err)
			}
			if got := move(t, c, nil, nil, Prev); got != "z/z1" {
				t.Fatalf("Prev from past the end after a put: %s, want z/z1", got)
			}
			move(t, c, nil, nil, Next)
			if got := move(t, c, nil, nil, Next); got != "NotFound" {
				t.Fatal(got)
			}
			if err := txn.Put(dbi, []byte("zz"), []byte("zz1"), 0); err != nil { // after the end
				t.Fatal(err)
			}
			if got := move(t, c, nil, nil, Next); got != "zz/zz1" {
				t.Fatalf("Next from past the end after a put past it: %s, want zz/zz1", got)
			}
		})
	}
}

// After the cursor's own Del, or a Txn.Del of the item under it, every
// relative move starts from the deleted item's place.
func TestCursor_afterDelete_movesFromTheDeletedPlace(t *testing.T) {
	for _, tc := range []struct {
		del  string // the pair deleted under the cursor
		op   CursorOp
		want string
	}{
		{"k/k3", PrevDup, "k/k2"},
		{"k/k3", PrevNoDup, "a/a1"},
		{"k/k3", Prev, "k/k2"},
		{"k/k3", Next, "z/z1"},
		{"k/k3", NextDup, "NotFound"},
		{"k/k3", NextNoDup, "z/z1"},
		{"k/k3", FirstDup, "k/k1"},
		{"k/k3", LastDup, "k/k2"},
		{"k/k1", PrevDup, "NotFound"},
		{"k/k1", PrevNoDup, "a/a1"},
		{"k/k1", NextDup, "k/k2"},
		{"k/k1", NextNoDup, "z/z1"},
		{"k/k2", PrevDup, "k/k1"},
		{"k/k2", NextDup, "k/k3"},
		{"a/a1", PrevDup, "NotFound"},
		{"a/a1", Prev, "NotFound"},
		{"a/a1", FirstDup, "NotFound"},
		{"z/z1", Next, "NotFound"},
		{"z/z1", Prev, "k/k3"},
		{"z/z1", PrevNoDup, "k/k3"},
	} {
		for _, how := range []string{"cursor", "txn"} {
			t.Run(fmt.Sprintf("%s/%d/%s", tc.del, tc.op, how), func(t *testing.T) {
				txn := edgeTxn(t)
				dbi := dupDB(t, txn, 0)
				c := mustCursor(t, txn, dbi)
				k, v, _ := strings.Cut(tc.del, "/")
				if got := move(t, c, []byte(k), []byte(v), GetBoth); got != tc.del {
					t.Fatal(got)
				}
				var err error
				if how == "cursor" {
					err = c.Del(false)
				} else {
					err = txn.Del(dbi, []byte(k), []byte(v))
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := move(t, c, nil, nil, tc.op); got != tc.want {
					t.Fatalf("op %d after deleting %s: %s, want %s", tc.op, tc.del, got, tc.want)
				}
			})
		}
	}
}

// A dup move that finds nothing after a delete leaves the cursor at the
// deleted item's place: Next then gives the item after it, Prev the one
// before.
func TestCursor_afterDelete_failedDupMoveKeepsThePlace(t *testing.T) {
	for _, tc := range []struct {
		del       string
		failed    CursorOp
		then      CursorOp
		wantAfter string
	}{
		{"k/k3", NextDup, Next, "z/z1"},
		{"k/k3", NextDup, Prev, "k/k2"},
		{"k/k1", PrevDup, Next, "k/k2"},
		{"k/k1", PrevDup, Prev, "a/a1"},
		{"a/a1", FirstDup, Next, "k/k1"},
	} {
		t.Run(fmt.Sprintf("%s/%d/%d", tc.del, tc.failed, tc.then), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi := dupDB(t, txn, 0)
			c := mustCursor(t, txn, dbi)
			k, v, _ := strings.Cut(tc.del, "/")
			move(t, c, []byte(k), []byte(v), GetBoth)
			if err := c.Del(false); err != nil {
				t.Fatal(err)
			}
			if got := move(t, c, nil, nil, tc.failed); got != "NotFound" {
				t.Fatalf("op %d: %s", tc.failed, got)
			}
			if got := move(t, c, nil, nil, tc.then); got != tc.wantAfter {
				t.Fatalf("op %d after the failed op %d: %s, want %s", tc.then, tc.failed, got, tc.wantAfter)
			}
		})
	}
}

// NextMultiple after deleting a value gives the run from the value after it
// (on a sub-page and in a values tree); after deleting the key's last value
// it finds nothing, and Next goes on to the next key.
func TestCursor_nextMultipleAfterDelete(t *testing.T) {
	for _, n := range []uint32{6, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi, err := txn.OpenDB("f", DupSort|DupFixed|Create)
			if err != nil {
				t.Fatal(err)
			}
			val := func(i uint32) []byte { return binary.BigEndian.AppendUint32(nil, i) }
			for _, k := range []string{"k", "l"} {
				for i := range n {
					if err := txn.Put(dbi, []byte(k), val(i), 0); err != nil {
						t.Fatal(err)
					}
				}
			}
			c := mustCursor(t, txn, dbi)
			if _, _, err := c.Get([]byte("k"), val(2), GetBoth); err != nil {
				t.Fatal(err)
			}
			if err := c.Del(false); err != nil {
				t.Fatal(err)
			}
			_, run, err := c.Get(nil, nil, NextMultiple)
			if err != nil || len(run) < 4 || binary.BigEndian.Uint32(run) != 3 {
				t.Fatalf("NextMultiple after deleting value 2: %x, %v; want a run from 3", run[:min(8, len(run))], err)
			}
			if _, _, err := c.Get([]byte("k"), val(n-1), GetBoth); err != nil {
				t.Fatal(err)
			}
			if err := c.Del(false); err != nil {
				t.Fatal(err)
			}
			if k, run, err := c.Get(nil, nil, NextMultiple); !errors.Is(err, ErrNotFound) {
				t.Fatalf("NextMultiple after deleting k's last value: %s %x, %v; want ErrNotFound", k, run[:min(8, len(run))], err)
			}
			if k, v, err := c.Get(nil, nil, Next); err != nil || string(k) != "l" || !bytes.Equal(v, val(0)) {
				t.Fatalf("Next after that: %s %x %v, want l's first value", k, v, err)
			}
		})
	}
}

// A put refused with ErrKeyExists leaves the cursor on the existing key
// (NoOverwrite) or pair (NoDupData), where LMDB leaves it.
func TestCursor_refusedPut_standsOnTheExistingItem(t *testing.T) {
	for _, tc := range []struct {
		flags     PutFlags
		val, want string
	}{{NoDupData, "k2", "k/k2"}, {NoOverwrite, "k9", "k/k1"}} {
		t.Run(fmt.Sprint(tc.flags), func(t *testing.T) {
			txn := edgeTxn(t)
			dbi := dupDB(t, txn, 0)
			c := mustCursor(t, txn, dbi)
			if err := c.Put([]byte("k"), []byte(tc.val), tc.flags); !errors.Is(err, ErrKeyExists) {
				t.Fatalf("put: %v", err)
			}
			if got := move(t, c, nil, nil, GetCurrent); got != tc.want {
				t.Fatalf("GetCurrent after the refused put: %s, want %s", got, tc.want)
			}
		})
	}
}

// A cursor opened before its read transaction was renewed refuses to move:
// its pages belong to the old snapshot, which writers may have reused.
func TestCursor_fromBeforeRenew_refused(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	write := func(tag byte) {
		err := env.Update(func(txn *Txn) error {
			for i := 0; i < 200; i++ {
				if err := txn.Put(MainDB, fmt.Appendf(nil, "k%03d", i), bytes.Repeat([]byte{tag}, 100), 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write('A')
	rd, err := env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	old, _ := rd.OpenCursor(MainDB)
	if _, _, err := old.Get(nil, nil, First); err != nil {
		t.Fatal(err)
	}
	rd.Abort()
	for tag := byte('B'); tag <= 'F'; tag++ {
		write(tag) // reuses the old snapshot's pages
	}
	if err := rd.Renew(); err != nil {
		t.Fatal(err)
	}
	defer rd.Abort()
	for _, op := range []CursorOp{Next, Prev, GetCurrent, First} {
		if _, _, err := old.Get(nil, nil, op); !errors.Is(err, ErrBadTxn) {
			t.Fatalf("op %d on a cursor from before Renew: %v, want ErrBadTxn", op, err)
		}
	}
	if _, err := old.Count(); !errors.Is(err, ErrBadTxn) {
		t.Fatalf("Count on a cursor from before Renew: %v", err)
	}
	c, _ := rd.OpenCursor(MainDB)
	if _, v, err := c.Get(nil, nil, First); err != nil || v[0] != 'F' {
		t.Fatalf("a new cursor after Renew: %q %v", v, err)
	}
}

// DupFixed values of one byte: each LEAF2 item moves a page's upper bound by
// 2-1, past the page's end, as in LMDB. Such keys (at most 256 values, which
// stay on a sub-page) read back as written, and real mdb_dump prints them.
func TestDupFixed_oneByteValues(t *testing.T) {
	for _, n := range []int{2, 256} { // every distinct one-byte value at most
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			env, err := Open(dir, &Options{MapSize: 64 << 20, Durability: NoSync, MaxDBs: 2})
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			err = env.Update(func(txn *Txn) error {
				dbi, err := txn.OpenDB("d", DupSort|DupFixed|Create)
				if err != nil {
					return err
				}
				for i := range n {
					v := byte(i*37 + 1)
					want = append(want, v)
					if err := txn.Put(dbi, []byte("a"), []byte{v}, 0); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			checkEnv(t, env, "one-byte values")
			slices.Sort(want)
			var dump strings.Builder // what mdb_dump must print
			err = env.View(func(txn *Txn) error {
				dbi, err := txn.OpenDB("d", 0)
				if err != nil {
					return err
				}
				got := dupValues(t, txn, dbi, []byte("a"))
				if !slices.EqualFunc(got, want, func(g []byte, w byte) bool { return len(g) == 1 && g[0] == w }) {
					return fmt.Errorf("read back %x, wrote %x", got, want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range want {
				fmt.Fprintf(&dump, " 61\n %02x\n", v)
			}
			env.Close()
			out, err := exec.Command(needTool(t, "mdb_dump"), "-s", "d", dir).CombinedOutput()
			if err != nil {
				t.Fatalf("mdb_dump: %v\n%s", err, out)
			}
			_, data, _ := strings.Cut(string(out), "HEADER=END\n")
			if data, _, _ = strings.Cut(data, "DATA=END"); data != dump.String() {
				t.Fatalf("mdb_dump lists:\n%swant:\n%s", data, dump.String())
			}
		})
	}
}
