package pwhash

import "crypto/rand"

// randomBytes returns n bytes from the system CSPRNG. crypto/rand.Read
// never fails on supported platforms (it crashes the program instead).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// cryptAlphabet is the 64-character alphabet of crypt(3) salts and hashes.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomCryptSalt returns n random characters of cryptAlphabet.
func randomCryptSalt(n int) []byte {
	b := randomBytes(n)
	for i := range b {
		b[i] = cryptAlphabet[b[i]&63]
	}
	return b
}
