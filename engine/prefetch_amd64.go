package engine

// prefetchKeys asks the CPU to load, all at once, the cache line where the
// key of each of the first n nodes of page p begins; ptrs is p's pointer
// array (n little-endian offsets). A prefetch never faults, whatever the
// address, so offsets need no check here.
//
//go:noescape
func prefetchKeys(p *byte, ptrs *byte, n int)

// prefetchRange asks the CPU to load the n bytes at p, a cache line at a time.
//
//go:noescape
func prefetchRange(p *byte, n int)
