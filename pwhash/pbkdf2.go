package pwhash

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"strconv"
)

// The PBKDF2 schemes use the layout of OpenLDAP's contrib pw-pbkdf2 module
// (and passlib's ldap_pbkdf2_*):
//
//	{PBKDF2-SHA256}<iterations>$<ab64 salt>$<ab64 derived key>
//
// "ab64" is standard base64 with '.' in place of '+' and no padding. The
// derived key is one digest long. pw-pbkdf2 writes 16-byte salts; passlib
// writes other lengths, which are accepted up to maxSaltLen. {PBKDF2} is an
// alias of {PBKDF2-SHA1}.
var (
	pbkdf2Scheme       = pbkdf2Variant("{PBKDF2}", sha1.New, DefaultPBKDF2SHA1Iterations)
	pbkdf2SHA1Scheme   = pbkdf2Variant("{PBKDF2-SHA1}", sha1.New, DefaultPBKDF2SHA1Iterations)
	pbkdf2SHA256Scheme = pbkdf2Variant("{PBKDF2-SHA256}", sha256.New, DefaultPBKDF2SHA256Iterations)
	pbkdf2SHA512Scheme = pbkdf2Variant("{PBKDF2-SHA512}", sha512.New, DefaultPBKDF2SHA512Iterations)
)

// ab64 is the adapted base64 alphabet of the PBKDF2 schemes.
var ab64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./").
	WithPadding(base64.NoPadding).Strict()

func pbkdf2Variant(name string, newHash func() hash.Hash, defaultIter int) *scheme {
	k := pbkdf2Kind{newHash: newHash, size: newHash().Size(), defaultIter: defaultIter}
	return &scheme{name: name, verify: k.verify, hash: k.hash}
}

type pbkdf2Kind struct {
	newHash     func() hash.Hash
	size        int
	defaultIter int
}

func (k pbkdf2Kind) verify(body, password []byte) (bool, error) {
	iterText, rest, ok1 := bytes.Cut(body, []byte("$"))
	saltText, keyText, ok2 := bytes.Cut(rest, []byte("$"))
	if !ok1 || !ok2 {
		return false, fmt.Errorf("%w: want <iterations>$<salt>$<key>", ErrMalformed)
	}
	iter, err := parseDecimal(iterText, 1<<62)
	if err != nil || iter < 1 {
		return false, fmt.Errorf("%w: bad iteration count", ErrMalformed)
	}
	if iter > MaxPBKDF2Iterations {
		return false, fmt.Errorf("%w: %d iterations, at most %d", ErrCostLimit, iter, MaxPBKDF2Iterations)
	}
	salt, err := decodeAB64(saltText)
	if err != nil || len(salt) > maxSaltLen {
		return false, fmt.Errorf("%w: bad salt", ErrMalformed)
	}
	want, err := decodeAB64(keyText)
	if err != nil || len(want) != k.size {
		return false, fmt.Errorf("%w: derived key is not %d bytes of ab64", ErrMalformed, k.size)
	}
	got, err := k.derive(password, salt, iter)
	if err != nil {
		return false, err
	}
	return equalFixed(got, want), nil
}

func (k pbkdf2Kind) hash(o *Options, password []byte) (string, error) {
	iter := orDefault(o.PBKDF2Iterations, k.defaultIter)
	salt := randomBytes(o.saltLen())
	key, err := k.derive(password, salt, iter)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(iter) + "$" + ab64.EncodeToString(salt) + "$" + ab64.EncodeToString(key), nil
}

// derive runs PBKDF2. Only FIPS 140-3 mode makes it fail (it refuses short
// passwords and salts); that is reported as ErrUnsupported.
func (k pbkdf2Kind) derive(password, salt []byte, iter int) ([]byte, error) {
	key, err := pbkdf2.Key(k.newHash, string(password), salt, iter, k.size)
	if err != nil {
		return nil, fmt.Errorf("%w: pbkdf2: %v", ErrUnsupported, err)
	}
	return key, nil
}

func decodeAB64(s []byte) ([]byte, error) {
	return ab64.DecodeString(string(s))
}
