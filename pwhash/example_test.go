package pwhash_test

import (
	"errors"
	"fmt"
	"strings"

	"lightdir/pwhash"
)

// Password Modify: hash the new password before storing it, then check a
// bind against the stored value.
func Example() {
	stored, err := pwhash.Hash(pwhash.DefaultScheme, []byte("s3cret"))
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(stored, "{SSHA512}"))

	ok, err := pwhash.Verify([]byte(stored), []byte("s3cret"))
	fmt.Println(ok, err)
	ok, err = pwhash.Verify([]byte(stored), []byte("guess"))
	fmt.Println(ok, err)
	// Output:
	// true
	// true <nil>
	// false <nil>
}

// Values written by OpenLDAP's slappasswd verify as they are; here
// `slappasswd -h {SSHA} -s secret`.
func ExampleVerify() {
	ok, err := pwhash.Verify([]byte("{SSHA}SWZY8yMHZUsvu3L21VQFUF5foqVDmjBZ"), []byte("secret"))
	fmt.Println(ok, err)
	// Output: true <nil>
}

// A stored value that cannot be checked is an error, distinct from a wrong
// password; a bind should fail either way.
func ExampleVerify_errors() {
	for _, stored := range []string{
		"{SSHA}not base64!",
		"{K5KEY}user@REALM",
		"{CRYPT}$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7", // yescrypt
	} {
		_, err := pwhash.Verify([]byte(stored), []byte("secret"))
		fmt.Println(errors.Is(err, pwhash.ErrMalformed), errors.Is(err, pwhash.ErrUnknownScheme),
			errors.Is(err, pwhash.ErrUnsupported))
	}
	// Output:
	// true false false
	// false true false
	// false false true
}

// Options selects cost parameters, here a cheaper argon2id and SHA-256
// crypt with explicit rounds.
func ExampleOptions_Hash() {
	o := pwhash.Options{Argon2Memory: 64 * 1024, Argon2Time: 1, Argon2Threads: 2}
	h, _ := o.Hash("{ARGON2}", []byte("s3cret"))
	fmt.Println(h[:len("{ARGON2}$argon2id$v=19$m=65536,t=1,p=2$")])

	o = pwhash.Options{CryptPrefix: "$5$", CryptRounds: 20000}
	h, _ = o.Hash("{crypt}", []byte("s3cret"))
	fmt.Println(h[:len("{CRYPT}$5$rounds=20000$")])
	// Output:
	// {ARGON2}$argon2id$v=19$m=65536,t=1,p=2$
	// {CRYPT}$5$rounds=20000$
}

// The server hashes a userPassword given in cleartext and keeps one that is
// already hashed.
func ExampleIsHashed() {
	for _, v := range []string{"{SSHA512}abc", "{crypt}$6$x$y", "secret", "{CLEARTEXT}secret"} {
		fmt.Println(v, pwhash.IsHashed([]byte(v)))
	}
	// Output:
	// {SSHA512}abc true
	// {crypt}$6$x$y true
	// secret false
	// {CLEARTEXT}secret false
}

func ExampleSchemes() {
	fmt.Println(strings.Join(pwhash.Schemes(), " "))
	// Output:
	// {SSHA} {SHA} {SSHA256} {SHA256} {SSHA384} {SHA384} {SSHA512} {SHA512} {SMD5} {MD5} {PBKDF2} {PBKDF2-SHA1} {PBKDF2-SHA256} {PBKDF2-SHA512} {ARGON2} {CRYPT} {CLEARTEXT}
}
