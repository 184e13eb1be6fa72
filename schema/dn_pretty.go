package schema

import (
	"sort"
	"strings"
)

// PrettyDN returns dn in the form slapd stores and returns entry DNs in
// (its dnPretty): every attribute type written as its type's primary name
// ("CN" and "2.5.4.3" become "cn"), the AVAs of a multi-valued RDN sorted
// by that name and then by value, and values escaped with \XX hex pairs
// (",", "+", '"', "\", ";", "<", ">", "=", a leading "#" or space and a
// trailing space; NUL, other control characters and bytes that are not
// UTF-8 too). Types the registry does not know are kept as written.
// ParseDN of the result gives dn's AVAs back.
func (r *Registry) PrettyDN(dn DN) string {
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
		r.appendPrettyRDN(&b, rdn)
	}
	return b.String()
}

// PrettyRDN is PrettyDN for one RDN.
func (r *Registry) PrettyRDN(rdn RDN) string {
	var b strings.Builder
	b.Grow(rdn.size())
	r.appendPrettyRDN(&b, rdn)
	return b.String()
}

func (r *Registry) appendPrettyRDN(b *strings.Builder, rdn RDN) {
	if len(rdn) == 1 { // the usual RDN: nothing to sort, so no copy
		typ, val := r.prettyAVA(rdn[0])
		writePrettyAVA(b, typ, val)
		return
	}
	avas := make([]AVA, len(rdn))
	for i, ava := range rdn {
		avas[i].Type, avas[i].Value = r.prettyAVA(ava)
	}
	sort.SliceStable(avas, func(i, j int) bool {
		if avas[i].Type != avas[j].Type {
			return avas[i].Type < avas[j].Type
		}
		return avas[i].Value < avas[j].Value
	})
	for i, ava := range avas {
		if i > 0 {
			b.WriteByte('+')
		}
		writePrettyAVA(b, ava.Type, ava.Value)
	}
}

// prettyAVA returns the type of ava as its primary name (as written when
// the registry does not know it or it has no name) and its value as
// PrettyValue makes it: like slapd's dnPretty, which runs each value
// through its syntax's pretty function, so that "member=CN=X,DC=Y" names
// the entry as "member=cn=X,dc=Y" (escaped), as the member value is stored.
func (r *Registry) prettyAVA(ava AVA) (string, string) {
	at := r.AttributeType(ava.Type)
	if at == nil {
		return ava.Type, ava.Value
	}
	typ, val := ava.Type, ava.Value
	if at.Name() != "" {
		typ = at.Name()
	}
	if hasPrettyForm(at) {
		val = string(r.PrettyValue(at, []byte(val)))
	}
	return typ, val
}

// hasPrettyForm reports whether PrettyValue may change values of at:
// objectClass names and DN-valued syntaxes. Others are stored as given.
func hasPrettyForm(at *AttributeType) bool {
	return at.OID == oidObjectClass || at.Syntax != nil && (at.Syntax.OID == SyntaxDN || at.Syntax.OID == oidLDAPSyntaxPrefix+"34")
}

func writePrettyAVA(b *strings.Builder, typ, value string) {
	b.WriteString(typ)
	b.WriteByte('=')
	writeEscapedDNValue(b, value, true)
}

// PrettyValue returns v in the form slapd stores a value a client writes
// (its pretty functions): an objectClass value as the class's primary name
// ("INETORGPERSON" and "2.5.6.6" become "inetOrgPerson" and "person"), a
// DN value as PrettyDN makes it ("UID=u1 , OU=People,dc=example,dc=com"
// becomes "uid=u1,ou=People,dc=example,dc=com"), and the DN part of a Name
// And Optional UID value likewise. Other values, values that are not
// valid and values already in that form are returned as v itself (most
// values a client writes are: no copy then).
func (r *Registry) PrettyValue(at *AttributeType, v []byte) []byte {
	if at == nil || !hasPrettyForm(at) {
		return v
	}
	switch {
	case at.OID == oidObjectClass:
		if oc := r.ObjectClass(string(v)); oc != nil && oc.Name() != "" && oc.Name() != string(v) {
			return []byte(oc.Name())
		}
	case at.Syntax != nil && at.Syntax.OID == SyntaxDN:
		if dn, err := ParseDN(string(v)); err == nil {
			if p := r.PrettyDN(dn); p != string(v) {
				return []byte(p)
			}
		}
	case at.Syntax != nil && at.Syntax.OID == oidLDAPSyntaxPrefix+"34":
		name, uid := splitNameUID(v)
		if dn, err := ParseDN(string(name)); err == nil {
			out := []byte(r.PrettyDN(dn))
			if uid != nil {
				out = append(append(out, '#'), uid...)
			}
			return out
		}
	}
	return v
}
