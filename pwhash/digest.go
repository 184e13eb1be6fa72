package pwhash

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// The RFC 2307 digest schemes store base64(digest) or, salted,
// base64(digest || salt) where digest = H(password || salt). OpenLDAP
// implements {SHA}, {SSHA}, {MD5} and {SMD5} in slapd and the SHA-2 ones in
// the pw-sha2 module; all share this layout.
var (
	sha1Scheme    = digestScheme("{SHA}", sha1.New, false)
	ssha1Scheme   = digestScheme("{SSHA}", sha1.New, true)
	sha256Scheme  = digestScheme("{SHA256}", sha256.New, false)
	ssha256Scheme = digestScheme("{SSHA256}", sha256.New, true)
	sha384Scheme  = digestScheme("{SHA384}", sha512.New384, false)
	ssha384Scheme = digestScheme("{SSHA384}", sha512.New384, true)
	sha512Scheme  = digestScheme("{SHA512}", sha512.New, false)
	ssha512Scheme = digestScheme("{SSHA512}", sha512.New, true)
	md5Scheme     = digestScheme("{MD5}", md5.New, false)
	smd5Scheme    = digestScheme("{SMD5}", md5.New, true)
)

func digestScheme(name string, newHash func() hash.Hash, salted bool) *scheme {
	d := digest{newHash: newHash, size: newHash().Size(), salted: salted}
	return &scheme{name: name, verify: d.verify, hash: d.hash}
}

// digest is one of the RFC 2307 digest schemes.
type digest struct {
	newHash func() hash.Hash
	size    int
	salted  bool
}

func (d digest) sum(password, salt []byte) []byte {
	h := d.newHash()
	h.Write(password)
	h.Write(salt)
	return h.Sum(nil)
}

func (d digest) verify(body, password []byte) (bool, error) {
	raw, err := decodeBase64(body)
	if err != nil {
		return false, err
	}
	// INVARIANT: a salted value carries at least one salt byte, as slapd
	// requires; an unsalted one is exactly one digest.
	if d.salted && len(raw) <= d.size || !d.salted && len(raw) != d.size {
		return false, fmt.Errorf("%w: %d decoded bytes for a %d-byte digest", ErrMalformed, len(raw), d.size)
	}
	if len(raw)-d.size > maxSaltLen {
		return false, fmt.Errorf("%w: salt longer than %d bytes", ErrMalformed, maxSaltLen)
	}
	want, salt := raw[:d.size], raw[d.size:]
	return subtle.ConstantTimeCompare(want, d.sum(password, salt)) == 1, nil
}

func (d digest) hash(o *Options, password []byte) (string, error) {
	var salt []byte
	if d.salted {
		salt = randomBytes(o.saltLen())
	}
	return base64.StdEncoding.EncodeToString(append(d.sum(password, salt), salt...)), nil
}

// decodeBase64 decodes standard base64, padded or not, as the digest
// schemes store it. Like slapd's lutil_b64_pton it skips ASCII whitespace
// anywhere (a value base64-encoded from `echo` output ends in "\n").
func decodeBase64(s []byte) ([]byte, error) {
	if bytes.ContainsAny(s, asciiSpace) {
		clean := make([]byte, 0, len(s))
		for _, c := range s {
			if !strings.ContainsRune(asciiSpace, rune(c)) {
				clean = append(clean, c)
			}
		}
		s = clean
	}
	enc := base64.StdEncoding
	if len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	out := make([]byte, enc.DecodedLen(len(s)))
	n, err := enc.Strict().Decode(out, s)
	if err != nil {
		var corrupt base64.CorruptInputError
		if errors.As(err, &corrupt) {
			return nil, fmt.Errorf("%w: bad base64 at offset %d", ErrMalformed, int64(corrupt))
		}
		return nil, fmt.Errorf("%w: bad base64", ErrMalformed)
	}
	return out[:n], nil
}

// asciiSpace is what C's isspace accepts in the "C" locale.
const asciiSpace = " \t\n\v\f\r"
