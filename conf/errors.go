package conf

import "errors"

// Returned by Load (wrapped, with the file, line and key).
var (
	// ErrSyntax reports a file that is not valid TOML or a value of the wrong TOML type.
	ErrSyntax = errors.New("conf: syntax error")
	// ErrUnknownKey reports a key the configuration does not have (a typo, usually).
	ErrUnknownKey = errors.New("conf: unknown key")
)

// Returned by Validate and Load (wrapped in a Problems list).
var (
	// ErrInvalid reports a value outside what its key allows, or two keys that contradict.
	ErrInvalid = errors.New("conf: invalid value")
)
