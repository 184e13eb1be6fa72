package schema

import "strings"

// SubschemaDN is where lightdir publishes its schema.
const SubschemaDN = "cn=Subschema"

// SubschemaEntry returns the subschema subentry (RFC 4512 §4.2) for the
// registry at dn: objectClass top, subschema and extensibleObject, the
// RDN's attribute, and ldapSyntaxes, matchingRules, matchingRuleUse,
// attributeTypes, objectClasses and dITContentRules values in RFC 4512
// form, in definition order. Matching rule uses are computed from the
// attribute types a rule applies to, unless a schema file supplied one.
// The backend adds the operational attributes (timestamps, entryDN, ...).
// The entry is freshly allocated; callers may keep it.
func (r *Registry) SubschemaEntry(dn DN) *Entry {
	e := &Entry{DN: dn}
	add := func(desc string, vals []string) {
		if len(vals) == 0 {
			return
		}
		a := Attribute{Desc: desc, Values: make([][]byte, len(vals))}
		for i, v := range vals {
			a.Values[i] = []byte(v)
		}
		e.Attrs = append(e.Attrs, a)
	}
	add("objectClass", []string{"top", "subschema", "extensibleObject"})
	if len(dn) > 0 {
		for _, ava := range dn[0] {
			add(ava.Type, []string{ava.Value})
		}
	}
	var v []string
	for _, s := range r.syntaxList {
		v = append(v, s.String())
	}
	add("ldapSyntaxes", v)
	v = nil
	for _, mr := range r.ruleList {
		v = append(v, mr.String())
	}
	add("matchingRules", v)
	add("matchingRuleUse", r.matchingRuleUses())
	v = nil
	for _, at := range r.attrList {
		v = append(v, at.String())
	}
	add("attributeTypes", v)
	v = nil
	for _, oc := range r.classList {
		v = append(v, oc.String())
	}
	add("objectClasses", v)
	v = nil
	for _, cr := range r.contentRules {
		v = append(v, cr.String())
	}
	add("dITContentRules", v)
	return e
}

// matchingRuleUses lists, per matching rule, the attribute types it can
// be used with in an extensible match.
func (r *Registry) matchingRuleUses() []string {
	var out []string
	for _, mr := range r.ruleList {
		if u, ok := r.uses[mr.OID]; ok {
			out = append(out, u.String())
			continue
		}
		if !mr.Implemented() {
			continue
		}
		var applies []string
		for _, at := range r.attrList {
			if ruleApplies(mr, at) || at.Equality == mr || at.Ordering == mr || at.Substr == mr {
				applies = append(applies, at.Name())
			}
		}
		if len(applies) == 0 {
			continue
		}
		u := MatchingRuleUse{OID: mr.OID, Names: mr.Names, AppliesTo: applies}
		out = append(out, u.String())
	}
	return out
}

// IsSubschemaDN reports whether s names the subschema subentry
// (case- and space-insensitively).
func IsSubschemaDN(s string) bool {
	dn, err := ParseDN(s)
	return err == nil && len(dn) == 1 && len(dn[0]) == 1 &&
		(strings.EqualFold(dn[0][0].Type, "cn") || dn[0][0].Type == "2.5.4.3") && strings.EqualFold(dn[0][0].Value, "subschema")
}
