package schema

import (
	"bytes"
)

// RuleKind says what a matching rule is used for.
type RuleKind uint8

// Matching rule kinds. Rules loaded from files without a built-in
// implementation have kind RuleUnknown and never match (Undefined).
const (
	RuleUnknown RuleKind = iota
	RuleEquality
	RuleOrdering
	RuleSubstrings
	RuleApprox
)

// SubstringPos says which part of a substring assertion a chunk is.
type SubstringPos uint8

// Substring positions; they decide which edge spaces are significant.
const (
	SubInitial SubstringPos = iota
	SubAny
	SubFinal
)

// normFunc appends the normalized form of v to dst.
type normFunc func(r *Registry, dst, v []byte) ([]byte, error)

// ruleImpl is the behaviour behind a built-in matching rule.
type ruleImpl struct {
	kind RuleKind
	// family names the value normalization; rules of one family normalize
	// attribute values identically, so a stored equality-normalized value
	// can be reused by the ordering or substrings rule of the same family.
	family string
	norm   normFunc                                              // attribute values (and assertions unless assert is set)
	assert normFunc                                              // assertion values, when they differ from attribute values
	chunk  func(dst, v []byte, pos SubstringPos) ([]byte, error) // substrings rules: one assertion chunk
	cmp    func(a, b []byte) int                                 // ordering rules: nil means bytes.Compare
	match  func(value, assertion []byte) bool                    // special equality predicate on normalized forms
}

// Implemented reports whether lightdir can evaluate the rule. Rules that
// only came from a schema file are known by name but never match.
func (mr *MatchingRule) Implemented() bool { return mr.impl != nil }

// normalizationVersion changes whenever a normalizer's output changes in a
// new lightdir version: stored normalized values and index keys made by the
// old code would no longer match (AttributeType.NormalizationID).
const normalizationVersion = "1"

// NormalizationID names how the values of at are normalized for storage
// and indexing: by its equality, substrings and approximate rules'
// families (a rule without family by its OID). Two types with the same ID
// produce identical normalized values and index keys; a database whose
// type changes ID under a new schema holds stale ones.
func (at *AttributeType) NormalizationID() string {
	rule := func(mr *MatchingRule) string {
		switch {
		case mr == nil:
			return "-"
		case mr.Family() != "":
			return mr.Family()
		}
		return mr.OID
	}
	return "v" + normalizationVersion + " equality " + rule(at.Equality) + ", substrings " + rule(at.Substr) + ", approx " + rule(at.Approx)
}

// Family names the value normalization the rule uses; two rules with the
// same non-empty family produce identical Normalize output for attribute
// values.
func (mr *MatchingRule) Family() string {
	if mr.impl == nil {
		return ""
	}
	return mr.impl.family
}

// Normalize appends the normalized form of an attribute value v to dst and
// returns the extended slice. This is the exact byte string an index
// hashes for equality keys and the form filter evaluation compares.
// For a substrings rule it is the value form chunks are searched in.
// It returns ErrInvalidSyntax (wrapped or not) when v cannot be
// normalized, and ErrInappropriateMatching for an unimplemented rule.
// Safe for concurrent use.
func (mr *MatchingRule) Normalize(dst, v []byte) ([]byte, error) {
	if mr.impl == nil {
		return dst, ErrInappropriateMatching
	}
	return mr.impl.norm(mr.reg, dst, v)
}

// NormalizeAssertion appends the normalized form of an assertion value
// (the value of an equality, ordering or extensible filter). For most
// rules it equals Normalize; "first component" rules differ. Errors as
// for Normalize.
func (mr *MatchingRule) NormalizeAssertion(dst, v []byte) ([]byte, error) {
	if mr.impl == nil {
		return dst, ErrInappropriateMatching
	}
	if mr.impl.assert != nil {
		return mr.impl.assert(mr.reg, dst, v)
	}
	return mr.impl.norm(mr.reg, dst, v)
}

// NormalizeSubstring appends the normalized form of one substring
// assertion chunk; pos decides which edge spaces stay significant. Index
// keys for substring filters are derived from these chunks. Only
// substrings rules implement it (others return ErrInappropriateMatching).
func (mr *MatchingRule) NormalizeSubstring(dst, chunk []byte, pos SubstringPos) ([]byte, error) {
	if mr.impl == nil || mr.impl.chunk == nil {
		return dst, ErrInappropriateMatching
	}
	return mr.impl.chunk(dst, chunk, pos)
}

// Compare orders two normalized values for an ordering rule: negative,
// zero or positive as a sorts before, with or after b.
func (mr *MatchingRule) Compare(a, b []byte) int {
	if mr.impl != nil && mr.impl.cmp != nil {
		return mr.impl.cmp(a, b)
	}
	return bytes.Compare(a, b)
}

// Match reports whether a normalized attribute value matches a normalized
// assertion under an equality or approximate rule (byte equality for all
// rules except word, keyword, approximate and DN-relation rules).
func (mr *MatchingRule) Match(value, assertion []byte) bool {
	if mr.impl != nil && mr.impl.match != nil {
		return mr.impl.match(value, assertion)
	}
	return bytes.Equal(value, assertion)
}

// MatchSubstrings reports whether a normalized value (Normalize of a
// substrings rule) contains the normalized chunks: initial at the start,
// the any chunks in order without overlap, final at the end.
func MatchSubstrings(value, initial []byte, any [][]byte, final []byte) bool {
	if !bytes.HasPrefix(value, initial) {
		return false
	}
	rest := value[len(initial):]
	for _, a := range any {
		i := bytes.Index(rest, a)
		if i < 0 {
			return false
		}
		rest = rest[i+len(a):]
	}
	return bytes.HasSuffix(rest, final)
}
