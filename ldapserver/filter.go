package ldapserver

import (
	"fmt"

	"lightdir/schema"
)

// Filters are decoded here rather than by goldap: the pinned goldap requires the
// dnAttributes field of an extensible match although RFC 4511 gives it DEFAULT
// FALSE (clients such as libldap and go-ldap omit it), and its filter reader is not
// exported for the assertion control. Search requests are decoded by decodeSearch.

// Filter CHOICE tags (RFC 4511 §4.5.1).
const (
	tagFilterAnd        = berClassContext | berConstructed | 0
	tagFilterOr         = berClassContext | berConstructed | 1
	tagFilterNot        = berClassContext | berConstructed | 2
	tagFilterEquality   = berClassContext | berConstructed | 3
	tagFilterSubstrings = berClassContext | berConstructed | 4
	tagFilterGE         = berClassContext | berConstructed | 5
	tagFilterLE         = berClassContext | berConstructed | 6
	tagFilterPresent    = berClassContext | 7
	tagFilterApprox     = berClassContext | berConstructed | 8
	tagFilterExtensible = berClassContext | berConstructed | 9
)

// avaFilterOps maps the tag number of an attribute value assertion filter to its
// operator.
var avaFilterOps = [...]schema.FilterOp{
	tagFilterEquality & 0x1f: schema.FilterEquality, tagFilterGE & 0x1f: schema.FilterGreaterOrEqual,
	tagFilterLE & 0x1f: schema.FilterLessOrEqual, tagFilterApprox & 0x1f: schema.FilterApprox,
}

// maxFilterDepth bounds the nesting of a decoded filter.
const maxFilterDepth = 64

// decodeFilterBER decodes exactly one BER Filter. Values are copied.
func decodeFilterBER(b []byte) (*schema.Filter, error) {
	r := berReader{buf: b}
	e, err := r.next()
	if err != nil {
		return nil, err
	}
	if r.more() {
		return nil, fmt.Errorf("%w: data after the filter", errBER)
	}
	return decodeFilter(e, 0)
}

func decodeFilter(e berElem, depth int) (*schema.Filter, error) {
	if depth > maxFilterDepth {
		return nil, fmt.Errorf("%w: filter nested too deeply", errBER)
	}
	switch e.Tag {
	case tagFilterAnd, tagFilterOr:
		op := schema.FilterAnd
		if e.Tag == tagFilterOr {
			op = schema.FilterOr
		}
		f := &schema.Filter{Op: op, Children: []*schema.Filter{}}
		r := berReader{buf: e.Content}
		for r.more() {
			ce, err := r.next()
			if err != nil {
				return nil, err
			}
			c, err := decodeFilter(ce, depth+1)
			if err != nil {
				return nil, err
			}
			f.Children = append(f.Children, c)
		}
		return f, nil
	case tagFilterNot:
		r := berReader{buf: e.Content}
		ce, err := r.next()
		if err != nil {
			return nil, err
		}
		if r.more() {
			return nil, fmt.Errorf("%w: not filter with several children", errBER)
		}
		c, err := decodeFilter(ce, depth+1)
		if err != nil {
			return nil, err
		}
		return &schema.Filter{Op: schema.FilterNot, Children: []*schema.Filter{c}}, nil
	case tagFilterEquality, tagFilterGE, tagFilterLE, tagFilterApprox:
		attr, val, err := decodeAVA(e.Content)
		if err != nil {
			return nil, err
		}
		return &schema.Filter{Op: avaFilterOps[e.Tag&0x1f], Attr: attr, Value: val}, nil
	case tagFilterPresent:
		if len(e.Content) == 0 {
			return nil, fmt.Errorf("%w: empty attribute in present filter", errBER)
		}
		return &schema.Filter{Op: schema.FilterPresent, Attr: string(e.Content)}, nil
	case tagFilterSubstrings:
		return decodeSubstrings(e.Content)
	case tagFilterExtensible:
		return decodeExtensible(e.Content)
	}
	return nil, fmt.Errorf("%w: unknown filter tag %#x", errBER, e.Tag)
}

// decodeAVA reads AttributeValueAssertion ::= SEQUENCE { attributeDesc, assertionValue }
// from the content of an implicitly tagged filter.
func decodeAVA(c []byte) (string, []byte, error) {
	r := berReader{buf: c}
	a, err := r.expect(berOctetString)
	if err != nil {
		return "", nil, err
	}
	v, err := r.expect(berOctetString)
	if err != nil {
		return "", nil, err
	}
	if r.more() || len(a.Content) == 0 {
		return "", nil, fmt.Errorf("%w: malformed attribute value assertion", errBER)
	}
	return string(a.Content), append([]byte{}, v.Content...), nil
}

// decodeSubstrings reads SubstringFilter: at most one initial (first), any number of
// any, at most one final (last), at least one in all.
func decodeSubstrings(c []byte) (*schema.Filter, error) {
	r := berReader{buf: c}
	a, err := r.expect(berOctetString)
	if err != nil {
		return nil, err
	}
	seq, err := r.expect(berSequence)
	if err != nil {
		return nil, err
	}
	if r.more() || len(a.Content) == 0 {
		return nil, fmt.Errorf("%w: malformed substrings filter", errBER)
	}
	f := &schema.Filter{Op: schema.FilterSubstrings, Attr: string(a.Content)}
	sr := berReader{buf: seq.Content}
	n := 0
	for sr.more() {
		s, err := sr.next()
		if err != nil {
			return nil, err
		}
		v := append([]byte{}, s.Content...)
		switch s.Tag {
		case berClassContext | 0:
			if n != 0 {
				return nil, fmt.Errorf("%w: initial substring not first", errBER)
			}
			f.Initial = v
		case berClassContext | 1:
			if f.Final != nil {
				return nil, fmt.Errorf("%w: substring after final", errBER)
			}
			f.Any = append(f.Any, v)
		case berClassContext | 2:
			if f.Final != nil {
				return nil, fmt.Errorf("%w: two final substrings", errBER)
			}
			f.Final = v
		default:
			return nil, fmt.Errorf("%w: substring tag %#x", errBER, s.Tag)
		}
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: substrings filter without substrings", errBER)
	}
	return f, nil
}

// decodeExtensible reads MatchingRuleAssertion ::= SEQUENCE { matchingRule [1]
// OPTIONAL, type [2] OPTIONAL, matchValue [3], dnAttributes [4] DEFAULT FALSE }.
func decodeExtensible(c []byte) (*schema.Filter, error) {
	f := &schema.Filter{Op: schema.FilterExtensible}
	r := berReader{buf: c}
	if r.peekTag() == berClassContext|1 {
		e, err := r.next()
		if err != nil {
			return nil, err
		}
		f.MatchingRule = string(e.Content)
	}
	if r.peekTag() == berClassContext|2 {
		e, err := r.next()
		if err != nil {
			return nil, err
		}
		f.Attr = string(e.Content)
	}
	v, err := r.expect(berClassContext | 3)
	if err != nil {
		return nil, err
	}
	f.Value = append([]byte{}, v.Content...)
	if r.more() {
		d, err := r.expect(berClassContext | 4)
		if err != nil {
			return nil, err
		}
		if f.DNAttributes, err = berBool(d.Content); err != nil {
			return nil, err
		}
	}
	if r.more() {
		return nil, fmt.Errorf("%w: data after extensible match", errBER)
	}
	if f.MatchingRule == "" && f.Attr == "" {
		return nil, fmt.Errorf("%w: extensible match without type or matching rule", errBER)
	}
	return f, nil
}
