package schema

import (
	"fmt"
	"strings"
)

// maxFilterDepth bounds nesting so hostile input cannot exhaust the stack.
const maxFilterDepth = 512

// ParseFilter parses the RFC 4515 string form of a search filter, such as
// "(&(objectClass=person)(cn=J*n))". A filter without the outer parentheses
// ("cn=x") is accepted as ldapsearch does. Values may contain \HH escapes;
// "(&)" and "(|)" are the RFC 4526 absolute true and false. Empty
// substring components ("a**b") are dropped. Errors wrap ErrInvalidFilter.
// The result shares no memory with s.
func ParseFilter(s string) (*Filter, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, fmt.Errorf("%w: empty filter", ErrInvalidFilter)
	}
	if t[0] != '(' {
		t = "(" + t + ")"
	}
	p := filterParser{s: t}
	f, err := p.filter(0)
	if err == nil && p.i != len(t) {
		err = fmt.Errorf("trailing data at offset %d", p.i)
	}
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrInvalidFilter, s, err)
	}
	return f, nil
}

type filterParser struct {
	s string
	i int
}

func (p *filterParser) filter(depth int) (*Filter, error) {
	if depth > maxFilterDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxFilterDepth)
	}
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return nil, fmt.Errorf("expected '(' at offset %d", p.i)
	}
	p.i++
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end")
	}
	var f *Filter
	var err error
	switch p.s[p.i] {
	case '&', '|':
		op := FilterAnd
		if p.s[p.i] == '|' {
			op = FilterOr
		}
		p.i++
		f = &Filter{Op: op}
		for p.i < len(p.s) && p.s[p.i] == '(' {
			c, err := p.filter(depth + 1)
			if err != nil {
				return nil, err
			}
			f.Children = append(f.Children, c)
		}
	case '!':
		p.i++
		c, err := p.filter(depth + 1)
		if err != nil {
			return nil, err
		}
		f = &Filter{Op: FilterNot, Children: []*Filter{c}}
	default:
		f, err = p.item()
		if err != nil {
			return nil, err
		}
	}
	if p.i >= len(p.s) || p.s[p.i] != ')' {
		return nil, fmt.Errorf("expected ')' at offset %d", p.i)
	}
	p.i++
	return f, nil
}

// item parses simple, present, substring and extensible items up to ')'.
func (p *filterParser) item() (*Filter, error) {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("=~<>:()", p.s[p.i]) < 0 {
		p.i++
	}
	attr := p.s[start:p.i]
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end after %q", attr)
	}
	switch p.s[p.i] {
	case ':':
		return p.extensible(attr)
	case '~', '<', '>':
		op := FilterApprox
		switch p.s[p.i] {
		case '<':
			op = FilterLessOrEqual
		case '>':
			op = FilterGreaterOrEqual
		}
		if p.i+1 >= len(p.s) || p.s[p.i+1] != '=' {
			return nil, fmt.Errorf("expected '=' at offset %d", p.i+1)
		}
		p.i += 2
		if err := checkAttrDesc(attr); err != nil {
			return nil, err
		}
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		return &Filter{Op: op, Attr: attr, Value: v}, nil
	case '=':
		p.i++
		if err := checkAttrDesc(attr); err != nil {
			return nil, err
		}
		return p.equalityOrSubstrings(attr)
	}
	return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.i], p.i)
}

func (p *filterParser) equalityOrSubstrings(attr string) (*Filter, error) {
	var parts [][]byte
	stars := 0
	for {
		v, err := p.value(true)
		if err != nil {
			return nil, err
		}
		parts = append(parts, v)
		if p.i < len(p.s) && p.s[p.i] == '*' {
			p.i++
			stars++
			continue
		}
		break
	}
	if stars == 0 {
		return &Filter{Op: FilterEquality, Attr: attr, Value: parts[0]}, nil
	}
	if stars == 1 && len(parts[0]) == 0 && len(parts[1]) == 0 {
		return &Filter{Op: FilterPresent, Attr: attr}, nil
	}
	f := &Filter{Op: FilterSubstrings, Attr: attr}
	if len(parts[0]) > 0 {
		f.Initial = parts[0]
	}
	if last := parts[len(parts)-1]; len(last) > 0 {
		f.Final = last
	}
	for _, a := range parts[1 : len(parts)-1] {
		if len(a) > 0 {
			f.Any = append(f.Any, a)
		}
	}
	if f.Initial == nil && f.Final == nil && f.Any == nil {
		return nil, fmt.Errorf("substring filter on %q has no component", attr)
	}
	return f, nil
}

// extensible parses attr [":dn"] [":" rule] ":=" value, with attr possibly empty.
func (p *filterParser) extensible(attr string) (*Filter, error) {
	f := &Filter{Op: FilterExtensible, Attr: attr}
	if attr != "" {
		if err := checkAttrDesc(attr); err != nil {
			return nil, err
		}
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, fmt.Errorf("expected ':' at offset %d", p.i)
		}
		p.i++
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
			break
		}
		start := p.i
		for p.i < len(p.s) && isKeyChar(p.s[p.i]) {
			p.i++
		}
		word := p.s[start:p.i]
		switch {
		case strings.EqualFold(word, "dn") && !f.DNAttributes && f.MatchingRule == "":
			f.DNAttributes = true
		case f.MatchingRule == "" && !strings.EqualFold(word, "dn") && (isDescr(word) || isNumericOID(word)):
			f.MatchingRule = word
		default:
			return nil, fmt.Errorf("bad extensible match component %q", word)
		}
	}
	if f.Attr == "" && f.MatchingRule == "" {
		return nil, fmt.Errorf("extensible match needs an attribute or a matching rule")
	}
	v, err := p.value(false)
	if err != nil {
		return nil, err
	}
	f.Value = v
	return f, nil
}

// value reads an assertion value up to ')' (or '*' when stopAtStar),
// decoding \HH escapes. It never returns nil.
func (p *filterParser) value(stopAtStar bool) ([]byte, error) {
	out := []byte{}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == ')':
			return out, nil
		case c == '*':
			if stopAtStar {
				return out, nil
			}
			return nil, fmt.Errorf("unescaped '*' at offset %d", p.i)
		case c == '(':
			return nil, fmt.Errorf("unescaped '(' at offset %d", p.i)
		case c == '\\':
			if p.i+2 >= len(p.s) || !isHex(p.s[p.i+1]) || !isHex(p.s[p.i+2]) {
				return nil, fmt.Errorf("bad escape at offset %d", p.i)
			}
			out = append(out, unhex(p.s[p.i+1])<<4|unhex(p.s[p.i+2]))
			p.i += 3
		case c == 0:
			return nil, fmt.Errorf("NUL at offset %d", p.i)
		default:
			out = append(out, c)
			p.i++
		}
	}
	return nil, fmt.Errorf("unexpected end in value")
}

// checkAttrDesc validates an attribute description: a descr or numericoid
// followed by ";option" parts made of ALPHA / DIGIT / "-".
func checkAttrDesc(desc string) error {
	typ, opts, _ := strings.Cut(desc, ";")
	if !isDescr(typ) && !isNumericOID(typ) {
		return fmt.Errorf("bad attribute description %q", desc)
	}
	if opts == "" && strings.HasSuffix(desc, ";") {
		return fmt.Errorf("bad attribute description %q", desc)
	}
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ";")
		if o == "" {
			return fmt.Errorf("bad attribute description %q", desc)
		}
		if !isOptionChars(o) {
			return fmt.Errorf("bad option in %q", desc)
		}
	}
	return nil
}
