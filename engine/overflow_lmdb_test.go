package engine

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// Values around the inline/overflow threshold and overflow page boundaries,
// for several key lengths: the engine's layout must match LMDB's (the same
// overflow page count from mdb_stat after LMDB reloads the dump).
func TestOverflowThresholds_matchLMDB(t *testing.T) {
	dump := needTool(t, "mdb_dump")
	load := needTool(t, "mdb_load")
	stat := needTool(t, "mdb_stat")
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 256 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	nm := env.nodeMax
	var sizes []int
	for _, d := range []int{-2, -1, 0, 1, 2} {
		sizes = append(sizes, 4096-16+d, 2*4096-16+d, 3*4096-16+d)
	}
	klens := []int{1, 2, 3, 100, 255, 509, 510, 511}
	seen := map[string]bool{}
	err = env.Update(func(txn *Txn) error {
		for _, kl := range klens {
			for _, d := range []int{-2, -1, 0, 1, 2} {
				n := nm - 8 - kl + d
				k := bytes.Repeat([]byte{'a' + byte(kl%26)}, kl)
				k = append(k[:kl-min(kl, 4)], fmt.Sprintf("%04d", 100+d)[4-min(kl, 4):]...)
				seen[string(k)] = true
				if err := txn.Put(MainDB, k, bytes.Repeat([]byte{'v'}, n), 0); err != nil {
					return err
				}
			}
			for i, n := range sizes {
				k := bytes.Repeat([]byte{'A' + byte(kl%26)}, kl)
				k = append(k[:kl-min(kl, 4)], fmt.Sprintf("%04d", i)[4-min(kl, 4):]...)
				if seen[string(k)] {
					continue
				}
				seen[string(k)] = true
				if err := txn.Put(MainDB, k, bytes.Repeat([]byte{'w'}, n), 0); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "thresholds")
	env.Close()
	out, err := exec.Command(dump, dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	ldir := t.TempDir()
	cmd := exec.Command(load, ldir)
	cmd.Stdin = bytes.NewReader(out)
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mdb_load: %v %s", err, o)
	}
	out2, err := exec.Command(dump, ldir).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, out2) {
		t.Fatal("dumps differ")
	}
	s1, _ := exec.Command(stat, dir).Output()
	s2, _ := exec.Command(stat, ldir).Output()
	ov := func(s []byte) string {
		for _, l := range strings.Split(string(s), "\n") {
			if strings.Contains(l, "Overflow") || strings.Contains(l, "Entries") {
				return l
			}
		}
		return ""
	}
	t.Logf("engine:\n%s\nlmdb:\n%s", s1, s2)
	bigs := func(d string) map[string]int {
		e, err := Open(d, &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		rd, _ := e.BeginRead()
		defer rd.Abort()
		c, _ := rd.OpenCursor(MainDB)
		m := map[string]int{}
		for _, _, err := c.Get(nil, nil, First); err == nil; _, _, err = c.Get(nil, nil, Next) {
			k, v, fl, _ := c.current()
			key := fmt.Sprintf("klen %d %q vlen %d", len(k), k[max(0, len(k)-4):], len(v))
			if fl&nodeBig != 0 {
				p, _ := rd.page(le.Uint64(c.stack[c.top].p[c.stack[c.top].p.ptr(c.stack[c.top].idx)+8+len(k):]))
				m[key] = p.overflowCount()
			} else {
				m[key] = 0
			}
		}
		return m
	}
	m1, m2 := bigs(dir), bigs(ldir)
	for k, v := range m1 {
		if m2[k] != v {
			t.Errorf("%s: engine %d overflow pages, LMDB %d", k, v, m2[k])
		}
	}
	if ov(s1) != ov(s2) {
		t.Fatalf("overflow pages: engine %q, LMDB %q", ov(s1), ov(s2))
	}
}

func TestOverflowReplaceSequences(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 512 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	sizes := []int{0, 10, 2029, 2030, 2031, 4080, 4081, 12000, 5000, 100000, 3, 8174, 8175, 0, 200000, 2031, 2029}
	model := map[string][]byte{}
	mk := func(k string, n, seed int) []byte {
		v := make([]byte, n)
		for i := range v {
			v[i] = byte(i*7 + seed)
		}
		return v
	}
	step := 0
	for mode := 0; mode < 4; mode++ {
		for txnSplit := 1; txnSplit <= 3; txnSplit++ {
			for i := 0; i < len(sizes); {
				err := env.Update(func(txn *Txn) error {
					c, err := txn.OpenCursor(MainDB)
					if err != nil {
						return err
					}
					for j := 0; j < txnSplit && i < len(sizes); j, i = j+1, i+1 {
						step++
						k := fmt.Sprintf("key-%d-%d", mode, txnSplit)
						v := mk(k, sizes[i], step)
						switch mode {
						case 0:
							err = txn.Put(MainDB, []byte(k), v, 0)
						case 1:
							var b []byte
							b, err = txn.PutReserve(MainDB, []byte(k), len(v), 0)
							if err == nil {
								if len(b) != len(v) {
									return fmt.Errorf("reserve %d got %d", len(v), len(b))
								}
								copy(b, v)
							}
						case 2:
							if _, _, e := c.Get([]byte(k), nil, Set); e == nil {
								err = c.Put([]byte(k), v, Current)
							} else {
								err = c.Put([]byte(k), v, 0)
							}
						case 3:
							if _, _, e := c.Get([]byte(k), nil, Set); e == nil {
								var b []byte
								b, err = c.PutReserve([]byte(k), len(v), Current)
								if err == nil {
									copy(b, v)
								}
							} else {
								err = c.Put([]byte(k), v, 0)
							}
						}
						if err != nil {
							return fmt.Errorf("mode %d size %d: %w", mode, sizes[i], err)
						}
						model[k] = v
						for mk, mv := range model {
							got, err := txn.Get(MainDB, []byte(mk))
							if err != nil || !bytes.Equal(got, mv) {
								return fmt.Errorf("step %d: %s: %d bytes %v, want %d", step, mk, len(got), err, len(mv))
							}
						}
						if err := txn.Check(); err != nil {
							return fmt.Errorf("step %d: %w", step, err)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				checkEnv(t, env, fmt.Sprint("step ", step))
			}
		}
	}
}
