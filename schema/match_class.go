package schema

import "bytes"

// oidObjectClass is the objectClass attribute type (RFC 4512 §3.3);
// slapd matches structuralObjectClass (RFC 4512 §3.4.5) with the same
// objectSubClassMatch.
const (
	oidObjectClass           = "2.5.4.0"
	oidStructuralObjectClass = "2.5.21.9"
)

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
	// An approximate match on a type without an approximate rule is an
	// equality match (RFC 4511 §4.5.1.7.6), so (objectClass~=person)
	// holds for inetOrgPerson entries too, as in slapd.
	equality := a.Op == FilterEquality || a.Op == FilterExtensible && f.MatchingRule == "" ||
		a.Op == FilterApprox && a.Type != nil && a.Type.Approx == nil
	if !equality || a.Type == nil || a.Type.OID != oidObjectClass && a.Type.OID != oidStructuralObjectClass {
		return nil
	}
	oc, _ := lookupFold(r.classes, a.Value) // Value is normalized: the class's OID
	return oc
}

// namesSubclass reports whether the objectClass value v (prepared: the
// class's OID; raw: a name or OID as stored) names oc or a subclass. The
// evaluator tries it on every value of an (objectClass=X) leaf before the
// plain equality test, so one pass over the entry decides TRUE, FALSE or
// Undefined.
func (ev *evaluator) namesSubclass(v []byte, oc *ObjectClass) bool {
	c, ok := lookupFold(ev.r.classes, bytes.TrimSpace(v))
	return ok && c.IsSubclassOf(oc)
}
