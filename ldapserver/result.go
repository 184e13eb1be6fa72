package ldapserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// ResultCode is an LDAP resultCode (RFC 4511 §4.1.9 and Appendix A, plus the codes of
// the extensions this server implements).
type ResultCode uint16

// Result codes.
const (
	Success                      ResultCode = 0
	OperationsError              ResultCode = 1
	ProtocolError                ResultCode = 2
	TimeLimitExceeded            ResultCode = 3
	SizeLimitExceeded            ResultCode = 4
	CompareFalse                 ResultCode = 5
	CompareTrue                  ResultCode = 6
	AuthMethodNotSupported       ResultCode = 7
	StrongerAuthRequired         ResultCode = 8
	Referral                     ResultCode = 10
	AdminLimitExceeded           ResultCode = 11
	UnavailableCriticalExtension ResultCode = 12
	ConfidentialityRequired      ResultCode = 13
	SASLBindInProgress           ResultCode = 14
	NoSuchAttribute              ResultCode = 16
	UndefinedAttributeType       ResultCode = 17
	InappropriateMatching        ResultCode = 18
	ConstraintViolation          ResultCode = 19
	AttributeOrValueExists       ResultCode = 20
	InvalidAttributeSyntax       ResultCode = 21
	NoSuchObject                 ResultCode = 32
	AliasProblem                 ResultCode = 33
	InvalidDNSyntax              ResultCode = 34
	AliasDereferencingProblem    ResultCode = 36
	InappropriateAuthentication  ResultCode = 48
	InvalidCredentials           ResultCode = 49
	InsufficientAccessRights     ResultCode = 50
	Busy                         ResultCode = 51
	Unavailable                  ResultCode = 52
	UnwillingToPerform           ResultCode = 53
	LoopDetect                   ResultCode = 54
	SortControlMissing           ResultCode = 60 // RFC 2891
	NamingViolation              ResultCode = 64
	ObjectClassViolation         ResultCode = 65
	NotAllowedOnNonLeaf          ResultCode = 66
	NotAllowedOnRDN              ResultCode = 67
	EntryAlreadyExists           ResultCode = 68
	ObjectClassModsProhibited    ResultCode = 69
	AffectsMultipleDSAs          ResultCode = 71
	Other                        ResultCode = 80
	Canceled                     ResultCode = 118 // RFC 3909
	NoSuchOperation              ResultCode = 119 // RFC 3909
	TooLate                      ResultCode = 120 // RFC 3909
	CannotCancel                 ResultCode = 121 // RFC 3909
	AssertionFailed              ResultCode = 122 // RFC 4528
	AuthorizationDenied          ResultCode = 123 // RFC 4370
	NoOperation                  ResultCode = 0x410e
)

var resultNames = map[ResultCode]string{
	Success: "success", OperationsError: "operationsError", ProtocolError: "protocolError",
	TimeLimitExceeded: "timeLimitExceeded", SizeLimitExceeded: "sizeLimitExceeded",
	CompareFalse: "compareFalse", CompareTrue: "compareTrue",
	AuthMethodNotSupported: "authMethodNotSupported", StrongerAuthRequired: "strongerAuthRequired",
	Referral: "referral", AdminLimitExceeded: "adminLimitExceeded",
	UnavailableCriticalExtension: "unavailableCriticalExtension",
	ConfidentialityRequired:      "confidentialityRequired", SASLBindInProgress: "saslBindInProgress",
	NoSuchAttribute: "noSuchAttribute", UndefinedAttributeType: "undefinedAttributeType",
	InappropriateMatching: "inappropriateMatching", ConstraintViolation: "constraintViolation",
	AttributeOrValueExists: "attributeOrValueExists", InvalidAttributeSyntax: "invalidAttributeSyntax",
	NoSuchObject: "noSuchObject", AliasProblem: "aliasProblem", InvalidDNSyntax: "invalidDNSyntax",
	AliasDereferencingProblem:   "aliasDereferencingProblem",
	InappropriateAuthentication: "inappropriateAuthentication", InvalidCredentials: "invalidCredentials",
	InsufficientAccessRights: "insufficientAccessRights", Busy: "busy", Unavailable: "unavailable",
	UnwillingToPerform: "unwillingToPerform", LoopDetect: "loopDetect",
	SortControlMissing: "sortControlMissing", NamingViolation: "namingViolation",
	ObjectClassViolation: "objectClassViolation", NotAllowedOnNonLeaf: "notAllowedOnNonLeaf",
	NotAllowedOnRDN: "notAllowedOnRDN", EntryAlreadyExists: "entryAlreadyExists",
	ObjectClassModsProhibited: "objectClassModsProhibited", AffectsMultipleDSAs: "affectsMultipleDSAs",
	Other: "other", Canceled: "canceled", NoSuchOperation: "noSuchOperation", TooLate: "tooLate",
	CannotCancel: "cannotCancel", AssertionFailed: "assertionFailed",
	AuthorizationDenied: "authorizationDenied", NoOperation: "noOperation",
}

// String returns the RFC name of the code ("noSuchObject"), or its number.
func (c ResultCode) String() string {
	if s, ok := resultNames[c]; ok {
		return s
	}
	return strconv.Itoa(int(c))
}

// Error is an LDAP result carried as a Go error. Backends return it (directly or
// wrapped) to choose the resultCode, matchedDN and diagnosticMessage of the response.
// Any other error becomes `other` (80) with a generic message, so internal details
// never reach the client by accident.
type Error struct {
	Code      ResultCode
	MatchedDN string   // RFC 4514 string; set with NoSuchObject and alias problems
	Message   string   // diagnosticMessage, sent to the client as is
	Referral  []string // LDAP URLs, with Code Referral (RFC 4511 §4.1.10)
}

// Errorf returns an *Error with a formatted diagnostic message.
func Errorf(code ResultCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error implements error.
func (e *Error) Error() string {
	if e.Message == "" {
		return "ldap: " + e.Code.String()
	}
	return "ldap: " + e.Code.String() + ": " + e.Message
}

// Result is the LDAPResult of a response (RFC 4511 §4.1.9) before encoding.
type Result struct {
	Code      ResultCode
	MatchedDN string
	Message   string
	Referral  []string
}

// resultFor maps an error returned by a backend or by the server itself onto the
// LDAPResult to send. This is the single table that decides result codes for errors.
func resultFor(err error) Result {
	var le *Error
	switch {
	case err == nil:
		return Result{Code: Success}
	case errors.As(err, &le):
		return Result{Code: le.Code, MatchedDN: le.MatchedDN, Message: le.Message, Referral: le.Referral}
	case errors.Is(err, errCanceled):
		return Result{Code: Canceled, Message: "operation canceled"}
	case errors.Is(err, errAbandoned):
		// Only logged: abandoned operations send no response.
		return Result{Code: Canceled, Message: "operation abandoned"}
	case errors.Is(err, context.DeadlineExceeded):
		return Result{Code: TimeLimitExceeded, Message: "time limit exceeded"}
	case errors.Is(err, ErrServerClosed):
		return Result{Code: Unavailable, Message: "server shutting down"}
	case errors.Is(err, context.Canceled):
		return Result{Code: Unavailable, Message: "operation interrupted"}
	default:
		return Result{Code: Other, Message: "internal error"}
	}
}
