package pwhash

import (
	"errors"
	"strings"
	"testing"
)

// shaCryptVectors are the test vectors published with Drepper's SHA-crypt
// specification: setting, password, expected crypt string.
var shaCryptVectors = []struct{ setting, password, want string }{
	{"$5$saltstring", "Hello world!",
		"$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
	{"$5$rounds=10000$saltstringsaltstring", "Hello world!",
		"$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"},
	{"$5$rounds=5000$toolongsaltstring", "This is just a test",
		"$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5"},
	{"$5$rounds=1400$anotherlongsaltstring",
		"a very much longer text to encrypt.  This one even stretches over morethan one line.",
		"$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1"},
	{"$5$rounds=77777$short", "we have a short salt string but not a short password",
		"$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/"},
	{"$5$rounds=123456$asaltof16chars..", "a short string",
		"$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD"},
	{"$5$rounds=10$roundstoolow", "the minimum number is still observed",
		"$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC"},
	{"$6$saltstring", "Hello world!",
		"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
	{"$6$rounds=10000$saltstringsaltstring", "Hello world!",
		"$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
	{"$6$rounds=5000$toolongsaltstring", "This is just a test",
		"$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0"},
	{"$6$rounds=1400$anotherlongsaltstring",
		"a very much longer text to encrypt.  This one even stretches over morethan one line.",
		"$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1"},
	{"$6$rounds=77777$short", "we have a short salt string but not a short password",
		"$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0"},
	{"$6$rounds=123456$asaltof16chars..", "a short string",
		"$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1"},
	{"$6$rounds=10$roundstoolow", "the minimum number is still observed",
		"$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX."},
}

// TestSHACrypt_format_specVectors: encoding a setting reproduces every
// specification vector, including salt truncation and the rounds floor.
func TestSHACrypt_format_specVectors(t *testing.T) {
	for _, tc := range shaCryptVectors {
		t.Run(tc.setting, func(t *testing.T) {
			v := sha256Crypt
			if tc.setting[1] == '6' {
				v = sha512Crypt
			}
			p, rest, err := v.parseSetting([]byte(tc.setting))
			if err != nil || len(rest) != 0 {
				t.Fatalf("parseSetting(%q) = rest %q, err %v", tc.setting, rest, err)
			}
			got := v.format([]byte(tc.password), p.salt, p.rounds, p.explicitRounds)
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestVerify_shaCryptVectors: the specification's outputs verify under
// {CRYPT}, and a one-character change of the password does not.
func TestVerify_shaCryptVectors(t *testing.T) {
	for _, tc := range shaCryptVectors {
		t.Run(tc.setting, func(t *testing.T) {
			assertVerify(t, "{CRYPT}"+tc.want, tc.password, true)
			assertVerify(t, "{CRYPT}"+tc.want, tc.password+"x", false)
		})
	}
}

// md5CryptVectors are crypt(3) MD5 outputs as published with passlib's
// test suite and by FreeBSD/OpenSSL ("openssl passwd -1").
var md5CryptVectors = []struct{ password, want string }{
	{"", "$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o."},
	{" ", "$1$m/5ee7ol$bZn0kIBFipq39e.KDXX8I0"},
	{"test", "$1$ec6XvcoW$ghEtNK2U1MC5l.Dwgi3020"},
	{"Compl3X AlphaNu3meric", "$1$nX1e7EeI$ljQn72ZUgt6Wxd9hfvHdV0"},
	{"4lpHa N|_|M3r1K W/ Cur5Es: #$%(*)(*%#", "$1$jQS7o98J$V6iTcr71CGgwW2laf17pi1"},
	{"test", "$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1"},
	{"password", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"},
}

// TestMD5Crypt_vectors: formatting with the vector's salt reproduces it, and
// Verify accepts it and rejects a changed password.
func TestMD5Crypt_vectors(t *testing.T) {
	for _, tc := range md5CryptVectors {
		t.Run(tc.want, func(t *testing.T) {
			salt := tc.want[3:11]
			if got := formatMD5Crypt([]byte(tc.password), []byte(salt)); got != tc.want {
				t.Errorf("got %s want %s", got, tc.want)
			}
			assertVerify(t, "{CRYPT}"+tc.want, tc.password, true)
			assertVerify(t, "{CRYPT}"+tc.want, tc.password+"x", false)
		})
	}
}

// bcryptVectors come from the OpenBSD/Openwall crypt_blowfish test set; the
// $2b$ and $2y$ spellings share the $2a$ result for these passwords.
var bcryptVectors = []struct{ password, stored string }{
	{"U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
	{"U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"},
	{"U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"},
	{"", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"},
	{"U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
	{"U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
}

// TestVerify_bcryptVectors: known bcrypt strings verify, changed passwords
// do not.
func TestVerify_bcryptVectors(t *testing.T) {
	for _, tc := range bcryptVectors {
		t.Run(tc.stored, func(t *testing.T) {
			assertVerify(t, "{CRYPT}"+tc.stored, tc.password, true)
			assertVerify(t, "{CRYPT}"+tc.stored, tc.password+"x", false)
		})
	}
}

// TestVerify_cryptUnsupported: DES and other crypt(3) algorithms are refused
// with ErrUnsupported, not treated as a mismatch.
func TestVerify_cryptUnsupported(t *testing.T) {
	for _, stored := range []string{
		"{CRYPT}_J9..rasmBYk8r9AiWNc", // extended (BSDi) DES
		"{CRYPT}$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7",
		"{CRYPT}$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		"{CRYPT}$md5,rounds=5000$GUBv0xjJ$$mSwgIswdjlTY0YxV7HBVm0",
	} {
		ok, err := Verify([]byte(stored), []byte("secret"))
		if ok || !errors.Is(err, ErrUnsupported) {
			t.Errorf("Verify(%q) = %v, %v; want ErrUnsupported", stored, ok, err)
		}
	}
}

// assertVerify checks that Verify returns want and no error.
func assertVerify(t *testing.T, stored, password string, want bool) {
	t.Helper()
	got, err := Verify([]byte(stored), []byte(password))
	if err != nil || got != want {
		t.Errorf("Verify(%q, %q) = %v, %v; want %v, nil", stored, password, got, err, want)
	}
}

// TestCrypt_passphraseLimit: slapd checks {CRYPT} values with the C
// library's crypt(3), and libxcrypt (Debian's libcrypt1) refuses any
// passphrase of 512 bytes or more (CRYPT_MAX_PASSPHRASE_SIZE), for every
// algorithm: such a bind is invalidCredentials there, and slappasswd
// -h {CRYPT} refuses to hash it. Hash must not write a {CRYPT} value slapd
// can never verify, and Verify must not spend SHA-crypt rounds on up to
// MaxPasswordLen client-chosen bytes (the work is rounds x length: a
// 4096-byte password costs 40 times a short one).
func TestCrypt_passphraseLimit(t *testing.T) {
	ok := strings.Repeat("p", 511)
	long := strings.Repeat("p", 512)
	for _, prefix := range []string{"$6$", "$5$", "$1$"} {
		o := Options{CryptPrefix: prefix, CryptRounds: 1000}
		if prefix == "$1$" {
			o.CryptRounds = 0
		}
		if _, err := o.Hash("{CRYPT}", []byte(long)); !errors.Is(err, ErrPasswordTooLong) {
			t.Errorf("Hash({CRYPT}%s, 512 bytes): %v, want ErrPasswordTooLong", prefix, err)
		}
		h, err := o.Hash("{CRYPT}", []byte(ok))
		if err != nil {
			t.Fatalf("Hash({CRYPT}%s, 511 bytes): %v", prefix, err)
		}
		assertVerify(t, h, ok, true)
	}
	// Values crypt(3) could have written for a long password (computed
	// here directly) do not match it, as in slapd.
	for _, stored := range []string{
		"{CRYPT}" + sha512Crypt.format([]byte(long), []byte("saltsalt"), 1000, true),
		"{CRYPT}" + sha256Crypt.format([]byte(long), []byte("saltsalt"), 5000, false),
		"{CRYPT}" + formatMD5Crypt([]byte(long), []byte("saltsalt")),
		"{CRYPT}" + string(desCrypt([]byte(long), [2]byte{'a', 'b'})),
	} {
		assertVerify(t, stored, long, false)
	}
	// bcrypt reads 72 bytes, but the passphrase limit comes first.
	h, err := (Options{CryptPrefix: "$2b$", BcryptCost: 4}).Hash("{CRYPT}", []byte(ok[:72]))
	if err != nil {
		t.Fatal(err)
	}
	assertVerify(t, h, ok, true)
	assertVerify(t, h, long, false)
	// A malformed value is reported whatever the password's length.
	if _, err := Verify([]byte("{CRYPT}$6$rounds=x$salt$hash"), []byte(long)); !errors.Is(err, ErrMalformed) {
		t.Errorf("Verify(malformed {CRYPT}, 512 bytes): %v, want ErrMalformed", err)
	}
}
