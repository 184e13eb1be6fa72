package schema

import (
	"strings"
	"unicode/utf8"
)

// String returns the RFC 4515 string form of f. Values escape '*', '(',
// ')', '\', NUL, control characters and bytes that are not valid UTF-8 as
// \hh. ParseFilter(f.String()) yields an equal filter. A nil filter prints
// as "".
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	f.appendTo(&b)
	return b.String()
}

func (f *Filter) appendTo(b *strings.Builder) {
	b.WriteByte('(')
	switch f.Op {
	case FilterAnd, FilterOr, FilterNot:
		b.WriteByte("&|!"[f.Op-FilterAnd])
		for _, c := range f.Children {
			c.appendTo(b)
		}
	case FilterEquality:
		b.WriteString(f.Attr)
		b.WriteByte('=')
		writeFilterValue(b, f.Value)
	case FilterApprox, FilterGreaterOrEqual, FilterLessOrEqual:
		b.WriteString(f.Attr)
		b.WriteString(filterOpText[f.Op])
		writeFilterValue(b, f.Value)
	case FilterPresent:
		b.WriteString(f.Attr)
		b.WriteString("=*")
	case FilterSubstrings:
		b.WriteString(f.Attr)
		b.WriteByte('=')
		writeFilterValue(b, f.Initial)
		b.WriteByte('*')
		for _, a := range f.Any {
			writeFilterValue(b, a)
			b.WriteByte('*')
		}
		writeFilterValue(b, f.Final)
	case FilterExtensible:
		b.WriteString(f.Attr)
		if f.DNAttributes {
			b.WriteString(":dn")
		}
		if f.MatchingRule != "" {
			b.WriteByte(':')
			b.WriteString(f.MatchingRule)
		}
		b.WriteString(":=")
		writeFilterValue(b, f.Value)
	}
	b.WriteByte(')')
}

// filterOpText is the operator of the comparison filters in string form.
var filterOpText = [...]string{FilterApprox: "~=", FilterGreaterOrEqual: ">=", FilterLessOrEqual: "<="}

// EscapeFilterValue returns v escaped for use as an RFC 4515 assertion value.
func EscapeFilterValue(v []byte) string {
	var b strings.Builder
	writeFilterValue(&b, v)
	return b.String()
}

const lowerHex = "0123456789abcdef"

func writeFilterValue(b *strings.Builder, v []byte) {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || c == '*' || c == '(' || c == ')' || c == '\\' {
				b.WriteByte('\\')
				b.WriteByte(lowerHex[c>>4])
				b.WriteByte(lowerHex[c&15])
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte('\\')
			b.WriteByte(lowerHex[c>>4])
			b.WriteByte(lowerHex[c&15])
		} else {
			b.Write(v[i : i+n])
		}
		i += n
	}
}
