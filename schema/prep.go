package schema

import (
	"errors"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// This file is the RFC 4518 string preparation shared by all string
// matching rules: transcode (values are UTF-8 already), map, normalize
// (NFKC), prohibit, and insignificant space handling. The ASCII-only fast
// path does the same steps without allocating.

// spaceMode selects how insignificant spaces are handled (RFC 4518 §2.6.1).
type spaceMode uint8

const (
	spaceValue   spaceMode = iota // values and equality assertions: trim both ends, collapse runs
	spaceInitial                  // substring initial: trim the start, keep one trailing space
	spaceAny                      // substring any: keep one space at either edge
	spaceFinal                    // substring final: keep one leading space, trim the end
)

var errProhibited = errors.New("schema: prohibited character in string")

// foldPool holds case folders: a cases.Caser is stateful and must not be
// shared between goroutines, and building one is expensive.
var foldPool = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// nfkc returns b in NFKC, without copying when it already is.
func nfkc(b []byte) []byte {
	if norm.NFKC.IsNormal(b) {
		return b
	}
	return norm.NFKC.Bytes(b)
}

// prepString appends the prepared form of v to dst. fold selects case
// folding; ia5 rejects non-ASCII input. Space handling collapses runs of
// spaces to one space and trims the edges that mode says are insignificant.
func prepString(dst, v []byte, fold, ia5 bool, mode spaceMode) ([]byte, error) {
	for _, c := range v {
		if c >= utf8.RuneSelf {
			if ia5 {
				return dst, ErrInvalidSyntax
			}
			return prepUnicode(dst, v, fold, mode)
		}
	}
	sp := spacer{keepLead: mode == spaceAny || mode == spaceFinal}
	for _, c := range v {
		switch {
		case c == ' ' || c >= '\t' && c <= '\r':
			sp.space()
			continue
		case c < 0x20 || c == 0x7f:
			continue // control characters map to nothing
		case fold && c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = sp.flush(dst)
		dst = append(dst, c)
	}
	return sp.end(dst, mode == spaceInitial || mode == spaceAny), nil
}

// spacer collapses runs of spaces while the prepared string is written.
type spacer struct {
	keepLead bool
	pending  bool
	wrote    bool
}

func (s *spacer) space() { s.pending = true }

func (s *spacer) flush(dst []byte) []byte {
	if s.pending && (s.wrote || s.keepLead) {
		dst = append(dst, ' ')
	}
	s.pending = false
	s.wrote = true
	return dst
}

func (s *spacer) end(dst []byte, keepTrail bool) []byte {
	if s.pending && keepTrail && (s.wrote || s.keepLead) {
		dst = append(dst, ' ')
	}
	return dst
}

// prepUnicode is the general path: map, fold, NFKC, prohibit, spaces.
func prepUnicode(dst, v []byte, fold bool, mode spaceMode) ([]byte, error) {
	if !utf8.Valid(v) {
		return dst, ErrInvalidSyntax
	}
	mapped := make([]byte, 0, len(v))
	for _, r := range string(v) {
		switch {
		case r > 0x20 && r < 0x7f:
			mapped = append(mapped, byte(r))
		case r == 0x09 || r == 0x0a || r == 0x0b || r == 0x0c || r == 0x0d || r == 0x85 || unicode.Is(unicode.Zs, r):
			mapped = append(mapped, ' ')
		case r == 0xad || r == 0x1806 || r == 0x34f || r >= 0x180b && r <= 0x180d || r >= 0xfe00 && r <= 0xfe0f ||
			r == 0xfffc || r == 0x200b || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// mapped to nothing
		default:
			mapped = utf8.AppendRune(mapped, r)
		}
	}
	out := nfkc(mapped)
	if fold {
		// Folding and NFKC do not commute for a few characters (e.g.
		// U+2160); repeat until both leave the string alone, as the
		// NFKC case-folding mapping RFC 4518 uses would.
		for i := 0; i < 3; i++ {
			c := foldPool.Get().(*cases.Caser)
			n, _ := c.Span(out, true)
			if n == len(out) {
				foldPool.Put(c)
				break
			}
			c.Reset()
			out = c.Bytes(out)
			foldPool.Put(c)
			out = nfkc(out)
		}
	}
	sp := spacer{keepLead: mode == spaceAny || mode == spaceFinal}
	for _, r := range string(out) {
		if prohibited(r) {
			return dst, errProhibited
		}
		if r == ' ' {
			sp.space()
			continue
		}
		dst = sp.flush(dst)
		dst = utf8.AppendRune(dst, r)
	}
	return sp.end(dst, mode == spaceInitial || mode == spaceAny), nil
}

// prohibited reports the RFC 4518 §2.4 prohibited code points: private
// use, non-characters, the replacement character and unassigned ones.
func prohibited(r rune) bool {
	switch {
	case r < 0x250:
		return false // Latin: all assigned; controls were mapped away before
	case r >= 0x4e00 && r <= 0x9fff:
		return false // CJK unified ideographs
	case r >= 0xe000 && r <= 0xf8ff, r >= 0xf0000:
		return true
	case r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe:
		return true
	case r == 0xfffd:
		return true
	}
	return !unicode.Is(unicode.L, r) && !unicode.Is(unicode.M, r) && !unicode.Is(unicode.N, r) &&
		!unicode.Is(unicode.P, r) && !unicode.Is(unicode.S, r) && !unicode.Is(unicode.Z, r)
}
