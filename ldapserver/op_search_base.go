package ldapserver

import (
	"sync"

	"lightdir/schema"
)

// baseCache maps search bases as clients send them to their parsed form, so that
// the many searches on a few bases parse each base once. Parsed DNs are shared by
// every request that carries them (read-only, see SearchRequest.Base). It holds at
// most baseCacheSize bases of at most baseCacheMaxLen bytes, so a client cannot
// make it grow without bound; when full it starts over. Safe for concurrent use.
type baseCache struct {
	mu sync.RWMutex
	m  map[string]schema.DN
}

const (
	baseCacheSize   = 1024
	baseCacheMaxLen = 256
)

// parse returns the parsed base s, answering invalidDNSyntax as parseDN does.
func (c *baseCache) parse(s string) (schema.DN, error) {
	c.mu.RLock()
	dn, ok := c.m[s]
	c.mu.RUnlock()
	if ok {
		return dn, nil
	}
	dn, err := parseDN(s)
	if err != nil || len(s) > baseCacheMaxLen {
		return dn, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= baseCacheSize {
		c.m = make(map[string]schema.DN)
	}
	c.m[s] = dn
	c.mu.Unlock()
	return dn, nil
}
