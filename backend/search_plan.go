package backend

import (
	"errors"

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
		var lists []index.List
		for i, c := range f.Children {
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
		if len(lists) == 0 {
			return index.List{}, true, nil
		}
		return index.IntersectAll(p.buffer(), lists, 8), false, nil
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
	if a.Type == nil {
		return index.List{}, true, nil
	}
	if !p.root && p.b.pwAttr != nil && a.Type.IsSubtypeOf(p.b.pwAttr) {
		return index.List{}, true, nil
	}
	d := p.b.ixByTyp[a.Type]
	if d == nil {
		return index.List{}, true, nil
	}
	kinds := d.usable(p.txn)
	p.keys.Reset()
	switch {
	case f.Op == schema.FilterPresent && kinds&index.Presence != 0:
		p.kbuf = d.keyer.AppendPresence(p.kbuf[:0])
		return p.read(d, p.kbuf)
	case f.Op == schema.FilterEquality && kinds&index.Equality != 0 && a.Rule == d.typ.Equality && byteEquality(a.Rule):
		p.kbuf = d.keyer.AppendEquality(p.kbuf[:0], a.Value)
		return p.read(d, p.kbuf)
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

// read returns the IDs stored under key in d, a page of IDs at a time.
func (p *planner) read(d *indexDef, key []byte) (index.List, bool, error) {
	c := p.cursors[d.dbi]
	if c == nil {
		var err error
		if c, err = p.txn.OpenCursor(d.dbi); err != nil {
			return index.List{}, false, err
		}
		if p.cursors == nil {
			p.cursors = map[engine.DBI]*engine.Cursor{}
		}
		p.cursors[d.dbi] = c
	}
	if _, _, err := c.Get(key, nil, engine.Set); err != nil {
		if errors.Is(err, engine.ErrNotFound) {
			return index.FromSorted(nil), false, nil
		}
		return index.List{}, false, err
	}
	p.bld.Reset(p.buffer(), 0)
	_, v, err := c.Get(nil, nil, engine.GetMultiple)
	for err == nil {
		if err := p.bld.AddEncoded(v, index.NativeEndian); err != nil {
			return index.List{}, false, err
		}
		_, v, err = c.Get(nil, nil, engine.NextMultiple)
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return index.List{}, false, err
	}
	return p.bld.List(), false, nil
}
