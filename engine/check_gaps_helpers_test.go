package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Helpers for the Check review: build a database, damage its file, run Check.

func gapKey(i int) []byte { return []byte(fmt.Sprintf("key-%05d-%s", i, strings.Repeat("x", 180))) }

// gapDB builds a database with several named DBs of every kind (depth 3,
// overflow values, DupSort sub-pages and sub-databases, DupFixed LEAF2
// sub-pages and pages, IntegerKey), with free pages, closes it and returns
// its directory.
func gapDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 256 << 20, MaxDBs: 16, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	txn, err := env.BeginWrite()
	must(err)
	plain, err := txn.OpenDB("plain", Create)
	must(err)
	for i := 0; i < 3000; i++ {
		must(txn.Put(plain, gapKey(i), bytes.Repeat([]byte{byte(i)}, 100), 0))
	}
	big, err := txn.OpenDB("big", Create)
	must(err)
	for i := 0; i < 20; i++ {
		must(txn.Put(big, []byte(fmt.Sprintf("big-%02d", i)), bytes.Repeat([]byte{byte('A' + i)}, 3000+i*1500), 0))
		must(txn.Put(big, []byte(fmt.Sprintf("small-%02d", i)), []byte("v"), 0))
	}
	dups, err := txn.OpenDB("dups", DupSort|Create)
	must(err)
	for i := 0; i < 20; i++ {
		for j := 0; j < 3; j++ {
			must(txn.Put(dups, []byte(fmt.Sprintf("d%02d", i)), []byte(fmt.Sprintf("val-%d", j)), 0))
		}
	}
	must(txn.Put(dups, []byte("one"), []byte("only"), 0))
	for j := 0; j < 600; j++ {
		must(txn.Put(dups, []byte("zmany"), []byte(fmt.Sprintf("many-value-%05d", j)), 0))
	}
	dfix, err := txn.OpenDB("dfix", DupSort|DupFixed|IntegerDup|Create)
	must(err)
	for i := 0; i < 20; i++ {
		for j := 0; j < 4; j++ {
			must(txn.Put(dfix, []byte(fmt.Sprintf("f%02d", i)), binary.LittleEndian.AppendUint64(nil, uint64(j*1000+i)), 0))
		}
	}
	for j := 0; j < 3000; j++ {
		must(txn.Put(dfix, []byte("zmany"), binary.LittleEndian.AppendUint64(nil, uint64(j*3+1)), 0))
	}
	ints, err := txn.OpenDB("ints", IntegerKey|Create)
	must(err)
	for i := 0; i < 500; i++ {
		must(txn.Put(ints, binary.LittleEndian.AppendUint64(nil, uint64(i*i)), []byte("int"), 0))
	}
	must(txn.Commit())
	// Deletes and more puts: free pages, free DB records.
	for round := 0; round < 3; round++ {
		txn, err = env.BeginWrite()
		must(err)
		for i := round; i < 3000; i += 7 {
			must(txn.Del(plain, gapKey(i), nil))
		}
		must(txn.Del(big, []byte(fmt.Sprintf("big-%02d", round)), nil))
		must(txn.Put(dups, []byte("zmany"), []byte(fmt.Sprintf("many-value-%05d", 10000+round)), 0))
		must(txn.Commit())
	}
	must(env.Close())
	if err := gapCheck(t, dir); err != nil {
		t.Fatalf("undamaged database: %v", err)
	}
	return dir
}

// gapCheck opens dir read-only and runs Check, failing the test on a panic.
func gapCheck(t *testing.T, dir string) (err error) {
	t.Helper()
	env, err := Open(dir, &Options{ReadOnly: true, MaxDBs: 16})
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer env.Close()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Check panicked: %v", r)
		}
	}()
	return Check(env)
}

// gapFile is a data file's bytes with its current meta.
type gapFile struct {
	dir  string
	b    []byte
	ps   int
	cur  meta
	slot int
}

func gapLoad(t *testing.T, dir string) *gapFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "data.mdb"))
	if err != nil {
		t.Fatal(err)
	}
	m0, err := decodeMeta(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	ps := m0.pageSize()
	m1, err := decodeMeta(b[ps:], 1)
	if err != nil {
		t.Fatal(err)
	}
	f := &gapFile{dir: dir, b: b, ps: ps, cur: m0}
	if m1.txnid > m0.txnid {
		f.cur, f.slot = m1, 1
	}
	return f
}

func (f *gapFile) save(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(f.dir, "data.mdb"), f.b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *gapFile) page(pg uint64) page { return page(f.b[int(pg)*f.ps : int(pg+1)*f.ps]) }

// off is the file offset of byte o of page pg.
func (f *gapFile) off(pg uint64, o int) int { return int(pg)*f.ps + o }

// metaOff is the file offset of the current meta page.
func (f *gapFile) metaOff() int { return f.slot * f.ps }

// walk calls fn for every page of the tree at root, parents before children.
func (f *gapFile) walk(root uint64, fn func(pg uint64, p page, level int)) {
	var rec func(pg uint64, level int)
	rec = func(pg uint64, level int) {
		p := f.page(pg)
		fn(pg, p, level)
		if p.isBranch() {
			for i := 0; i < p.numKeys(); i++ {
				rec(p.nodeChild(p.ptr(i)), level+1)
			}
		}
	}
	if root != invalidPgno {
		rec(root, 1)
	}
}

// leafNode finds key in the tree at root and returns its leaf page and node offset.
func (f *gapFile) leafNode(t *testing.T, root uint64, key []byte) (uint64, int) {
	t.Helper()
	var rp uint64
	ro := -1
	f.walk(root, func(pg uint64, p page, level int) {
		if !p.isLeaf() || p.isLeaf2() {
			return
		}
		for i := 0; i < p.numKeys(); i++ {
			if bytes.Equal(p.nodeKey(p.ptr(i)), key) {
				rp, ro = pg, p.ptr(i)
			}
		}
	})
	if ro < 0 {
		t.Fatalf("key %q not found", key)
	}
	return rp, ro
}

// nodeData returns the file offset and size of a leaf node's value.
func (f *gapFile) nodeData(t *testing.T, root uint64, key []byte) (int, int) {
	t.Helper()
	pg, o := f.leafNode(t, root, key)
	p := f.page(pg)
	return f.off(pg, o+nodeHeaderSize+p.nodeKSize(o)), p.nodeDataSize(o)
}

// namedRecOff returns the file offset of the 48-byte record of a named DB.
func (f *gapFile) namedRecOff(t *testing.T, name string) int {
	t.Helper()
	o, _ := f.nodeData(t, f.cur.main.root, []byte(name))
	return o
}

func (f *gapFile) named(t *testing.T, name string) dbRecord {
	t.Helper()
	return decodeRecord(f.b[f.namedRecOff(t, name):])
}

// someLeaf returns a leaf page (not LEAF2) with at least 3 nodes of the tree at root.
func (f *gapFile) someLeaf(t *testing.T, root uint64) uint64 {
	t.Helper()
	var leaves []uint64
	f.walk(root, func(pg uint64, p page, level int) {
		if p.isLeaf() && !p.isLeaf2() && p.numKeys() >= 3 {
			leaves = append(leaves, pg)
		}
	})
	if len(leaves) == 0 {
		t.Fatal("no leaf")
	}
	return leaves[len(leaves)/2]
}

// subLeaf2 returns a LEAF2 page of the DupFixed sub-database of key in dfix.
func (f *gapFile) subLeaf2(t *testing.T, key string) uint64 {
	t.Helper()
	o, _ := f.nodeData(t, f.named(t, "dfix").root, []byte(key))
	var leaf uint64
	f.walk(decodeRecord(f.b[o:]).root, func(pg uint64, p page, level int) {
		if p.isLeaf2() {
			leaf = pg
		}
	})
	return leaf
}

func wantCorrupt(t *testing.T, dir string) {
	t.Helper()
	err := gapCheck(t, dir)
	if err == nil {
		t.Fatal("Check found nothing wrong in a damaged database")
	}
	t.Logf("Check: %v", err)
}
