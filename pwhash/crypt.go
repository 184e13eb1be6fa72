package pwhash

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// cryptScheme is RFC 2307 {CRYPT}: the body is a crypt(3) string. slapd
// hands it to the C library; this package implements the algorithms a
// current glibc/libxcrypt system writes for LDAP use ($6$, $5$, $1$, bcrypt
// and, verify-only, traditional DES) itself, so results do not depend on
// the host.
var cryptScheme = &scheme{name: "{CRYPT}", verify: verifyCrypt, hash: hashCrypt}

// bcryptPrefixes are the bcrypt variants accepted; they differ only in how
// old implementations handled 8-bit and very long passwords, which this
// implementation (x/crypto) gets right for all three.
var bcryptPrefixes = []string{"$2a$", "$2b$", "$2y$"}

// bcryptLen is the length of "$2b$NN$" plus 22 salt and 31 hash characters.
const bcryptLen = 60

// cryptMaxPassword is the longest passphrase libxcrypt's crypt(3) accepts
// (CRYPT_MAX_PASSPHRASE_SIZE less its NUL), for every algorithm: slapd
// never matches a longer password against a {CRYPT} value, and slappasswd
// refuses to hash one. It also bounds SHA-crypt's work, which grows with
// rounds times the password length.
const cryptMaxPassword = 511

func verifyCrypt(body, password []byte) (bool, error) {
	if len(password) > cryptMaxPassword {
		// Never a match; the value is still checked (with an empty
		// password) so a malformed one is reported whatever is tried.
		_, err := verifyCrypt(body, nil)
		return false, err
	}
	switch {
	case bytes.HasPrefix(body, []byte(sha512Crypt.prefix)):
		return sha512Crypt.verify(body, password)
	case bytes.HasPrefix(body, []byte(sha256Crypt.prefix)):
		return sha256Crypt.verify(body, password)
	case bytes.HasPrefix(body, []byte(md5CryptPrefix)):
		return verifyMD5Crypt(body, password)
	case hasBcryptPrefix(body):
		return verifyBcrypt(body, password)
	case len(body) == desCryptLen && isCryptText(body):
		return verifyDESCrypt(body, password), nil
	case isBigCrypt(body):
		return verifyBigCrypt(body, password), nil
	case len(body) == 20 && body[0] == '_' && isCryptText(body[1:]):
		return false, fmt.Errorf("%w: extended DES crypt", ErrUnsupported)
	case len(body) > 1 && body[0] == '$':
		return false, fmt.Errorf("%w: crypt algorithm %q", ErrUnsupported, cryptID(body))
	default:
		return false, fmt.Errorf("%w: not a crypt(3) string", ErrMalformed)
	}
}

// cryptID returns the "$id$" of a crypt string, shortened for messages.
func cryptID(body []byte) string {
	end := bytes.IndexByte(body[1:], '$')
	if end < 0 || end > 8 {
		return "$?"
	}
	return string(body[:end+2])
}

func hasBcryptPrefix(b []byte) bool {
	for _, p := range bcryptPrefixes {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

func verifyBcrypt(body, password []byte) (bool, error) {
	if len(body) != bcryptLen || body[6] != '$' || !isCryptText(body[7:]) {
		return false, fmt.Errorf("%w: bcrypt value is not %d characters of the form $2b$NN$...", ErrMalformed, bcryptLen)
	}
	cost, err := parseDecimal(body[4:6], 99)
	if err != nil {
		return false, fmt.Errorf("%w: bad bcrypt cost", ErrMalformed)
	}
	if cost > MaxBcryptCost {
		return false, fmt.Errorf("%w: bcrypt cost %d, at most %d", ErrCostLimit, cost, MaxBcryptCost)
	}
	err = bcrypt.CompareHashAndPassword(body, password)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, fmt.Errorf("%w: bcrypt: %v", ErrMalformed, err)
	}
}

func hashCrypt(o *Options, password []byte) (string, error) {
	if len(password) > cryptMaxPassword {
		return "", fmt.Errorf("%w: crypt(3) takes at most %d bytes", ErrPasswordTooLong, cryptMaxPassword)
	}
	switch prefix := o.cryptPrefix(); prefix {
	case sha512Crypt.prefix, sha256Crypt.prefix:
		v := sha512Crypt
		if prefix == sha256Crypt.prefix {
			v = sha256Crypt
		}
		rounds := o.cryptRounds()
		return v.format(password, randomCryptSalt(shaCryptMaxSalt), rounds, rounds != DefaultCryptRounds), nil
	case md5CryptPrefix:
		return formatMD5Crypt(password, randomCryptSalt(md5CryptMaxSalt)), nil
	default: // a bcrypt prefix; Validate allows nothing else
		if len(password) > 72 {
			return "", fmt.Errorf("%w: bcrypt uses at most 72 bytes", ErrPasswordTooLong)
		}
		h, err := bcrypt.GenerateFromPassword(password, o.bcryptCost())
		if err != nil {
			return "", fmt.Errorf("bcrypt: %w", err)
		}
		// x/crypto writes $2a$; the variants share one algorithm for
		// passwords of at most 72 bytes.
		copy(h, prefix)
		return string(h), nil
	}
}
