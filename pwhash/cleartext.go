package pwhash

import (
	"crypto/sha256"
	"crypto/subtle"
)

// cleartextScheme is "{CLEARTEXT}secret". A stored value without any scheme
// prefix is cleartext too and takes the same comparison.
var cleartextScheme = &scheme{
	name: cleartextName,
	verify: func(body, password []byte) (bool, error) {
		return equalSecret(body, password), nil
	},
	hash: hashCleartext,
}

const cleartextName = "{CLEARTEXT}"

// hashCleartext returns the password unchanged, as slappasswd -h {CLEARTEXT}
// does, unless it starts with '{' and could be read back as a scheme prefix;
// then it keeps the {CLEARTEXT} prefix, which Verify understands (slapd does
// not).
func hashCleartext(_ *Options, password []byte) (string, error) {
	if len(password) > 0 && password[0] == '{' {
		return cleartextName + string(password), nil
	}
	return string(password), nil
}

// equalSecret compares two secrets without revealing where or whether their
// contents or lengths differ: both are hashed first and the fixed-size
// digests compared in constant time. Only the lengths affect the timing.
func equalSecret(a, b []byte) bool {
	ha, hb := sha256.Sum256(a), sha256.Sum256(b)
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// equalFixed compares two encoded hashes of public, equal length in
// constant time.
func equalFixed(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}
