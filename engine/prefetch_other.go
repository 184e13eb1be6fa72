//go:build !amd64

package engine

// prefetchKeys is a no-op where the engine has no prefetch instruction.
func prefetchKeys(p *byte, ptrs *byte, n int) {}

// prefetchRange is a no-op where the engine has no prefetch instruction.
func prefetchRange(p *byte, n int) {}
