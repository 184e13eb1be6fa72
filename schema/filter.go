package schema

// FilterOp is the kind of a search filter node (RFC 4511 §4.5.1.7).
type FilterOp uint8

// Filter node kinds.
const (
	FilterAnd FilterOp = iota + 1
	FilterOr
	FilterNot
	FilterEquality
	FilterSubstrings
	FilterGreaterOrEqual
	FilterLessOrEqual
	FilterPresent
	FilterApprox
	FilterExtensible
)

// Filter is a parsed search filter, shared by ldapserver (which builds it from the wire)
// and backend (which plans index lookups from it and evaluates it against entries).
//
// Which fields are set depends on Op:
//   - And, Or: Children (And/Or with no children are the RFC 4526 absolute true/false).
//   - Not: Children holds exactly one filter.
//   - Equality, GreaterOrEqual, LessOrEqual, Approx: Attr and Value.
//   - Present: Attr.
//   - Substrings: Attr, and any of Initial, Any, Final (nil when absent).
//   - Extensible: Value, and any of Attr, MatchingRule, DNAttributes.
//
// Attr is the attribute description as the client sent it (name or OID, options included).
// Values are raw assertion bytes, not yet normalized.
type Filter struct {
	Op       FilterOp
	Children []*Filter

	Attr  string
	Value []byte

	Initial []byte
	Any     [][]byte
	Final   []byte

	MatchingRule string
	DNAttributes bool
}
