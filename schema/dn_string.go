package schema

import (
	"strings"
	"unicode/utf8"
)

// String returns the RFC 4514 string form: RDNs joined by ',', AVAs by '+',
// no added spaces, types as stored, and values escaped where RFC 4514
// requires it (the characters "+,;<>\ NUL, a leading '#' or space, a
// trailing space) plus '=' and bytes that are not valid UTF-8 or are
// control characters (as \HH). ParseDN(dn.String()) yields dn again.
func (dn DN) String() string {
	var b strings.Builder
	n := 0
	for _, rdn := range dn {
		n += rdn.size()
	}
	b.Grow(n)
	for i, rdn := range dn {
		if i > 0 {
			b.WriteByte(',')
		}
		rdn.appendTo(&b)
	}
	return b.String()
}

// String returns the RFC 4514 form of one RDN, e.g. "cn=a+sn=b".
func (rdn RDN) String() string {
	var b strings.Builder
	b.Grow(rdn.size())
	rdn.appendTo(&b)
	return b.String()
}

// size is the length of the RDN's string form, with a separator after
// it, when no value needs escaping.
func (rdn RDN) size() int {
	n := 0
	for _, ava := range rdn {
		n += len(ava.Type) + 2 + len(ava.Value) // '=' and the '+' or ',' after
	}
	return n
}

func (rdn RDN) appendTo(b *strings.Builder) {
	for j, ava := range rdn {
		if j > 0 {
			b.WriteByte('+')
		}
		b.WriteString(ava.Type)
		b.WriteByte('=')
		writeDNValue(b, ava.Value)
	}
}

// String returns "type=escaped value".
func (a AVA) String() string {
	var b strings.Builder
	b.WriteString(a.Type)
	b.WriteByte('=')
	writeDNValue(&b, a.Value)
	return b.String()
}

// EscapeDNValue returns v escaped for use as an RFC 4514 attribute value.
func EscapeDNValue(v string) string {
	var b strings.Builder
	writeDNValue(&b, v)
	return b.String()
}

const hexDigits = "0123456789ABCDEF"

func writeDNValue(b *strings.Builder, v string) { writeEscapedDNValue(b, v, false) }

// writeEscapedDNValue writes v as an RFC 4514 value: the characters that
// must be escaped as \c, or with hexSpecials as \XX (slapd's pretty form);
// control characters and bytes that are not UTF-8 always as \XX.
func writeEscapedDNValue(b *strings.Builder, v string, hexSpecials bool) {
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == ' ' && (i == 0 || i == len(v)-1),
			c == '#' && i == 0,
			strings.IndexByte("\"+,;<>\\=", c) >= 0:
			if hexSpecials {
				writeHexByte(b, c)
			} else {
				b.WriteByte('\\')
				b.WriteByte(c)
			}
			i++
		case c < 0x20 || c == 0x7f:
			writeHexByte(b, c)
			i++
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(v[i:])
			if r == utf8.RuneError && n == 1 {
				writeHexByte(b, c)
			} else {
				b.WriteString(v[i : i+n])
			}
			i += n
		}
	}
}

func writeHexByte(b *strings.Builder, c byte) {
	b.WriteByte('\\')
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&15])
}

// Parent returns the DN one level up (dn without its first RDN). The parent
// of the empty DN is the empty DN. The result shares memory with dn.
func (dn DN) Parent() DN {
	if len(dn) == 0 {
		return DN{}
	}
	return dn[1:]
}

// RDN returns the first (most specific) RDN, or nil for the empty DN.
func (dn DN) RDN() RDN {
	if len(dn) == 0 {
		return nil
	}
	return dn[0]
}

// IsEmpty reports whether dn is the empty DN (the root DSE).
func (dn DN) IsEmpty() bool { return len(dn) == 0 }

// Equal reports whether dn and other are the same DN compared exactly:
// attribute types case-insensitively (ASCII), values byte for byte, AVAs of
// a multi-valued RDN in order. It does no schema-aware matching: compare
// normalized DNs (Registry.NormalizeDN) to decide whether two DNs name the
// same entry.
func (dn DN) Equal(other DN) bool {
	if len(dn) != len(other) {
		return false
	}
	for i := range dn {
		if !dn[i].Equal(other[i]) {
			return false
		}
	}
	return true
}

// Equal reports whether two RDNs are exactly equal, as DN.Equal describes.
func (rdn RDN) Equal(other RDN) bool {
	if len(rdn) != len(other) {
		return false
	}
	for i := range rdn {
		if !strings.EqualFold(rdn[i].Type, other[i].Type) || rdn[i].Value != other[i].Value {
			return false
		}
	}
	return true
}

// IsDescendantOf reports whether dn lies strictly below anc: dn is longer
// than anc and ends with anc's RDNs (compared as DN.Equal does). Every DN
// except the empty one descends from the empty DN. The comparison is exact,
// so both DNs should be normalized by the same Registry first.
func (dn DN) IsDescendantOf(anc DN) bool {
	if len(dn) <= len(anc) {
		return false
	}
	return dn[len(dn)-len(anc):].Equal(anc)
}

// IsChildOf reports whether dn lies exactly one level below parent
// (compared as DN.Equal does).
func (dn DN) IsChildOf(parent DN) bool {
	return len(dn) == len(parent)+1 && dn[1:].Equal(parent)
}
