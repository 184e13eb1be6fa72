package schema

import (
	"strconv"
	"strings"
)

// descWriter prints RFC 4512 descriptions: "( oid KEYWORD value ... )".
type descWriter struct{ b strings.Builder }

func newDescWriter(oid string) *descWriter {
	w := &descWriter{}
	w.b.WriteString("( ")
	w.b.WriteString(oid)
	return w
}

func (w *descWriter) qdstrings(key string, vals []string) {
	if len(vals) == 0 {
		return
	}
	w.b.WriteString(" " + key + " ")
	if len(vals) == 1 {
		w.qdstring(vals[0])
		return
	}
	w.b.WriteString("(")
	for _, v := range vals {
		w.b.WriteByte(' ')
		w.qdstring(v)
	}
	w.b.WriteString(" )")
}

func (w *descWriter) qdstring(v string) {
	w.b.WriteByte('\'')
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\'':
			w.b.WriteString(`\27`)
		case '\\':
			w.b.WriteString(`\5C`)
		default:
			w.b.WriteByte(v[i])
		}
	}
	w.b.WriteByte('\'')
}

func (w *descWriter) str(key, v string) {
	if v != "" {
		w.qdstrings(key, []string{v})
	}
}

func (w *descWriter) word(key, v string) {
	if v != "" {
		w.b.WriteString(" " + key + " " + v)
	}
}

func (w *descWriter) oids(key string, vals []string) {
	switch len(vals) {
	case 0:
	case 1:
		w.word(key, vals[0])
	default:
		w.b.WriteString(" " + key + " ( " + strings.Join(vals, " $ ") + " )")
	}
}

func (w *descWriter) flag(key string, on bool) {
	if on {
		w.b.WriteString(" " + key)
	}
}

func (w *descWriter) done(exts []Extension) string {
	for _, e := range exts {
		w.qdstrings(e.Name, e.Values)
	}
	w.b.WriteString(" )")
	return w.b.String()
}

// String returns the RFC 4512 AttributeTypeDescription.
func (at *AttributeType) String() string {
	w := newDescWriter(at.OID)
	w.qdstrings("NAME", at.Names)
	w.str("DESC", at.Desc)
	w.flag("OBSOLETE", at.Obsolete)
	w.word("SUP", at.SupName)
	w.word("EQUALITY", at.EqualityName)
	w.word("ORDERING", at.OrderingName)
	w.word("SUBSTR", at.SubstrName)
	if at.SyntaxOID != "" {
		syn := at.SyntaxOID
		if at.SyntaxLen > 0 {
			syn += "{" + strconv.Itoa(at.SyntaxLen) + "}"
		}
		w.word("SYNTAX", syn)
	}
	w.flag("SINGLE-VALUE", at.SingleValue)
	w.flag("COLLECTIVE", at.Collective)
	w.flag("NO-USER-MODIFICATION", at.NoUserModification)
	if at.Usage != UserApplications {
		w.word("USAGE", at.Usage.String())
	}
	return w.done(at.Extensions)
}

// String returns the RFC 4512 ObjectClassDescription.
func (oc *ObjectClass) String() string {
	w := newDescWriter(oc.OID)
	w.qdstrings("NAME", oc.Names)
	w.str("DESC", oc.Desc)
	w.flag("OBSOLETE", oc.Obsolete)
	w.oids("SUP", oc.SupNames)
	w.flag(oc.Kind.String(), true)
	w.oids("MUST", oc.MustNames)
	w.oids("MAY", oc.MayNames)
	return w.done(oc.Extensions)
}

// String returns the RFC 4512 MatchingRuleDescription.
func (mr *MatchingRule) String() string {
	w := newDescWriter(mr.OID)
	w.qdstrings("NAME", mr.Names)
	w.str("DESC", mr.Desc)
	w.flag("OBSOLETE", mr.Obsolete)
	w.word("SYNTAX", mr.SyntaxOID)
	return w.done(mr.Extensions)
}

// String returns the RFC 4512 SyntaxDescription.
func (s *Syntax) String() string {
	w := newDescWriter(s.OID)
	w.str("DESC", s.Desc)
	return w.done(s.Extensions)
}

// String returns the RFC 4512 MatchingRuleUseDescription.
func (u *MatchingRuleUse) String() string {
	w := newDescWriter(u.OID)
	w.qdstrings("NAME", u.Names)
	w.str("DESC", u.Desc)
	w.flag("OBSOLETE", u.Obsolete)
	w.oids("APPLIES", u.AppliesTo)
	return w.done(u.Extensions)
}

// String returns the RFC 4512 DITContentRuleDescription.
func (r *DITContentRule) String() string {
	w := newDescWriter(r.OID)
	w.qdstrings("NAME", r.Names)
	w.str("DESC", r.Desc)
	w.flag("OBSOLETE", r.Obsolete)
	w.oids("AUX", r.Aux)
	w.oids("MUST", r.Must)
	w.oids("MAY", r.May)
	w.oids("NOT", r.Not)
	return w.done(r.Extensions)
}
