package pwhash

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// cheap keeps round trips quick under -race; the defaults are exercised by
// TestHash_defaultCosts and the benchmarks.
var cheap = Options{PBKDF2Iterations: 1000, Argon2Memory: 256, Argon2Time: 1, CryptRounds: 1000, BcryptCost: 4}

// TestHash_roundTrip: for every scheme (and every {CRYPT} algorithm) a hash
// verifies with its password, not with a wrong one, and carries the
// canonical prefix.
func TestHash_roundTrip(t *testing.T) {
	type variant struct {
		scheme string
		opts   Options
	}
	var variants []variant
	for _, s := range Schemes() {
		variants = append(variants, variant{s, cheap})
	}
	for _, p := range []string{"$5$", "$1$", "$2a$", "$2b$", "$2y$"} {
		o := cheap
		o.CryptPrefix = p
		variants = append(variants, variant{"{CRYPT}", o})
	}
	// The long password stays below bcrypt's 72 significant bytes even with
	// the suffix appended (TestVerify_bcryptTruncates covers the limit).
	passwords := []string{"secret", "", "pässwörd with spaces", strings.Repeat("long", 17) + "abc", "{SSHA}not a hash"}
	for _, v := range variants {
		t.Run(v.scheme+v.opts.CryptPrefix, func(t *testing.T) {
			for _, pw := range passwords {
				h, err := v.opts.Hash(v.scheme, []byte(pw))
				if err != nil {
					t.Fatalf("Hash(%q): %v", pw, err)
				}
				if v.scheme != "{CLEARTEXT}" && !strings.HasPrefix(h, v.scheme+v.opts.CryptPrefix) {
					t.Errorf("Hash = %q, want prefix %s%s", h, v.scheme, v.opts.CryptPrefix)
				}
				assertVerify(t, h, pw, true)
				assertVerify(t, h, pw+"!", false)
				if pw != "" {
					assertVerify(t, h, pw[:len(pw)-1], false)
				}
			}
		})
	}
}

// TestHash_defaultCosts: with zero Options every scheme writes the
// documented default cost parameters.
func TestHash_defaultCosts(t *testing.T) {
	if testing.Short() {
		t.Skip("default costs are deliberately slow")
	}
	for scheme, want := range map[string]string{
		"{PBKDF2-SHA512}": "{PBKDF2-SHA512}210000$",
		"{ARGON2}":        "{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$",
		"{CRYPT}":         "{CRYPT}$6$",
	} {
		h, err := Hash(scheme, []byte("secret"))
		if err != nil || !strings.HasPrefix(h, want) {
			t.Errorf("Hash(%s) = %q, %v; want prefix %q", scheme, h, err, want)
		}
		assertVerify(t, h, "secret", true)
	}
	h, err := Hash("", []byte("secret"))
	if err != nil || !strings.HasPrefix(h, DefaultScheme) {
		t.Errorf("Hash(\"\") = %q, %v; want prefix %s", h, err, DefaultScheme)
	}
}

// TestHash_saltsDiffer: two hashes of one password differ in every salted
// scheme.
func TestHash_saltsDiffer(t *testing.T) {
	for _, s := range Schemes() {
		if !strings.HasPrefix(s, "{S") && !strings.HasPrefix(s, "{P") && s != "{ARGON2}" && s != "{CRYPT}" {
			continue
		}
		if s == "{SHA}" || strings.HasPrefix(s, "{SHA") {
			continue
		}
		a, _ := cheap.Hash(s, []byte("secret"))
		b, _ := cheap.Hash(s, []byte("secret"))
		if a == b {
			t.Errorf("%s: two hashes are equal: %q", s, a)
		}
	}
}

// TestHash_schemeSpelling: scheme names are case-insensitive and braces are
// optional; unknown names fail with ErrUnknownScheme.
func TestHash_schemeSpelling(t *testing.T) {
	for _, name := range []string{"{SSHA}", "ssha", "{ssha}", "SsHa"} {
		h, err := Hash(name, []byte("x"))
		if err != nil || !strings.HasPrefix(h, "{SSHA}") {
			t.Errorf("Hash(%q) = %q, %v", name, h, err)
		}
	}
	if _, err := Hash("{NOPE}", []byte("x")); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("Hash({NOPE}) error = %v, want ErrUnknownScheme", err)
	}
}

// TestHash_limits: over-long passwords and out-of-range options are refused
// with their sentinels.
func TestHash_limits(t *testing.T) {
	if _, err := Hash("{SSHA}", make([]byte, MaxPasswordLen+1)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("long password: %v", err)
	}
	o := Options{CryptPrefix: "$2b$", BcryptCost: 4}
	if _, err := o.Hash("{CRYPT}", make([]byte, 73)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("bcrypt 73 bytes: %v", err)
	}
	for _, bad := range []Options{
		{SaltLen: -1}, {PBKDF2Iterations: MaxPBKDF2Iterations + 1}, {Argon2Memory: 4},
		{Argon2Threads: MaxArgon2Threads + 1}, {CryptRounds: 999}, {BcryptCost: 3},
		{CryptPrefix: "$7$"}, {Argon2Time: -1},
	} {
		if _, err := bad.Hash("{SSHA}", []byte("x")); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("Options %+v: %v, want ErrInvalidOptions", bad, err)
		}
	}
	if _, err := (Options{SaltLen: 4}).Hash("{ARGON2}", []byte("x")); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("argon2 with 4-byte salt: %v", err)
	}
}

// TestVerify_cleartext: values without a prefix and {CLEARTEXT} values
// compare exactly, including lengths and case of the prefix.
func TestVerify_cleartext(t *testing.T) {
	for _, tc := range []struct {
		stored, password string
		want             bool
	}{
		{"secret", "secret", true},
		{"secret", "secre", false},
		{"secret", "secret ", false},
		{"", "", true},
		{"", "x", false},
		{"{CLEARTEXT}secret", "secret", true},
		{"{cleartext}secret", "secret", true},
		{"{CLEARTEXT}secret", "{CLEARTEXT}secret", false},
		{"{not a scheme}x", "{not a scheme}x", true},
		{"{unterminated", "{unterminated", true},
	} {
		assertVerify(t, tc.stored, tc.password, tc.want)
	}
}

// TestHash_cleartext: {CLEARTEXT} returns the password itself unless it
// could be mistaken for a prefix.
func TestHash_cleartext(t *testing.T) {
	if h, _ := Hash("{CLEARTEXT}", []byte("secret")); h != "secret" {
		t.Errorf("got %q", h)
	}
	if h, _ := Hash("{CLEARTEXT}", []byte("{SSHA}x")); h != "{CLEARTEXT}{SSHA}x" {
		t.Errorf("got %q", h)
	}
}

// TestVerify_schemeCase: a lower-case prefix selects the same scheme.
func TestVerify_schemeCase(t *testing.T) {
	assertVerify(t, "{ssha}SWZY8yMHZUsvu3L21VQFUF5foqVDmjBZ", "secret", true)
	assertVerify(t, "{crypt}$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", "password", true)
	assertVerify(t, "{pbkdf2-sha256}1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ", "password", true)
}

// TestVerify_tooLongPassword: a password over MaxPasswordLen never matches,
// even a cleartext value equal to it, and a malformed value still errors.
func TestVerify_tooLongPassword(t *testing.T) {
	long := strings.Repeat("a", MaxPasswordLen+1)
	assertVerify(t, long, long, false)
	h, _ := Hash("{SSHA}", []byte("a"))
	assertVerify(t, h, long, false)
	if _, err := Verify([]byte("{SSHA}!!"), []byte(long)); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed with long password: %v", err)
	}
}

// badStored lists stored values Verify must reject, with the sentinel.
var badStored = []struct {
	stored string
	want   error
}{
	{"{FOO}bar", ErrUnknownScheme},
	{"{SASL}user@realm", ErrUnknownScheme},
	{"{SSHA}", ErrMalformed},
	{"{SSHA}!!!!", ErrMalformed},
	{"{SSHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", ErrMalformed}, // no salt
	{"{SHA}SWZY8yMHZUsvu3L21VQFUF5foqVDmjBZ", ErrMalformed},
	{"{SHA256}K7gNU3sdo", ErrMalformed},
	{"{MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ=", ErrMalformed},
	{"{PBKDF2-SHA256}", ErrMalformed},
	{"{PBKDF2-SHA256}1212$4vjV83LKPjQzk31VI4E0Vw", ErrMalformed},
	{"{PBKDF2-SHA256}0$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ", ErrMalformed},
	{"{PBKDF2-SHA256}-5$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ", ErrMalformed},
	{"{PBKDF2-SHA256}1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg+fJPeq1h/gXXY7acBp9/6c.tmQ", ErrMalformed},
	{"{PBKDF2-SHA512}1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ", ErrMalformed},
	{"{PBKDF2-SHA256}99999999999$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ", ErrCostLimit},
	{"{ARGON2}", ErrMalformed},
	{"{ARGON2}argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2x$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$t=2,m=256,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=7,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=256,t=2,p=0$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=256,t=2,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf6", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ=$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$", ErrMalformed},
	{"{ARGON2}$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrCostLimit},
	{"{ARGON2}$argon2id$v=19$m=256,t=100000,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrCostLimit},
	{"{ARGON2}$argon2id$v=19$m=2560,t=1,p=255$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ErrCostLimit},
	{"{CRYPT}", ErrMalformed},
	{"{CRYPT}$6$saltstring", ErrMalformed},
	{"{CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl", ErrMalformed},
	{"{CRYPT}$6$rounds=x$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", ErrMalformed},
	{"{CRYPT}$6$rounds=99999999999$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", ErrCostLimit},
	{"{CRYPT}$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc!", ErrMalformed},
	{"{CRYPT}$1$saltsalt$qjXMvbEw8oaL.CzflDtaK", ErrMalformed},
	{"{CRYPT}$1$saltsaltX$qjXMvbEw8oaL.CzflDtaK/", ErrMalformed},
	{"{CRYPT}$1$saltsalt", ErrMalformed},
	{"{CRYPT}$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe", ErrMalformed},
	{"{CRYPT}$2a$xx$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformed},
	{"{CRYPT}$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformed},
	{"{CRYPT}$2a$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrCostLimit},
	{"{CRYPT}!!", ErrMalformed},
	{"{CRYPT}$", ErrMalformed},
}

// TestVerify_badStored: every malformed, unknown or too costly value gives
// its sentinel error and false, never a match or a panic.
func TestVerify_badStored(t *testing.T) {
	for _, tc := range badStored {
		ok, err := Verify([]byte(tc.stored), []byte("password"))
		if ok || !errors.Is(err, tc.want) {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.stored, ok, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "password\"") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

// TestSchemes_complete: Schemes lists each name once, each in canonical
// form, and includes the schemes the server depends on.
func TestSchemes_complete(t *testing.T) {
	got := Schemes()
	for _, want := range []string{"{SSHA}", "{SHA}", "{SSHA256}", "{SSHA512}", "{SHA256}", "{SHA512}",
		"{PBKDF2-SHA256}", "{PBKDF2-SHA512}", "{PBKDF2-SHA1}", "{ARGON2}", "{CRYPT}", "{CLEARTEXT}", DefaultScheme} {
		if !slices.Contains(got, want) {
			t.Errorf("Schemes() lacks %s", want)
		}
	}
	seen := map[string]bool{}
	for _, s := range got {
		if seen[s] || canonicalName(s) != s {
			t.Errorf("Schemes() entry %q duplicated or not canonical", s)
		}
		seen[s] = true
	}
	got[0] = "changed"
	if Schemes()[0] == "changed" {
		t.Error("Schemes() returns shared memory")
	}
}

// TestIsHashed_prefixes: known non-cleartext prefixes count as hashed, in
// any case; cleartext, {CLEARTEXT} and unknown prefixes do not.
func TestIsHashed_prefixes(t *testing.T) {
	for v, want := range map[string]bool{
		"{SSHA}abc":         true,
		"{ssha512}abc":      true,
		"{CRYPT}$6$x$y":     true,
		"{ARGON2}$argon2id": true,
		"{PBKDF2}1$a$b":     true,
		"{CLEARTEXT}abc":    false,
		"secret":            false,
		"":                  false,
		"{FOO}abc":          false,
		"{SSHA":             false,
		" {SSHA}abc":        false,
	} {
		if got := IsHashed([]byte(v)); got != want {
			t.Errorf("IsHashed(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestVerify_bcryptTruncates: bcrypt ignores bytes after the 72nd, as every
// bcrypt implementation does; Verify keeps that behaviour so values hashed
// elsewhere from longer passwords still verify.
func TestVerify_bcryptTruncates(t *testing.T) {
	pw := strings.Repeat("x", 72)
	h, err := (Options{CryptPrefix: "$2b$", BcryptCost: 4}).Hash("{CRYPT}", []byte(pw))
	if err != nil {
		t.Fatal(err)
	}
	assertVerify(t, h, pw+"ignored", true)
	assertVerify(t, h, pw[:71], false)
}

// TestVerify_errorText: error messages start with the package name and name
// the scheme.
func TestVerify_errorText(t *testing.T) {
	_, err := Verify([]byte("{ssha}!!"), []byte("pw"))
	if msg := err.Error(); !strings.HasPrefix(msg, "pwhash: ") || !strings.Contains(msg, "{SSHA}") {
		t.Errorf("error text %q", msg)
	}
}

// TestVerify_concurrentAndPure: Verify may run from many goroutines at once
// (checked under -race) and never modifies its arguments.
func TestVerify_concurrentAndPure(t *testing.T) {
	type pair struct{ stored, password string }
	var pairs []pair
	for _, v := range slappasswdGolden {
		pairs = append(pairs, pair{v, "secret"})
	}
	for _, v := range desCryptVectors {
		pairs = append(pairs, pair{"{CRYPT}" + v.want, v.password})
	}
	pairs = append(pairs, pair{pbkdf2LDAPVectors[2], "password"}, pair{"{ARGON2}" + argon2Vectors[2], "password"},
		pair{"{CRYPT}" + bcryptVectors[0].stored, bcryptVectors[0].password})
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, p := range pairs {
				s, pw := []byte(p.stored), []byte(p.password)
				ok, err := Verify(s, pw)
				if !ok || err != nil {
					t.Errorf("Verify(%q) = %v, %v", p.stored, ok, err)
				}
				if string(s) != p.stored || string(pw) != p.password {
					t.Errorf("Verify modified its arguments: %q %q", s, pw)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// TestCleartext: Cleartext gives back the password Verify compares a
// non-hashed value with, so hashing it keeps the value's meaning.
func TestCleartext(t *testing.T) {
	for v, want := range map[string]string{
		"secret":               "secret",
		"{CLEARTEXT}secret":    "secret",
		"{cleartext}{SSHA}abc": "{SSHA}abc",
		"{FOO}bar":             "{FOO}bar",
		"":                     "",
	} {
		if got := string(Cleartext([]byte(v))); got != want {
			t.Errorf("Cleartext(%q) = %q, want %q", v, got, want)
		}
		if want != "" && v != "{FOO}bar" {
			if ok, _ := Verify([]byte(v), []byte(want)); !ok {
				t.Errorf("Verify(%q, Cleartext) = false", v)
			}
		}
	}
	h, _ := Hash("{CLEARTEXT}", []byte("{x}y"))
	if got := string(Cleartext([]byte(h))); got != "{x}y" {
		t.Errorf("Cleartext(Hash({CLEARTEXT}, {x}y) = %q) = %q", h, got)
	}
}
