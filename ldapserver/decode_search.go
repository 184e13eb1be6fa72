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
	// invalid names a field whose value is out of its range ("invalid
	// scope"): well-formed BER, so the search alone is answered
	// protocolError (as slapd does) and the session goes on.
	invalid string
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
	var scope, deref, size, limit int64
	for _, f := range []struct {
		v       *int64
		tag     byte
		max     int64
		invalid string
	}{
		{&scope, berEnumerated, int64(ScopeSubordinate), "invalid scope"},
		{&deref, berEnumerated, int64(DerefAlways), "invalid deref"},
		{&size, berInteger, maxInt, "invalid size limit"},
		{&limit, berInteger, maxInt, "invalid time limit"},
	} {
		e, err := r.expect(f.tag)
		if err != nil {
			return s, err
		}
		if *f.v, err = berInt(e.Content); err != nil {
			return s, err
		}
		if *f.v > maxInt || *f.v < -maxInt-1 {
			return s, fmt.Errorf("%w: value %d beyond 32 bits", errBER, *f.v)
		}
		if (*f.v < 0 || *f.v > f.max) && s.invalid == "" {
			s.invalid, *f.v = f.invalid, 0
		}
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
