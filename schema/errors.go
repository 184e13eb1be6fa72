package schema

import "errors"

// Parse errors: returned (wrapped with position and context) by the string parsers.
var (
	// ErrInvalidDN reports a distinguished name that is not valid RFC 4514 syntax.
	ErrInvalidDN = errors.New("schema: invalid DN")
	// ErrInvalidFilter reports a search filter that is not valid RFC 4515 syntax.
	ErrInvalidFilter = errors.New("schema: invalid filter")
	// ErrInvalidDescription reports an RFC 4512 schema description or an
	// OpenLDAP .schema/.ldif file that cannot be parsed.
	ErrInvalidDescription = errors.New("schema: invalid schema description")
)

// Registry errors: returned when definitions are added or resolved.
var (
	// ErrDuplicate reports a name or OID that is already defined differently.
	ErrDuplicate = errors.New("schema: duplicate definition")
	// ErrUnresolved reports a reference (SUP, SYNTAX, EQUALITY, MUST, macro, ...)
	// to something the registry does not know.
	ErrUnresolved = errors.New("schema: unresolved reference")
)

// Lookup and value errors: returned when values are checked or normalized.
var (
	// ErrUndefinedAttributeType reports an attribute description whose type is unknown.
	ErrUndefinedAttributeType = errors.New("schema: undefined attribute type")
	// ErrInvalidSyntax reports a value that does not conform to its attribute's syntax.
	ErrInvalidSyntax = errors.New("schema: invalid attribute syntax")
	// ErrInappropriateMatching reports an assertion that uses a matching rule
	// the attribute type does not have or that does not apply to it.
	ErrInappropriateMatching = errors.New("schema: inappropriate matching")
)

// Entry check errors: returned inside *Error by CheckEntry and friends.
var (
	// ErrObjectClassViolation reports an entry whose object classes and
	// attributes do not fit together (missing MUST, attribute not allowed,
	// no or several structural chains).
	ErrObjectClassViolation = errors.New("schema: object class violation")
	// ErrConstraintViolation reports a SINGLE-VALUE type with several values
	// or a user write to a NO-USER-MODIFICATION type.
	ErrConstraintViolation = errors.New("schema: constraint violation")
	// ErrValueExists reports the same value given twice for one attribute.
	ErrValueExists = errors.New("schema: attribute or value exists")
	// ErrNamingViolation reports an RDN value missing from the entry.
	ErrNamingViolation = errors.New("schema: naming violation")
)
