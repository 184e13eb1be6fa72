package pwhash

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strconv"
)

// SHA-crypt ($5$ with SHA-256, $6$ with SHA-512) follows Ulrich Drepper's
// "Unix crypt using SHA-256 and SHA-512" specification:
//
//	$5$[rounds=N$]salt$hash
//
// The salt is at most 16 characters (longer ones are cut), rounds default
// to 5000 and are clamped to [1000, 999999999]; an explicit rounds=5000 is
// kept in the output.
const (
	shaCryptMaxSalt       = 16
	shaCryptMinRounds     = 1000
	shaCryptMaxSpecRounds = 999_999_999
	shaCryptRoundsPrefix  = "rounds="
)

// shaCryptVariant is one of the two SHA-crypt algorithms.
type shaCryptVariant struct {
	prefix  string
	newHash func() hash.Hash
	layout  *cryptLayout
}

var (
	sha256Crypt = &shaCryptVariant{prefix: "$5$", newHash: sha256.New, layout: sha256CryptLayout}
	sha512Crypt = &shaCryptVariant{prefix: "$6$", newHash: sha512.New, layout: sha512CryptLayout}
)

// shaCryptParams is a parsed "$5$rounds=N$salt$hash" string.
type shaCryptParams struct {
	rounds         int
	explicitRounds bool
	salt           []byte
	hash           []byte // encoded, may be empty in a setting string
}

// parseSetting reads "$5$[rounds=N$]salt" from s, which starts with
// v.prefix, and returns what follows the salt ("" or "$hash").
func (v *shaCryptVariant) parseSetting(s []byte) (p shaCryptParams, rest []byte, err error) {
	p.rounds = DefaultCryptRounds
	rest = s[len(v.prefix):]
	if r, ok := bytes.CutPrefix(rest, []byte(shaCryptRoundsPrefix)); ok {
		digits, after, found := bytes.Cut(r, []byte("$"))
		n, err := parseDecimal(digits, 1<<62)
		if !found || err != nil {
			return p, nil, fmt.Errorf("%w: bad rounds in %s", ErrMalformed, v.prefix)
		}
		p.rounds = min(max(n, shaCryptMinRounds), shaCryptMaxSpecRounds)
		p.explicitRounds, rest = true, after
	}
	if p.rounds > MaxCryptRounds {
		return p, nil, fmt.Errorf("%w: %d rounds, at most %d", ErrCostLimit, p.rounds, MaxCryptRounds)
	}
	end := bytes.IndexByte(rest, '$')
	if end < 0 {
		end = len(rest)
	}
	p.salt, rest = rest[:min(end, shaCryptMaxSalt)], rest[end:]
	return p, rest, nil
}

// parse reads a stored "$5$[rounds=N$]salt$hash" string.
func (v *shaCryptVariant) parse(s []byte) (shaCryptParams, error) {
	p, rest, err := v.parseSetting(s)
	if err != nil {
		return p, err
	}
	encoded, found := bytes.CutPrefix(rest, []byte("$"))
	if !found {
		return p, fmt.Errorf("%w: %s value without hash", ErrMalformed, v.prefix)
	}
	if len(encoded) != v.layout.encodedLen() || !isCryptText(encoded) {
		return p, fmt.Errorf("%w: %s hash is not %d crypt characters", ErrMalformed, v.prefix, v.layout.encodedLen())
	}
	p.hash = encoded
	return p, nil
}

// verify checks password against a stored "$5$..." or "$6$..." string.
func (v *shaCryptVariant) verify(s, password []byte) (bool, error) {
	p, err := v.parse(s)
	if err != nil {
		return false, err
	}
	got := v.layout.encode(v.sum(password, p.salt, p.rounds))
	return equalFixed(got, p.hash), nil
}

// format returns the full crypt string for password with salt and rounds.
func (v *shaCryptVariant) format(password, salt []byte, rounds int, explicitRounds bool) string {
	salt = salt[:min(len(salt), shaCryptMaxSalt)]
	rounds = min(max(rounds, shaCryptMinRounds), shaCryptMaxSpecRounds)
	var b bytes.Buffer
	b.WriteString(v.prefix)
	if explicitRounds {
		b.WriteString(shaCryptRoundsPrefix + strconv.Itoa(rounds) + "$")
	}
	b.Write(salt)
	b.WriteByte('$')
	b.Write(v.layout.encode(v.sum(password, salt, rounds)))
	return b.String()
}

// sum computes the SHA-crypt digest; the step numbers are the
// specification's.
func (v *shaCryptVariant) sum(password, salt []byte, rounds int) []byte {
	h := v.newHash()
	size := h.Size()

	// Steps 4-8: digest B = H(password || salt || password).
	h.Write(password)
	h.Write(salt)
	h.Write(password)
	b := h.Sum(nil)

	// Steps 1-3 and 9-12: digest A.
	h.Reset()
	h.Write(password)
	h.Write(salt)
	n := len(password)
	for ; n > size; n -= size {
		h.Write(b)
	}
	h.Write(b[:n])
	for n = len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write(b)
		} else {
			h.Write(password)
		}
	}
	a := h.Sum(nil)

	// Steps 13-16: the P sequence, from password hashed len(password) times.
	h.Reset()
	for range len(password) {
		h.Write(password)
	}
	pSeq := repeatToLen(h.Sum(nil), len(password))

	// Steps 17-20: the S sequence, from salt hashed 16+A[0] times.
	h.Reset()
	for range 16 + int(a[0]) {
		h.Write(salt)
	}
	sSeq := repeatToLen(h.Sum(nil), len(salt))

	// Step 21: the rounds.
	return cryptRounds(h, a, pSeq, sSeq, rounds)
}

// cryptRounds is the loop MD5-crypt and SHA-crypt share: each round hashes
// the previous digest c and p in an order alternating with the round's
// parity, with s added unless the round is a multiple of 3 and p again
// unless it is a multiple of 7. It returns the last digest, written over c.
func cryptRounds(h hash.Hash, c, p, s []byte, rounds int) []byte {
	for i := range rounds {
		h.Reset()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		c = h.Sum(c[:0])
	}
	return c
}

// repeatToLen returns n bytes made of d repeated.
func repeatToLen(d []byte, n int) []byte {
	out := make([]byte, n)
	for i := 0; i < n; i += len(d) {
		copy(out[i:], d)
	}
	return out
}

// parseDecimal parses a non-empty run of ASCII digits no larger than limit.
func parseDecimal(s []byte, limit int) (int, error) {
	if len(s) == 0 || len(s) > 18 {
		return 0, ErrMalformed
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, ErrMalformed
		}
		n = n*10 + int(c-'0')
	}
	if n > limit {
		return 0, ErrMalformed
	}
	return n, nil
}
