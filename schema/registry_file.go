package schema

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"strings"
)

// LoadSchemaFile adds the definitions of an OpenLDAP-style .schema file:
// "attributetype", "objectclass", "ldapsyntax", "matchingrule",
// "matchingruleuse", "ditcontentrule" followed by an RFC 4512
// description, and "objectidentifier <name> <oid or macro:suffix>"
// macros, which may be used in OIDs, SUP, SYNTAX and the other references.
// Keywords are case-insensitive, '#' starts a comment line and lines that
// start with white space continue the previous one. Macros stay known for
// later files.
//
// Loading is atomic: on any error nothing is added. A definition whose OID
// is already registered under the same primary name is skipped, so a file
// that repeats built-in definitions loads; but one that gives a type or
// class of Default's standard schemas another meaning (SUP, syntax, rules,
// flags, kind, MUST, MAY) replaces it, as when slapd loads that file instead
// of the standard one (rfc2307bis.schema's AUXILIARY posixGroup). Errors wrap
// ErrInvalidDescription, ErrUnresolved or ErrDuplicate and name the file
// and line.
func (r *Registry) LoadSchemaFile(name string, data []byte) error {
	set := &defSet{macros: map[string]string{}, lines: map[any]int{}}
	ld := loader{r: r, set: set, file: name}
	for _, st := range splitStatements(data) {
		keyword, rest := st.text, ""
		if i := strings.IndexAny(st.text, " \t"); i >= 0 {
			keyword, rest = st.text[:i], strings.TrimSpace(st.text[i:])
		}
		if err := ld.statement(strings.ToLower(keyword), rest, st.line); err != nil {
			return err
		}
	}
	return ld.finish()
}

type statement struct {
	text string
	line int
}

// lines yields the lines of a schema or LDIF text with their 1-based
// numbers, line endings (LF or CRLF) removed. Lines may be of any length:
// only a whole description is bounded (maxDescLen).
func lines(data []byte) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		n := 0
		for l := range bytes.Lines(data) {
			n++
			if !yield(n, strings.TrimRight(string(l), "\r\n")) {
				return
			}
		}
	}
}

// splitStatements joins continuation lines and drops comments.
func splitStatements(data []byte) []statement {
	var out []statement
	for n, line := range lines(data) {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed[0] == '#':
			continue
		case (line[0] == ' ' || line[0] == '\t') && len(out) > 0:
			out[len(out)-1].text += " " + trimmed
		default:
			out = append(out, statement{text: trimmed, line: n})
		}
	}
	return out
}

// loader collects parsed definitions, expanding macros as it goes.
type loader struct {
	r    *Registry
	set  *defSet
	file string
}

func (ld *loader) errf(line int, err error) error {
	return fmt.Errorf("%s:%d: %w", ld.file, line, err)
}

func (ld *loader) statement(keyword, rest string, line int) error {
	var err error
	if strings.HasPrefix(keyword, "attribute") && keyword != "attributetypes" {
		keyword = "attributetype" // slapd accepts any keyword with this prefix
	}
	switch keyword {
	case "objectidentifier":
		f := strings.Fields(rest)
		if len(f) != 2 {
			return ld.errf(line, fmt.Errorf("%w: objectidentifier needs a name and an OID", ErrInvalidDescription))
		}
		oid := ld.expand(f[1])
		if !isNumericOID(oid) {
			return ld.errf(line, fmt.Errorf("%w: objectidentifier %s: %q", ErrUnresolved, f[0], f[1]))
		}
		ld.set.macros[strings.ToLower(f[0])] = oid
	case "attributetype", "attributetypes", "olcattributetypes":
		var at *AttributeType
		if at, err = ParseAttributeType(rest); err == nil {
			ld.expandAttr(at)
			ld.set.attrs = append(ld.set.attrs, at)
			ld.set.lines[at] = line
		}
	case "objectclass", "objectclasses", "olcobjectclasses":
		var oc *ObjectClass
		if oc, err = ParseObjectClass(rest); err == nil {
			oc.OID = ld.expand(oc.OID)
			ld.expandList(oc.SupNames)
			ld.expandList(oc.MustNames)
			ld.expandList(oc.MayNames)
			ld.set.classes = append(ld.set.classes, oc)
			ld.set.lines[oc] = line
		}
	case "ldapsyntax", "ldapsyntaxes", "olcldapsyntaxes":
		var s *Syntax
		if s, err = ParseSyntax(rest); err == nil {
			s.OID = ld.expand(s.OID)
			ld.set.syntaxes = append(ld.set.syntaxes, s)
			ld.set.lines[s] = line
		}
	case "matchingrule", "matchingrules":
		var mr *MatchingRule
		if mr, err = ParseMatchingRule(rest); err == nil {
			mr.OID, mr.SyntaxOID = ld.expand(mr.OID), ld.expand(mr.SyntaxOID)
			ld.set.rules = append(ld.set.rules, mr)
			ld.set.lines[mr] = line
		}
	case "matchingruleuse":
		var u *MatchingRuleUse
		if u, err = ParseMatchingRuleUse(rest); err == nil {
			u.OID = ld.expand(u.OID)
			ld.set.uses = append(ld.set.uses, u)
			ld.set.lines[u] = line
		}
	case "ditcontentrule", "ditcontentrules", "olcditcontentrules":
		var cr *DITContentRule
		if cr, err = ParseDITContentRule(rest); err == nil {
			cr.OID = ld.expand(cr.OID)
			ld.set.content = append(ld.set.content, cr)
			ld.set.lines[cr] = line
		}
	default:
		return ld.errf(line, fmt.Errorf("%w: unknown statement %q", ErrInvalidDescription, keyword))
	}
	if err != nil {
		return ld.errf(line, err)
	}
	return nil
}

func (ld *loader) finish() error {
	err := ld.r.apply(ld.set)
	var le *lineError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &le):
		return fmt.Errorf("%s:%d: %w", ld.file, le.line, le.err)
	}
	return fmt.Errorf("%s: %w", ld.file, err)
}

// expand resolves "macro" and "macro:suffix" to a numeric OID; anything
// else is returned unchanged.
func (ld *loader) expand(s string) string {
	name, suffix, hasSuffix := strings.Cut(s, ":")
	base, ok := ld.set.macros[strings.ToLower(name)]
	if !ok {
		base, ok = ld.r.macros[strings.ToLower(name)]
	}
	switch {
	case !ok:
		return s
	case hasSuffix:
		return base + "." + suffix
	default:
		return base
	}
}

// expandRef expands only the "macro:suffix" form, so attribute and class
// names that happen to equal a macro name stay names.
func (ld *loader) expandRef(s string) string {
	if strings.Contains(s, ":") {
		return ld.expand(s)
	}
	return s
}

func (ld *loader) expandList(l []string) {
	for i := range l {
		l[i] = ld.expandRef(l[i])
	}
}

func (ld *loader) expandAttr(at *AttributeType) {
	at.OID = ld.expand(at.OID)
	at.SyntaxOID = ld.expand(at.SyntaxOID)
	at.SupName = ld.expandRef(at.SupName)
	at.EqualityName = ld.expandRef(at.EqualityName)
	at.OrderingName = ld.expandRef(at.OrderingName)
	at.SubstrName = ld.expandRef(at.SubstrName)
}

// LoadLDIF adds the schema definitions found in LDIF records: the cn=config
// form (olcAttributeTypes, olcObjectClasses, olcObjectIdentifier,
// olcLdapSyntaxes, olcDitContentRules, with optional "{n}" ordering
// prefixes) and the subschema form (attributeTypes, objectClasses,
// ldapSyntaxes, matchingRules, matchingRuleUse, dITContentRules). Other
// attributes (dn, objectClass, cn, ...) are ignored; lines are unfolded
// and "::" values base64-decoded. Loading is atomic as for LoadSchemaFile.
func (r *Registry) LoadLDIF(name string, data []byte) error {
	set := &defSet{macros: map[string]string{}, lines: map[any]int{}}
	ld := loader{r: r, set: set, file: name}
	for _, av := range unfoldLDIF(data) {
		key := strings.ToLower(av.attr)
		if key == "olcobjectidentifier" {
			key = "objectidentifier"
		}
		switch key {
		case "objectidentifier", "olcattributetypes", "attributetypes", "olcobjectclasses", "objectclasses",
			"olcldapsyntaxes", "ldapsyntaxes", "matchingrules", "matchingruleuse", "olcditcontentrules", "ditcontentrules":
		default:
			continue
		}
		val := av.value
		if strings.HasPrefix(val, "{") {
			if i := strings.IndexByte(val, '}'); i > 0 {
				val = strings.TrimSpace(val[i+1:])
			}
		}
		if err := ld.statement(key, val, av.line); err != nil {
			return err
		}
	}
	return ld.finish()
}

type ldifAttr struct {
	attr, value string
	line        int
}

// unfoldLDIF returns the attribute-value lines of an LDIF text, with
// continuation lines (starting with one space) joined and comments dropped.
// Base64 values that do not decode are kept as written.
func unfoldLDIF(data []byte) []ldifAttr {
	var logical []statement
	for n, line := range lines(data) {
		switch {
		case line == "":
			logical = append(logical, statement{line: n})
		case line[0] == '#':
		case line[0] == ' ' && len(logical) > 0:
			logical[len(logical)-1].text += line[1:]
		default:
			logical = append(logical, statement{text: line, line: n})
		}
	}
	var out []ldifAttr
	for _, l := range logical {
		attr, val, ok := strings.Cut(l.text, ":")
		if !ok {
			continue
		}
		if strings.HasPrefix(val, ":") {
			dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(val[1:]))
			if err == nil {
				val = string(dec)
			}
		}
		out = append(out, ldifAttr{attr: attr, value: strings.TrimSpace(val), line: l.line})
	}
	return out
}
