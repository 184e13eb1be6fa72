package schema

import "bytes"

// oidObjectClass is the objectClass attribute type (RFC 4512 §3.3).
const oidObjectClass = "2.5.4.0"

// An equality assertion on objectClass naming a known class X holds for
// an entry whose objectClass values name X or any subclass of X, as in
// slapd (RFC 4512 §2.4.1: an entry belongs to its classes' superclasses
// too), so (objectClass=person) matches an inetOrgPerson entry. The
// backend's objectClass index stores each entry under the superclass
// closure of its classes, the same relation, so index candidates and this
// test agree.

// assertedClass returns the known object class that the equality
// assertion a on objectClass names, or nil when a is anything else. An
// extensible match counts when it names no rule, since it then uses the
// type's equality: (objectClass:=person) is (objectClass=person), while
// naming objectIdentifierMatch compares the names only, as in slapd.
func (r *Registry) assertedClass(f *Filter, a *Assertion) *ObjectClass {
	equality := a.Op == FilterEquality || a.Op == FilterExtensible && f.MatchingRule == ""
	if !equality || a.Type == nil || a.Type.OID != oidObjectClass {
		return nil
	}
	oc, _ := lookupFold(r.classes, a.Value) // Value is normalized: the class's OID
	return oc
}

// classLeaf evaluates the objectClass equality assertion a, which names
// class oc: TRUE when a value of the entry names oc or a subclass, else
// the plain equality result (FALSE, or Undefined for a value that cannot
// be normalized).
func (ev *evaluator) classLeaf(a *Assertion, oc *ObjectClass) Truth {
	for i := range ev.e.Attrs {
		attr := &ev.e.Attrs[i]
		at := ev.r.attrType(attr)
		if at == nil || !ev.selects(a, at, attr) {
			continue
		}
		useNorm := len(attr.Norm) == len(attr.Values) && a.canUseNorm(at)
		for j, v := range attr.Values {
			if useNorm && attr.Norm[j] != nil {
				v = attr.Norm[j] // the class's OID when the class is known
			}
			if c, ok := lookupFold(ev.r.classes, bytes.TrimSpace(v)); ok && c.IsSubclassOf(oc) {
				return True
			}
		}
	}
	return ev.leaf(a)
}
