package pwhash

import (
	"strings"
	"testing"
)

// slappasswdGolden were written by OpenLDAP 2.5's slappasswd (with the
// pw-sha2 module for the SHA-2 schemes), all for the password "secret".
// TestSlappasswd_interop checks freshly generated ones too.
var slappasswdGolden = []string{
	"{SSHA}SWZY8yMHZUsvu3L21VQFUF5foqVDmjBZ",
	"{SSHA512}XDPQdm1Qs36fXtqqBbwSs8y4u7j0Sp3OaarFRBneM4hj98NIEzU+kEt7+8CzMfCM7hSrZxVsVNZf0XoiKC/PRi1Ubl+dKbO4",
	"{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
	"{MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==",
	"{SMD5}EYBth2vI3aY4ysk78htdonG7X0A=",
	"{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
	"{ARGON2}$argon2i$v=19$m=4096,t=3,p=1$9D9atG/0o/B/KN30N9DqzA$4h31b8kWuaFKunEtLRV1CVxjTcvYW5EniC7kwSUuFtE",
	"{CRYPT}$6$Ef6uCht0KNfCATQh$XCiAadB6s8.Iht27RNjSeRfkj9ZqKi/2DZ0NJVOz9OPdjuHp5ou0L0BbBJ15HAgcG4Bqr3Hv19tvzwQltaC7k/",
	"{CRYPT}$5$rounds=5000$0neBVz2d9fp1S7X4$4RhnO8Zphyei75MOQrd6PRSl.3L9fOBQa/K7009Atw4",
	"{CRYPT}$1$b2l3m19q$Dsott.cxtPTkvURilNQbl0",
}

// TestVerify_slappasswdGolden: values recorded from slappasswd verify with
// their password and not with another.
func TestVerify_slappasswdGolden(t *testing.T) {
	for _, stored := range slappasswdGolden {
		t.Run(stored[:10], func(t *testing.T) {
			assertVerify(t, stored, "secret", true)
			assertVerify(t, stored, "Secret", false)
		})
	}
}

// TestVerify_base64Whitespace: slapd's base64 decoder (lutil_b64_pton) skips
// ASCII whitespace anywhere in a digest value, so "{SHA}...=\n" (an LDIF
// value base64-encoded from `echo` output) or a value with a space or tab in
// it binds there; it must bind after a migration too.
func TestVerify_base64Whitespace(t *testing.T) {
	for _, stored := range slappasswdGolden {
		if !strings.Contains("{SSHA}{SSHA512}{SHA256}{MD5}{SMD5}{SHA}", stored[:strings.IndexByte(stored, '}')+1]) {
			continue
		}
		prefix, body, _ := strings.Cut(stored, "}")
		prefix += "}"
		for name, v := range map[string]string{
			"trailing LF":    prefix + body + "\n",
			"trailing CRLF":  prefix + body + "\r\n",
			"trailing space": prefix + body + " ",
			"leading space":  prefix + " " + body,
			"inner space":    prefix + body[:5] + " " + body[5:],
			"inner tab":      prefix + body[:5] + "\t" + body[5:],
			"folded":         prefix + body[:8] + "\n " + body[8:],
		} {
			t.Run(stored[:10]+"/"+name, func(t *testing.T) {
				assertVerify(t, v, "secret", true)
				assertVerify(t, v, "Secret", false)
			})
		}
	}
}
