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
	r.appendPrettyRDN(&b, rdn)
	return b.String()
}

func (r *Registry) appendPrettyRDN(b *strings.Builder, rdn RDN) {
	avas := make([]AVA, len(rdn))
	for i, ava := range rdn {
		avas[i] = ava
		if at := r.AttributeType(ava.Type); at != nil && at.Name() != "" {
			avas[i].Type = at.Name()
		}
	}
	if len(avas) > 1 {
		sort.SliceStable(avas, func(i, j int) bool {
			if avas[i].Type != avas[j].Type {
				return avas[i].Type < avas[j].Type
			}
			return avas[i].Value < avas[j].Value
		})
	}
	for i, ava := range avas {
		if i > 0 {
			b.WriteByte('+')
		}
		b.WriteString(ava.Type)
		b.WriteByte('=')
		writeEscapedDNValue(b, ava.Value, true)
	}
}

// PrettyValue returns v in the form slapd stores a value a client writes
// (its pretty functions): an objectClass value as the class's primary name
// ("INETORGPERSON" and "2.5.6.6" become "inetOrgPerson" and "person"), a
// DN value as PrettyDN makes it ("UID=u1 , OU=People,dc=example,dc=com"
// becomes "uid=u1,ou=People,dc=example,dc=com"), and the DN part of a Name
// And Optional UID value likewise. Other values, and values that are not
// valid, are returned unchanged.
func (r *Registry) PrettyValue(at *AttributeType, v []byte) []byte {
	switch {
	case at == nil:
	case at.OID == "2.5.4.0":
		if oc := r.ObjectClass(string(v)); oc != nil && oc.Name() != "" {
			return []byte(oc.Name())
		}
	case at.Syntax != nil && at.Syntax.OID == SyntaxDN:
		if dn, err := ParseDN(string(v)); err == nil {
			return []byte(r.PrettyDN(dn))
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
