package schema

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Validators for the RFC 4517 syntaxes. Each reports whether v is a valid
// LDAP-specific encoding of a value of its syntax. They never allocate on
// the common path.

func validAny(*Registry, []byte) bool { return true }

func validDirectoryString(_ *Registry, v []byte) bool { return len(v) > 0 && utf8.Valid(v) }

func validIA5(_ *Registry, v []byte) bool {
	for _, c := range v {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func isPrintableChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("'()+,-./:? =", c) >= 0
}

func validPrintable(_ *Registry, v []byte) bool {
	for _, c := range v {
		if !isPrintableChar(c) {
			return false
		}
	}
	return len(v) > 0
}

func validNumericString(_ *Registry, v []byte) bool {
	for _, c := range v {
		if c != ' ' && (c < '0' || c > '9') {
			return false
		}
	}
	return len(v) > 0
}

func validCountry(r *Registry, v []byte) bool { return len(v) == 2 && validPrintable(r, v) }

func validInteger(_ *Registry, v []byte) bool {
	s := v
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
		if len(s) == 1 && s[0] == '0' {
			return false // "-0" is not allowed
		}
	}
	if len(s) == 0 || len(s) > 1 && s[0] == '0' {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func validBoolean(_ *Registry, v []byte) bool { return string(v) == "TRUE" || string(v) == "FALSE" }

// validDN: RFC 4514 string form and, knowing the schema, what slapd's
// dnValidate also requires: every attribute type defined, every value valid
// for its type's syntax, and no type twice in one RDN (X.501 §9.3).
func validDN(r *Registry, v []byte) bool {
	if !utf8.Valid(v) {
		return false
	}
	dn, err := ParseDN(string(v))
	if err != nil {
		return false
	}
	return r == nil || r.validDNValues(dn)
}

// validNameAndOptionalUID: distinguishedName [ SHARP BitString ].
func validNameAndOptionalUID(r *Registry, v []byte) bool {
	dn, uid := splitNameUID(v)
	if uid != nil && !validBitString(r, uid) {
		return false
	}
	return validDN(r, dn)
}

// splitNameUID splits "dn#'0101'B" at the last '#' that starts a BitString.
func splitNameUID(v []byte) (dn, uid []byte) {
	if i := bytes.LastIndexByte(v, '#'); i >= 0 && i+1 < len(v) && v[i+1] == '\'' && bytes.HasSuffix(v, []byte("'B")) {
		return v[:i], v[i+1:]
	}
	return v, nil
}

func validBitString(_ *Registry, v []byte) bool {
	if len(v) < 3 || v[0] != '\'' || !bytes.HasSuffix(v, []byte("'B")) {
		return false
	}
	for _, c := range v[1 : len(v)-2] {
		if c != '0' && c != '1' {
			return false
		}
	}
	return true
}

func validOID(_ *Registry, v []byte) bool { return isDescr(string(v)) || isNumericOID(string(v)) }

func validGeneralizedTime(_ *Registry, v []byte) bool {
	_, err := parseGeneralizedTime(v)
	return err == nil
}

func validUTCTime(_ *Registry, v []byte) bool {
	_, err := parseUTCTime(v)
	return err == nil
}

func validTelephone(r *Registry, v []byte) bool { return validPrintable(r, v) }

// validPostalAddress: line *( DOLLAR line ), lines non-empty UTF-8, with
// '$' and '\' escaped as \24 and \5C.
func validPostalAddress(_ *Registry, v []byte) bool {
	if !utf8.Valid(v) {
		return false
	}
	for _, line := range bytes.Split(v, []byte("$")) {
		if len(line) == 0 {
			return false
		}
		for i := 0; i < len(line); i++ {
			if line[i] == '\\' {
				if i+2 >= len(line) {
					return false
				}
				if e := strings.ToUpper(string(line[i+1 : i+3])); e != "24" && e != "5C" {
					return false
				}
				i += 2
			}
		}
	}
	return true
}

func validUUID(_ *Registry, v []byte) bool {
	_, ok := parseUUID(v)
	return ok
}

// parseUUID decodes the RFC 4122 string form into 16 bytes.
func parseUUID(v []byte) ([16]byte, bool) {
	var u [16]byte
	if len(v) != 36 {
		return u, false
	}
	j := 0
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if v[i] != '-' {
				return u, false
			}
			continue
		}
		if !isHex(v[i]) || !isHex(v[i+1]) {
			return u, false
		}
		u[j] = unhex(v[i])<<4 | unhex(v[i+1])
		j++
		i++
	}
	return u, true
}

// validSubstringAssertion: [initial] STAR *(any STAR) [final] with '*' and
// '\' escaped as \2A and \5C.
func validSubstringAssertion(_ *Registry, v []byte) bool {
	return bytes.IndexByte(v, '*') >= 0 && utf8.Valid(v)
}

func validFacsimile(r *Registry, v []byte) bool {
	parts := strings.Split(string(v), "$")
	if !validPrintable(r, []byte(parts[0])) {
		return false
	}
	for _, p := range parts[1:] {
		switch p {
		case "twoDimensional", "fineResolution", "unlimitedLength", "b4Length", "a3Width", "b4Width", "uncompressed":
		default:
			return false
		}
	}
	return true
}

func validDeliveryMethod(_ *Registry, v []byte) bool {
	for _, p := range strings.Split(string(v), "$") {
		switch strings.TrimSpace(p) {
		case "any", "mhs", "physical", "telex", "teletex", "g3fax", "g4fax", "ia5", "videotex", "telephone":
		default:
			return false
		}
	}
	return true
}

func validTelex(r *Registry, v []byte) bool {
	parts := strings.Split(string(v), "$")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if !validPrintable(r, []byte(p)) {
			return false
		}
	}
	return true
}

func validTeletexID(r *Registry, v []byte) bool {
	parts := strings.Split(string(v), "$")
	return validPrintable(r, []byte(parts[0]))
}

func validOtherMailbox(r *Registry, v []byte) bool {
	typ, box, ok := strings.Cut(string(v), "$")
	return ok && validPrintable(r, []byte(typ)) && validIA5(r, []byte(box))
}

// validNetgroupTriple: "(" host "," user "," domain ")" (RFC 2307).
func validNetgroupTriple(_ *Registry, v []byte) bool {
	s := string(v)
	return strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && strings.Count(s, ",") == 2
}

// validBootParameter: key "=" server ":" path (RFC 2307).
func validBootParameter(_ *Registry, v []byte) bool {
	k, rest, ok := strings.Cut(string(v), "=")
	return ok && k != "" && strings.Contains(rest, ":")
}

func validNonEmpty(_ *Registry, v []byte) bool { return len(v) > 0 }

// validCSN: timestamp "#" count "#" sid "#" mod, e.g.
// 20240101120000.000000Z#000000#000#000000.
func validCSN(_ *Registry, v []byte) bool {
	parts := strings.Split(string(v), "#")
	if len(parts) != 4 {
		return false
	}
	if _, err := parseGeneralizedTime([]byte(parts[0])); err != nil {
		return false
	}
	for _, p := range parts[1:] {
		if _, err := strconv.ParseUint(p, 16, 32); err != nil {
			return false
		}
	}
	return true
}

func descValidator(parse func(string) error) func(*Registry, []byte) bool {
	return func(_ *Registry, v []byte) bool { return parse(string(v)) == nil }
}

// parseGeneralizedTime parses RFC 4517 GeneralizedTime: YYYYMMDDHH[MM[SS]]
// [(.|,)fraction] (Z | (+|-)HH[MM]). A fraction applies to the last field
// given. The result is in UTC.
func parseGeneralizedTime(v []byte) (time.Time, error) {
	s := string(v)
	digits := 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits != 10 && digits != 12 && digits != 14 {
		return time.Time{}, ErrInvalidSyntax
	}
	f := [6]int{0, 0, 0, 0, 0, 0} // year, month, day, hour, minute, second
	for i, w := range []int{4, 2, 2, 2, 2, 2} {
		off := 4 + 2*(i-1)
		if i == 0 {
			off = 0
		}
		if off+w <= digits {
			f[i], _ = strconv.Atoi(s[off : off+w])
		}
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 {
		return time.Time{}, ErrInvalidSyntax
	}
	frac, rest, err := parseTimeFraction(s[digits:], digits)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := parseTimeZone(rest)
	if err != nil {
		return time.Time{}, err
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, loc)
	if t.Day() != f[2] && f[5] != 60 {
		return time.Time{}, ErrInvalidSyntax // e.g. February 30
	}
	return t.Add(frac).UTC(), nil
}

// parseTimeFraction reads an optional ".fraction" (or ",fraction") of the
// last field given (hours, minutes or seconds by digits) and returns it
// as a duration plus the rest of the string.
func parseTimeFraction(rest string, digits int) (time.Duration, string, error) {
	if rest == "" || rest[0] != '.' && rest[0] != ',' {
		return 0, rest, nil
	}
	n := 1
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 1 {
		return 0, "", ErrInvalidSyntax
	}
	fs := rest[1:n]
	if digits == 14 {
		// seconds: keep nanosecond precision exactly
		if len(fs) > 9 {
			fs = fs[:9]
		}
		ns, _ := strconv.Atoi(fs + strings.Repeat("0", 9-len(fs)))
		return time.Duration(ns), rest[n:], nil
	}
	unit := time.Hour
	if digits == 12 {
		unit = time.Minute
	}
	x, _ := strconv.ParseFloat("0."+fs, 64)
	return time.Duration(x * float64(unit)), rest[n:], nil
}

// parseTimeZone reads "Z" or a "+HH[MM]"/"-HH[MM]" offset; nothing may follow.
func parseTimeZone(z string) (*time.Location, error) {
	if z == "Z" {
		return time.UTC, nil
	}
	if len(z) != 3 && len(z) != 5 || z[0] != '+' && z[0] != '-' {
		return nil, ErrInvalidSyntax
	}
	for i := 1; i < len(z); i++ {
		if z[i] < '0' || z[i] > '9' {
			return nil, ErrInvalidSyntax
		}
	}
	oh, _ := strconv.Atoi(z[1:3])
	om := 0
	if len(z) == 5 {
		om, _ = strconv.Atoi(z[3:5])
	}
	if oh > 23 || om > 59 {
		return nil, ErrInvalidSyntax
	}
	off := oh*3600 + om*60
	if z[0] == '-' {
		off = -off
	}
	return time.FixedZone("", off), nil
}

// parseUTCTime parses RFC 4517 UTCTime: YYMMDDHHMM[SS](Z|(+|-)HHMM).
func parseUTCTime(v []byte) (time.Time, error) {
	if len(v) < 11 {
		return time.Time{}, ErrInvalidSyntax
	}
	yy, err := strconv.Atoi(string(v[:2]))
	if err != nil || v[0] == '-' || v[0] == '+' {
		return time.Time{}, ErrInvalidSyntax
	}
	century := "20"
	if yy >= 50 {
		century = "19"
	}
	rest := v[10:]
	secs := []byte{}
	if len(rest) >= 2 && rest[0] >= '0' && rest[0] <= '9' {
		secs, rest = rest[:2], rest[2:]
	}
	if len(rest) != 1 && len(rest) != 5 {
		return time.Time{}, ErrInvalidSyntax
	}
	g := append([]byte(century), v[:10]...)
	g = append(g, secs...)
	if len(secs) == 0 {
		g = append(g, "00"...)
	}
	return parseGeneralizedTime(append(g, rest...))
}
