package engine

import (
	"errors"
	"fmt"
	"slices"
)

// Check verifies the structure of the environment's current snapshot and
// returns nil or an error wrapping ErrCorrupted that lists what is wrong
// (at most 20 problems). It checks, for every tree (free DB, main DB, named
// DBs, duplicate sub-databases): page flags, page numbers and bounds, key
// order within pages and against the separators above them, uniform depth,
// branch pages with at least two children, no empty non-root pages, and that
// the stored page counters and entry counts equal what the walk finds; then
// that every page 2..last_pg is used by exactly one tree or listed free exactly
// once, and that free lists are well formed.
//
// Check reads one snapshot in a read transaction and may run while the
// environment is in use.
func Check(env *Env) error {
	txn, err := env.BeginRead()
	if err != nil {
		return err
	}
	defer txn.Abort()
	return txn.Check()
}

// Check verifies t's snapshot; see the package function Check.
//
// In a write transaction it checks the trees as the transaction has changed
// them, but not the page accounting, which holds only once Commit has filed
// the freed pages.
func (t *Txn) Check() error {
	if err := t.usable(false); err != nil {
		return err
	}
	lastPg := t.snap.meta.lastPg
	if t.w != nil {
		lastPg = t.w.nextPg - 1
	}
	// Pages past the file's end can only be free; a last page far beyond it
	// means a damaged meta, and would make the page table below huge.
	const slack = 1 << 16
	if t.w == nil && lastPg > t.maxPg+slack {
		return fmt.Errorf("%w: last page %d is far past the end of the file (%d pages)", ErrCorrupted, lastPg, t.maxPg)
	}
	ck := &checker{t: t, owner: make([]uint8, lastPg+1)}
	ck.owner[0], ck.owner[1] = ownMeta, ownMeta
	ck.checkTree("free DB", t.dbs[freeDBI].rec, dbIntegerKey, false)
	main := t.dbs[mainDBI].rec
	ck.checkTree("main DB", main, main.flags, true)
	if t.w == nil {
		ck.checkFreeLists()
		ck.checkAccounting()
		ck.checkMetaSlots()
		ck.checkPrevious()
	}
	if len(ck.problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrCorrupted, errors.Join(ck.problems...))
}

const (
	ownNone uint8 = iota
	ownMeta
	ownTree
	ownFree         // listed free under the current txnid
	ownFreeReusable // listed free under an older txnid: the next writer may reuse it
)

type checker struct {
	t        *Txn
	owner    []uint8 // per page number: who uses it
	problems []error
	named    []namedRec
	exts     []nodeExtent // nodesInBounds' buffer, reused page after page
}

// nodeExtent is where a node lies in its page.
type nodeExtent struct{ off, end int }

type namedRec struct {
	name string
	rec  dbRecord
}

const maxProblems = 20

func (ck *checker) fail(format string, args ...any) {
	if len(ck.problems) < maxProblems {
		ck.problems = append(ck.problems, fmt.Errorf(format, args...))
	}
}

func (ck *checker) claim(pgno uint64, n int, who uint8, tree string) bool {
	for i := uint64(0); i < uint64(n); i++ {
		pg := pgno + i
		if pg >= uint64(len(ck.owner)) {
			ck.fail("%s: page %d beyond last page %d", tree, pg, len(ck.owner)-1)
			return false
		}
		if ck.owner[pg] != ownNone {
			ck.fail("%s: page %d is used twice", tree, pg)
			return false
		}
		ck.owner[pg] = who
	}
	return true
}

// treeCount is what a walk finds in one tree.
type treeCount struct {
	branch, leaf, overflow, entries uint64
}

// checkTree walks one tree and compares its record. isMain collects named
// databases, which are walked afterwards.
func (ck *checker) checkTree(name string, rec dbRecord, flags uint16, isMain bool) {
	if rec.root == invalidPgno {
		if rec.depth != 0 || rec.branch+rec.leaf+rec.overflow+rec.entries != 0 {
			ck.fail("%s: empty tree with non-zero counters", name)
		}
		return
	}
	if rec.depth == 0 || rec.depth > maxDepth {
		ck.fail("%s: depth %d with root %d", name, rec.depth, rec.root)
		return
	}
	if name != "free DB" && !dbFlagsOK(flags) {
		ck.fail("%s: invalid database flags %#x", name, flags)
	}
	info := dbInfo{flags: flags}
	info.cmp, info.dcmp = comparators(flags)
	if name == "free DB" {
		info.cmp = orderInteger // 8-byte txnids
	}
	var cnt treeCount
	w := treeWalk{ck: ck, name: name, info: &info, depth: int(rec.depth), isMain: isMain, cnt: &cnt,
		isFree: name == "free DB"}
	w.page(rec.root, 1, nil, nil)
	if cnt != (treeCount{rec.branch, rec.leaf, rec.overflow, rec.entries}) {
		ck.fail("%s: record says %d branch, %d leaf, %d overflow pages, %d entries; tree has %d, %d, %d, %d",
			name, rec.branch, rec.leaf, rec.overflow, rec.entries, cnt.branch, cnt.leaf, cnt.overflow, cnt.entries)
	}
	if isMain {
		named := ck.named
		ck.named = nil
		for _, n := range named {
			ck.checkTree(fmt.Sprintf("database %q", n.name), ck.currentRecord(n), n.rec.flags, false)
		}
	}
}

type treeWalk struct {
	ck     *checker
	name   string
	info   *dbInfo
	depth  int
	isMain bool
	isFree bool
	dupOf  []byte // set when walking a duplicate sub-database
	cnt    *treeCount
	// leaf2Size is a DupFixed sub-database's item size (its record's pad).
	leaf2Size int
}

// dbFlagsOK reports whether flags are a valid set of persistent DB flags:
// only the six defined bits, and the duplicate flags only with DupSort.
func dbFlagsOK(flags uint16) bool {
	if flags&^dbPersistentMask != 0 {
		return false
	}
	return flags&dbDupSort != 0 || flags&(dbDupFixed|dbIntegerDup|dbReverseDup) == 0
}

// badKeySize describes what is wrong with the size of a key (or duplicate
// value, dup true) by the limits of format spec section 10, which the engine
// enforces on writes; "" if nothing.
func badKeySize(k []byte, cmp keyOrder, dup bool) string {
	switch {
	case !dup && (len(k) == 0 || len(k) > MaxKeySize):
		return fmt.Sprintf("key of %d bytes", len(k))
	case dup && len(k) > MaxKeySize:
		return fmt.Sprintf("duplicate value of %d bytes", len(k))
	case cmp == orderInteger && len(k) != 4 && len(k) != 8:
		return fmt.Sprintf("integer key of %d bytes", len(k))
	}
	return ""
}

// page checks page pgno at the given level; every key must lie in [lo, hi).
func (w *treeWalk) page(pgno uint64, level int, lo, hi []byte) {
	ck := w.ck
	if !ck.claim(pgno, 1, ownTree, w.name) {
		return
	}
	p, err := ck.t.treePage(pgno)
	if err != nil {
		ck.fail("%s: %v", w.name, err)
		return
	}
	n := p.numKeys()
	leaf := p.isLeaf()
	switch {
	case leaf && level != w.depth:
		ck.fail("%s: leaf page %d at level %d of %d", w.name, pgno, level, w.depth)
		return
	case !leaf && level >= w.depth:
		ck.fail("%s: branch page %d at level %d of %d", w.name, pgno, level, w.depth)
		return
	case leaf && n == 0 && (level > 1 || ck.t.w == nil):
		// An empty tree has root P_INVALID; only a write transaction may
		// hold an empty root for a while.
		ck.fail("%s: empty leaf page %d", w.name, pgno)
	case !leaf && n < 2 && !w.isFree:
		ck.fail("%s: branch page %d has %d children", w.name, pgno, n)
	}
	// DIRTY is an in-memory mark (format spec 3): LMDB would take a page
	// carrying it for its own and change it in place.
	if p.isLeaf2() != (leaf && w.dupOf != nil && w.info.flags&dbDupFixed != 0) || p.flags()&pageDirty != 0 {
		ck.fail("%s: page %d has flags %#x", w.name, pgno, p.flags())
		return
	}
	// (A LEAF2 page's upper - lower is its free room: treePage checked it.)
	if p.isLeaf2() && w.leaf2Size != 0 && int(p.pad()) != w.leaf2Size {
		ck.fail("%s: LEAF2 page %d has items of %d bytes, its record says %d", w.name, pgno, p.pad(), w.leaf2Size)
		return
	}
	if !p.isLeaf2() && !ck.nodesInBounds(p, w.name) {
		return
	}
	cmp := w.info.cmp
	if w.dupOf != nil {
		cmp = w.info.dcmp
	}
	var prev []byte
	for i := 0; i < n; i++ {
		k, _ := keyChecked(p, i)
		if !leaf && i == 0 {
			if len(k) != 0 {
				ck.fail("%s: branch page %d first key is not empty", w.name, pgno)
			}
			k = lo
		} else {
			if prev != nil && cmp.compare(prev, k) >= 0 {
				ck.fail("%s: page %d keys %d and %d out of order", w.name, pgno, i-1, i)
			}
			if lo != nil && cmp.compare(k, lo) < 0 || hi != nil && cmp.compare(k, hi) >= 0 {
				ck.fail("%s: page %d key %d outside its parent's separators", w.name, pgno, i)
			}
			if msg := badKeySize(k, cmp, w.dupOf != nil); msg != "" {
				ck.fail("%s: page %d key %d: %s", w.name, pgno, i, msg)
			}
		}
		prev = k
		if leaf {
			w.leafNode(p, i, k)
			continue
		}
		var next []byte
		if i+1 < n {
			next, _ = keyChecked(p, i+1)
		} else {
			next = hi
		}
		w.page(p.nodeChild(p.ptr(i)), level+1, k, next)
	}
	if leaf {
		w.cnt.leaf++
	} else {
		w.cnt.branch++
	}
}

// nodesInBounds checks every node's extent and that nodes do not overlap.
func (ck *checker) nodesInBounds(p page, tree string) bool {
	n := p.numKeys()
	ck.exts = ck.exts[:0]
	for i := 0; i < n; i++ {
		off, err := nodeOff(p, i)
		if err != nil {
			ck.fail("%s: %v", tree, err)
			return false
		}
		end := off + nodeHeaderSize + p.nodeKSize(off)
		if p.isLeaf() {
			if p.nodeFlags(off)&nodeBig != 0 {
				end += 8
			} else {
				end += p.nodeDataSize(off)
			}
		}
		if end > len(p) || off&1 != 0 {
			ck.fail("%s: page %d node %d extends past the page", tree, p.pgno(), i)
			return false
		}
		ck.exts = append(ck.exts, nodeExtent{off, end})
	}
	exts := ck.exts
	slices.SortFunc(exts, func(a, b nodeExtent) int { return a.off - b.off })
	for i := 1; i < len(exts); i++ {
		if exts[i].off < exts[i-1].end {
			ck.fail("%s: page %d nodes at offsets %d and %d overlap", tree, p.pgno(), exts[i-1].off, exts[i].off)
			return false
		}
	}
	return true
}

// leafNode checks one leaf node's value: overflow runs, named DB records,
// duplicates.
func (w *treeWalk) leafNode(p page, i int, key []byte) {
	ck := w.ck
	if p.isLeaf2() {
		w.cnt.entries++
		return
	}
	off := p.ptr(i)
	fl := p.nodeFlags(off)
	data := off + nodeHeaderSize + p.nodeKSize(off)
	size := p.nodeDataSize(off)
	switch {
	case w.dupOf != nil:
		if fl != 0 || size != 0 {
			ck.fail("%s: duplicate node with flags %#x size %d", w.name, fl, size)
		}
		w.cnt.entries++
	case fl == 0:
		if w.info.flags&dbDupSort != 0 {
			if msg := badKeySize(p[data:data+size], w.info.dcmp, true); msg != "" {
				ck.fail("%s: page %d node %d: %s", w.name, p.pgno(), i, msg)
			}
		}
		w.cnt.entries++
	case fl == nodeBig:
		run := le.Uint64(p[data:])
		if w.info.flags&dbDupSort != 0 {
			ck.fail("%s: page %d node %d: overflow value in a DupSort database", w.name, p.pgno(), i)
		}
		first, err := ck.t.page(run)
		if err != nil || first.flags() != pageOverflow || first.pgno() != run {
			ck.fail("%s: bad overflow run at page %d", w.name, run)
			return
		}
		np := first.overflowCount()
		if np < overflowPages(size, len(p)) && np < 1 || pageHeaderSize+size > np*len(p) {
			ck.fail("%s: overflow run %d of %d pages holds %d bytes", w.name, run, np, size)
		}
		if ck.t.w == nil && run+uint64(np) > ck.t.maxPg {
			ck.fail("%s: overflow run %d of %d pages passes the end of the file (%d pages)", w.name, run, np, ck.t.maxPg)
		}
		ck.claim(run, np, ownTree, w.name)
		w.cnt.overflow += uint64(np)
		w.cnt.entries++
	case fl == nodeSubData && w.isMain:
		if w.info.flags&(dbDupSort|dbIntegerKey) != 0 {
			ck.fail("%s: named database %q in a DupSort or IntegerKey main DB", w.name, key)
		}
		if size != dbRecordSize {
			ck.fail("%s: named database %q record of %d bytes", w.name, key, size)
			return
		}
		ck.named = append(ck.named, namedRec{string(key), decodeRecord(p[data:])})
		w.cnt.entries++
	case fl&nodeDupData != 0 && w.info.flags&dbDupSort != 0:
		v, err := inlineData(p, off)
		if err != nil {
			ck.fail("%s: %v", w.name, err)
			return
		}
		w.cnt.entries += ck.checkDups(w, v, fl, key)
	default:
		ck.fail("%s: page %d node %d has flags %#x", w.name, p.pgno(), i, fl)
	}
}

// checkDups checks the values of one DupSort key and returns how many there are.
func (ck *checker) checkDups(w *treeWalk, v []byte, fl uint16, key []byte) uint64 {
	name := fmt.Sprintf("%s key %x", w.name, key)
	if fl&nodeSubData != 0 {
		if len(v) != dbRecordSize {
			ck.fail("%s: sub-database record of %d bytes", name, len(v))
			return 0
		}
		rec := decodeRecord(v)
		var cnt treeCount
		sub := treeWalk{ck: ck, name: name, info: w.info, depth: int(rec.depth), dupOf: key, cnt: &cnt}
		if rec.root == invalidPgno || rec.depth == 0 {
			ck.fail("%s: empty duplicate sub-database", name)
			return 0
		}
		// Format spec 5 and 8.3: DupFixed parents give their sub-databases
		// flags DupFixed (|IntegerKey with IntegerDup) and pad = item size,
		// which LMDB reads LEAF2 items with.
		if w.info.flags&dbDupFixed != 0 {
			if rec.pad == 0 || rec.pad > MaxKeySize {
				ck.fail("%s: DupFixed sub-database record with item size %d", name, rec.pad)
				return 0
			}
			sub.leaf2Size = int(rec.pad)
		}
		if wantFlags := subDBFlags(w.info.flags); rec.flags != wantFlags {
			ck.fail("%s: sub-database record flags %#x, want %#x", name, rec.flags, wantFlags)
		}
		sub.page(rec.root, 1, nil, nil)
		if cnt != (treeCount{rec.branch, rec.leaf, rec.overflow, rec.entries}) {
			ck.fail("%s: sub-database record disagrees with its tree", name)
		}
		return cnt.entries
	}
	sp := page(v)
	if !sp.subPageOK() {
		ck.fail("%s: bad sub-page", name)
		return 0
	}
	// Format spec 8.2: 0x52, or 0x72 in a DupFixed database; the DIRTY bit
	// is mandatory.
	wantFlags := uint16(pageLeaf | pageDirty | pageSubP)
	if w.info.flags&dbDupFixed != 0 {
		wantFlags |= pageLeaf2
	}
	if sp.flags() != wantFlags {
		ck.fail("%s: sub-page flags %#x, want %#x", name, sp.flags(), wantFlags)
		return 0
	}
	n := sp.numKeys()
	if !sp.isLeaf2() && !ck.nodesInBounds(sp, name) {
		return 0
	}
	var prev []byte
	for i := 0; i < n; i++ {
		k, err := keyChecked(sp, i)
		if err != nil {
			ck.fail("%s: %v", name, err)
			return 0
		}
		if prev != nil && w.info.dcmp.compare(prev, k) >= 0 {
			ck.fail("%s: sub-page values %d and %d out of order", name, i-1, i)
		}
		if !sp.isLeaf2() {
			if off := sp.ptr(i); sp.nodeFlags(off) != 0 || sp.nodeDataSize(off) != 0 {
				ck.fail("%s: sub-page value %d has node flags %#x, data size %d", name, i, sp.nodeFlags(off), sp.nodeDataSize(off))
			}
		}
		if msg := badKeySize(k, w.info.dcmp, true); msg != "" {
			ck.fail("%s: sub-page value %d: %s", name, i, msg)
		}
		prev = k
	}
	return uint64(n)
}

// checkFreeLists marks every page listed in the free DB.
func (ck *checker) checkFreeLists() {
	t := ck.t
	c := t.newCursor(freeDBI)
	k, v, _, err := c.move(First)
	for err == nil {
		if len(k) != 8 {
			ck.fail("free DB: key of %d bytes", len(k))
		} else if id := le.Uint64(k); id == 0 || id > t.snap.meta.txnid {
			ck.fail("free DB: record for transaction %d (last is %d)", id, t.snap.meta.txnid)
		}
		pages, derr := decodeFreeList(v, uint64(len(ck.owner)))
		if derr != nil {
			ck.fail("free DB record %x: %v", k, derr)
		}
		// The next writer reuses records below the current txnid (format spec 12.3).
		who := ownFree
		if len(k) == 8 && le.Uint64(k) < t.snap.meta.txnid {
			who = ownFreeReusable
		}
		for _, pg := range pages {
			if ck.owner[pg] != ownNone {
				ck.fail("free DB: page %d is listed free but is in use or listed twice", pg)
			} else {
				ck.owner[pg] = who
			}
		}
		k, v, _, err = c.move(Next)
	}
	if err != ErrNotFound {
		ck.fail("free DB: %v", err)
	}
}

// checkAccounting reports pages neither used nor free (leaks).
func (ck *checker) checkAccounting() {
	leaked := 0
	for pg, o := range ck.owner {
		if o == ownNone {
			if leaked < 5 {
				ck.fail("page %d is neither used nor free", pg)
			}
			leaked++
		}
	}
	if leaked >= 5 {
		ck.fail("%d pages are neither used nor free", leaked)
	}
}

// currentRecord is a named database's record as t sees it: a write
// transaction's changes are in its DB views until Commit stores them.
func (ck *checker) currentRecord(n namedRec) dbRecord {
	for i := 2; i < len(ck.t.dbs); i++ {
		if db := &ck.t.dbs[i]; db.loaded && db.info.name == n.name {
			return db.rec
		}
	}
	return n.rec
}

// checkMetaSlots checks format spec 4.2 rule 4: the meta holding txnid T is
// page T % 2 (LMDB selects the meta page from the txnid alone), and the two
// metas never tie.
func (ck *checker) checkMetaSlots() {
	t := ck.t
	T := t.snap.meta.txnid
	if T == 0 {
		return
	}
	other := 1 - T%2
	if m, err := t.env.metaOnDisk(other); err == nil && m.txnid == T {
		ck.fail("meta page %d holds transaction %d, which belongs in meta page %d", other, T, T%2)
	}
}

// checkPrevious checks that the snapshot of the other meta page, when it is
// the previous transaction's, stays intact until the next commit: each of its
// pages is in use or listed free under the current txnid, never in a record
// the next writer may reuse (format spec 12.3). A torn or unsynced current
// meta falls back to that snapshot.
func (ck *checker) checkPrevious() {
	t := ck.t
	T := t.snap.meta.txnid
	if T < 2 {
		return
	}
	prev := t.env.olderMetaOnDisk(t.snap.meta)
	if prev.txnid != T-1 {
		return
	}
	pw := prevWalk{ck: ck, seen: make([]bool, len(ck.owner))}
	pw.tree(prev.free.root, false)
	pw.tree(prev.main.root, true)
	if t.env.olderMetaOnDisk(t.snap.meta) != prev {
		return // a later commit rewrote the slot meanwhile
	}
	for i, pg := range pw.reusable {
		if i == 5 {
			ck.fail("%d pages of the previous snapshot (transaction %d) may be reused by the next writer", len(pw.reusable), prev.txnid)
			break
		}
		ck.fail("page %d of the previous snapshot (transaction %d) is listed free under a transaction before %d", pg, prev.txnid, T)
	}
}

// prevWalk collects the pages of a snapshot's trees without judging them;
// unreadable pages end the walk of their subtree.
type prevWalk struct {
	ck       *checker
	seen     []bool
	reusable []uint64
}

func (pw *prevWalk) use(pg uint64) bool {
	if pg >= uint64(len(pw.seen)) || pw.seen[pg] {
		return false
	}
	pw.seen[pg] = true
	if pw.ck.owner[pg] == ownFreeReusable {
		pw.reusable = append(pw.reusable, pg)
	}
	return true
}

func (pw *prevWalk) tree(root uint64, isMain bool) {
	if root != invalidPgno {
		pw.page(root, 0, isMain)
	}
}

// page collects page pgno and what it leads to: children, overflow runs,
// named databases (isMain) and duplicate sub-databases.
func (pw *prevWalk) page(pgno uint64, level int, isMain bool) {
	t := pw.ck.t
	if level >= maxDepth || !pw.use(pgno) {
		return
	}
	p, err := t.treePage(pgno)
	if err != nil || p.isLeaf2() {
		return
	}
	for i := 0; i < p.numKeys(); i++ {
		off, err := nodeOff(p, i)
		if err != nil {
			return
		}
		if !p.isLeaf() {
			pw.page(p.nodeChild(off), level+1, isMain)
			continue
		}
		fl := p.nodeFlags(off)
		data := off + nodeHeaderSize + p.nodeKSize(off)
		switch {
		case fl == nodeBig && data+8 <= len(p):
			run := le.Uint64(p[data:])
			first, err := t.page(run)
			if err != nil || first.flags() != pageOverflow {
				continue
			}
			for j := uint64(0); j < uint64(first.overflowCount()) && pw.use(run+j); j++ {
			}
		case fl&nodeSubData != 0 && data+dbRecordSize <= len(p) && (isMain || fl&nodeDupData != 0):
			pw.tree(decodeRecord(p[data:]).root, false)
		}
	}
}
