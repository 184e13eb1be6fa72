package pwhash

import (
	"bytes"
	"fmt"
	"strings"
)

// scheme is one {NAME} this package can verify and hash.
type scheme struct {
	// name is the canonical spelling, upper case with braces.
	name string
	// verify checks password against the value that followed the prefix.
	verify func(body, password []byte) (bool, error)
	// hash returns the body to write after the prefix.
	hash func(o *Options, password []byte) (string, error)
}

// schemes lists every scheme in the order Schemes reports them.
var schemes = []*scheme{
	ssha1Scheme, sha1Scheme,
	ssha256Scheme, sha256Scheme,
	ssha384Scheme, sha384Scheme,
	ssha512Scheme, sha512Scheme,
	smd5Scheme, md5Scheme,
	pbkdf2Scheme, pbkdf2SHA1Scheme, pbkdf2SHA256Scheme, pbkdf2SHA512Scheme,
	argon2Scheme,
	cryptScheme,
	cleartextScheme,
}

// byName indexes schemes by canonical name; it is built once and only read.
var byName = func() map[string]*scheme {
	m := make(map[string]*scheme, len(schemes))
	for _, s := range schemes {
		m[s.name] = s
	}
	return m
}()

// maxSchemeNameLen bounds the text between the braces of a prefix.
const maxSchemeNameLen = 32

// splitScheme separates a "{NAME}body" value. ok is false when v does not
// start with a brace-enclosed name made of letters, digits, '-', '_' and '.';
// such values are cleartext. name is returned upper-cased with its braces.
func splitScheme(v []byte) (name string, body []byte, ok bool) {
	if len(v) < 3 || v[0] != '{' {
		return "", nil, false
	}
	end := bytes.IndexByte(v[1:min(len(v), maxSchemeNameLen+2)], '}')
	if end < 1 {
		return "", nil, false
	}
	for _, c := range v[1 : 1+end] {
		if !isSchemeChar(c) {
			return "", nil, false
		}
	}
	return "{" + strings.ToUpper(string(v[1:1+end])) + "}", v[end+2:], true
}

func isSchemeChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}

// canonicalName turns "ssha", "{ssha}" or "{SSHA}" into "{SSHA}".
func canonicalName(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	return "{" + strings.ToUpper(s) + "}"
}

// Verify reports whether password matches the stored userPassword value.
//
// A value with a {SCHEME} prefix (case-insensitive) is checked by that
// scheme; any other value is cleartext. A mismatch is (false, nil), and so is
// a password longer than MaxPasswordLen. Errors describe the stored value
// only: ErrUnknownScheme, ErrMalformed, ErrUnsupported or ErrCostLimit, wrapped
// with the scheme name; they say what is wrong and never quote the password
// or the hash. Digest
// and cleartext comparisons take constant time for a given stored value.
//
// Verify does not retain its arguments and is safe for concurrent use.
func Verify(stored, password []byte) (bool, error) {
	name, body, ok := splitScheme(stored)
	if !ok {
		return len(password) <= MaxPasswordLen && equalSecret(stored, password), nil
	}
	s := byName[name]
	if s == nil {
		return false, fmt.Errorf("%w: %s", ErrUnknownScheme, name)
	}
	// A password longer than MaxPasswordLen never matches, but the value is
	// still checked with an empty one, so a malformed value is reported the
	// same way whatever password is tried.
	tooLong := len(password) > MaxPasswordLen
	if tooLong {
		password = nil
	}
	match, err := s.verify(body, password)
	if err != nil {
		return false, fmt.Errorf("%w (scheme %s)", err, name)
	}
	return match && !tooLong, nil
}

// Hash returns password hashed with a fresh random salt under scheme, as a
// complete userPassword value such as "{SSHA512}...". scheme is matched
// case-insensitively, with or without braces; "" means DefaultScheme. Cost
// parameters are the defaults of Options. It returns ErrUnknownScheme or
// ErrPasswordTooLong. Safe for concurrent use.
func Hash(scheme string, password []byte) (string, error) {
	return Options{}.Hash(scheme, password)
}

// Hash is the package-level Hash with the cost parameters of o. It also
// returns ErrInvalidOptions when o does not Validate.
func (o Options) Hash(scheme string, password []byte) (string, error) {
	if scheme == "" {
		scheme = DefaultScheme
	}
	s := byName[canonicalName(scheme)]
	if s == nil {
		return "", fmt.Errorf("%w: %q", ErrUnknownScheme, scheme)
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	if len(password) > MaxPasswordLen {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrPasswordTooLong, len(password), MaxPasswordLen)
	}
	body, err := s.hash(&o, password)
	if err != nil {
		return "", fmt.Errorf("%w (scheme %s)", err, s.name)
	}
	if s == cleartextScheme {
		return body, nil
	}
	return s.name + body, nil
}

// Schemes returns the canonical names ("{SSHA}", ...) of every scheme Verify
// and Hash accept, in a fixed order. The caller owns the returned slice.
func Schemes() []string {
	out := make([]string, len(schemes))
	for i, s := range schemes {
		out[i] = s.name
	}
	return out
}

// IsHashed reports whether v starts with the prefix of a known scheme other
// than {CLEARTEXT}. It looks at the prefix only: "{SSHA}garbage" is hashed
// (and Verify will report it as ErrMalformed). The server uses it to decide
// whether a userPassword value given by a client must be hashed first.
func IsHashed(v []byte) bool {
	name, _, ok := splitScheme(v)
	if !ok {
		return false
	}
	s := byName[name]
	return s != nil && s != cleartextScheme
}

// Cleartext returns the password that a value IsHashed reports false for
// stands for: the text after a {CLEARTEXT} prefix (in any case), as Verify
// reads it, or else the whole value. The server hashes this, not the value, so
// "{CLEARTEXT}secret" written by a client binds with "secret" as it does
// when imported. The result shares v's memory.
func Cleartext(v []byte) []byte {
	if name, body, ok := splitScheme(v); ok && name == cleartextName {
		return body
	}
	return v
}
