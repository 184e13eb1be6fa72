package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"testing"
)

func TestDupReadAPI_allForms(t *testing.T) {
	flagSets := []DBFlags{0, DupFixed, IntegerDup | DupFixed, IntegerDup, ReverseDup, ReverseDup | DupFixed, ReverseKey, IntegerKey}
	counts := []int{1, 2, 5, 40, 600}
	for _, fl := range flagSets {
		for _, vsz := range []int{8, 100, 511} {
			if fl&IntegerDup != 0 && vsz != 8 {
				continue
			}
			t.Run(fmt.Sprintf("flags%#x_v%d", fl, vsz), func(t *testing.T) {
				txn := edgeTxn(t)
				dbi, err := txn.OpenDB("d", DupSort|Create|fl)
				if err != nil {
					t.Fatal(err)
				}
				_, dcmp := comparators(uint16(fl))
				kcmp, _ := comparators(uint16(fl))
				key := func(i int) []byte {
					if fl&IntegerKey != 0 {
						return binary.LittleEndian.AppendUint64(nil, uint64(i*10+5))
					}
					return []byte(fmt.Sprintf("key-%03d", i*10+5))
				}
				val := func(j int) []byte {
					// values 2j+1 so that 2j is between.
					x := uint64(2*j + 1)
					if fl&IntegerDup != 0 {
						return binary.LittleEndian.AppendUint64(nil, x)
					}
					b := make([]byte, vsz)
					copy(b, fmt.Sprintf("%08d", x))
					if fl&ReverseDup != 0 {
						slices.Reverse(b)
					}
					return b
				}
				model := map[string][][]byte{}
				for i, n := range counts {
					for j := n - 1; j >= 0; j-- {
						if err := txn.Put(dbi, key(i), val(j), 0); err != nil {
							t.Fatal(err)
						}
						model[string(key(i))] = append(model[string(key(i))], val(j))
					}
					slices.SortFunc(model[string(key(i))], func(a, b []byte) int { return dcmp.compare(a, b) })
				}
				if err := txn.Check(); err != nil {
					t.Fatal(err)
				}
				c := mustCursor(t, txn, dbi)
				str := func(k, v []byte, err error) string {
					if err != nil {
						return err.Error()
					}
					return fmt.Sprintf("%x=%x", k, v)
				}
				for i, n := range counts {
					k := key(i)
					vals := model[string(k)]
					// Set / SetKey / SetRange.
					for _, op := range []CursorOp{Set, SetKey, SetRange} {
						gk, gv, err := c.Get(k, nil, op)
						if want := str(k, vals[0], nil); str(gk, gv, err) != want {
							t.Fatalf("op %d key %d: %s want %s", op, i, str(gk, gv, err), want)
						}
						if cnt, err := c.Count(); err != nil || cnt != uint64(n) {
							t.Fatalf("count %d %v want %d", cnt, err, n)
						}
						if _, lv, err := c.Get(nil, nil, LastDup); err != nil || !bytes.Equal(lv, vals[n-1]) {
							t.Fatalf("LastDup %x %v", lv, err)
						}
					}
					// SetRange on a key before k.
					before := bytes.Clone(k)
					before[len(before)-1]--
					if kcmp != orderReverse && kcmp != orderInteger {
						gk, gv, err := c.Get(before, nil, SetRange)
						if want := str(k, vals[0], nil); str(gk, gv, err) != want {
							t.Fatalf("SetRange before key %d: %s want %s", i, str(gk, gv, err), want)
						}
						if _, _, err := c.Get(before, nil, Set); !errors.Is(err, ErrNotFound) {
							t.Fatalf("Set missing: %v", err)
						}
					}
					for j := 0; j <= 2*n+1; j++ {
						x := uint64(j)
						var probe []byte
						if fl&IntegerDup != 0 {
							probe = binary.LittleEndian.AppendUint64(nil, x)
						} else {
							probe = make([]byte, vsz)
							copy(probe, fmt.Sprintf("%08d", x))
							if fl&ReverseDup != 0 {
								slices.Reverse(probe)
							}
						}
						idx, found := slices.BinarySearchFunc(vals, probe, func(a, b []byte) int { return dcmp.compare(a, b) })
						wantBoth := "engine: not found"
						if found {
							wantBoth = str(k, probe, nil)
						}
						wantRange := "engine: not found"
						if idx < n {
							wantRange = str(k, vals[idx], nil)
						}
						gk, gv, err := c.Get(k, probe, GetBoth)
						if got := str(gk, gv, err); got != wantBoth {
							t.Fatalf("GetBoth key %d val %d: %s want %s", i, j, got, wantBoth)
						}
						if found {
							if cnt, err := c.Count(); err != nil || cnt != uint64(n) {
								t.Fatalf("count after GetBoth %d %v", cnt, err)
							}
							// NextDup from there.
							_, nv, err := c.Get(nil, nil, NextDup)
							if idx+1 < n && (err != nil || !bytes.Equal(nv, vals[idx+1])) {
								t.Fatalf("NextDup after GetBoth: %x %v want %x", nv, err, vals[idx+1])
							}
							if idx+1 == n && !errors.Is(err, ErrNotFound) {
								t.Fatalf("NextDup after last: %v", err)
							}
						}
						gk, gv, err = c.Get(k, probe, GetBothRange)
						if got := str(gk, gv, err); got != wantRange {
							t.Fatalf("GetBothRange key %d val %d: %s want %s", i, j, got, wantRange)
						}
						if idx < n {
							_, pv, err := c.Get(nil, nil, PrevDup)
							if idx > 0 && (err != nil || !bytes.Equal(pv, vals[idx-1])) {
								t.Fatalf("PrevDup after GetBothRange: %x %v", pv, err)
							}
						}
						if fl&DupFixed != 0 && idx < n {
							c.Get(k, probe, GetBothRange)
							_, mv, err := c.Get(nil, nil, GetMultiple)
							if err != nil || len(mv) == 0 || len(mv)%len(vals[0]) != 0 || !bytes.Equal(mv[:len(vals[0])], vals[idx]) {
								t.Fatalf("GetMultiple after GetBothRange key %d val %d: %d bytes %v", i, j, len(mv), err)
							}
						}
					}
				}
				// Deletes: every other value with Del(k, v), then check, then Del(k, nil).
				for i, n := range counts {
					k := key(i)
					vals := model[string(k)]
					for j := 0; j < n; j += 2 {
						if err := txn.Del(dbi, k, vals[j]); err != nil {
							t.Fatalf("del key %d val %d: %v", i, j, err)
						}
						if err := txn.Del(dbi, k, vals[j]); !errors.Is(err, ErrNotFound) {
							t.Fatalf("second del: %v", err)
						}
					}
					var rest [][]byte
					for j := 1; j < n; j += 2 {
						rest = append(rest, vals[j])
					}
					got := dupValues(t, txn, dbi, k)
					if len(got) != len(rest) {
						t.Fatalf("key %d after deletes: %d values, want %d", i, len(got), len(rest))
					}
					for j := range got {
						if !bytes.Equal(got[j], rest[j]) {
							t.Fatalf("key %d value %d: %x want %x", i, j, got[j], rest[j])
						}
					}
					if err := txn.Check(); err != nil {
						t.Fatal(err)
					}
				}
				for i := range counts {
					err := txn.Del(dbi, key(i), nil)
					if i == 0 {
						if !errors.Is(err, ErrNotFound) {
							t.Fatalf("del of emptied key: %v", err)
						}
						continue
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				st, _ := txn.Stat(dbi)
				if st.Entries != 0 || st.Depth != 0 {
					t.Fatalf("stat after all deleted: %+v", st)
				}
				if err := txn.Check(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestDup511_lmdbReads(t *testing.T) {
	dumpT := needTool(t, "mdb_dump")
	loadT := needTool(t, "mdb_load")
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 256 << 20, Durability: NoSync, MaxDBs: 8})
	if err != nil {
		t.Fatal(err)
	}
	err = env.Update(func(txn *Txn) error {
		for _, fl := range []DBFlags{0, DupFixed, ReverseDup} {
			dbi, err := txn.OpenDB(fmt.Sprintf("d%x", fl), DupSort|Create|fl)
			if err != nil {
				return err
			}
			for _, kl := range []int{8, 100, 510, 511} {
				for _, vl := range []int{1, 2, 100, 255, 256, 379, 380, 381, 510, 511} {
					if fl&DupFixed != 0 && vl < 2 {
						continue
					}
					for _, n := range []int{1, 2, 3, 4, 5, 9, 17, 40} {
						k := bytes.Repeat([]byte{'k'}, kl)
						copy(k[max(0, kl-8):], fmt.Sprintf("%03d%02d%03d", vl, n, kl)[max(0, 8-kl):])
						for j := 0; j < n; j++ {
							v := bytes.Repeat([]byte{byte('a' + j%26)}, vl)
							copy(v, fmt.Sprintf("%02d", j%100)[:min(vl, 2)])
							if err := txn.Put(dbi, k, v, 0); err != nil && !errors.Is(err, ErrKeyExists) {
								return fmt.Errorf("kl %d vl %d n %d: %w", kl, vl, n, err)
							}
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "dups")
	env.Close()
	out, err := exec.Command(dumpT, "-a", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	ldir := t.TempDir()
	cmd := exec.Command(loadT, ldir)
	cmd.Args = append(cmd.Args[:1], "-f", "/dev/stdin", ldir)
	cmd.Stdin = bytes.NewReader(out)
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mdb_load: %v %s", err, o)
	}
	out2, err := exec.Command(dumpT, "-a", ldir).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, out2) {
		t.Fatalf("dumps differ: %d vs %d bytes", len(out), len(out2))
	}
	env2, err := Open(ldir, &Options{ReadOnly: true, MaxDBs: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer env2.Close()
	checkEnv(t, env2, "lmdb-loaded")
}
