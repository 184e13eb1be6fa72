package ldif

import (
	"errors"
	"fmt"
)

// Errors returned while reading. Every reading error is an *Error carrying
// the line number; the sentinels below are what it wraps, so callers can use
// errors.Is without looking at messages.
var (
	// ErrSyntax means a record breaks a rule of RFC 2849 (or of the change
	// record grammar); the *Error's message names the rule.
	ErrSyntax = errors.New("ldif: syntax error")
	// ErrURL means an "attr:< URL" value could not be resolved: a scheme other
	// than file://, a malformed URL, or a file that could not be read.
	ErrURL = errors.New("ldif: cannot resolve URL value")
	// ErrRecordTooLarge means a record (or one physical line) grew beyond
	// ReaderOptions.MaxRecordSize.
	ErrRecordTooLarge = errors.New("ldif: record too large")
	// ErrChangeRecord is returned by Reader.NextEntry for a change record
	// (a record with "changetype:") where only entries are accepted.
	ErrChangeRecord = errors.New("ldif: change record where an entry was expected")
)

// Errors returned while writing.
var (
	// ErrInvalidRecord means a record given to the Writer cannot be written
	// as LDIF that the Reader would read back identically: an invalid
	// attribute description, a DN that is not UTF-8, an attribute without
	// values, an entry without attributes, or an unknown change type.
	ErrInvalidRecord = errors.New("ldif: invalid record")
)

// Error is a reading error tied to a line of the input. Line is the 1-based
// number of the physical line where the offending logical line (or record)
// starts. Err is one of the sentinels above, possibly wrapping an I/O error
// from resolving a file URL.
type Error struct {
	Line int
	Msg  string
	Err  error
}

// Error formats as "ldif: line N: message".
func (e *Error) Error() string {
	return fmt.Sprintf("ldif: line %d: %s", e.Line, e.Msg)
}

// Unwrap returns the sentinel (or wrapped cause) so errors.Is works.
func (e *Error) Unwrap() error { return e.Err }

// syntaxErr builds an *Error wrapping ErrSyntax.
func syntaxErr(line int, format string, args ...any) *Error {
	return &Error{Line: line, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}
