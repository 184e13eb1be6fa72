package ldif

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// valKind is how a line gives its value: "attr: text", "attr:: base64" or
// "attr:< URL".
type valKind uint8

const (
	valPlain valKind = iota
	valBase64
	valURL
)

// parser turns the logical lines of one record into a Record. Decoded
// values go into one arena per record, so a record costs one allocation for
// all its value bytes.
type parser struct {
	r     *Reader
	lines []logLine
	i     int // next line to parse
	arena []byte
}

// line is one split logical line.
type line struct {
	num  int
	desc []byte
	kind valKind
	val  []byte // raw text after the separator and FILL spaces
}

func (r *Reader) parseRecord() (Record, error) {
	p := parser{r: r, lines: r.lines, arena: make([]byte, 0, len(r.rec))}
	first, err := p.next()
	if err != nil {
		return nil, err
	}
	if !equalFold(first.desc, "dn") {
		return nil, syntaxErr(first.num, `missing "dn:" at the start of a record`)
	}
	dn, err := p.text(first, "DN")
	if err != nil {
		return nil, err
	}
	controls, err := p.controls()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.lines) {
		l, err := p.peek()
		if err != nil {
			return nil, err
		}
		if equalFold(l.desc, "changetype") {
			p.i++
			return p.change(dn, first.num, controls, l)
		}
	}
	if len(controls) > 0 {
		return nil, syntaxErr(first.num, `"control:" lines must be followed by a "changetype:" line`)
	}
	attrs, err := p.attrs()
	if err != nil {
		return nil, err
	}
	if len(attrs) == 0 {
		return nil, syntaxErr(first.num, "entry %q has no attributes", dn)
	}
	return &Entry{DN: dn, Attrs: attrs, Line: first.num}, nil
}

// peek splits the next line without consuming it.
func (p *parser) peek() (line, error) {
	ll := p.lines[p.i]
	return splitLine(p.r.rec[ll.start:ll.end], ll.num)
}

// next splits and consumes the next line.
func (p *parser) next() (line, error) {
	l, err := p.peek()
	p.i++
	return l, err
}

// splitLine splits "desc: value", "desc:: base64" or "desc:< URL" and
// checks the attribute description.
func splitLine(b []byte, num int) (line, error) {
	colon := bytes.IndexByte(b, ':')
	if colon < 0 {
		return line{}, syntaxErr(num, `missing ":" after the attribute description in %q`, clip(b))
	}
	l := line{num: num, desc: b[:colon]}
	if !validDesc(l.desc) {
		return line{}, syntaxErr(num, "invalid attribute description %q", clip(l.desc))
	}
	rest := b[colon+1:]
	if len(rest) > 0 {
		switch rest[0] {
		case ':':
			l.kind, rest = valBase64, rest[1:]
		case '<':
			l.kind, rest = valURL, rest[1:]
		}
	}
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	l.val = rest
	return l, nil
}

// value decodes l's value into the record arena (or, for a URL, returns
// the file's bytes). The result's capacity is clipped so appends by the
// caller cannot overwrite a neighbour.
func (p *parser) value(l line) ([]byte, error) {
	switch l.kind {
	case valBase64:
		enc := bytes.TrimRight(l.val, " ")
		start := len(p.arena)
		var err error
		p.arena, err = base64.StdEncoding.AppendDecode(p.arena, enc)
		if err != nil {
			p.arena = p.arena[:start]
			return nil, syntaxErr(l.num, "attribute value is not valid base64")
		}
		return p.arena[start:len(p.arena):len(p.arena)], nil
	case valURL:
		return p.url(l)
	}
	if i := bytes.IndexByte(l.val, 0); i >= 0 {
		return nil, syntaxErr(l.num, "NUL byte in a plain value (use base64, \"attr:: ...\")")
	}
	start := len(p.arena)
	p.arena = append(p.arena, l.val...)
	return p.arena[start:len(p.arena):len(p.arena)], nil
}

// url resolves an "attr:< URL" value; only file:// URLs on the local host
// are accepted. The path is everything after "file://" (and an optional
// "localhost"), %XX-decoded, as OpenLDAP's slapadd and ldapmodify read it:
// a file URL has no query or fragment, so "?" and "#" are part of the
// file's name (photo#1.jpg), not separators to drop silently.
func (p *parser) url(l line) ([]byte, error) {
	raw := string(bytes.TrimRight(l.val, " "))
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || scheme == "" {
		return nil, &Error{Line: l.num, Err: ErrURL, Msg: fmt.Sprintf("invalid URL %q", clip(l.val))}
	}
	if !equalFold(scheme, "file") {
		return nil, &Error{Line: l.num, Err: ErrURL,
			Msg: fmt.Sprintf("URL scheme %q is not supported (only file:// URLs)", scheme)}
	}
	path := rest // "file:/path" (RFC 8089) or "file://[localhost]/path"
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		path = after
		if len(path) >= len("localhost") && equalFold(path[:len("localhost")], "localhost") {
			path = path[len("localhost"):]
		}
	}
	path, err := url.PathUnescape(path)
	if err != nil {
		return nil, &Error{Line: l.num, Err: ErrURL, Msg: fmt.Sprintf("invalid URL %q", clip(l.val))}
	}
	if path == "" || path[0] != '/' {
		return nil, &Error{Line: l.num, Err: ErrURL,
			Msg: fmt.Sprintf("file URL %q must be file:///absolute/path", raw)}
	}
	data, err := p.r.opts.ReadFile(path)
	if err != nil {
		return nil, &Error{Line: l.num, Err: fmt.Errorf("%w: %w", ErrURL, err),
			Msg: fmt.Sprintf("cannot read %s: %v", path, err)}
	}
	return data, nil
}

// text decodes l's value as a UTF-8 string (DNs, RDNs, keywords).
func (p *parser) text(l line, what string) (string, error) {
	v, err := p.value(l)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(v) {
		return "", syntaxErr(l.num, "%s is not valid UTF-8", what)
	}
	return string(v), nil
}

// keyword returns l's plain value lower-cased, for changetype, modify
// operations and deleteoldrdn.
func keyword(l line) string {
	return string(bytes.ToLower(bytes.TrimRight(l.val, " ")))
}

// attrs parses the remaining lines as "desc: value" lines, grouping equal
// descriptions (ignoring case) in order of first appearance. A first pass
// splits the lines and assigns groups so that the Attr slice and all value
// slices are allocated once, at their final size.
func (p *parser) attrs() ([]Attr, error) {
	split, group := p.r.split[:0], p.r.group[:0]     // per line
	firsts, counts := p.r.firsts[:0], p.r.counts[:0] // per group
	var byDesc map[string]int                        // lower-cased description -> group, once there are many
	var fold []byte
	for p.i < len(p.lines) {
		l, err := p.next()
		if err != nil {
			return nil, err
		}
		if equalFold(l.desc, "dn") {
			return nil, syntaxErr(l.num, `"dn:" line inside a record (missing blank line between records?)`)
		}
		g := -1
		if n := len(split); n > 0 && equalFold(split[n-1].desc, l.desc) { // the usual case
			g = group[n-1]
		} else if byDesc != nil {
			fold = lowerASCII(fold[:0], l.desc)
			if k, ok := byDesc[string(fold)]; ok {
				g = k
			}
		} else {
			for k, first := range firsts {
				if equalFold(split[first].desc, l.desc) {
					g = k
					break
				}
			}
		}
		if g < 0 {
			g = len(firsts)
			firsts = append(firsts, len(split))
			counts = append(counts, 0)
			if byDesc == nil && len(firsts) > manyDescs {
				// Past a few dozen descriptions a scan per line would make a
				// record of n distinct descriptions cost n² comparisons.
				byDesc = make(map[string]int, 2*len(firsts))
				for k, first := range firsts[:g] {
					byDesc[string(lowerASCII(nil, split[first].desc))] = k
				}
				byDesc[string(lowerASCII(nil, l.desc))] = g
			} else if byDesc != nil {
				byDesc[string(fold)] = g // fold holds l.desc, lower-cased above
			}
		}
		counts[g]++
		split, group = append(split, l), append(group, g)
	}
	p.r.split, p.r.group, p.r.firsts, p.r.counts = split, group, firsts, counts
	if len(firsts) == 0 {
		return nil, nil
	}
	attrs := make([]Attr, len(firsts))
	backing := make([][]byte, len(split))
	off := 0
	for j, l := range split {
		g := group[j]
		if attrs[g].Values == nil {
			attrs[g] = Attr{Desc: p.r.internDesc(l.desc), Line: l.num, Values: backing[off : off : off+counts[g]]}
			off += counts[g]
		}
		v, err := p.value(l)
		if err != nil {
			return nil, err
		}
		attrs[g].Values = append(attrs[g].Values, v)
	}
	return attrs, nil
}

// manyDescs is the number of distinct descriptions in a record past which
// attrs finds groups through a map instead of a scan.
const manyDescs = 32

// lowerASCII appends d to buf with ASCII letters lower-cased, as equalFold
// compares them.
func lowerASCII(buf, d []byte) []byte {
	for _, c := range d {
		buf = append(buf, lower(c))
	}
	return buf
}

// internDesc returns a shared string for an attribute description, so a
// million entries with the same attributes do not allocate a million
// copies of each name.
func (r *Reader) internDesc(d []byte) string {
	if s, ok := r.intern[string(d)]; ok {
		return s
	}
	s := string(d)
	if len(r.intern) < 4096 {
		r.intern[s] = s
	}
	return s
}

// clip shortens text quoted in error messages.
func clip(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
