package pwhash

import "testing"

// BenchmarkVerify measures one successful Verify per scheme at the default
// costs Hash writes, i.e. the password-checking share of a simple bind.
func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		name   string
		scheme string
		opts   Options
	}{
		{"CLEARTEXT", "{CLEARTEXT}", Options{}},
		{"SSHA", "{SSHA}", Options{}},
		{"SSHA256", "{SSHA256}", Options{}},
		{"SSHA512", "{SSHA512}", Options{}},
		{"PBKDF2-SHA1", "{PBKDF2-SHA1}", Options{}},
		{"PBKDF2-SHA256", "{PBKDF2-SHA256}", Options{}},
		{"PBKDF2-SHA512", "{PBKDF2-SHA512}", Options{}},
		{"PBKDF2-SHA256-10000", "{PBKDF2-SHA256}", Options{PBKDF2Iterations: 10000}},
		{"ARGON2id", "{ARGON2}", Options{}},
		{"ARGON2id-m4096-t3", "{ARGON2}", Options{Argon2Memory: 4096, Argon2Time: 3}},
		{"CRYPT-sha512", "{CRYPT}", Options{}},
		{"CRYPT-sha256", "{CRYPT}", Options{CryptPrefix: "$5$"}},
		{"CRYPT-md5", "{CRYPT}", Options{CryptPrefix: "$1$"}},
		{"CRYPT-bcrypt10", "{CRYPT}", Options{CryptPrefix: "$2b$"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchVerify(b, tc.scheme, tc.opts)
		})
	}
	// Verify-only formats, from fixed strings.
	b.Run("CRYPT-des", func(b *testing.B) { benchStored(b, "{CRYPT}xnxCN6qIIfSHE", "secret") })
	b.Run("CRYPT-bigcrypt", func(b *testing.B) {
		benchStored(b, "{CRYPT}abYH7TYgEKz2QB94ERmEGTLUGbkMwTrLgpg", "abcdefgh12345678XYZ")
	})
}

func benchVerify(b *testing.B, scheme string, opts Options) {
	password := []byte("correct horse battery staple")
	stored, err := opts.Hash(scheme, password)
	if err != nil {
		b.Fatal(err)
	}
	benchStored(b, stored, string(password))
}

func benchStored(b *testing.B, stored, password string) {
	sv, pw := []byte(stored), []byte(password)
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := Verify(sv, pw); !ok || err != nil {
			b.Fatalf("Verify = %v, %v", ok, err)
		}
	}
}
