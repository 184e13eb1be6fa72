package pwhash

import "fmt"

// DefaultScheme is the scheme Hash uses when it is given an empty scheme
// name, meant as the default for Password Modify and `lightdir passwd`.
//
// It is {SSHA512}: salted SHA-512, readable by OpenLDAP with the pw-sha2
// module that Debian ships, cheap enough that binds stay fast. It is a
// single hash, so a leaked directory can be attacked at GPU speed; sites
// that can afford tens of milliseconds per bind should configure {ARGON2}
// (argon2id) or {PBKDF2-SHA512} instead. slappasswd's own default, {SSHA},
// uses SHA-1 and only 4 salt bytes.
const DefaultScheme = "{SSHA512}"

// Defaults used by Options fields left at zero.
const (
	// DefaultSaltLen is the salt length in bytes for {SSHA*}, {SMD5},
	// {PBKDF2*} and {ARGON2}. OpenLDAP's pw-pbkdf2 and argon2 modules also
	// use 16.
	DefaultSaltLen = 16

	// DefaultPBKDF2SHA1Iterations, DefaultPBKDF2SHA256Iterations and
	// DefaultPBKDF2SHA512Iterations follow the OWASP password storage
	// recommendations of 2023. OpenLDAP's pw-pbkdf2 writes 10000.
	DefaultPBKDF2SHA1Iterations   = 1_300_000
	DefaultPBKDF2SHA256Iterations = 600_000
	DefaultPBKDF2SHA512Iterations = 210_000

	// DefaultArgon2Time, DefaultArgon2Memory (KiB) and DefaultArgon2Threads
	// are the OWASP minimum for argon2id: 2 passes over 19 MiB, one lane.
	// OpenLDAP's argon2 module writes t=3, m=4096, p=1 (argon2i).
	DefaultArgon2Time    = 2
	DefaultArgon2Memory  = 19 * 1024
	DefaultArgon2Threads = 1
	// DefaultArgon2KeyLen is the tag length in bytes.
	DefaultArgon2KeyLen = 32

	// DefaultCryptPrefix selects SHA-512 crypt for {CRYPT}, the glibc
	// default and what `slappasswd -h {CRYPT} -c '$6$%.16s'` writes.
	DefaultCryptPrefix = "$6$"
	// DefaultCryptRounds is the SHA-crypt rounds value when none is
	// written in the string (the spec's implicit default).
	DefaultCryptRounds = 5000
	// DefaultBcryptCost is the bcrypt cost (log2 of rounds).
	DefaultBcryptCost = 10
)

// Limits on what Verify will compute and Options may request. Values above
// them make Verify return ErrCostLimit: a stored password is data that a
// client may have written, and its parameters decide how much CPU and memory
// each bind spends.
const (
	// MaxPasswordLen bounds the password Hash accepts and Verify checks
	// (longer candidates simply do not match). SHA-crypt hashes the password
	// len(password) times, so its work grows with the square of the length.
	MaxPasswordLen = 4096
	// MaxPBKDF2Iterations bounds PBKDF2 iterations (about 2 s of SHA-1 or
	// SHA-256 on a current x86 core).
	MaxPBKDF2Iterations = 10_000_000
	// MaxCryptRounds bounds SHA-crypt rounds (the spec allows 999999999;
	// 10 million rounds of SHA-512 crypt take about 4 s).
	MaxCryptRounds = 10_000_000
	// MaxBcryptCost bounds the bcrypt cost (x/crypto allows 31).
	MaxBcryptCost = 16
	// MaxArgon2Memory bounds Argon2 memory in KiB (256 MiB).
	MaxArgon2Memory = 256 * 1024
	// MaxArgon2Time bounds Argon2 passes.
	MaxArgon2Time = 64
	// MaxArgon2Threads bounds Argon2 lanes.
	MaxArgon2Threads = 64
	// maxSaltLen bounds decoded salts of every scheme.
	maxSaltLen = 1024
	// maxArgon2KeyLen bounds the decoded Argon2 tag.
	maxArgon2KeyLen = 1024
)

// Options carries the cost parameters Hash uses. The zero value means every
// default above. Options is a plain value: safe to copy and to use from
// several goroutines at once.
type Options struct {
	// SaltLen is the salt length in bytes for the salted digest, PBKDF2 and
	// Argon2 schemes; 0 means DefaultSaltLen. Argon2 needs at least 8.
	SaltLen int
	// PBKDF2Iterations overrides the per-digest default iteration count.
	PBKDF2Iterations int
	// Argon2Time, Argon2Memory (KiB) and Argon2Threads set the argon2id
	// cost; 0 means the Default of each.
	Argon2Time    int
	Argon2Memory  int
	Argon2Threads int
	// CryptPrefix selects the crypt(3) algorithm written under {CRYPT}:
	// "$6$" (default), "$5$", "$1$", or "$2a$", "$2b$", "$2y$" for bcrypt.
	CryptPrefix string
	// CryptRounds sets SHA-crypt rounds (1000..MaxCryptRounds); 0 means
	// DefaultCryptRounds, which is then not written into the string.
	CryptRounds int
	// BcryptCost sets the bcrypt cost (4..MaxBcryptCost); 0 means
	// DefaultBcryptCost.
	BcryptCost int
}

// Validate reports the first field outside its documented range, wrapping
// ErrInvalidOptions. Hash calls it, so callers only need it to check a
// configuration early.
func (o Options) Validate() error {
	bad := func(field string, v any) error {
		return fmt.Errorf("%w: %s = %v", ErrInvalidOptions, field, v)
	}
	switch {
	case o.SaltLen < 0 || o.SaltLen > maxSaltLen:
		return bad("SaltLen", o.SaltLen)
	case o.PBKDF2Iterations < 0 || o.PBKDF2Iterations > MaxPBKDF2Iterations:
		return bad("PBKDF2Iterations", o.PBKDF2Iterations)
	case o.Argon2Time < 0 || o.Argon2Time > MaxArgon2Time:
		return bad("Argon2Time", o.Argon2Time)
	case o.Argon2Threads < 0 || o.Argon2Threads > MaxArgon2Threads:
		return bad("Argon2Threads", o.Argon2Threads)
	case o.Argon2Memory < 0 || o.Argon2Memory > MaxArgon2Memory:
		return bad("Argon2Memory", o.Argon2Memory)
	case o.Argon2Memory != 0 && o.Argon2Memory < 8*o.argon2Threads():
		return bad("Argon2Memory", o.Argon2Memory)
	case o.CryptRounds != 0 && (o.CryptRounds < shaCryptMinRounds || o.CryptRounds > MaxCryptRounds):
		return bad("CryptRounds", o.CryptRounds)
	case o.BcryptCost != 0 && (o.BcryptCost < 4 || o.BcryptCost > MaxBcryptCost):
		return bad("BcryptCost", o.BcryptCost)
	}
	switch o.CryptPrefix {
	case "", "$6$", "$5$", "$1$", "$2a$", "$2b$", "$2y$":
	default:
		return bad("CryptPrefix", o.CryptPrefix)
	}
	return nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (o Options) saltLen() int       { return orDefault(o.SaltLen, DefaultSaltLen) }
func (o Options) argon2Time() int    { return orDefault(o.Argon2Time, DefaultArgon2Time) }
func (o Options) argon2Memory() int  { return orDefault(o.Argon2Memory, DefaultArgon2Memory) }
func (o Options) argon2Threads() int { return orDefault(o.Argon2Threads, DefaultArgon2Threads) }
func (o Options) cryptRounds() int   { return orDefault(o.CryptRounds, DefaultCryptRounds) }
func (o Options) bcryptCost() int    { return orDefault(o.BcryptCost, DefaultBcryptCost) }

func (o Options) cryptPrefix() string {
	if o.CryptPrefix == "" {
		return DefaultCryptPrefix
	}
	return o.CryptPrefix
}
