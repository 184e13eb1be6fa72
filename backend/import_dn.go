package backend

import (
	"strings"

	"lightdir/schema"
)

// The import's shortcut for the first RDN of a DN whose parent was seen
// before: most RDNs are a single "type=value" whose value needs no
// escaping (uid=001010000012345, cn=hlr). For those, parsing is a split,
// the RDN's string form is the input itself, and normalizing is the
// equality rule on the value. Anything else takes the schema package's
// general path, which also produces the errors.

// simpleRDN is a first RDN that the shortcut handles.
type simpleRDN struct {
	s          string // the RDN as written: typ=value
	typ, value string
	rdn        schema.RDN
	nrdn       schema.RDN
	nstr       string // nrdn's string form
	pretty     string // the RDN as stored: the type's primary name=value (schema.Registry.PrettyRDN)
	normalized bool
}

// parseSimpleRDN returns the RDN of s (one RDN, no separator) when s is
// "descr=value" with a value that reads and writes in a DN string as it
// is (see simpleDNValue): then schema.ParseRDN(s) gives the same RDN and
// its String is s.
func parseSimpleRDN(s string) (simpleRDN, bool) {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 || !isDescr(s[:eq]) || !simpleDNValue(s[eq+1:]) {
		return simpleRDN{}, false
	}
	r := simpleRDN{s: s, typ: s[:eq], value: s[eq+1:]}
	r.rdn = schema.RDN{{Type: r.typ, Value: r.value}}
	return r, true
}

// isDescr reports whether s is an RFC 4512 descr: a letter, then letters,
// digits and hyphens.
func isDescr(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// simpleDNValue reports whether v is non-empty printable ASCII with no
// leading or trailing space, no leading '#' and none of the bytes that
// split or are escaped in a DN string (" + , ; < > \ =). Such a value is
// parsed from a DN string unchanged and written back unchanged.
func simpleDNValue(v string) bool {
	if v == "" || v[0] == ' ' || v[0] == '#' || v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 || c >= 0x7f:
			return false
		case c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>' || c == '\\' || c == '=':
			return false
		}
	}
	return true
}

// dnType is what normalizing an RDN needs of a type as written.
type dnType struct {
	at    *schema.AttributeType
	lname string // the type in normalized DNs: its first name, lower-cased
}

// normalize fills r.nrdn and r.nstr as schema.Registry.NormalizeDN does
// for a one-AVA RDN; false means the general path must decide (unknown
// type, invalid value).
func (p *importPrep) normalizeSimple(r *simpleRDN) bool {
	t, ok := p.dnTypes[r.typ]
	if !ok {
		t.at = p.reg.AttributeType(r.typ)
		if t.at != nil {
			t.lname = strings.ToLower(t.at.Name())
		}
		p.dnTypes[r.typ] = t
	}
	if t.at == nil {
		return false
	}
	val := r.value
	p.vbuf = append(p.vbuf[:0], r.value...) // the value, then its normal form
	if !t.at.Validate(p.vbuf) {
		return false // NormalizeDN refuses it
	}
	if rule := t.at.Equality; rule != nil && rule.Implemented() {
		n, err := rule.Normalize(p.vbuf[len(p.vbuf):], p.vbuf)
		if err != nil {
			return false
		}
		if string(n) != r.value {
			val = string(n)
		}
	}
	r.nrdn = schema.RDN{{Type: t.lname, Value: val}}
	r.pretty = r.s
	if name := t.at.Name(); name != r.typ {
		r.pretty = name + "=" + r.value
	}
	switch {
	case t.lname == r.typ && val == r.value:
		r.nstr = r.s
	case simpleDNValue(val):
		r.nstr = t.lname + "=" + val
	default:
		r.nstr = r.nrdn.String()
	}
	r.normalized = true
	return true
}
