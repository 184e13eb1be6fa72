package engine

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A LEAF2 page whose upper claims free room it has not (format spec 8.5:
// upper - lower = free bytes). The engine's next insert into the page panics.
func TestCheck_finds_leaf2PageUpper(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		lp := f.page(f.subLeaf2(t, "zmany"))
		lp.setUpper(lp.upper() + 2000)
	})
}

// Writes refuse such a page with ErrCorrupted: they trust upper - lower as
// the free room (an insert used to panic, slicing past the page).
func TestPut_damagedLeaf2UpperIsCorrupted(t *testing.T) {
	dir := gapDB(t)
	f := gapLoad(t, dir)
	lp := f.page(f.subLeaf2(t, "zmany"))
	lp.setUpper(lp.upper() + 2000)
	f.save(t)
	env, err := Open(dir, &Options{MaxDBs: 16, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	err = env.Update(func(txn *Txn) error {
		dbi, err := txn.OpenDB("dfix", 0)
		if err != nil {
			return err
		}
		for j := range 200 {
			if err := txn.Put(dbi, []byte("zmany"), binary.LittleEndian.AppendUint64(nil, uint64(9000+j*3+2)), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, ErrCorrupted) {
		t.Fatalf("puts into a LEAF2 page with a damaged upper: %v, want ErrCorrupted", err)
	}
}

// The same in a LEAF2 sub-page (full: upper == lower).
func TestCheck_finds_leaf2SubPageUpper(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		o, n := f.nodeData(t, f.named(t, "dfix").root, []byte("f05"))
		sp := page(f.b[o : o+n])
		sp.setUpper(sp.upper() + 16)
	})
}

// Two nodes of a leaf overlap: the lowest node's value grows over the
// header of the node stored after it. Both stay inside the page.
func TestCheck_finds_overlappingNodes(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		pg := f.someLeaf(t, f.named(t, "plain").root)
		p := f.page(pg)
		offs := make([]int, p.numKeys())
		for i := range offs {
			offs[i] = p.ptr(i)
		}
		lowest := slices.Min(offs) // == upper; another node follows it
		le.PutUint16(p[lowest:], uint16(p.nodeDataSize(lowest)+8))
	})
}

// A tree page carrying the in-memory DIRTY flag (0x12). LMDB then edits
// the committed page in place (mdb_load segfaults on it).
func TestCheck_finds_dirtyFlagOnTreePage(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		f.page(f.someLeaf(t, f.named(t, "plain").root)).setFlags(pageLeaf | pageDirty)
	})
}

// A DupSort database holding overflow (F_BIGDATA) values: the record of
// "big" flipped to DupSort. LMDB segfaults adding a value to such a key.
func TestCheck_finds_overflowValueInDupSortDB(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		le.PutUint16(f.b[f.namedRecOff(t, "big")+4:], dbDupSort)
	})
}

// A named DB record with impossible flags (DupFixed without DupSort).
func TestCheck_finds_invalidNamedDBFlags(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		le.PutUint16(f.b[f.namedRecOff(t, "plain")+4:], dbDupFixed)
	})
}

// The main DB marked DupSort while it holds named databases (format spec 9).
func TestCheck_finds_dupSortMainWithNamedDBs(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		le.PutUint16(f.b[f.metaOff()+88+4:], dbDupSort)
	})
}

// A sub-page without the mandatory DIRTY bit (0x42 instead of 0x52).
func TestCheck_finds_subPageWithoutDirtyBit(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		o, _ := f.nodeData(t, f.named(t, "dups").root, []byte("d05"))
		le.PutUint16(f.b[o+10:], pageLeaf|pageSubP)
	})
}

// A well-formed LEAF2 sub-page (0x72) in a DupSort database that is not
// DupFixed. LMDB reads its values as empty; an engine put then leaves the
// values out of order.
func TestCheck_finds_leaf2SubPageInNonDupFixedDB(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		o, size := f.nodeData(t, f.named(t, "dups").root, []byte("d05"))
		b := f.b[o : o+size]
		clear(b)
		s := page(b)
		s.setPad(5)
		s.setFlags(pageLeaf | pageLeaf2 | pageDirty | pageSubP)
		s.setLower(pageHeaderSize + 2*3)
		s.setUpper(pageHeaderSize + 2*3 + size - pageHeaderSize - 3*5)
		copy(b[pageHeaderSize:], "val-0val-1val-2") // the same three values
	})
}

// A DupFixed sub-database record whose pad (item size) disagrees with its
// LEAF2 pages. LMDB takes the item size from the record (mdb_dump prints
// 4-byte values).
func TestCheck_finds_subDBRecordPad(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		o, _ := f.nodeData(t, f.named(t, "dfix").root, []byte("zmany"))
		le.PutUint32(f.b[o:], 4)
	})
}

// The newest meta is not in slot txnid%2: the engine reads txn 4, LMDB
// (which picks the slot from the txnid) reads txn 3.
func TestCheck_finds_metaInWrongSlot(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		a, b := f.b[16:metaBodyEnd], f.b[f.ps+16:f.ps+metaBodyEnd]
		tmp := slices.Clone(a)
		copy(a, b)
		copy(b, tmp)
	})
}

// A truncated data file: the tail of the last overflow run is gone.
// Get fails with ErrCorrupted, so must Check.
func TestCheck_finds_overflowRunPastEndOfFile(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 16 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	txn, _ := env.BeginWrite()
	if err := txn.Put(MainDB, []byte("big"), make([]byte, 40000), 0); err != nil {
		t.Fatal(err)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	env.Close()
	f := gapLoad(t, dir)
	if err := os.Truncate(filepath.Join(dir, "data.mdb"), int64(len(f.b)-f.ps)); err != nil {
		t.Fatal(err)
	}
	wantCorrupt(t, dir)
}

// Free records re-keyed below the current txnid: the previous snapshot's
// pages (freed by the current txn, filed under its txnid) become reusable by
// the next writer, so the fallback meta no longer protects anything.
func TestCheck_finds_previousSnapshotPagesReusable(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		p := f.page(f.cur.free.root) // one leaf: keys 3 and 4 (txnid 4)
		for i := 0; i < p.numKeys(); i++ {
			le.PutUint64(p.nodeKey(p.ptr(i)), uint64(i+1))
		}
	})
}

// A named database whose root is an empty leaf (an empty tree has root
// P_INVALID; LMDB's mdb_dump still prints the stale node 0).
func TestCheck_finds_emptyRootLeaf(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 16 << 20, MaxDBs: 4, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	txn, _ := env.BeginWrite()
	dbi, _ := txn.OpenDB("e", Create)
	txn.Put(dbi, []byte("only"), []byte("v"), 0)
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	env.Close()
	f := gapLoad(t, dir)
	f.page(f.named(t, "e").root).setLower(pageHeaderSize) // no nodes
	le.PutUint64(f.b[f.namedRecOff(t, "e")+32:], 0)       // entries 0
	f.save(t)
	wantCorrupt(t, dir)
}

// A node of a (non-LEAF2) sub-page with node flags: dup nodes must have
// flags 0 and data size 0, as Check already demands in sub-database leaves.
func TestCheck_finds_subPageNodeFlags(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		o, n := f.nodeData(t, f.named(t, "dups").root, []byte("d05"))
		sp := page(f.b[o : o+n])
		le.PutUint16(sp[sp.ptr(0)+4:], nodeSubData)
	})
}

// An IntegerKey key of 9 bytes (same node size: key +1, value -1).
func TestCheck_finds_integerKeySize(t *testing.T) {
	damageFinds(t, func(f *gapFile) {
		pg, o := f.leafNode(t, f.named(t, "ints").root, binary.LittleEndian.AppendUint64(nil, 499*499))
		p := f.page(pg)
		le.PutUint16(p[o+6:], uint16(p.nodeKSize(o)+1))
		le.PutUint16(p[o:], uint16(p.nodeDataSize(o)-1))
	})
}

// damageFinds damages the test database with damage and requires Check to
// report it.
func damageFinds(t *testing.T, damage func(f *gapFile)) {
	t.Helper()
	dir := gapDB(t)
	f := gapLoad(t, dir)
	damage(f)
	f.save(t)
	wantCorrupt(t, dir)
}
