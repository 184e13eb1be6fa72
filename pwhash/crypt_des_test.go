package pwhash

import (
	"crypto/des"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestDESEncrypt_matchesStdlib: with the unmodified E table, the DES here
// agrees with crypto/des on random keys and blocks, so the FIPS tables are
// right.
func TestDESEncrypt_matchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		key, block := rng.Uint64(), rng.Uint64()
		var k, in, want [8]byte
		binary.BigEndian.PutUint64(k[:], key)
		binary.BigEndian.PutUint64(in[:], block)
		c, err := des.NewCipher(k[:])
		if err != nil {
			t.Fatal(err)
		}
		c.Encrypt(want[:], in[:])
		ks := desSubkeys(key)
		e := desE
		if got := desEncrypt(block, &ks, &e); got != binary.BigEndian.Uint64(want[:]) {
			t.Fatalf("key %016x block %016x: got %016x want %x", key, block, got, want)
		}
	}
}

// desCryptVectors: traditional crypt(3) outputs, from slappasswd and the
// PHP manual's crypt() example; perl's crypt() on glibc agrees.
var desCryptVectors = []struct{ password, want string }{
	{"secret", "xnxCN6qIIfSHE"},
	{"rasmuslerdorf", "rl.3StKT.4T8M"},
	{"", "..X8NBuQ4l6uQ"},
	{"password12345", "abJnggxhB/yWI"},
}

// TestDESCrypt_vectors: the known strings are reproduced and verify; only
// the first 8 characters count, as in every DES crypt.
func TestDESCrypt_vectors(t *testing.T) {
	for _, tc := range desCryptVectors {
		got := desCrypt([]byte(tc.password), [2]byte{tc.want[0], tc.want[1]})
		if string(got) != tc.want {
			t.Errorf("desCrypt(%q) = %s, want %s", tc.password, got, tc.want)
		}
		assertVerify(t, "{CRYPT}"+tc.want, tc.password, true)
		assertVerify(t, "{CRYPT}"+tc.want, tc.password+"x", len(tc.password) >= 8)
	}
	assertVerify(t, "{CRYPT}abJnggxhB/yWI", "password", true) // 8 significant characters
	assertVerify(t, "{CRYPT}xnxCN6qIIfSHE", "secreT", false)
}

// bigCryptVectors were written by libxcrypt's crypt() (through perl) with a
// setting of 14 or more characters, as slappasswd passes one.
var bigCryptVectors = []struct{ password, want string }{
	{"abcdefgh12345678XYZ", "abYH7TYgEKz2QB94ERmEGTLUGbkMwTrLgpg"},
	{"s\u00e9cr3t-$%&*!", "abOAZp1ssi0gMJ.elFVQ.2l2"},
}

// TestVerify_bigCrypt: bigcrypt strings verify with the whole password, not
// with its first 8 bytes or with extra bytes.
func TestVerify_bigCrypt(t *testing.T) {
	for _, tc := range bigCryptVectors {
		assertVerify(t, "{CRYPT}"+tc.want, tc.password, true)
		assertVerify(t, "{CRYPT}"+tc.want, tc.password[:8], false)
		assertVerify(t, "{CRYPT}"+tc.want, tc.password+"x", false)
		assertVerify(t, "{CRYPT}"+tc.want, tc.password[:len(tc.password)-1]+"?", false)
	}
}
