package schema

import (
	"fmt"
	"strings"
)

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
	add("ldapSyntaxes", descriptions(r.syntaxList))
	add("matchingRules", descriptions(r.ruleList))
	add("matchingRuleUse", r.matchingRuleUses())
	add("attributeTypes", descriptions(r.attrList))
	add("objectClasses", descriptions(r.classList))
	add("dITContentRules", descriptions(r.contentRules))
	return e
}

// descriptions returns the RFC 4512 form of each definition, in order.
func descriptions[T fmt.Stringer](defs []T) []string {
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.String()
	}
	return out
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
