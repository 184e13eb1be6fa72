package backend

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"math"
	"slices"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// search is the state of one Search call.
type search struct {
	b       *Backend
	ctx     context.Context
	req     *ldapserver.SearchRequest
	who     actor
	txn     *engine.Txn
	w       ldapserver.SearchWriter
	match   *schema.Matcher
	pres    *presenter
	plan    planner
	dec     decoder
	e       schema.Entry
	baseID  uint64
	baseDN  string
	dnCache map[uint64]string
	inScope map[uint64]bool // candidate loop: ancestors known in (true) or out of scope
	chain   []uint64        // scopeHas scratch
	scan    childScan       // children of entries, one dn2id cursor
	walk    *scopeWalker    // the scope, walked while candidates stream (nil: none)
	lk      [128]byte       // DN lookup key scratch, likewise

	needDN       bool // the filter uses :dn, so candidates need a parsed DN
	needComputed bool // the filter names computed attributes
	stored       int  // s.e's attributes before prepareForFilter's computed ones

	// alias dereferencing (search_alias.go)
	derefFind   bool        // dereference the base
	derefSearch bool        // dereference aliases in a one-level or subtree scope
	al          *aliasScope // nil: no alias in the database (or no dereferencing)
	ae          schema.Entry
	adec        decoder

	// sizeLimit bounds the whole search, every page of a paged one
	// included: the smaller of the request's limit and, for non-root
	// clients, Options.SizeLimit; 0 none.
	sizeLimit int
	sent      int
	before    int // paging: entries the earlier pages returned
	// paging
	pageSize  int
	after     uint64 // resume after this ID
	cookieTag uint64
	lastSent  uint64
	more      bool
	sorter    *sorter // server-side sort (search_sort.go); nil: ID order
	// referral objects in scope (search_referral.go): refs lists their
	// sorted IDs when refCheck is refByList; refByEntry looks at each
	// candidate instead.
	refs     []uint64
	refCheck int
	n        int
}

// Search implements ldapserver.Backend. Candidates come from the indices
// (or the scope when they cannot help, whichever is smaller), every
// candidate is re-tested against the whole filter, results come in
// ascending ID order, and the read transaction is one snapshot.
func (b *Backend) Search(ctx context.Context, req *ldapserver.SearchRequest, w ldapserver.SearchWriter) (*ldapserver.SearchResult, error) {
	who, err := b.actorOf(&req.Header)
	if err != nil {
		return nil, err
	}
	if err := b.mayRead(who); err != nil {
		return nil, err
	}
	base, err := b.normalizeBase(req)
	if err != nil {
		return nil, err
	}
	if !who.root && b.opts.TimeLimit > 0 && (req.TimeLimit == 0 || req.TimeLimit > b.opts.TimeLimit) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.opts.TimeLimit)
		defer cancel()
	}
	s := getSearch()
	defer s.recycle() // deferred first: runs after the transaction ended
	txn, err := b.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer b.endRead(txn)
	s.b, s.ctx, s.req, s.who, s.txn, s.w = b, ctx, req, who, txn, w
	s.scan = childScan{b: b, txn: txn}
	defer s.scan.close()
	if !who.root && b.opts.SizeLimit > 0 {
		s.sizeLimit = b.opts.SizeLimit
	}
	if req.SizeLimit > 0 && (s.sizeLimit == 0 || req.SizeLimit < s.sizeLimit) {
		s.sizeLimit = req.SizeLimit
	}
	s.derefFind = req.Deref&ldapserver.DerefFindingBaseObj != 0
	s.derefSearch = req.Deref&ldapserver.DerefInSearching != 0 && req.Scope != ldapserver.ScopeBase
	id, err := s.findBase(base)
	if err != nil {
		return nil, err
	}
	s.baseID = id
	if s.baseDN, err = b.dnOf(txn, id, s.dnCache); err != nil {
		return nil, err
	}
	s.dnCache[id] = s.baseDN // children's DNs end with it
	if err := s.baseReferral(id, s.baseDN, ""); err != nil {
		return nil, err
	}
	return s.run()
}

func (s *search) run() (*ldapserver.SearchResult, error) {
	req := s.req
	res := &ldapserver.SearchResult{}
	if a := req.Controls.Assertion; a != nil {
		dn, err := schema.ParseDN(s.baseDN)
		if err != nil {
			return nil, err
		}
		e, err := s.b.fullEntry(s.txn, s.baseID, dn, s.who)
		if err != nil {
			return nil, err
		}
		if err := s.b.checkAssertion(a, e); err != nil {
			return nil, err
		}
	}
	if req.Controls.Sort != nil {
		so, sr, err := s.newSorter()
		if err != nil {
			return nil, err
		}
		s.sorter, res.Sort = so, sr
	}
	if err := s.setupPaging(res); err != nil || (res.Paged != nil && s.pageSize == 0) {
		return res, err
	}
	if s.sorter != nil {
		s.sorter.limit = s.sortLimit()
	}
	s.match = s.b.reg.Compile(req.Filter)
	if s.pres == nil {
		s.pres = &presenter{}
	}
	s.b.resetPresenter(s.pres, req.Attributes, s.who)
	s.pres.scan = &s.scan
	s.needDN, s.needComputed = s.b.filterNeeds(req.Filter)
	if err := s.iterate(); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if s.sorter != nil {
		if err := s.sendSorted(res); err != nil {
			return nil, err
		}
		return res, nil
	}
	if res.Paged != nil && s.more {
		res.Paged.Cookie = s.cookie(s.lastSent)
	}
	return res, nil
}

// errStop ends an iteration early without an error.
var errStop = errors.New("backend: stop")

// iterate produces the in-scope candidate IDs in ascending order and
// handles each.
func (s *search) iterate() error {
	p := &s.plan
	p.b, p.txn, p.root = s.b, s.txn, s.who.root
	defer p.close()
	if s.req.Scope == ldapserver.ScopeBase {
		return s.candidate(s.baseID, nil)
	}
	if s.derefSearch {
		if err := s.collectAliases(p); err != nil {
			return err
		}
	}
	if err := s.collectReferrals(p); err != nil {
		return err
	}
	var cands index.List
	var all bool
	var err error
	if d, key := p.singleKey(p.kbuf[:0], s.req.Filter, s.match.Root().Assertion()); d != nil && len(s.refs) == 0 && s.al == nil {
		p.kbuf = key
		// One index key (the usual lookup, (telephoneNumber=...)):
		// counted first, streamed when large.
		cnt, err := p.count(d, key)
		if err != nil || cnt == 0 {
			return err
		}
		if cnt > streamMinIDs {
			return s.stream(d, key)
		}
		if cands, err = p.readCounted(d, cnt); err != nil {
			return err
		}
	} else if cands, all, err = p.candidates(s.req.Filter, s.match.Root()); err != nil {
		return err
	}
	if !all && len(s.refs) > 0 {
		cands = index.Union(p.buffer(), cands, index.FromSorted(s.refs), 0)
	}
	if !all && cands.IsEmpty() {
		return nil
	}
	whole, err := s.wholeDatabase()
	if err != nil {
		return err
	}
	if whole {
		return s.loop(cands, all, false)
	}
	// The scope is listed (to intersect, in ID order) only while it is
	// smaller than the candidates and than maxScopeIDs: a bigger one is
	// checked candidate by candidate instead, streaming id2entry when the
	// indices cannot help, so a search below a huge container holds a
	// bounded number of IDs whatever its size (back-mdb's dn2idl turns
	// into a range past 2^16 IDs likewise).
	if (all || cands.IsRange()) && s.al == nil && !s.b.noScopeWalk {
		// Stream id2entry, checking the scope of each entry, while the
		// scope is walked alongside (see stream).
		s.walk = s.newWalker()
		defer s.walk.cs.close()
		return s.loop(cands, all, true)
	}
	budget := maxScopeIDs
	if !all && !cands.IsRange() {
		budget = min(budget, len(cands.IDs()))
	}
	if s.b.noScopeWalk {
		budget = 0
	}
	scope, complete, err := s.collectScope(budget)
	if err != nil {
		return err
	}
	if !complete {
		return s.loop(cands, all, true)
	}
	slices.Sort(scope)
	scope = slices.Compact(scope)
	l := index.FromSorted(scope)
	if !all {
		l = index.Intersect(scope, l, cands)
	}
	return s.loop(l, false, false)
}

// wholeDatabase reports whether every entry is in scope but for the
// base itself: a subtree or subordinate search from the suffix entry.
func (s *search) wholeDatabase() (bool, error) {
	if s.req.Scope != ldapserver.ScopeSubtree && s.req.Scope != ldapserver.ScopeSubordinate {
		return false, nil
	}
	parent, err := s.b.parentOf(s.txn, s.baseID)
	return parent == rootID, err
}

// streamMinIDs: a filter that is one index key holding more IDs than
// this streams them from the index instead of reading them all first.
const streamMinIDs = 1024

// stream visits the IDs key holds in d, after the paging position,
// straight from the index: a search limited by a size limit or a page
// stops after O(result) IDs, however many the key holds. Below a base
// other than the suffix each ID's scope is checked; meanwhile the scope
// is walked, 8 of its entries per ID streamed, and once it is all known
// (and small) the rest of it is looked up in the key instead, so a
// small container costs O(container) whatever the size of the key.
func (s *search) stream(d *indexDef, key []byte) error {
	whole, err := s.wholeDatabase()
	if err != nil {
		return err
	}
	check := !whole
	if check && !s.b.noScopeWalk {
		s.walk = s.newWalker()
		defer s.walk.cs.close()
	}
	c, err := s.plan.cursor(d)
	if err != nil {
		return err
	}
	var idb [8]byte
	index.NativeEndian.PutID(idb[:], s.after+1)
	_, v, err := c.Get(key, idb[:], engine.GetBothRange)
	for ; err == nil; _, v, err = c.Get(nil, nil, engine.NextDup) {
		id := index.NativeEndian.ID(v)
		if scope, err := s.walkScope(id); err != nil {
			return err
		} else if scope != nil {
			l, err := s.plan.probe(d, key, scope)
			if err != nil {
				return err
			}
			return s.loop(l, false, false)
		}
		if err := s.visit(id, nil, check); err != nil {
			return err
		}
	}
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

func (s *search) newWalker() *scopeWalker {
	return &scopeWalker{cs: childScan{b: s.b, txn: s.txn}, parent: s.baseID, one: s.req.Scope == ldapserver.ScopeOne}
}

// walkScope advances s.walk by 8 entries before the streamed candidate id
// is visited. Once the walk is complete, it returns the IDs in scope from
// id on, sorted (the base included when in scope), and the caller
// visits those instead of the rest of the stream; past maxScopeIDs the
// walk is dropped and the stream goes on alone.
func (s *search) walkScope(id uint64) ([]uint64, error) {
	w := s.walk
	if w == nil {
		return nil, nil
	}
	for k := 0; k < 8 && !w.done; k++ {
		if err := w.step(); err != nil {
			return nil, err
		}
	}
	switch {
	case len(w.out) > maxScopeIDs:
		w.cs.close()
		s.walk = nil
	case w.done:
		scope := w.out
		if s.req.Scope == ldapserver.ScopeSubtree {
			scope = append(scope, s.baseID)
		}
		slices.Sort(scope)
		scope = slices.Compact(scope)
		i, _ := slices.BinarySearch(scope, id)
		s.walk = nil
		return scope[i:len(scope):len(scope)], nil
	}
	return nil, nil
}

// scopeWalker lists the entries below parent (its children only when
// one), breadth first, one at a time.
type scopeWalker struct {
	cs      childScan
	out     []uint64
	next    int    // out[next] is the next entry whose children to list
	parent  uint64 // whose children are being listed
	started bool
	one     bool
	done    bool
}

// step adds the next entry to out, or sets done.
func (w *scopeWalker) step() error {
	for {
		var id uint64
		var err error
		if !w.started {
			id, err = w.cs.first(w.parent)
			w.started = true
		} else {
			id, err = w.cs.next(w.parent)
		}
		if err != nil {
			return err
		}
		if id != 0 {
			w.out = append(w.out, id)
			return nil
		}
		if w.one || w.next >= len(w.out) {
			w.done = true
			return nil
		}
		w.parent, w.started = w.out[w.next], false
		w.next++
	}
}

// maxScopeIDs bounds the IDs a one-level or subtree search lists from
// the DN tree.
const maxScopeIDs = 1 << 16

// collectScope lists the IDs in scope (not the base itself, unless alias
// targets bring it in), giving up once there are more than budget.
func (s *search) collectScope(budget int) ([]uint64, bool, error) {
	var out []uint64
	over := false
	add := func(id uint64) bool {
		if len(out) >= budget {
			over = true
			return false
		}
		out = append(out, id)
		return true
	}
	if err := s.scan.each(s.baseID, add); err != nil || over {
		return nil, false, err
	}
	var targets []uint64
	if s.al != nil {
		targets = s.al.targets
	}
	// Alias targets' subtrees may overlap the base's or each other's:
	// expand each entry once.
	var expanded map[uint64]bool
	if len(targets) > 0 {
		expanded = map[uint64]bool{}
	}
	for _, t := range targets {
		switch s.req.Scope {
		case ldapserver.ScopeOne, ldapserver.ScopeSubtree:
			add(t) // the target itself; its subtree comes below
		case ldapserver.ScopeSubordinate:
			// Below the target only, as for the base (slapd does the same).
			expanded[t] = true
			if err := s.scan.each(t, add); err != nil {
				return nil, false, err
			}
		}
		if over {
			return nil, false, nil
		}
	}
	if s.req.Scope == ldapserver.ScopeOne {
		return out, true, nil
	}
	for i := 0; i < len(out); i++ {
		if expanded != nil {
			if expanded[out[i]] {
				continue
			}
			expanded[out[i]] = true
		}
		if err := s.scan.each(out[i], add); err != nil || over {
			return nil, false, err
		}
	}
	if s.req.Scope == ldapserver.ScopeSubtree || (s.al != nil && s.al.baseCovered) {
		out = append(out, s.baseID)
	}
	return out, true, nil
}

// loop visits the IDs of l (all IDs when all), checking the scope of each
// when check is set.
func (s *search) loop(l index.List, all, check bool) error {
	if !all && !l.IsRange() {
		for _, id := range l.IDs() {
			if err := s.visit(id, nil, check); err != nil {
				return err
			}
		}
		return nil
	}
	lo, hi := uint64(1), uint64(math.MaxUint64)
	if !all {
		lo, hi, _ = l.Bounds()
	}
	lo = max(lo, s.after+1)
	c, err := s.txn.OpenCursor(s.b.db.id2entry)
	if err != nil {
		return err
	}
	defer c.Close()
	var kb [8]byte
	k, v, err := c.Get(idKey(&kb, lo), nil, engine.SetRange)
	for ; err == nil; k, v, err = c.Get(nil, nil, engine.Next) {
		id := idOf(k)
		if id > hi {
			return nil
		}
		if scope, err := s.walkScope(id); err != nil {
			return err
		} else if scope != nil {
			c.Close()
			in := index.FromSorted(scope)
			if !all {
				in = index.Intersect(scope, in, l)
			}
			return s.loop(in, false, false)
		}
		if err := s.visit(id, v, check); err != nil {
			return err
		}
	}
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

// visit handles one candidate: paging position, scope, then the entry.
func (s *search) visit(id uint64, blob []byte, check bool) error {
	if id <= s.after {
		return nil
	}
	if s.n++; s.n&63 == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	if s.al != nil && id != s.baseID && s.al.isAlias(id) {
		return nil // replaced by its target
	}
	if s.req.Scope == ldapserver.ScopeSubordinate && id == s.baseID && (s.al == nil || !s.al.baseCovered) {
		return nil
	}
	if check {
		ok, err := s.scopeHas(id)
		if err != nil || !ok {
			return err
		}
	}
	return s.candidate(id, blob)
}

// scopeHas reports whether id is in the one-level or subtree scope of
// the base, walking up the tree and remembering what it learned.
func (s *search) scopeHas(id uint64) (bool, error) {
	if s.req.Scope == ldapserver.ScopeOne {
		if s.al != nil && s.al.isTarget(id) {
			return true, nil
		}
		p, err := s.b.parentOf(s.txn, id)
		return p == s.baseID, err
	}
	if s.req.Scope == ldapserver.ScopeSubordinate && s.al != nil && s.al.isTarget(id) {
		// Only what lies below a target is in a children scope, so the
		// target itself is in scope only below another root.
		p, err := s.b.parentOf(s.txn, id)
		if err != nil {
			return false, err
		}
		id = p
	}
	if len(s.inScope) == 0 {
		// INVARIANT: inScope[x] means the descendants of x are in scope;
		// for any x but the base and the alias targets, x itself then is
		// too.
		if s.inScope == nil {
			s.inScope = map[uint64]bool{}
		}
		s.inScope[s.baseID], s.inScope[rootID] = true, false
		if s.al != nil {
			for _, t := range s.al.targets {
				s.inScope[t] = true
			}
		}
	}
	chain := s.chain[:0]
	defer func() { s.chain = chain }()
	cur := id
	for {
		if v, ok := s.inScope[cur]; ok {
			for _, c := range chain {
				if len(s.inScope) < 1<<16 {
					s.inScope[c] = v
				}
			}
			return v, nil
		}
		chain = append(chain, cur)
		p, err := s.b.parentOf(s.txn, cur)
		if err != nil {
			return false, err
		}
		cur = p
	}
}

// candidate decodes entry id, tests the filter and sends it.
func (s *search) candidate(id uint64, blob []byte) error {
	var err error
	if blob == nil {
		var kb [8]byte
		if blob, err = s.txn.Get(s.b.db.id2entry, idKey(&kb, id)); err != nil {
			if errors.Is(err, engine.ErrNotFound) {
				return nil // a stale index entry; Check reports it
			}
			return err
		}
	}
	if err := s.dec.decode(&s.e, blob, s.b.ads.snapshot()); err != nil {
		return err
	}
	if !s.who.root {
		s.stripPasswords()
	}
	if s.refCheck != refNone && id != s.baseID {
		if _, ok := slices.BinarySearch(s.refs, id); ok || s.refCheck == refByEntry {
			if refs := s.b.refsOf(&s.e); refs != nil {
				return s.reference(id, refs)
			}
		}
	}
	// The DN string is built only for entries that match (or for a filter
	// that needs it): a candidate the filter rejects allocates nothing.
	dn := ""
	if s.needDN || s.needComputed {
		if dn, err = s.dnOf(id); err != nil {
			return err
		}
	}
	if err := s.prepareForFilter(id, dn); err != nil {
		return err
	}
	if s.match.Match(&s.e) != schema.True {
		return nil
	}
	if dn == "" && s.sorter == nil {
		if dn, err = s.dnOf(id); err != nil {
			return err
		}
	}
	return s.send(id, dn)
}

// dnOf returns the DN of entry id (the base's is known).
func (s *search) dnOf(id uint64) (string, error) {
	if id == s.baseID {
		return s.baseDN, nil
	}
	return s.b.dnOf(s.txn, id, s.dnCache)
}

// send delivers a matching entry, applying paging and the size limit
// (which counts the entries of earlier pages too).
func (s *search) send(id uint64, dn string) error {
	if s.sorter != nil {
		s.sorter.add(id, &s.e)
		return nil
	}
	if s.pageSize > 0 && s.sent >= s.pageSize {
		s.more = true
		return errStop
	}
	if err := s.checkSizeLimit(); err != nil {
		return err
	}
	// The presenter adds the computed attributes wanted itself: show it the
	// stored ones only, not those appended for the filter.
	view := schema.Entry{DN: s.e.DN, Attrs: s.e.Attrs[:s.stored]}
	s.lastSent = id
	return s.emit(id, dn, &view)
}

// checkSizeLimit refuses another entry once the size limit is reached,
// counting the entries of earlier pages.
func (s *search) checkSizeLimit() error {
	if s.sizeLimit > 0 && s.before+s.sent >= s.sizeLimit {
		return ldapErr(ldapserver.SizeLimitExceeded, "")
	}
	return nil
}

// emit presents entry e (id, DN dn) to the client and counts it.
func (s *search) emit(id uint64, dn string, e *schema.Entry) error {
	out, err := s.pres.present(s.txn, id, dn, e)
	if err != nil {
		return err
	}
	s.sent++
	return s.w.SendEntry(out)
}

// stripPasswords drops userPassword (and subtypes) from the current
// entry.
func (s *search) stripPasswords() {
	s.e.Attrs = s.b.withoutPasswords(s.e.Attrs)
}

// withoutPasswords drops userPassword (and subtypes) from attrs, in
// place. Most entries have none: they are only scanned, not rewritten.
func (b *Backend) withoutPasswords(attrs []schema.Attribute) []schema.Attribute {
	pw := b.pwAttr
	if pw == nil {
		return attrs
	}
	isPW := func(a *schema.Attribute) bool { return a.Type != nil && a.Type.IsSubtypeOf(pw) }
	first := slices.IndexFunc(attrs, func(a schema.Attribute) bool { return isPW(&a) })
	if first < 0 {
		return attrs
	}
	kept := attrs[:first]
	for i := first + 1; i < len(attrs); i++ {
		if !isPW(&attrs[i]) {
			kept = append(kept, attrs[i])
		}
	}
	return kept
}

// prepareForFilter adds what the filter needs beyond the stored attributes.
func (s *search) prepareForFilter(id uint64, dn string) error {
	s.e.DN = nil
	s.stored = len(s.e.Attrs)
	if s.needDN {
		s.e.DN, _ = schema.ParseDN(dn)
	}
	if !s.needComputed {
		return nil
	}
	has, err := s.scan.has(id)
	if err != nil {
		return err
	}
	s.b.appendComputed(&s.e, dn, has)
	return nil
}

// appendComputed adds to e the computed operational attributes a filter
// may test (entryDN dn, hasSubordinates has, subschemaSubentry),
// prepared, for searches, compares and assertions alike.
func (b *Backend) appendComputed(e *schema.Entry, dn string, has bool) {
	hasSubs := "FALSE"
	if has {
		hasSubs = "TRUE"
	}
	extra := schema.Entry{Attrs: []schema.Attribute{
		{Desc: "entryDN", Values: [][]byte{[]byte(dn)}},
		{Desc: "hasSubordinates", Values: [][]byte{[]byte(hasSubs)}},
		{Desc: "subschemaSubentry", Values: [][]byte{[]byte("cn=Subschema")}},
	}}
	b.reg.PrepareEntry(&extra)
	e.Attrs = append(e.Attrs, extra.Attrs...)
}

// filterNeeds reports whether f uses ":dn" and whether it names computed
// operational attributes (in any spelling of their types).
func (b *Backend) filterNeeds(f *schema.Filter) (dn, computed bool) {
	if f == nil {
		return false, false
	}
	if f.DNAttributes {
		dn = true
	}
	if f.Attr != "" {
		switch b.reg.AttributeType(attrType(f.Attr)) {
		case nil:
		case b.computed.entryDN, b.computed.hasSubs, b.computed.subschema:
			computed = true
		}
	}
	for _, c := range f.Children {
		d, cp := b.filterNeeds(c)
		dn, computed = dn || d, computed || cp
	}
	return dn, computed
}

// Paging (RFC 2696). The cookie is self-contained: the last ID sent (8
// bytes BE), a seal (8 bytes) and the number of entries returned so far
// (8 bytes BE, for the size limit), so any connection may continue a
// search and nothing is kept per connection. The seal is a MAC, under a
// key the backend draws at open, of the request and the rest of the
// cookie: a cookie used with another request, altered (to reset the
// count of entries a size limit bounds), or kept across a restart is
// refused. Results come in ID order and IDs are
// never reused, so resuming after an ID neither repeats nor skips entries
// that existed throughout.
func (s *search) setupPaging(res *ldapserver.SearchResult) error {
	pc := s.req.Controls.Paged
	if pc == nil {
		return nil
	}
	if r := s.req.SizeLimit; r > 0 && pc.Size >= r {
		// RFC 2696 §3: the search fits in one page, so the control is
		// ignored (as slapd does); the size limit applies as without it.
		return nil
	}
	s.cookieTag = s.requestHash()
	res.Paged = &ldapserver.PagedResults{Cookie: []byte{}}
	s.pageSize = pc.Size
	if len(pc.Cookie) == 0 {
		if s.pageSize == 0 {
			s.pageSize = -1 // size 0 on a first request: no entries, empty cookie
		}
		if s.pageSize < 0 {
			s.pageSize = 0
		}
		return nil
	}
	bad := ldapErr(ldapserver.ProtocolError, "paged results cookie is invalid")
	if len(pc.Cookie) < cookieHead || !s.cookieSealed(pc.Cookie) {
		return bad
	}
	before := binary.BigEndian.Uint64(pc.Cookie[16:])
	if before > math.MaxInt32 {
		return bad
	}
	s.before = int(before)
	if s.sorter != nil {
		if !s.sorter.parseCursor(pc.Cookie) {
			return bad
		}
		return nil
	}
	if len(pc.Cookie) != cookieHead {
		return bad
	}
	s.after = binary.BigEndian.Uint64(pc.Cookie)
	return nil
}

// sortLimit is how many sorted entries a search must keep: one more than
// a page or what the size limit leaves, to know whether more follow; 0
// for all.
func (s *search) sortLimit() int {
	lim := 0
	if s.sizeLimit > 0 {
		lim = max(s.sizeLimit-s.before, 0)
	}
	if s.pageSize > 0 && (s.sizeLimit == 0 || s.pageSize < lim) {
		lim = s.pageSize
	}
	if lim > 0 || s.sizeLimit > 0 {
		return lim + 1
	}
	return 0
}

// cookieHead is the length of the part every cookie starts with: last
// ID, request hash and entries returned so far.
const cookieHead = 24

func (s *search) cookie(last uint64) []byte {
	c := binary.BigEndian.AppendUint64(nil, last)
	c = binary.BigEndian.AppendUint64(c, 0) // the seal
	return s.seal(binary.BigEndian.AppendUint64(c, uint64(s.before+s.sent)))
}

// seal stores in c[8:16] the MAC of the request and the rest of c.
func (s *search) seal(c []byte) []byte {
	copy(c[8:16], s.cookieMAC(c))
	return c
}

// cookieSealed reports whether c carries the seal seal would give it.
func (s *search) cookieSealed(c []byte) bool {
	return hmac.Equal(c[8:16], s.cookieMAC(c))
}

func (s *search) cookieMAC(c []byte) []byte {
	m := hmac.New(sha256.New, s.b.cookieKey[:])
	m.Write(binary.BigEndian.AppendUint64(nil, s.cookieTag))
	m.Write(c[:8])
	m.Write(c[16:])
	return m.Sum(nil)[:8]
}

func (s *search) requestHash() uint64 {
	h := fnv.New64a()
	h.Write([]byte(s.baseDN))
	h.Write([]byte{0, byte(s.req.Scope)})
	if s.req.Filter != nil {
		h.Write([]byte(s.req.Filter.String()))
	}
	for _, a := range s.req.Attributes {
		h.Write([]byte{0})
		h.Write([]byte(a))
	}
	if sr := s.req.Controls.Sort; sr != nil {
		for _, k := range sr.Keys {
			h.Write([]byte{1})
			h.Write([]byte(k.Attr + "\x00" + k.OrderingRule))
			if k.Reverse {
				h.Write([]byte{2})
			}
		}
	}
	h.Write([]byte{3, byte(s.req.Deref)})
	return h.Sum64()
}
