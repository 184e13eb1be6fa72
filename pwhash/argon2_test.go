package pwhash

import (
	"errors"
	"testing"
)

// argon2Vectors are PHC strings from the Argon2 reference implementation's
// test suite (password "password", salt "somesalt", version 0x13).
var argon2Vectors = []string{
	"$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
	"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
}

// TestVerify_argon2Vectors: the reference strings verify under {ARGON2}
// (and {argon2}), and a changed password does not.
func TestVerify_argon2Vectors(t *testing.T) {
	for _, v := range argon2Vectors {
		t.Run(v[:20], func(t *testing.T) {
			assertVerify(t, "{ARGON2}"+v, "password", true)
			assertVerify(t, "{argon2}"+v, "password", true)
			assertVerify(t, "{ARGON2}"+v, "differentpassword", false)
		})
	}
}

// TestVerify_argon2Unsupported: Argon2d and version 0x10 strings are
// reported as unsupported, not as a mismatch.
func TestVerify_argon2Unsupported(t *testing.T) {
	for _, v := range []string{
		"$argon2i$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY",
		"$argon2i$v=16$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY",
		"$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
	} {
		ok, err := Verify([]byte("{ARGON2}"+v), []byte("password"))
		if ok || !errors.Is(err, ErrUnsupported) {
			t.Errorf("Verify(%q) = %v, %v; want ErrUnsupported", v, ok, err)
		}
	}
}
