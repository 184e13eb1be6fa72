package pwhash

import (
	"errors"
	"testing"
)

// FuzzVerify: Verify never panics, and it either answers without error or
// fails with one of its documented sentinels. Seeds are every golden value
// and every malformed example of the unit tests.
func FuzzVerify(f *testing.F) {
	for _, v := range slappasswdGolden {
		f.Add([]byte(v), []byte("secret"))
	}
	for _, v := range pbkdf2LDAPVectors {
		f.Add([]byte(v), []byte("password"))
	}
	for _, v := range argon2Vectors {
		f.Add([]byte("{ARGON2}"+v), []byte("password"))
	}
	for _, v := range shaCryptVectors {
		f.Add([]byte("{CRYPT}"+v.want), []byte(v.password))
	}
	for _, v := range md5CryptVectors {
		f.Add([]byte("{CRYPT}"+v.want), []byte(v.password))
	}
	for _, v := range bigCryptVectors {
		f.Add([]byte("{CRYPT}"+v.want), []byte(v.password))
	}
	for _, v := range desCryptVectors {
		f.Add([]byte("{CRYPT}"+v.want), []byte(v.password))
	}
	for _, v := range bcryptVectors {
		f.Add([]byte("{CRYPT}"+v.stored), []byte(v.password))
	}
	for _, v := range badStored {
		f.Add([]byte(v.stored), []byte("password"))
	}
	f.Fuzz(func(t *testing.T, stored, password []byte) {
		ok, err := Verify(stored, password)
		if err == nil {
			return
		}
		if ok {
			t.Fatalf("Verify(%q) = true with error %v", stored, err)
		}
		for _, sentinel := range []error{ErrUnknownScheme, ErrMalformed, ErrUnsupported, ErrCostLimit} {
			if errors.Is(err, sentinel) {
				return
			}
		}
		t.Fatalf("Verify(%q) error %v wraps no sentinel", stored, err)
	})
}
