package schema

import (
	"fmt"
	"strings"
)

// Registry holds a schema: syntaxes, matching rules, attribute types,
// object classes, matching rule uses, DIT content rules and the
// objectidentifier macros seen while loading files.
//
// Build a Registry at startup (New or Default, then Load* calls) and share
// it read-only afterwards: lookups, normalization, evaluation and checks
// are safe for concurrent use, but loading is not safe to run concurrently
// with anything else. Objects returned by lookups belong to the Registry
// and must not be modified.
type Registry struct {
	syntaxes map[string]*Syntax          // by OID
	rules    map[string]*MatchingRule    // by OID and lower-case name
	attrs    map[string]*AttributeType   // by OID and lower-case name
	classes  map[string]*ObjectClass     // by OID and lower-case name
	uses     map[string]*MatchingRuleUse // explicit uses by rule OID
	macros   map[string]string           // lower-case macro name -> OID

	// Definition order, for publication in the subschema subentry.
	syntaxList   []*Syntax
	ruleList     []*MatchingRule
	attrList     []*AttributeType
	classList    []*ObjectClass
	contentRules []*DITContentRule
}

func newEmptyRegistry() *Registry {
	return &Registry{
		syntaxes: map[string]*Syntax{},
		rules:    map[string]*MatchingRule{},
		attrs:    map[string]*AttributeType{},
		classes:  map[string]*ObjectClass{},
		uses:     map[string]*MatchingRuleUse{},
		macros:   map[string]string{},
	}
}

// lookupFold finds name in m, trying it as given and then lower-cased,
// without allocating for names up to 64 bytes.
func lookupFold[T any, S string | []byte](m map[string]T, name S) (T, bool) {
	if v, ok := m[string(name)]; ok {
		return v, true
	}
	var buf [64]byte
	if len(name) > len(buf) {
		v, ok := m[strings.ToLower(string(name))]
		return v, ok
	}
	b := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	v, ok := m[string(b)]
	return v, ok
}

// AttributeType returns the attribute type with this name (any of its
// names, case-insensitively) or numeric OID, or nil. Options are not
// accepted here; see ParseAttributeDescription.
func (r *Registry) AttributeType(nameOrOID string) *AttributeType {
	at, _ := lookupFold(r.attrs, nameOrOID)
	return at
}

// ObjectClass returns the object class with this name or OID, or nil.
func (r *Registry) ObjectClass(nameOrOID string) *ObjectClass {
	oc, _ := lookupFold(r.classes, nameOrOID)
	return oc
}

// MatchingRule returns the matching rule with this name or OID, or nil.
func (r *Registry) MatchingRule(nameOrOID string) *MatchingRule {
	mr, _ := lookupFold(r.rules, nameOrOID)
	return mr
}

// Syntax returns the syntax with this OID, or nil.
func (r *Registry) Syntax(oid string) *Syntax { return r.syntaxes[oid] }

// AttributeTypes returns all attribute types in definition order. The
// slice is shared; do not modify it.
func (r *Registry) AttributeTypes() []*AttributeType { return r.attrList }

// ObjectClasses returns all object classes in definition order (shared).
func (r *Registry) ObjectClasses() []*ObjectClass { return r.classList }

// MatchingRules returns all matching rules in definition order (shared).
func (r *Registry) MatchingRules() []*MatchingRule { return r.ruleList }

// Syntaxes returns all syntaxes in definition order (shared).
func (r *Registry) Syntaxes() []*Syntax { return r.syntaxList }

// DITContentRules returns the loaded DIT content rules (shared).
func (r *Registry) DITContentRules() []*DITContentRule { return r.contentRules }

// oidOfName maps a name of an object class, attribute type or matching
// rule to its OID ("" when unknown). Used by objectIdentifierMatch; it
// does not allocate for names up to 64 bytes.
func (r *Registry) oidOfName(name []byte) string {
	if oc, ok := lookupFold(r.classes, name); ok {
		return oc.OID
	}
	if at, ok := lookupFold(r.attrs, name); ok {
		return at.OID
	}
	if mr, ok := lookupFold(r.rules, name); ok {
		return mr.OID
	}
	return ""
}

// AttrDesc is a parsed attribute description: a type plus options such as
// "lang-de" (lower-cased, in the order given, "binary" included).
type AttrDesc struct {
	Type    *AttributeType
	Options []string
}

// ParseAttributeDescription resolves "type;opt1;opt2" (RFC 4512 §2.5).
// It returns ErrUndefinedAttributeType (wrapped) when the type is unknown
// and ErrInvalidSyntax when the description is malformed.
func (r *Registry) ParseAttributeDescription(desc string) (AttrDesc, error) {
	if err := checkAttrDesc(desc); err != nil {
		return AttrDesc{}, fmt.Errorf("%w: %w", ErrInvalidSyntax, err)
	}
	typ, opts, _ := strings.Cut(desc, ";")
	at := r.AttributeType(typ)
	if at == nil {
		return AttrDesc{}, fmt.Errorf("%w %q", ErrUndefinedAttributeType, typ)
	}
	ad := AttrDesc{Type: at}
	if opts != "" {
		ad.Options = strings.Split(strings.ToLower(opts), ";")
	}
	return ad, nil
}

// String returns the description with the type's primary name.
func (ad AttrDesc) String() string {
	if ad.Type == nil {
		return ""
	}
	return strings.Join(append([]string{ad.Type.Name()}, ad.Options...), ";")
}

// NormalizeValue appends the equality-normalized form of v for attribute
// type at (what an equality index hashes). Types without an equality rule
// return ErrInappropriateMatching.
func (at *AttributeType) NormalizeValue(dst, v []byte) ([]byte, error) {
	if at.Equality == nil {
		return dst, ErrInappropriateMatching
	}
	return at.Equality.Normalize(dst, v)
}

// Validate reports whether v is a valid value of at's syntax. The {len}
// bound of the type's SYNTAX is not applied: RFC 4512 §4.1.2 makes it a
// suggested minimum upper bound that "does not add restrictions to the
// syntax", and slapd stores longer values too.
func (at *AttributeType) Validate(v []byte) bool {
	if at.Syntax == nil {
		return true
	}
	return at.Syntax.Validate(v)
}

// Validate reports whether v is valid for the syntax. Syntaxes without a
// known validator accept everything.
func (s *Syntax) Validate(v []byte) bool {
	if s.validate == nil {
		return true
	}
	return s.validate(s.reg, v)
}
