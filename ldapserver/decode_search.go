package ldapserver

import (
	"fmt"

	"lightdir/schema"
)

// searchFields is a decoded SearchRequest protocolOp (RFC 4511 §4.5.1). Search is
// the hot path, so it is decoded here in one pass by our own BER reader instead of
// going through goldap; nothing in it aliases the PDU.
type searchFields struct {
	base      string
	scope     Scope
	deref     DerefAliases
	sizeLimit int // as requested; 0 means no limit
	timeLimit int // seconds, as requested; 0 means no limit
	typesOnly bool
	filter    *schema.Filter
	attrs     []string // nil when the selection is empty
}

// decodeSearch reads the content of a SearchRequest:
//
//	SEQUENCE { baseObject LDAPDN, scope ENUMERATED (0..3), derefAliases ENUMERATED
//	(0..3), sizeLimit INTEGER (0..maxInt), timeLimit INTEGER (0..maxInt),
//	typesOnly BOOLEAN, filter Filter, attributes SEQUENCE OF LDAPString }
//
// Scope 3 is subordinate (as slapd sends it). The content's booleans have been
// checked by berNormalize; errors wrap errBER.
func decodeSearch(c []byte) (s searchFields, err error) {
	r := berReader{buf: c}
	base, err := r.expect(berOctetString)
	if err != nil {
		return s, err
	}
	s.base = string(base.Content)
	scope, err := r.boundedInt(berEnumerated, int64(ScopeSubordinate))
	if err != nil {
		return s, err
	}
	deref, err := r.boundedInt(berEnumerated, int64(DerefAlways))
	if err != nil {
		return s, err
	}
	size, err := r.boundedInt(berInteger, maxInt)
	if err != nil {
		return s, err
	}
	limit, err := r.boundedInt(berInteger, maxInt)
	if err != nil {
		return s, err
	}
	s.scope, s.deref, s.sizeLimit, s.timeLimit = Scope(scope), DerefAliases(deref), int(size), int(limit)
	typesOnly, err := r.expect(berBoolean)
	if err != nil {
		return s, err
	}
	if s.typesOnly, err = berBool(typesOnly.Content); err != nil {
		return s, err
	}
	fe, err := r.next()
	if err != nil {
		return s, err
	}
	if s.filter, err = decodeFilter(fe, 0); err != nil {
		return s, err
	}
	attrs, err := r.expect(berSequence)
	if err != nil {
		return s, err
	}
	if r.more() {
		return s, fmt.Errorf("%w: data after the search request", errBER)
	}
	n, err := countElems(attrs.Content)
	if err != nil || n == 0 {
		return s, err
	}
	s.attrs = make([]string, 0, n)
	ar := berReader{buf: attrs.Content}
	for ar.more() {
		a, err := ar.expect(berOctetString)
		if err != nil {
			return s, err
		}
		s.attrs = append(s.attrs, string(a.Content))
	}
	return s, nil
}

// maxInt is RFC 4511's maxInt (2^31-1), the bound of limits and message IDs.
const maxInt = 1<<31 - 1

// boundedInt reads an INTEGER or ENUMERATED element with the given tag whose value
// must lie in 0..max.
func (r *berReader) boundedInt(tag byte, max int64) (int64, error) {
	e, err := r.expect(tag)
	if err != nil {
		return 0, err
	}
	v, err := berInt(e.Content)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > max {
		return 0, fmt.Errorf("%w: value %d out of range 0..%d", errBER, v, max)
	}
	return v, nil
}

// countElems counts the TLVs in a constructed content, checking their framing.
func countElems(c []byte) (int, error) {
	n := 0
	for r := (berReader{buf: c}); r.more(); n++ {
		if _, err := r.next(); err != nil {
			return 0, err
		}
	}
	return n, nil
}
