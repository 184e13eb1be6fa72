package schema

import "fmt"

// ResultCode is an LDAP result code (RFC 4511 §4.1.9) that a schema
// failure maps to. ldapserver sends it as is.
type ResultCode uint16

// Result codes produced by this package.
const (
	ProtocolError             ResultCode = 2
	NoSuchAttribute           ResultCode = 16
	UndefinedAttributeType    ResultCode = 17
	InappropriateMatching     ResultCode = 18
	ConstraintViolation       ResultCode = 19
	AttributeOrValueExists    ResultCode = 20
	InvalidAttributeSyntax    ResultCode = 21
	InvalidDNSyntax           ResultCode = 34
	NamingViolation           ResultCode = 64
	ObjectClassViolation      ResultCode = 65
	NotAllowedOnRDN           ResultCode = 67
	ObjectClassModsProhibited ResultCode = 69
	UnwillingToPerform        ResultCode = 53
	InsufficientAccessRights  ResultCode = 50
	OtherResult               ResultCode = 80
)

// Error is a schema failure with the LDAP result code it maps to and a
// message for people (the diagnosticMessage). Err is the sentinel it
// wraps, so errors.Is(err, ErrObjectClassViolation) works; use errors.As
// to get the Code.
type Error struct {
	Code ResultCode
	Err  error
	Msg  string
}

// Error returns "schema: <message>".
func (e *Error) Error() string { return fmt.Sprintf("schema: %s", e.Msg) }

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }
