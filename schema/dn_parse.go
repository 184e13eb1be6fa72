package schema

import (
	"fmt"
	"strings"
)

// ParseDN parses the RFC 4514 string form of a distinguished name.
//
// It accepts what RFC 4514 requires plus what clients commonly send: spaces
// around ',', '+' and '=' (ignored), ';' as an RDN separator, and unescaped
// '=' or '#' inside a value. Attribute types are kept as written (descr or
// numeric OID, "OID." prefix removed); values are unescaped. A '#'-hex value
// whose BER encoding is a primitive string type is stored as the string's
// content, otherwise as the raw BER bytes. The empty string is the empty DN;
// a string of spaces is no DN.
// Errors wrap ErrInvalidDN. The result shares no memory with s: values and
// types are cut from one copy of s, and all AVAs share one array, so a
// typical DN costs three allocations.
func ParseDN(s string) (DN, error) {
	p := dnParser{s: s}
	p.skipSpaces()
	if p.i == len(s) {
		if len(s) > 0 {
			// Spaces alone name no entry, not even the root (slapd: 34).
			return nil, fmt.Errorf("%w %q: only spaces", ErrInvalidDN, s)
		}
		return DN{}, nil
	}
	p.s = strings.Clone(s)
	rdns, avas := countAVAs(s)
	dn := make(DN, 0, rdns)
	p.avas = make([]AVA, 0, avas)
	for {
		rdn, err := p.rdn()
		if err != nil {
			return nil, fmt.Errorf("%w %q: %w", ErrInvalidDN, s, err)
		}
		dn = append(dn, rdn)
		if p.i == len(s) {
			return dn, nil
		}
		if c := s[p.i]; c != ',' && c != ';' {
			return nil, fmt.Errorf("%w %q: unexpected %q at offset %d", ErrInvalidDN, s, c, p.i)
		}
		p.i++
		p.skipSpaces()
	}
}

// countAVAs returns how many RDNs and AVAs the DN string s has at most:
// one more than its unescaped separators.
func countAVAs(s string) (rdns, avas int) {
	rdns, avas = 1, 1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',', ';':
			rdns++
			avas++
		case '+':
			avas++
		}
	}
	return rdns, avas
}

// ParseRDN parses a single relative distinguished name such as "cn=a+sn=b".
// Errors wrap ErrInvalidDN.
func ParseRDN(s string) (RDN, error) {
	dn, err := ParseDN(s)
	if err != nil {
		return nil, err
	}
	if len(dn) != 1 {
		return nil, fmt.Errorf("%w %q: want exactly one RDN", ErrInvalidDN, s)
	}
	return dn[0], nil
}

type dnParser struct {
	s    string
	i    int
	avas []AVA // backing array of the RDNs
}

func (p *dnParser) skipSpaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// rdn parses AVAs joined by '+' and stops before ',' ';' or the end.
func (p *dnParser) rdn() (RDN, error) {
	start := len(p.avas)
	for {
		ava, err := p.ava()
		if err != nil {
			return nil, err
		}
		p.avas = append(p.avas, ava)
		if p.i < len(p.s) && p.s[p.i] == '+' {
			p.i++
			p.skipSpaces()
			continue
		}
		return p.avas[start:len(p.avas):len(p.avas)], nil
	}
}

func (p *dnParser) ava() (AVA, error) {
	typ, err := p.attrType()
	if err != nil {
		return AVA{}, err
	}
	p.skipSpaces()
	if p.i >= len(p.s) || p.s[p.i] != '=' {
		return AVA{}, fmt.Errorf("missing '=' after %q", typ)
	}
	p.i++
	p.skipSpaces()
	var val string
	if p.i < len(p.s) && p.s[p.i] == '#' {
		val, err = p.hexValue()
	} else {
		val, err = p.stringValue()
	}
	if err != nil {
		return AVA{}, err
	}
	p.skipSpaces()
	return AVA{Type: typ, Value: val}, nil
}

// attrType reads a descr (ALPHA *(ALPHA / DIGIT / "-")) or a numericoid.
func (p *dnParser) attrType() (string, error) {
	start := p.i
	for p.i < len(p.s) && isKeyChar(p.s[p.i]) {
		p.i++
	}
	t := p.s[start:p.i]
	if len(t) > 4 && strings.EqualFold(t[:4], "oid.") {
		t = t[4:]
	}
	if !isDescr(t) && !isNumericOID(t) {
		if t == "" {
			return "", fmt.Errorf("missing attribute type at offset %d", start)
		}
		return "", fmt.Errorf("bad attribute type %q", t)
	}
	return t, nil
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// hexValue reads '#' followed by an even number of hex digits (a BER encoding).
func (p *dnParser) hexValue() (string, error) {
	p.i++
	start := p.i
	for p.i < len(p.s) && isHex(p.s[p.i]) {
		p.i++
	}
	h := p.s[start:p.i]
	if len(h) == 0 || len(h)%2 != 0 {
		return "", fmt.Errorf("bad hex value at offset %d", start)
	}
	b := make([]byte, len(h)/2)
	for j := range b {
		b[j] = unhex(h[2*j])<<4 | unhex(h[2*j+1])
	}
	if !berElement(b) {
		return "", fmt.Errorf("hex value at offset %d is not one BER element", start)
	}
	return string(berStringContent(b)), nil
}

// berElement reports whether b is exactly one BER element with a definite
// length: hex that is not (RFC 4514 2.4: "the BER encoding of the
// AttributeValue") would otherwise be taken as the raw bytes of any value.
func berElement(b []byte) bool {
	i := 1
	if len(b) < 2 {
		return false
	}
	if b[0]&0x1f == 0x1f { // high tag number form
		for i < len(b) && b[i]&0x80 != 0 {
			i++
		}
		i++
	}
	if i >= len(b) {
		return false
	}
	n := int(b[i])
	i++
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(b)-i < k {
			return false // indefinite, or longer than a DN can be
		}
		n = 0
		for _, c := range b[i : i+k] {
			n = n<<8 | int(c)
		}
		i += k
	}
	return len(b)-i == n
}

// berStringContent returns the content octets of a primitive BER string
// (OCTET STRING, UTF8String, PrintableString, T61String, IA5String,
// VisibleString, UniversalString is not decoded) or b itself when b is
// anything else.
func berStringContent(b []byte) []byte {
	if len(b) < 2 {
		return b
	}
	switch b[0] {
	case 0x04, 0x0c, 0x13, 0x14, 0x16, 0x1a:
	default:
		return b
	}
	n, off := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(b) < 2+k {
			return b
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		off = 2 + k
	}
	if len(b)-off != n {
		return b
	}
	return b[off:]
}

// stringValue reads an escaped string value up to an unescaped ',' ';' '+'
// or the end; trailing unescaped spaces are dropped. A value without
// escapes is a substring of p.s; the others are built in esc.
func (p *dnParser) stringValue() (string, error) {
	start := p.i
	var esc []byte // the value so far once it holds an escape; until then p.s[start:p.i]
	keep := 0      // length of the value up to its last escaped or non-space byte
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case ',', ';', '+':
			return p.cut(start, esc, keep), nil
		case '\\':
			if esc == nil {
				esc = append(make([]byte, 0, len(p.s)-start), p.s[start:p.i]...)
			}
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			esc = append(esc, r)
			keep = len(esc)
			continue
		case '"', '<', '>', 0:
			return "", fmt.Errorf("unescaped %q at offset %d", c, p.i)
		}
		p.i++
		n := p.i - start
		if esc != nil {
			esc = append(esc, c)
			n = len(esc)
		}
		if c != ' ' {
			keep = n
		}
	}
	return p.cut(start, esc, keep), nil
}

// cut returns the first keep bytes of the value stringValue read.
func (p *dnParser) cut(start int, esc []byte, keep int) string {
	if esc == nil {
		return p.s[start : start+keep]
	}
	return string(esc[:keep])
}

// escape decodes "\X" (X a special character) or "\HH" and advances past it.
func (p *dnParser) escape() (byte, error) {
	if p.i+1 >= len(p.s) {
		return 0, fmt.Errorf("dangling '\\' at offset %d", p.i)
	}
	c := p.s[p.i+1]
	if isHex(c) && p.i+2 < len(p.s) && isHex(p.s[p.i+2]) {
		p.i += 3
		return unhex(c)<<4 | unhex(p.s[p.i-1]), nil
	}
	if strings.IndexByte(" \"#+,;<=>\\", c) >= 0 {
		p.i += 2
		return c, nil
	}
	return 0, fmt.Errorf("bad escape at offset %d", p.i)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// isDescr reports whether s is an RFC 4512 descr: ALPHA *(ALPHA / DIGIT / "-").
func isDescr[T string | []byte](s T) bool {
	if len(s) == 0 || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isNumericOID reports whether s is number 1*( DOT number ) without leading zeros.
func isNumericOID[T string | []byte](s T) bool {
	parts, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
			continue
		}
		n := i - start
		if n == 0 || n > 1 && s[start] == '0' {
			return false
		}
		parts++
		start = i + 1
	}
	return parts >= 2
}
