package backend

import (
	"sync"
	"sync/atomic"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// Setup costs of a search, kept low for the telco lookup: the search
// state is recycled (decoders, maps, key buffers, presenter and planner
// keep their grown memory), and normalized search bases are cached.

// searchPool recycles search states. A state is returned only after its
// read transaction ended, and nothing in it is used afterwards.
var searchPool = sync.Pool{New: func() any { return &search{dnCache: map[uint64]string{}, inScope: map[uint64]bool{}} }}

// getSearch returns a ready search state for one request.
func getSearch() *search {
	return searchPool.Get().(*search)
}

// recycle clears s, keeping its buffers, and returns it to the pool.
// Maps that grew large are dropped rather than kept.
func (s *search) recycle() {
	r := search{
		dec: s.dec, adec: s.adec,
		e:       schema.Entry{Attrs: s.e.Attrs[:0]},
		ae:      schema.Entry{Attrs: s.ae.Attrs[:0]},
		dnCache: s.dnCache, inScope: s.inScope,
		chain: s.chain[:0], pres: s.pres, plan: s.plan,
	}
	if len(r.dnCache) > 1024 {
		r.dnCache = map[uint64]string{}
	} else {
		clear(r.dnCache)
	}
	if len(r.inScope) > 1024 {
		r.inScope = map[uint64]bool{}
	} else {
		clear(r.inScope)
	}
	r.plan.reset()
	*s = r
	searchPool.Put(s)
}

// normBase is a normalized search base with the normalized RDN strings
// the DN tree is keyed by (each string of dn[i]); both are shared and
// read-only.
type normBase struct {
	dn   schema.DN
	rdns []string
}

// normCache maps strings as clients send them (search bases, session
// identities) to what normalizing them gives. Normalization depends only
// on the schema and the configuration, which never change while the
// backend is open, so entries never go stale. At most normCacheSize
// entries of at most normCacheKeyMax bytes, so a client cannot grow it past
// about a megabyte of keys; then it starts over. Safe for concurrent use.
type normCache[V any] struct {
	m sync.Map // string -> V
	n atomic.Int64
}

const (
	normCacheSize   = 4096
	normCacheKeyMax = 256 // longer strings are normalized each time
)

func (c *normCache[V]) load(raw string) (V, bool) {
	v, ok := c.m.Load(raw)
	if !ok {
		var zero V
		return zero, false
	}
	return v.(V), true
}

func (c *normCache[V]) store(raw string, v V) {
	if len(raw) > normCacheKeyMax {
		return
	}
	if c.n.Add(1) > normCacheSize {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(raw, v)
}

// normalizeBase returns the normalized base of req, cached by its raw
// form. Errors as normalizeDN.
func (b *Backend) normalizeBase(req *ldapserver.SearchRequest) (*normBase, error) {
	if req.RawBase != "" {
		if nb, ok := b.baseCache.load(req.RawBase); ok {
			return nb, nil
		}
	}
	ndn, err := b.normalizeDN(req.Base)
	if err != nil {
		return nil, err
	}
	nb := &normBase{dn: ndn, rdns: make([]string, len(ndn))}
	for i := range ndn {
		nb.rdns[i] = ndn[i].String()
	}
	if req.RawBase != "" {
		b.baseCache.store(req.RawBase, nb)
	}
	return nb, nil
}
