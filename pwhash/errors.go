package pwhash

import "errors"

// Stored-value errors: returned (wrapped with the scheme name and what was
// wrong) by Verify when a stored userPassword value cannot be checked. None of
// them mean "wrong password"; a mismatch is (false, nil).
var (
	// ErrUnknownScheme reports a {SCHEME} prefix this package does not know,
	// from Verify, or a scheme name Hash does not know.
	ErrUnknownScheme = errors.New("pwhash: unknown password scheme")
	// ErrMalformed reports a stored value whose scheme is known but whose
	// body does not decode: bad base64, wrong digest length, missing fields,
	// an unparsable cost parameter.
	ErrMalformed = errors.New("pwhash: malformed stored password")
	// ErrUnsupported reports a well-formed value of a variant this package
	// deliberately does not implement: extended (BSDi) DES crypt, crypt(3)
	// algorithms other than DES, $1$, $5$, $6$ and bcrypt (yescrypt $y$,
	// scrypt $7$, Sun MD5, ...), Argon2d and Argon2 version 0x10.
	ErrUnsupported = errors.New("pwhash: unsupported password algorithm")
	// ErrCostLimit reports cost parameters (iterations, rounds, memory,
	// parallelism) above the Max* limits of options.go. Checking such a value would
	// let whoever can write userPassword stall or exhaust the server.
	ErrCostLimit = errors.New("pwhash: cost parameters exceed limits")
)

// Hashing errors: returned by Hash and Options.Hash.
var (
	// ErrPasswordTooLong reports a password longer than MaxPasswordLen,
	// longer than the 511 bytes crypt(3) accepts for {CRYPT}, or longer
	// than the 72 bytes bcrypt can use.
	ErrPasswordTooLong = errors.New("pwhash: password too long")
	// ErrInvalidOptions reports an Options field outside its documented range.
	ErrInvalidOptions = errors.New("pwhash: invalid options")
)
