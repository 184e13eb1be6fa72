package schema

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Normalizers behind the built-in matching rules (RFC 4517 §4.2).

func stringNorm(fold, ia5 bool) normFunc {
	return func(_ *Registry, dst, v []byte) ([]byte, error) {
		return prepString(dst, v, fold, ia5, spaceValue)
	}
}

func stringChunk(fold, ia5 bool) func(dst, v []byte, pos SubstringPos) ([]byte, error) {
	return func(dst, v []byte, pos SubstringPos) ([]byte, error) {
		return prepString(dst, v, fold, ia5, spaceMode(pos)+spaceInitial)
	}
}

// numericNorm drops all spaces (numericStringMatch); other non-digits are invalid.
func numericNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	for _, c := range v {
		switch {
		case c == ' ':
		case c >= '0' && c <= '9':
			dst = append(dst, c)
		default:
			return dst, ErrInvalidSyntax
		}
	}
	return dst, nil
}

func numericChunk(dst, v []byte, _ SubstringPos) ([]byte, error) { return numericNorm(nil, dst, v) }

// telephoneNorm folds case and drops spaces and hyphens (RFC 4517 §4.2.29).
func telephoneNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	start := len(dst)
	out, err := prepString(dst, v, true, false, spaceValue)
	if err != nil {
		return dst, err
	}
	w := start
	for i := start; i < len(out); {
		c := out[i]
		if c < utf8.RuneSelf {
			if c != ' ' && c != '-' {
				out[w] = c
				w++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(out[i:])
		switch r {
		case 0x058a, 0x2010, 0x2011, 0x2212, 0xfe63, 0xff0d:
		default:
			w += copy(out[w:], out[i:i+n])
		}
		i += n
	}
	return out[:w], nil
}

func telephoneChunk(dst, v []byte, _ SubstringPos) ([]byte, error) { return telephoneNorm(nil, dst, v) }

// listNorm normalizes a Postal Address style list: each '$'-separated line
// (with \24 and \5C escapes) is prepared as caseIgnoreMatch does, and the
// lines are joined with '$' again, escaped the same way.
func listNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	for i, line := range bytes.Split(v, []byte("$")) {
		if i > 0 {
			dst = append(dst, '$')
		}
		line = unescapeListLine(line)
		start := len(dst)
		var err error
		if dst, err = prepString(dst, line, true, false, spaceValue); err != nil {
			return dst, err
		}
		if bytes.ContainsAny(dst[start:], `$\`) {
			esc := bytes.ReplaceAll(dst[start:], []byte(`\`), []byte(`\5C`))
			esc = bytes.ReplaceAll(esc, []byte(`$`), []byte(`\24`))
			dst = append(dst[:start], esc...)
		}
	}
	return dst, nil
}

// listLineSep separates the prepared lines of a list value for substring
// matching. Preparation maps control characters to nothing, so no prepared
// assertion chunk contains it and no chunk can match across two lines.
const listLineSep = 0

// listSubstrNorm prepares a list value for substring matching: each line is
// prepared as caseIgnoreSubstringsMatch does and the lines are joined by
// listLineSep. RFC 4517 §4.2.12 matches the concatenated lines, "except that
// none of the initial, any, or final substrings of the assertion value are
// considered to match a substring of the concatenated string which spans
// more than one of the original strings".
func listSubstrNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	for i, line := range bytes.Split(v, []byte("$")) {
		if i > 0 {
			dst = append(dst, listLineSep)
		}
		var err error
		if dst, err = prepString(dst, unescapeListLine(line), true, false, spaceValue); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func unescapeListLine(line []byte) []byte {
	if bytes.IndexByte(line, '\\') < 0 {
		return line
	}
	s := strings.NewReplacer(`\24`, "$", `\5C`, `\`, `\5c`, `\`).Replace(string(line))
	return []byte(s)
}

// integerNorm produces the canonical decimal form: no leading zeros, no "-0".
func integerNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	neg := false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if len(v) == 0 {
		return dst, ErrInvalidSyntax
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return dst, ErrInvalidSyntax
		}
	}
	for len(v) > 1 && v[0] == '0' {
		v = v[1:]
	}
	if neg && !(len(v) == 1 && v[0] == '0') {
		dst = append(dst, '-')
	}
	return append(dst, v...), nil
}

// compareIntegers orders canonical decimal strings numerically.
func compareIntegers(a, b []byte) int {
	an, bn := len(a) > 0 && a[0] == '-', len(b) > 0 && b[0] == '-'
	switch {
	case an && !bn:
		return -1
	case !an && bn:
		return 1
	case an:
		return compareMagnitude(b[1:], a[1:])
	}
	return compareMagnitude(a, b)
}

func compareMagnitude(a, b []byte) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return bytes.Compare(a, b)
}

// booleanNorm accepts TRUE/FALSE in any case and yields upper case.
func booleanNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	switch {
	case bytes.EqualFold(v, []byte("TRUE")):
		return append(dst, "TRUE"...), nil
	case bytes.EqualFold(v, []byte("FALSE")):
		return append(dst, "FALSE"...), nil
	}
	return dst, ErrInvalidSyntax
}

func octetNorm(_ *Registry, dst, v []byte) ([]byte, error) { return append(dst, v...), nil }

func dnNorm(r *Registry, dst, v []byte) ([]byte, error) {
	dn, err := ParseDN(string(v))
	if err != nil {
		return dst, err
	}
	return r.appendNormalizedDN(dst, dn)
}

// uniqueMemberNorm normalizes "dn#'0101'B": the DN part as a DN, the
// optional UID bit string kept as is.
func uniqueMemberNorm(r *Registry, dst, v []byte) ([]byte, error) {
	name, uid := splitNameUID(v)
	if uid != nil && !validBitString(r, uid) {
		return dst, ErrInvalidSyntax
	}
	dst, err := dnNorm(r, dst, name)
	if err != nil || uid == nil {
		return dst, err
	}
	dst = append(dst, '#')
	return append(dst, uid...), nil
}

// timeNorm yields YYYYMMDDHHMMSS[.fraction]Z in UTC, fraction without
// trailing zeros; compareTimes orders these forms.
func timeNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	t, err := parseGeneralizedTime(v)
	if err != nil {
		return dst, err
	}
	return appendGeneralizedTime(dst, t), nil
}

func appendGeneralizedTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	dst = t.AppendFormat(dst, "20060102150405")
	if ns := t.Nanosecond(); ns > 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		dst = append(dst, frac[:n]...)
	}
	return append(dst, 'Z')
}

func compareTimes(a, b []byte) int {
	if len(a) < 14 || len(b) < 14 {
		return bytes.Compare(a, b)
	}
	if c := bytes.Compare(a[:14], b[:14]); c != 0 {
		return c
	}
	fa := bytes.TrimSuffix(bytes.TrimPrefix(a[14:], []byte(".")), []byte("Z"))
	fb := bytes.TrimSuffix(bytes.TrimPrefix(b[14:], []byte(".")), []byte("Z"))
	return bytes.Compare(fa, fb)
}

// oidNorm maps a descr to the OID of the attribute type, object class or
// matching rule it names; numeric OIDs stay; unknown descrs are lower-cased.
func oidNorm(r *Registry, dst, v []byte) ([]byte, error) {
	v = bytes.TrimSpace(v)
	if isNumericOID(v) {
		return append(dst, v...), nil
	}
	if !isDescr(v) {
		return dst, ErrInvalidSyntax
	}
	if r != nil {
		if oid := r.oidOfName(v); oid != "" {
			return append(dst, oid...), nil
		}
	}
	for _, c := range v {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, nil
}

// oidAssertionNorm is oidNorm for objectIdentifierMatch assertion values:
// a descr the server does not know makes the rule Undefined (RFC 4517
// §4.2.26), as in slapd, instead of comparing as an unknown name.
func oidAssertionNorm(r *Registry, dst, v []byte) ([]byte, error) {
	if r != nil && isDescr(v) && r.oidOfName(v) == "" {
		return dst, ErrInvalidSyntax
	}
	return oidNorm(r, dst, v)
}

func uuidNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	u, ok := parseUUID(v)
	if !ok {
		return dst, ErrInvalidSyntax
	}
	return append(dst, u[:]...), nil
}

func bitStringNorm(r *Registry, dst, v []byte) ([]byte, error) {
	if !validBitString(r, v) {
		return dst, ErrInvalidSyntax
	}
	return append(dst, v...), nil
}

// firstComponent returns the first element after '(' of an RFC 4512 style
// value, e.g. "2.5.4.3" of "( 2.5.4.3 NAME 'cn' ... )".
func firstComponent(v []byte) []byte {
	v = bytes.TrimLeft(v, " ")
	if len(v) == 0 || v[0] != '(' {
		return nil
	}
	v = bytes.TrimLeft(v[1:], " ")
	end := bytes.IndexAny(v, " )")
	if end < 0 {
		return v
	}
	return v[:end]
}

func firstComponentNorm(inner normFunc) normFunc {
	return func(r *Registry, dst, v []byte) ([]byte, error) {
		c := firstComponent(v)
		if c == nil {
			return dst, ErrInvalidSyntax
		}
		return inner(r, dst, c)
	}
}

// octetChunk is an octetStringSubstringsMatch chunk: the octets as they are.
func octetChunk(dst, v []byte, _ SubstringPos) ([]byte, error) { return append(dst, v...), nil }

// bitIntegerNorm is integerNorm for the bitwise rules, which work on 64-bit
// two's complement integers as slapd's do: other values are out of range
// (the assertion, or that value, is then Undefined, as in slapd).
func bitIntegerNorm(r *Registry, dst, v []byte) ([]byte, error) {
	start := len(dst)
	dst, err := integerNorm(r, dst, v)
	if err != nil {
		return dst, err
	}
	if _, err := strconv.ParseInt(string(dst[start:]), 10, 64); err != nil {
		return dst[:start], ErrInvalidSyntax
	}
	return dst, nil
}

// bitsOf returns the value of an integer normalized by bitIntegerNorm.
func bitsOf(v []byte) int64 {
	n, _ := strconv.ParseInt(string(v), 10, 64)
	return n
}

// wordMatch: the assertion equals one of the space-separated words of the value.
func wordsContain(value, assertion []byte) bool {
	for _, w := range bytes.Fields(value) {
		if bytes.Equal(w, assertion) {
			return true
		}
	}
	return false
}

// keywordMatch: like wordMatch, but words are split on punctuation too.
func keywordsContain(value, assertion []byte) bool {
	for _, w := range bytes.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '.' || r == '-' || r == '/' }) {
		if bytes.Equal(w, assertion) {
			return true
		}
	}
	return bytes.Equal(value, assertion)
}

// approxNorm yields one phonetic code per word, space separated: the
// caseIgnore form, with each word reduced to its first letter followed by
// its consonants (vowels, 'h', 'w' and 'y' dropped, doubled letters
// collapsed). "Smith" and "Smyth" both become "smt".
func approxNorm(_ *Registry, dst, v []byte) ([]byte, error) {
	prepared, err := prepString(nil, v, true, false, spaceValue)
	if err != nil {
		return dst, err
	}
	for i, w := range bytes.Fields(prepared) {
		if i > 0 {
			dst = append(dst, ' ')
		}
		last := rune(-1)
		for j, c := range string(w) {
			skip := j > 0 && (strings.ContainsRune("aeiouhwy", c) || c == last)
			last = c
			if !skip {
				dst = utf8.AppendRune(dst, c)
			}
		}
	}
	return dst, nil
}

// approxWords: every word code of the assertion occurs in the value.
func approxWords(value, assertion []byte) bool {
	vw := bytes.Fields(value)
	for _, a := range bytes.Fields(assertion) {
		found := false
		for _, w := range vw {
			if bytes.Equal(w, a) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// dnRelation builds the OpenLDAP-style DN relation rules (dnSubtreeMatch
// and friends) on normalized DN strings.
func dnRelation(rel func(value, base DN) bool) func(value, assertion []byte) bool {
	return func(value, assertion []byte) bool {
		v, err1 := ParseDN(string(value))
		a, err2 := ParseDN(string(assertion))
		return err1 == nil && err2 == nil && rel(v, a)
	}
}
