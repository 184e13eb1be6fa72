package pwhash

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"runtime"
	"strconv"

	"golang.org/x/crypto/argon2"
)

// argon2Scheme is {ARGON2} followed by the PHC string that OpenLDAP's
// argon2 module (and the reference libargon2) writes:
//
//	$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<tag>
//
// with salt and tag in standard base64 without padding. Argon2i and
// Argon2id are verified; Argon2d and version 0x10 (no "v=" field, or v=16)
// are ErrUnsupported because x/crypto/argon2 implements neither. Hash writes
// argon2id.
var argon2Scheme = &scheme{name: "{ARGON2}", verify: verifyArgon2, hash: hashArgon2}

const (
	argon2Version    = 19 // 0x13, the only version x/crypto implements
	argon2MinSaltLen = 8  // the reference implementation's minimum
	argon2MinKeyLen  = 4
)

// argon2Params is a parsed PHC string.
type argon2Params struct {
	id           bool // argon2id rather than argon2i
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func verifyArgon2(body, password []byte) (bool, error) {
	p, err := parseArgon2(body)
	if err != nil {
		return false, err
	}
	return equalFixed(p.derive(password), p.key), nil
}

// argon2Slots bounds how many Argon2 computations run at once. Each one
// allocates its m KiB (up to MaxArgon2Memory) and every bind attempt on an
// {ARGON2} value is one, so without a bound concurrent clients add up
// memory until the process is killed; slapd is bounded by its thread pool.
// They are CPU-bound, so more than the CPUs' worth at once gains nothing.
var argon2Slots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func (p *argon2Params) derive(password []byte) []byte {
	argon2Slots <- struct{}{}
	defer func() { <-argon2Slots }()
	n := uint32(len(p.key))
	if p.id {
		return argon2.IDKey(password, p.salt, p.time, p.memory, p.threads, n)
	}
	return argon2.Key(password, p.salt, p.time, p.memory, p.threads, n)
}

// parseArgon2 reads "$argon2id$v=19$m=..,t=..,p=..$salt$tag", fields in the
// order the reference encoder writes them.
func parseArgon2(body []byte) (*argon2Params, error) {
	fields := bytes.Split(body, []byte("$"))
	if len(fields) < 2 || len(fields[0]) != 0 {
		return nil, fmt.Errorf("%w: not a PHC string", ErrMalformed)
	}
	p := &argon2Params{}
	switch string(fields[1]) {
	case "argon2id":
		p.id = true
	case "argon2i":
	case "argon2d", "argon2ds":
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, fields[1])
	default:
		return nil, fmt.Errorf("%w: unknown Argon2 type", ErrMalformed)
	}
	if len(fields) == 5 && bytes.HasPrefix(fields[2], []byte("m=")) {
		return nil, fmt.Errorf("%w: Argon2 version 0x10 (no v= field)", ErrUnsupported)
	}
	if len(fields) != 6 {
		return nil, fmt.Errorf("%w: want 5 '$'-separated fields", ErrMalformed)
	}
	version, ok := bytes.CutPrefix(fields[2], []byte("v="))
	v, err := parseDecimal(version, 1<<30)
	if !ok || err != nil {
		return nil, fmt.Errorf("%w: bad Argon2 version field", ErrMalformed)
	}
	if v != argon2Version {
		return nil, fmt.Errorf("%w: Argon2 version %d", ErrUnsupported, v)
	}
	if err := p.parseCost(fields[3]); err != nil {
		return nil, err
	}
	if p.salt, err = base64.RawStdEncoding.Strict().DecodeString(string(fields[4])); err != nil ||
		len(p.salt) < argon2MinSaltLen || len(p.salt) > maxSaltLen {
		return nil, fmt.Errorf("%w: bad Argon2 salt", ErrMalformed)
	}
	if p.key, err = base64.RawStdEncoding.Strict().DecodeString(string(fields[5])); err != nil ||
		len(p.key) < argon2MinKeyLen || len(p.key) > maxArgon2KeyLen {
		return nil, fmt.Errorf("%w: bad Argon2 tag", ErrMalformed)
	}
	return p, nil
}

// parseCost reads "m=<KiB>,t=<passes>,p=<lanes>" and checks the limits.
func (p *argon2Params) parseCost(f []byte) error {
	parts := bytes.Split(f, []byte(","))
	if len(parts) != 3 {
		return fmt.Errorf("%w: want m=,t=,p= parameters", ErrMalformed)
	}
	var vals [3]int
	for i, key := range []string{"m=", "t=", "p="} {
		digits, ok := bytes.CutPrefix(parts[i], []byte(key))
		n, err := parseDecimal(digits, 1<<32-1)
		if !ok || err != nil {
			return fmt.Errorf("%w: bad Argon2 parameter %q", ErrMalformed, key[:1])
		}
		vals[i] = n
	}
	m, t, lanes := vals[0], vals[1], vals[2]
	if t < 1 || lanes < 1 || m < 8*lanes {
		return fmt.Errorf("%w: Argon2 parameters below the minimum (t>=1, p>=1, m>=8p)", ErrMalformed)
	}
	if m > MaxArgon2Memory || t > MaxArgon2Time || lanes > MaxArgon2Threads {
		return fmt.Errorf("%w: Argon2 m=%d,t=%d,p=%d, at most m=%d,t=%d,p=%d",
			ErrCostLimit, m, t, lanes, MaxArgon2Memory, MaxArgon2Time, MaxArgon2Threads)
	}
	p.memory, p.time, p.threads = uint32(m), uint32(t), uint8(lanes)
	return nil
}

func hashArgon2(o *Options, password []byte) (string, error) {
	if o.saltLen() < argon2MinSaltLen {
		return "", fmt.Errorf("%w: Argon2 needs a salt of at least %d bytes", ErrInvalidOptions, argon2MinSaltLen)
	}
	p := argon2Params{
		id:      true,
		memory:  uint32(o.argon2Memory()),
		time:    uint32(o.argon2Time()),
		threads: uint8(o.argon2Threads()),
		salt:    randomBytes(o.saltLen()),
		key:     make([]byte, DefaultArgon2KeyLen),
	}
	key := p.derive(password)
	enc := base64.RawStdEncoding
	return "$argon2id$v=" + strconv.Itoa(argon2Version) +
		"$m=" + strconv.FormatUint(uint64(p.memory), 10) +
		",t=" + strconv.FormatUint(uint64(p.time), 10) +
		",p=" + strconv.FormatUint(uint64(p.threads), 10) +
		"$" + enc.EncodeToString(p.salt) + "$" + enc.EncodeToString(key), nil
}
