package schema

// Usage is an attribute type's USAGE (RFC 4512 §4.1.2).
type Usage uint8

// Attribute usages. Every usage except UserApplications is operational.
const (
	UserApplications Usage = iota
	DirectoryOperation
	DistributedOperation
	DSAOperation
)

var usageNames = [...]string{"userApplications", "directoryOperation", "distributedOperation", "dSAOperation"}

// String returns the RFC 4512 keyword, e.g. "directoryOperation".
func (u Usage) String() string {
	if int(u) < len(usageNames) {
		return usageNames[u]
	}
	return "unknown"
}

// ClassKind is an object class kind (RFC 4512 §2.4).
type ClassKind uint8

// Object class kinds. STRUCTURAL is the default when none is given.
const (
	Structural ClassKind = iota
	Abstract
	Auxiliary
)

// String returns the RFC 4512 keyword, e.g. "STRUCTURAL".
func (k ClassKind) String() string {
	return [...]string{"STRUCTURAL", "ABSTRACT", "AUXILIARY"}[k]
}

// Extension is one "X-..." element of a description, with its quoted values.
type Extension struct {
	Name   string
	Values []string
}

// Syntax is an LDAP syntax (RFC 4512 §4.1.5). Built-in syntaxes carry a
// validator; a syntax loaded from a file with X-SUBST validates as the
// substituted syntax, and any other loaded syntax accepts every value.
type Syntax struct {
	OID        string
	Desc       string
	Extensions []Extension

	// Binary is true for syntaxes whose values are not human-readable
	// (they need ";binary" or base64 transfer).
	Binary bool

	validate func(r *Registry, v []byte) bool
	subst    string    // X-SUBST target OID, resolved at load
	reg      *Registry // the registry it was added to, for validators that need the schema (DN)
}

// MatchingRule is a matching rule (RFC 4512 §4.1.3). Kind says whether it
// is an equality, ordering, substrings or approximate rule; the rule's
// Normalize gives the form that index keys hash and that filter
// evaluation compares, so the two agree by construction.
type MatchingRule struct {
	OID        string
	Names      []string
	Desc       string
	Obsolete   bool
	SyntaxOID  string
	Extensions []Extension

	Kind RuleKind
	// Syntax is the resolved assertion syntax (nil when unknown).
	Syntax *Syntax

	impl *ruleImpl
	reg  *Registry
}

// AttributeType is an attribute type (RFC 4512 §4.1.2). The fields named
// ...Name hold references as written; the pointer fields hold the resolved,
// inherited values (an attribute without EQUALITY inherits its supertype's).
type AttributeType struct {
	OID        string
	Names      []string
	Desc       string
	Obsolete   bool
	Extensions []Extension

	SupName                                string
	EqualityName, OrderingName, SubstrName string
	SyntaxOID                              string
	SyntaxLen                              int // the {len} bound, 0 when absent

	SingleValue        bool
	Collective         bool
	NoUserModification bool
	Usage              Usage

	// Resolved references (set when the type is added to a Registry).
	Sup      *AttributeType
	Equality *MatchingRule
	Ordering *MatchingRule
	Substr   *MatchingRule
	Approx   *MatchingRule
	Syntax   *Syntax

	lname string // lower-cased Name(), the type's form in normalized DNs

	// standard marks a definition of Default's standard schemas, which a
	// schema file may redefine (see LoadSchemaFile).
	standard bool
}

// ObjectClass is an object class (RFC 4512 §4.1.1).
type ObjectClass struct {
	OID        string
	Names      []string
	Desc       string
	Obsolete   bool
	Extensions []Extension

	SupNames  []string
	Kind      ClassKind
	MustNames []string
	MayNames  []string

	// Resolved references. Must and May are closures over all superclasses
	// (Must wins when an attribute is in both), in definition order.
	Sups []*ObjectClass
	Must []*AttributeType
	May  []*AttributeType

	// allowed is Must and May as a set, built with them when the class is
	// resolved; every class a Registry returns has it.
	allowed map[*AttributeType]bool

	// standard: see AttributeType.standard.
	standard bool
}

// MatchingRuleUse lists the attribute types a matching rule applies to
// (RFC 4512 §4.1.4). OID is the matching rule's OID.
type MatchingRuleUse struct {
	OID        string
	Names      []string
	Desc       string
	Obsolete   bool
	AppliesTo  []string
	Extensions []Extension
}

// DITContentRule is a DIT content rule (RFC 4512 §4.1.6); OID is the
// structural object class it governs. CheckEntry enforces it.
type DITContentRule struct {
	OID        string
	Names      []string
	Desc       string
	Obsolete   bool
	Aux        []string
	Must       []string
	May        []string
	Not        []string
	Extensions []Extension
}

// Name returns the first name of the type, or its OID when it has none.
func (at *AttributeType) Name() string { return firstName(at.Names, at.OID) }

// Name returns the first name of the class, or its OID when it has none.
func (oc *ObjectClass) Name() string { return firstName(oc.Names, oc.OID) }

// Name returns the first name of the rule, or its OID when it has none.
func (mr *MatchingRule) Name() string { return firstName(mr.Names, mr.OID) }

func firstName(names []string, oid string) string {
	if len(names) > 0 {
		return names[0]
	}
	return oid
}

// IsOperational reports whether the type's usage is not userApplications.
func (at *AttributeType) IsOperational() bool { return at.Usage != UserApplications }

// IsSubtypeOf reports whether at is sup or inherits (directly or not) from sup.
func (at *AttributeType) IsSubtypeOf(sup *AttributeType) bool {
	for t := at; t != nil; t = t.Sup {
		if t == sup {
			return true
		}
	}
	return false
}

// IsSubclassOf reports whether oc is sup or one of sup's subclasses.
func (oc *ObjectClass) IsSubclassOf(sup *ObjectClass) bool {
	if oc == sup {
		return true
	}
	for _, s := range oc.Sups {
		if s.IsSubclassOf(sup) {
			return true
		}
	}
	return false
}
