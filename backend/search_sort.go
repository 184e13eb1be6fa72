package backend

import (
	"bytes"
	"encoding/binary"
	"slices"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// Server-side sorting (RFC 2891), alone or with paged results (RFC 2696).
//
// Every sort key of the request is used, in order, an attribute type named
// twice too (cn under two ordering rules, cn;lang-de then cn), as slapd's
// sssvlv overlay does. An entry's key for one
// sort key is its least value of that attribute type (subtypes included)
// under the ordering rule; an entry without a value sorts after every
// entry with one, and reverseOrder reverses the whole order, as slapd's
// sssvlv overlay does. Ties are broken by entry ID, so the order is total
// and the same on every page. Attributes without an ordering rule sort by
// their equality-normalized bytes. A key with options (cn;lang-de)
// takes only the values of descriptions carrying them (RFC 2891's
// attributeType is an AttributeDescription; RFC 4512 §2.5), as slapd does.
//
// The search collects (keys, ID) for every matching entry but keeps only
// the best pageSize+1 (or sizeLimit+1) of them in a bounded heap, then
// reads back and sends the entries it kept. A paged, sorted search's
// cookie carries the last entry's keys and ID: the next page runs the
// whole search again and keeps only entries that sort after that
// position. So each page costs a full evaluation of the search plus
// O(n log pageSize) comparisons, memory stays O(pageSize), no state is
// kept between pages, and an entry added or deleted between pages neither
// repeats nor hides any other entry (an entry whose key changes may move).

// sortKey is one resolved key of a sort request.
type sortKey struct {
	at      *schema.AttributeType
	opts    []string             // tagging options the values must carry (schema.TagOptions)
	rule    *schema.MatchingRule // ordering rule; nil: equality-normalized bytes
	reverse bool
}

// sortItem is one matching entry's position in the sort order.
type sortItem struct {
	id   uint64
	keys [][]byte // per sort key; nil: the entry has no value
}

// sorter keeps the first limit items (after the cursor, if any) in sort
// order.
type sorter struct {
	keys   []sortKey
	limit  int         // items kept; 0: all
	heap   []*sortItem // a max-heap (worst item first) while limit > 0
	free   []*sortItem // evicted items, reused
	cursor *sortItem   // paging: only items after it count
	scr    []byte
}

// newSorter resolves the sort request; a nil sorter with a result
// means the request cannot be honoured and results go out unsorted.
func (s *search) newSorter() (*sorter, *ldapserver.SortResult, error) {
	sr := s.req.Controls.Sort
	fail := func(code ldapserver.ResultCode, attr, why string) (*sorter, *ldapserver.SortResult, error) {
		if sr.Critical {
			return nil, nil, ldapErr(ldapserver.UnavailableCriticalExtension, "cannot sort: %s", why)
		}
		return nil, &ldapserver.SortResult{Code: code, Attr: attr}, nil
	}
	so := &sorter{}
	for _, k := range sr.Keys {
		at := s.b.reg.AttributeType(attrType(k.Attr))
		if at == nil {
			return fail(ldapserver.NoSuchAttribute, k.Attr, "attribute "+k.Attr+" undefined")
		}
		rule := at.Ordering
		if k.OrderingRule != "" {
			rule = s.b.reg.MatchingRule(k.OrderingRule)
			if rule == nil || rule.Kind != schema.RuleOrdering || !rule.Implemented() {
				return fail(ldapserver.InappropriateMatching, k.Attr, "ordering rule "+k.OrderingRule+" unusable")
			}
		}
		if rule != nil && !rule.Implemented() {
			rule = nil
		}
		so.keys = append(so.keys, sortKey{at: at, opts: schema.TagOptions(k.Attr), rule: rule, reverse: k.Reverse})
	}
	return so, &ldapserver.SortResult{Code: ldapserver.Success}, nil
}

// compare orders two items: by each key (absent last, reversed when
// asked), then by ID.
func (so *sorter) compare(a, b *sortItem) int {
	for i, k := range so.keys {
		x, y := a.keys[i], b.keys[i]
		var c int
		switch {
		case x == nil && y == nil:
		case x == nil:
			c = 1
		case y == nil:
			c = -1
		case k.rule != nil:
			c = k.rule.Compare(x, y)
		default:
			c = bytes.Compare(x, y)
		}
		if k.reverse {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}

// add computes e's keys and keeps the item if it is among the best.
func (so *sorter) add(id uint64, e *schema.Entry) {
	it := so.item()
	it.id = id
	for i, k := range so.keys {
		it.keys[i] = so.keyOf(k, e, it.keys[i][:0])
	}
	if so.cursor != nil && so.compare(it, so.cursor) <= 0 {
		so.free = append(so.free, it)
		return
	}
	if so.limit == 0 || len(so.heap) < so.limit {
		so.push(it)
		return
	}
	if so.compare(it, so.heap[0]) >= 0 {
		so.free = append(so.free, it)
		return
	}
	so.free = append(so.free, so.heap[0])
	so.heap[0] = it
	so.down(0)
}

func (so *sorter) item() *sortItem {
	if n := len(so.free); n > 0 {
		it := so.free[n-1]
		so.free = so.free[:n-1]
		return it
	}
	return &sortItem{keys: make([][]byte, len(so.keys))}
}

// keyOf appends to dst the least normalized value of k's type in e; nil
// when e has none.
func (so *sorter) keyOf(k sortKey, e *schema.Entry, dst []byte) []byte {
	found := false
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if a.Type == nil || !a.Type.IsSubtypeOf(k.at) || !schema.HasOptions(a.Desc, k.opts) {
			continue
		}
		// Without an ordering rule the key is the equality-normalized
		// value, which the decoder has already put in Norm.
		norm := a.Norm != nil && k.rule == nil && a.Type.Equality == k.at.Equality
		for j, v := range a.Values {
			var n []byte
			ok := norm && a.Norm[j] != nil
			if ok {
				n = a.Norm[j]
			} else if n, ok = so.normalize(k, v); !ok {
				continue
			}
			if !found || so.less(k, n, dst) {
				dst = append(dst[:0], n...)
				found = true
			}
		}
	}
	if !found {
		return nil
	}
	if dst == nil {
		dst = []byte{}
	}
	return dst
}

func (so *sorter) normalize(k sortKey, v []byte) ([]byte, bool) {
	var err error
	if k.rule != nil {
		so.scr, err = k.rule.Normalize(so.scr[:0], v)
		return so.scr, err == nil
	}
	if eq := k.at.Equality; eq != nil && eq.Implemented() {
		if so.scr, err = eq.Normalize(so.scr[:0], v); err == nil {
			return so.scr, true
		}
	}
	return v, true
}

func (so *sorter) less(k sortKey, a, b []byte) bool {
	if k.rule != nil {
		return k.rule.Compare(a, b) < 0
	}
	return bytes.Compare(a, b) < 0
}

func (so *sorter) push(it *sortItem) {
	so.heap = append(so.heap, it)
	if so.limit == 0 {
		return // sorted once at the end
	}
	for i := len(so.heap) - 1; i > 0; {
		p := (i - 1) / 2
		if so.compare(so.heap[i], so.heap[p]) <= 0 {
			break
		}
		so.heap[i], so.heap[p] = so.heap[p], so.heap[i]
		i = p
	}
}

func (so *sorter) down(i int) {
	n := len(so.heap)
	for {
		l, big := 2*i+1, i
		if l < n && so.compare(so.heap[l], so.heap[big]) > 0 {
			big = l
		}
		if r := l + 1; r < n && so.compare(so.heap[r], so.heap[big]) > 0 {
			big = r
		}
		if big == i {
			return
		}
		so.heap[i], so.heap[big] = so.heap[big], so.heap[i]
		i = big
	}
}

// result returns the kept items in sort order.
func (so *sorter) result() []*sortItem {
	slices.SortFunc(so.heap, so.compare)
	return so.heap
}

// Sorted cookie: lastID (8, BE) | seal (8) | entries returned so
// far (8, BE) | per key: 0 (no value) or 1 + uvarint length + normalized
// value.

func (so *sorter) cookie(last *sortItem, returned int) []byte {
	c := binary.BigEndian.AppendUint64(nil, last.id)
	c = binary.BigEndian.AppendUint64(c, 0) // the seal, set by search.seal
	c = binary.BigEndian.AppendUint64(c, uint64(returned))
	for _, k := range last.keys {
		if k == nil {
			c = append(c, 0)
			continue
		}
		c = append(c, 1)
		c = binary.AppendUvarint(c, uint64(len(k)))
		c = append(c, k...)
	}
	return c
}

// parseCursor sets the position a cookie names; false when it is malformed.
func (so *sorter) parseCursor(c []byte) bool {
	if len(c) < cookieHead {
		return false
	}
	cur := &sortItem{id: binary.BigEndian.Uint64(c), keys: make([][]byte, len(so.keys))}
	rest := c[cookieHead:]
	for i := range so.keys {
		if len(rest) == 0 {
			return false
		}
		flag := rest[0]
		rest = rest[1:]
		switch flag {
		case 0:
			continue
		case 1:
		default:
			return false
		}
		n, k := binary.Uvarint(rest)
		if k <= 0 || uint64(len(rest)-k) < n {
			return false
		}
		cur.keys[i] = slices.Clone(rest[k : k+int(n)])
		rest = rest[k+int(n):]
	}
	if len(rest) != 0 {
		return false
	}
	so.cursor = cur
	return true
}

// sendSorted reads back the kept entries and sends them in order,
// applying the page size and the size limit, as send does.
func (s *search) sendSorted(res *ldapserver.SearchResult) error {
	items := s.sorter.result()
	for i, it := range items {
		if s.pageSize > 0 && i == s.pageSize {
			s.more = true
			res.Paged.Cookie = s.seal(s.sorter.cookie(items[i-1], s.before+s.sent))
			return nil
		}
		if err := s.checkSizeLimit(); err != nil {
			return err
		}
		// The presenter hides passwords from non-root readers.
		if err := s.b.readEntry(s.txn, it.id, &s.e, &s.dec); err != nil {
			return err
		}
		dn, err := s.dnOf(it.id)
		if err != nil {
			return err
		}
		if err := s.emit(it.id, dn, &s.e); err != nil {
			return err
		}
	}
	return nil
}
