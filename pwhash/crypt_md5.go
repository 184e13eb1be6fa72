package pwhash

import (
	"bytes"
	"crypto/md5"
	"fmt"
)

// MD5-crypt ($1$salt$hash) is Poul-Henning Kamp's FreeBSD algorithm: a salt
// of at most 8 characters and 1000 fixed rounds of MD5. It is weak and kept
// for stored values migrated from old systems.
const (
	md5CryptPrefix  = "$1$"
	md5CryptMaxSalt = 8
	md5CryptRounds  = 1000
)

// verifyMD5Crypt checks password against a stored "$1$..." string.
func verifyMD5Crypt(s, password []byte) (bool, error) {
	rest := s[len(md5CryptPrefix):]
	salt, encoded, found := bytes.Cut(rest, []byte("$"))
	if !found {
		return false, fmt.Errorf("%w: $1$ value without hash", ErrMalformed)
	}
	if len(salt) > md5CryptMaxSalt {
		return false, fmt.Errorf("%w: $1$ salt longer than %d", ErrMalformed, md5CryptMaxSalt)
	}
	if len(encoded) != md5CryptLayout.encodedLen() || !isCryptText(encoded) {
		return false, fmt.Errorf("%w: $1$ hash is not %d crypt characters", ErrMalformed, md5CryptLayout.encodedLen())
	}
	return equalFixed(md5CryptLayout.encode(md5CryptSum(password, salt)), encoded), nil
}

// formatMD5Crypt returns the full "$1$salt$hash" string.
func formatMD5Crypt(password, salt []byte) string {
	salt = salt[:min(len(salt), md5CryptMaxSalt)]
	return md5CryptPrefix + string(salt) + "$" + string(md5CryptLayout.encode(md5CryptSum(password, salt)))
}

// md5CryptSum computes the MD5-crypt digest.
func md5CryptSum(password, salt []byte) []byte {
	// The alternate sum: MD5(password || salt || password).
	alt := md5.New()
	alt.Write(password)
	alt.Write(salt)
	alt.Write(password)
	altSum := alt.Sum(nil)

	h := md5.New()
	h.Write(password)
	h.Write([]byte(md5CryptPrefix))
	h.Write(salt)
	for n := len(password); n > 0; n -= md5.Size {
		h.Write(altSum[:min(n, md5.Size)])
	}
	// For each bit of the password length, low bit first: a zero byte for
	// a one bit, the first password byte for a zero bit.
	for n := len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(password[:1])
		}
	}
	return cryptRounds(h, h.Sum(nil), password, salt, md5CryptRounds)
}
