package schema

import (
	"fmt"
	"strconv"
	"strings"
)

// This file parses RFC 4512 descriptions in two steps: a generic reader
// turns "( oid KEYWORD value ... )" into a rawDesc, then one converter per
// kind checks the keywords it allows and fills the typed struct.

type rawField struct {
	key    string   // upper-case keyword, e.g. "NAME", "X-ORIGIN"
	values []string // empty for flags
	list   bool     // written as a parenthesized list
}

type rawDesc struct {
	oid    string
	fields []rawField
}

var flagKeywords = map[string]bool{
	"OBSOLETE": true, "SINGLE-VALUE": true, "COLLECTIVE": true, "NO-USER-MODIFICATION": true,
	"ABSTRACT": true, "STRUCTURAL": true, "AUXILIARY": true,
}

var valueKeywords = map[string]bool{
	"NAME": true, "DESC": true, "SUP": true, "EQUALITY": true, "ORDERING": true, "SUBSTR": true,
	"SYNTAX": true, "USAGE": true, "MUST": true, "MAY": true, "AUX": true, "NOT": true, "APPLIES": true,
	"FORM": true, "OC": true,
}

// maxDescLen bounds the input size of a single description.
const maxDescLen = 1 << 20

type descLexer struct {
	s string
	i int
}

// token kinds: '(' ')' '$' 'q' (quoted) 'w' (word) 0 (end)
func (l *descLexer) next() (kind byte, text string, err error) {
	for l.i < len(l.s) && isDescSpace(l.s[l.i]) {
		l.i++
	}
	if l.i >= len(l.s) {
		return 0, "", nil
	}
	c := l.s[l.i]
	switch c {
	case '(', ')', '$':
		l.i++
		return c, "", nil
	case '\'':
		l.i++
		var b strings.Builder
		for l.i < len(l.s) {
			c := l.s[l.i]
			switch {
			case c == '\'':
				l.i++
				return 'q', b.String(), nil
			case c == '\\' && l.i+2 < len(l.s) && isHex(l.s[l.i+1]) && isHex(l.s[l.i+2]):
				b.WriteByte(unhex(l.s[l.i+1])<<4 | unhex(l.s[l.i+2]))
				l.i += 3
			case c == '\\' && l.i+1 < len(l.s) && (l.s[l.i+1] == '\'' || l.s[l.i+1] == '\\'):
				b.WriteByte(l.s[l.i+1])
				l.i += 2
			default:
				b.WriteByte(c)
				l.i++
			}
		}
		return 0, "", fmt.Errorf("unterminated quoted string")
	}
	start := l.i
	for l.i < len(l.s) && !isDescSpace(l.s[l.i]) && strings.IndexByte("()$'", l.s[l.i]) < 0 {
		l.i++
	}
	return 'w', l.s[start:l.i], nil
}

func isDescSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseRaw reads one description; it is the only entry point to the lexer.
func parseRaw(s string) (*rawDesc, error) {
	if len(s) > maxDescLen {
		return nil, fmt.Errorf("description longer than %d bytes", maxDescLen)
	}
	l := &descLexer{s: s}
	if k, _, err := l.next(); err != nil || k != '(' {
		return nil, fmt.Errorf("description must start with '('")
	}
	k, oid, err := l.next()
	if err != nil || (k != 'w' && k != 'q') || oid == "" {
		return nil, fmt.Errorf("missing OID")
	}
	d := &rawDesc{oid: oid}
	for {
		k, word, err := l.next()
		if err != nil {
			return nil, err
		}
		if k == ')' {
			break
		}
		if k != 'w' {
			return nil, fmt.Errorf("expected a keyword at offset %d", l.i)
		}
		key := strings.ToUpper(word)
		f := rawField{key: key}
		switch {
		case flagKeywords[key]:
		case valueKeywords[key] || strings.HasPrefix(key, "X-"):
			f.values, f.list, err = l.value()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		default:
			return nil, fmt.Errorf("unknown keyword %q", word)
		}
		d.fields = append(d.fields, f)
	}
	if k, _, _ := l.next(); k != 0 {
		return nil, fmt.Errorf("trailing data after ')'")
	}
	return d, nil
}

// value reads a quoted string, a word, or a '(' list ')' of either,
// optionally separated by '$'.
func (l *descLexer) value() ([]string, bool, error) {
	k, text, err := l.next()
	if err != nil {
		return nil, false, err
	}
	switch k {
	case 'q', 'w':
		return []string{text}, false, nil
	case '(':
		var vals []string
		for {
			k, text, err := l.next()
			if err != nil {
				return nil, false, err
			}
			switch k {
			case ')':
				return vals, true, nil
			case '$':
			case 'q', 'w':
				vals = append(vals, text)
			default:
				return nil, false, fmt.Errorf("unterminated list")
			}
		}
	}
	return nil, false, fmt.Errorf("missing value")
}

// descConv converts a rawDesc into a typed description, allowing only the
// listed keywords and each at most once.
type descConv struct {
	d       *rawDesc
	allowed map[string]bool
	seen    map[string]bool
	exts    []Extension
}

func newConv(d *rawDesc, keys ...string) (*descConv, error) {
	c := &descConv{d: d, allowed: map[string]bool{}, seen: map[string]bool{}}
	for _, k := range keys {
		c.allowed[k] = true
	}
	for _, f := range d.fields {
		if strings.HasPrefix(f.key, "X-") {
			c.exts = append(c.exts, Extension{Name: f.key, Values: f.values})
			continue
		}
		if !c.allowed[f.key] {
			return nil, fmt.Errorf("keyword %s not allowed here", f.key)
		}
		if c.seen[f.key] {
			return nil, fmt.Errorf("keyword %s repeated", f.key)
		}
		c.seen[f.key] = true
	}
	return c, nil
}

func (c *descConv) field(key string) *rawField {
	for i := range c.d.fields {
		if c.d.fields[i].key == key {
			return &c.d.fields[i]
		}
	}
	return nil
}

func (c *descConv) flag(key string) bool { return c.field(key) != nil }

func (c *descConv) list(key string) []string {
	if f := c.field(key); f != nil {
		return append([]string(nil), f.values...)
	}
	return nil
}

func (c *descConv) single(key string) (string, error) {
	f := c.field(key)
	if f == nil {
		return "", nil
	}
	if len(f.values) != 1 {
		return "", fmt.Errorf("%s takes exactly one value", key)
	}
	return f.values[0], nil
}

// names checks NAME values are descrs (lenient: also accepts '_' and '.'
// as some vendor schemas use them).
func (c *descConv) names() ([]string, error) {
	names := c.list("NAME")
	for _, n := range names {
		if n == "" || strings.ContainsAny(n, " ()$'") {
			return nil, fmt.Errorf("bad NAME %q", n)
		}
	}
	return names, nil
}

func (c *descConv) common() (names []string, desc string, err error) {
	if names, err = c.names(); err != nil {
		return
	}
	desc, err = c.single("DESC")
	return
}

func descError(kind, s string, err error) error {
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return fmt.Errorf("%w: %s %q: %w", ErrInvalidDescription, kind, s, err)
}

// ParseAttributeType parses an RFC 4512 AttributeTypeDescription. The
// OID may also be an OpenLDAP macro ("name:suffix"); Registry loaders
// expand macros before resolving. Errors wrap ErrInvalidDescription.
func ParseAttributeType(s string) (*AttributeType, error) {
	at, err := parseAttributeType(s)
	if err != nil {
		return nil, descError("attribute type", s, err)
	}
	return at, nil
}

func parseAttributeType(s string) (*AttributeType, error) {
	d, c, err := parseWith(s, "NAME", "DESC", "OBSOLETE", "SUP", "EQUALITY", "ORDERING", "SUBSTR", "SYNTAX",
		"SINGLE-VALUE", "COLLECTIVE", "NO-USER-MODIFICATION", "USAGE")
	if err != nil {
		return nil, err
	}
	at := &AttributeType{OID: d.oid, Obsolete: c.flag("OBSOLETE"), Extensions: c.exts,
		SingleValue: c.flag("SINGLE-VALUE"), Collective: c.flag("COLLECTIVE"), NoUserModification: c.flag("NO-USER-MODIFICATION")}
	if at.Names, at.Desc, err = c.common(); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		key string
		dst *string
	}{{"SUP", &at.SupName}, {"EQUALITY", &at.EqualityName}, {"ORDERING", &at.OrderingName}, {"SUBSTR", &at.SubstrName}} {
		if *p.dst, err = c.single(p.key); err != nil {
			return nil, err
		}
	}
	syn, err := c.single("SYNTAX")
	if err != nil {
		return nil, err
	}
	if at.SyntaxOID, at.SyntaxLen, err = splitSyntaxLen(syn); err != nil {
		return nil, err
	}
	usage, err := c.single("USAGE")
	if err != nil {
		return nil, err
	}
	if usage != "" {
		at.Usage = 255
		for i, n := range usageNames {
			if strings.EqualFold(usage, n) {
				at.Usage = Usage(i)
			}
		}
		if at.Usage == 255 {
			return nil, fmt.Errorf("unknown USAGE %q", usage)
		}
	}
	if at.SupName == "" && at.SyntaxOID == "" {
		return nil, fmt.Errorf("needs SUP or SYNTAX")
	}
	if at.Collective && at.Usage != UserApplications {
		return nil, fmt.Errorf("COLLECTIVE requires USAGE userApplications")
	}
	if at.NoUserModification && at.Usage == UserApplications {
		return nil, fmt.Errorf("NO-USER-MODIFICATION requires an operational USAGE")
	}
	return at, nil
}

// splitSyntaxLen splits "1.2.3{64}" into the OID and the bound.
func splitSyntaxLen(s string) (string, int, error) {
	oid, rest, ok := strings.Cut(s, "{")
	if !ok {
		return s, 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(rest, "}"))
	if err != nil || !strings.HasSuffix(rest, "}") || n < 0 {
		return "", 0, fmt.Errorf("bad syntax length in %q", s)
	}
	return oid, n, nil
}

// ParseObjectClass parses an RFC 4512 ObjectClassDescription. Errors wrap
// ErrInvalidDescription.
func ParseObjectClass(s string) (*ObjectClass, error) {
	oc, err := parseObjectClass(s)
	if err != nil {
		return nil, descError("object class", s, err)
	}
	return oc, nil
}

func parseObjectClass(s string) (*ObjectClass, error) {
	d, c, err := parseWith(s, "NAME", "DESC", "OBSOLETE", "SUP", "ABSTRACT", "STRUCTURAL", "AUXILIARY", "MUST", "MAY")
	if err != nil {
		return nil, err
	}
	oc := &ObjectClass{OID: d.oid, Obsolete: c.flag("OBSOLETE"), Extensions: c.exts,
		SupNames: c.list("SUP"), MustNames: c.list("MUST"), MayNames: c.list("MAY")}
	if oc.Names, oc.Desc, err = c.common(); err != nil {
		return nil, err
	}
	kinds := 0
	for _, k := range []struct {
		key  string
		kind ClassKind
	}{{"ABSTRACT", Abstract}, {"STRUCTURAL", Structural}, {"AUXILIARY", Auxiliary}} {
		if c.flag(k.key) {
			oc.Kind = k.kind
			kinds++
		}
	}
	if kinds > 1 {
		return nil, fmt.Errorf("more than one kind")
	}
	return oc, nil
}

// ParseMatchingRule parses an RFC 4512 MatchingRuleDescription. The result
// has no implementation: only rules the Registry already knows (by OID)
// can be used for matching. Errors wrap ErrInvalidDescription.
func ParseMatchingRule(s string) (*MatchingRule, error) {
	mr, err := parseMatchingRule(s)
	if err != nil {
		return nil, descError("matching rule", s, err)
	}
	return mr, nil
}

func parseMatchingRule(s string) (*MatchingRule, error) {
	d, c, err := parseWith(s, "NAME", "DESC", "OBSOLETE", "SYNTAX")
	if err != nil {
		return nil, err
	}
	mr := &MatchingRule{OID: d.oid, Obsolete: c.flag("OBSOLETE"), Extensions: c.exts}
	if mr.Names, mr.Desc, err = c.common(); err != nil {
		return nil, err
	}
	if mr.SyntaxOID, err = c.single("SYNTAX"); err != nil {
		return nil, err
	}
	if mr.SyntaxOID == "" {
		return nil, fmt.Errorf("needs SYNTAX")
	}
	return mr, nil
}

// ParseSyntax parses an RFC 4512 SyntaxDescription (OpenLDAP also allows
// NAME here, which is accepted and ignored). Errors wrap ErrInvalidDescription.
func ParseSyntax(s string) (*Syntax, error) {
	syn, err := parseSyntax(s)
	if err != nil {
		return nil, descError("syntax", s, err)
	}
	return syn, nil
}

func parseSyntax(s string) (*Syntax, error) {
	d, c, err := parseWith(s, "DESC", "NAME")
	if err != nil {
		return nil, err
	}
	syn := &Syntax{OID: d.oid, Extensions: c.exts}
	if syn.Desc, err = c.single("DESC"); err != nil {
		return nil, err
	}
	for _, e := range c.exts {
		switch {
		case e.Name == "X-NOT-HUMAN-READABLE" && len(e.Values) == 1 && strings.EqualFold(e.Values[0], "TRUE"):
			syn.Binary = true
		case e.Name == "X-SUBST" && len(e.Values) == 1:
			syn.subst = e.Values[0]
		}
	}
	return syn, nil
}

// ParseMatchingRuleUse parses an RFC 4512 MatchingRuleUseDescription.
// Errors wrap ErrInvalidDescription.
func ParseMatchingRuleUse(s string) (*MatchingRuleUse, error) {
	u, err := parseMatchingRuleUse(s)
	if err != nil {
		return nil, descError("matching rule use", s, err)
	}
	return u, nil
}

func parseMatchingRuleUse(s string) (*MatchingRuleUse, error) {
	d, c, err := parseWith(s, "NAME", "DESC", "OBSOLETE", "APPLIES")
	if err != nil {
		return nil, err
	}
	u := &MatchingRuleUse{OID: d.oid, Obsolete: c.flag("OBSOLETE"), AppliesTo: c.list("APPLIES"), Extensions: c.exts}
	if u.Names, u.Desc, err = c.common(); err != nil {
		return nil, err
	}
	if len(u.AppliesTo) == 0 {
		return nil, fmt.Errorf("needs APPLIES")
	}
	return u, nil
}

// ParseDITContentRule parses an RFC 4512 DITContentRuleDescription.
// Errors wrap ErrInvalidDescription.
func ParseDITContentRule(s string) (*DITContentRule, error) {
	r, err := parseDITContentRule(s)
	if err != nil {
		return nil, descError("DIT content rule", s, err)
	}
	return r, nil
}

func parseDITContentRule(s string) (*DITContentRule, error) {
	d, c, err := parseWith(s, "NAME", "DESC", "OBSOLETE", "AUX", "MUST", "MAY", "NOT")
	if err != nil {
		return nil, err
	}
	r := &DITContentRule{OID: d.oid, Obsolete: c.flag("OBSOLETE"), Aux: c.list("AUX"), Must: c.list("MUST"),
		May: c.list("MAY"), Not: c.list("NOT"), Extensions: c.exts}
	if r.Names, r.Desc, err = c.common(); err != nil {
		return nil, err
	}
	return r, nil
}

// parseWith reads a description and checks it uses only the given keywords.
func parseWith(s string, keys ...string) (*rawDesc, *descConv, error) {
	d, err := parseRaw(s)
	if err != nil {
		return nil, nil, err
	}
	c, err := newConv(d, keys...)
	if err != nil {
		return nil, nil, err
	}
	return d, c, nil
}
