// Package index holds the pieces of attribute indexing that do not touch
// storage: ID lists and their set operations, the byte form of stored ID
// lists, and the computation of index keys from normalized values.
//
// # Basics
//
// An entry ID is a uint64. A List is a set of IDs, either explicit (a
// strictly ascending []uint64) or, past a size limit, a range [lo, hi]
// standing for some unknown subset of lo..hi. Index results are candidates
// that the search re-tests against the full filter, so a range (or a hash
// collision) costs time, never correctness; every operation keeps
// "result ⊇ true result".
//
// Intersect, Union and Difference write explicit results into a caller's
// buffer, so a search that reuses its buffers does not allocate per
// candidate; Intersect and Difference may run in place. Intersection
// gallops (exponential search) when one side is at least 32 times smaller,
// so a 1-ID equality result intersected with a million-ID objectClass list
// costs about 20 comparisons. Cursor and List.All iterate without
// allocating; Builder assembles a List from a key's duplicates read page by
// page, switching to a range past its limit (DefaultMaxIDs, 2^20).
// IntersectAll intersects several lists smallest first and can stop once
// the candidates are few; GetBuffer/PutBuffer pool scratch buffers.
//
// Stored lists are sequences of 8-byte IDs; Encoding says which byte order
// (BigEndian, which sorts bytewise, or NativeEndian for LMDB's INTEGERDUP,
// which package backend's index databases use; Builder decodes either in
// one tight loop per page). Lists are always stored exactly: ranges exist
// only in memory (shared/docs/backend-design.md §10.2.4), unlike back-mdb.
//
// Keys are built by a Keyer, one per indexed attribute, from values that
// package schema has already normalized; see key.go for the layout.
//
// # Caveats
//
//   - A range is a superset: Difference cannot remove IDs on account of a
//     range, so it returns its left operand unchanged then.
//   - Union is O(n+m) (it copies its output) and collapses to the covering
//     range past the limit, which can add many false candidates.
//   - Union's dst must not share storage with its operands.
//   - Lists from FromSorted are trusted; call Valid on untrusted ones.
//   - Keys agree with filter evaluation only if both sides use the same
//     normalized bytes: equality keys from the equality rule's Normalize
//     (and NormalizeAssertion for filters), substring keys from the
//     substrings rule's Normalize (what schema.MatchSubstrings searches)
//     and its normalized chunks, approx keys from the approx rule's
//     Normalize, on both sides.
//   - Changing MaxExact or the substring lengths changes the keys: the
//     index must be rebuilt.
package index
