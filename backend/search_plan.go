package backend

import (
	"cmp"
	"errors"
	"slices"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/schema"
)

// planner turns a filter into candidate IDs through the indices. Every
// result is a superset of the matching entries (they are re-tested), so
// anything the indices cannot answer becomes "all".
type planner struct {
	b       *Backend
	txn     *engine.Txn
	root    bool // userPassword terms may use an index
	cursors map[engine.DBI]*engine.Cursor
	bufs    []*[]uint64
	keys    index.Keys
	kbuf    []byte
	bld     index.Builder
}

func (p *planner) close() {
	for _, c := range p.cursors {
		c.Close()
	}
	clear(p.cursors)
	for _, b := range p.bufs {
		index.PutBuffer(b)
	}
	p.bufs = p.bufs[:0]
}

// reset forgets the request, keeping the buffers (after close).
func (p *planner) reset() {
	p.b, p.txn, p.root = nil, nil, false
	p.keys.Reset()
	p.kbuf = p.kbuf[:0]
}

func (p *planner) buffer() []uint64 {
	b := index.GetBuffer()
	p.bufs = append(p.bufs, b)
	return (*b)[:0]
}

// candidates returns the candidate list of f, or all=true when the
// indices cannot narrow it down. n is f compiled (the search's Matcher):
// its leaves hold the assertions already resolved and normalized.
func (p *planner) candidates(f *schema.Filter, n *schema.MatchNode) (l index.List, all bool, err error) {
	switch f.Op {
	case schema.FilterAnd:
		return p.and(f, n)
	case schema.FilterOr:
		acc := index.FromSorted(nil)
		for i, c := range f.Children {
			cl, call, err := p.candidates(c, n.Child(i))
			if err != nil || call {
				return index.List{}, call, err
			}
			acc = index.Union(p.buffer(), acc, cl, 0)
		}
		return acc, false, nil
	case schema.FilterNot:
		return index.List{}, true, nil
	}
	return p.leaf(f, n.Assertion())
}

// leaf plans one assertion (a: f resolved, nil when it cannot be).
func (p *planner) leaf(f *schema.Filter, a *schema.Assertion) (index.List, bool, error) {
	if a == nil {
		// Undefined (or FALSE for presence of an unknown type): no entry
		// can make this term TRUE.
		return index.FromSorted(nil), false, nil
	}
	d, kinds := p.usableIndex(a)
	if d == nil {
		return index.List{}, true, nil
	}
	if key := oneKey(p.kbuf[:0], d, kinds, f, a); key != nil {
		p.kbuf = key
		return p.read(d, key)
	}
	p.keys.Reset()
	switch {
	case f.Op == schema.FilterSubstrings && kinds&index.Substring != 0 && a.Rule == d.typ.Substr:
		d.keyer.SubstringKeys(&p.keys, kinds, a.Initial, a.Any, a.Final)
	case f.Op == schema.FilterApprox && kinds&index.Approx != 0 && a.Rule == d.typ.Approx:
		d.keyer.ApproxKeys(&p.keys, a.Value)
	}
	if p.keys.Len() == 0 {
		return index.List{}, true, nil
	}
	lists := make([]index.List, 0, p.keys.Len())
	for i := 0; i < p.keys.Len(); i++ {
		l, _, err := p.read(d, p.keys.Key(i))
		if err != nil {
			return index.List{}, false, err
		}
		if l.IsEmpty() {
			return l, false, nil
		}
		lists = append(lists, l)
	}
	return index.IntersectAll(p.buffer(), lists, 8), false, nil
}

// byteEquality reports whether rule matches by comparing normalized bytes,
// which is what an equality key can stand for.
func byteEquality(rule *schema.MatchingRule) bool {
	switch rule.Name() {
	case "wordMatch", "keywordMatch", "dnSubtreeMatch", "dnOneLevelMatch", "dnSubordinateMatch", "dnSuperiorMatch",
		"integerBitAndMatch", "integerBitOrMatch":
		return false
	}
	return true
}

// cursor returns the planner's cursor on index d.
func (p *planner) cursor(d *indexDef) (*engine.Cursor, error) {
	c := p.cursors[d.dbi]
	if c == nil {
		var err error
		if c, err = p.txn.OpenCursor(d.dbi); err != nil {
			return nil, err
		}
		if p.cursors == nil {
			p.cursors = map[engine.DBI]*engine.Cursor{}
		}
		p.cursors[d.dbi] = c
	}
	return c, nil
}

// count returns how many IDs key holds in d (0: none), in O(1), and
// leaves the cursor of d on the key when there are any.
func (p *planner) count(d *indexDef, key []byte) (uint64, error) {
	c, err := p.cursor(d)
	if err != nil {
		return 0, err
	}
	if _, _, err := c.Get(key, nil, engine.Set); err != nil {
		if errors.Is(err, engine.ErrNotFound) {
			return 0, nil
		}
		return 0, err
	}
	return c.Count()
}

// read returns the IDs stored under key in d, a page of IDs at a time. A
// key holding more than index.DefaultMaxIDs IDs is not read: its first
// and last ID make a range (a candidate superset, as the Builder would
// have made after reading them all).
func (p *planner) read(d *indexDef, key []byte) (index.List, bool, error) {
	cnt, err := p.count(d, key)
	if err != nil || cnt == 0 {
		return index.FromSorted(nil), false, err
	}
	l, err := p.readCounted(d, cnt)
	return l, false, err
}

// readCounted is read once count has found cnt > 0 IDs (d's cursor is on
// the key).
func (p *planner) readCounted(d *indexDef, cnt uint64) (index.List, error) {
	c := p.cursors[d.dbi]
	if cnt > index.DefaultMaxIDs {
		_, lo, err := c.Get(nil, nil, engine.FirstDup)
		if err != nil {
			return index.List{}, err
		}
		_, hi, err := c.Get(nil, nil, engine.LastDup)
		if err != nil {
			return index.List{}, err
		}
		return index.Range(index.NativeEndian.ID(lo), index.NativeEndian.ID(hi)), nil
	}
	p.bld.Reset(p.buffer(), 0)
	_, v, err := c.Get(nil, nil, engine.GetMultiple)
	for err == nil {
		if err := p.bld.AddEncoded(v, index.NativeEndian); err != nil {
			return index.List{}, err
		}
		_, v, err = c.Get(nil, nil, engine.NextMultiple)
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return index.List{}, err
	}
	return p.bld.List(), nil
}

// probeFactor: in an AND, a key holding more than probeFactor times as
// many IDs as the candidates found so far is not read; each candidate is
// looked up in it instead (one seek each).
const probeFactor = 16

// and plans a conjunction by cardinality (shared/docs/backend-design.md
// §10.3.1): the terms that are one index key (presence, equality) are
// counted first, in O(1) each, and read smallest first; a key much larger
// than the candidates found so far is probed for each of them instead of
// read, so a selective term ANDed with a huge one, (&(objectClass=person)
// (uid=x)), costs O(result), not O(IDs of the huge key).
func (p *planner) and(f *schema.Filter, n *schema.MatchNode) (index.List, bool, error) {
	type keyTerm struct {
		d   *indexDef
		key []byte
		n   uint64
	}
	var keys []keyTerm
	var lists []index.List
	for i, c := range f.Children {
		if d, key := p.singleKey(nil, c, n.Child(i).Assertion()); d != nil {
			cnt, err := p.count(d, key)
			if err != nil || cnt == 0 {
				return index.FromSorted(nil), false, err
			}
			keys = append(keys, keyTerm{d, key, cnt})
			continue
		}
		cl, call, err := p.candidates(c, n.Child(i))
		if err != nil {
			return index.List{}, false, err
		}
		if call {
			continue
		}
		if cl.IsEmpty() {
			return cl, false, nil
		}
		lists = append(lists, cl)
	}
	slices.SortFunc(keys, func(a, b keyTerm) int { return cmp.Compare(a.n, b.n) })
	have := len(lists) > 0
	var cur index.List
	if have {
		cur = index.IntersectAll(p.buffer(), lists, 8)
	}
	for _, k := range keys {
		switch {
		case have && cur.IsEmpty():
			return cur, false, nil
		case have && !cur.IsRange() && k.n > probeFactor*uint64(len(cur.IDs())):
			l, err := p.probe(k.d, k.key, cur.IDs())
			if err != nil {
				return index.List{}, false, err
			}
			cur = l
		default:
			l, _, err := p.read(k.d, k.key)
			if err != nil {
				return index.List{}, false, err
			}
			if have {
				l = index.Intersect(p.buffer(), cur, l)
			}
			cur, have = l, true
		}
	}
	if !have {
		return index.List{}, true, nil
	}
	return cur, false, nil
}

// singleKey returns the index and the key (appended to dst) of a term one
// index key answers exactly as read would (presence, byte equality), or nil.
func (p *planner) singleKey(dst []byte, f *schema.Filter, a *schema.Assertion) (*indexDef, []byte) {
	if a == nil || (f.Op != schema.FilterPresent && f.Op != schema.FilterEquality) {
		return nil, nil
	}
	d, kinds := p.usableIndex(a)
	if d == nil {
		return nil, nil
	}
	if key := oneKey(dst, d, kinds, f, a); key != nil {
		return d, key
	}
	return nil, nil
}

// usableIndex returns the index that may answer a and its kinds usable in
// this snapshot; nil for an undefined type, a password the session may
// not search by, or a type without index.
func (p *planner) usableIndex(a *schema.Assertion) (*indexDef, index.Kinds) {
	if a.Type == nil || (!p.root && p.b.pwAttr != nil && a.Type.IsSubtypeOf(p.b.pwAttr)) {
		return nil, 0
	}
	d := p.b.ixByTyp[a.Type]
	if d == nil {
		return nil, 0
	}
	return d, d.usable(p.txn)
}

// oneKey appends to dst the one key of d (usable kinds) that answers f
// exactly: presence, or equality under the type's own byte-comparing
// rule. nil when f needs other keys or none.
func oneKey(dst []byte, d *indexDef, kinds index.Kinds, f *schema.Filter, a *schema.Assertion) []byte {
	switch {
	case f.Op == schema.FilterPresent && kinds&index.Presence != 0:
		return d.keyer.AppendPresence(dst)
	case f.Op == schema.FilterEquality && kinds&index.Equality != 0 && a.Rule == d.typ.Equality && byteEquality(a.Rule):
		return d.keyer.AppendEquality(dst, a.Value)
	}
	return nil
}

// probe returns the IDs of ids (ascending) that key holds in d.
func (p *planner) probe(d *indexDef, key []byte, ids []uint64) (index.List, error) {
	c, err := p.cursor(d)
	if err != nil {
		return index.List{}, err
	}
	out := p.buffer()
	var idb [8]byte
	for _, id := range ids {
		index.NativeEndian.PutID(idb[:], id)
		switch _, _, err := c.Get(key, idb[:], engine.GetBoth); {
		case err == nil:
			out = append(out, id)
		case !errors.Is(err, engine.ErrNotFound):
			return index.List{}, err
		}
	}
	return index.FromSorted(out), nil
}
