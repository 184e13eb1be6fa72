//go:build !(linux && (amd64 || arm64))

package engine

// lmdbLockImage: LMDB's lock table layout depends on the C library's mutex;
// it is known only for 64-bit Linux with glibc. Elsewhere the lock file is
// left empty (an LMDB program that waited for the engine then fails to open
// rather than trust a stale table).
func lmdbLockImage(uint64) []byte { return nil }
