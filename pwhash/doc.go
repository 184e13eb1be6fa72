// Package pwhash hashes and verifies userPassword values in the formats
// OpenLDAP and common tools write, so that directories migrated from slapd
// keep working and values lightdir writes can be read back by slapd.
//
// Simple bind calls Verify with the stored userPassword values, the Password
// Modify extended operation calls Hash before storing a new password, and
// `lightdir passwd` prints Hash's result like slappasswd.
//
// # Basics
//
// A stored value is "{SCHEME}body" or, without a prefix, cleartext. Scheme
// names are case-insensitive. Supported schemes (Schemes lists them):
//
//   - {SSHA} {SHA} {SSHA256} {SHA256} {SSHA384} {SHA384} {SSHA512} {SHA512}
//     {SMD5} {MD5}: RFC 2307 digests, base64(H(password||salt)||salt).
//   - {PBKDF2} (= {PBKDF2-SHA1}) {PBKDF2-SHA1} {PBKDF2-SHA256}
//     {PBKDF2-SHA512}: the layout of OpenLDAP's contrib pw-pbkdf2 module,
//     "<iterations>$<salt>$<key>" in adapted base64 ('.' for '+', no '=').
//   - {ARGON2}: the PHC string of OpenLDAP's argon2 module,
//     "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<tag>"; argon2i is
//     verified too.
//   - {CRYPT}: crypt(3) strings. SHA-512 crypt ($6$), SHA-256 crypt ($5$),
//     both with rounds=, MD5 crypt ($1$), bcrypt ($2a$, $2b$, $2y$) and,
//     for verification only, traditional DES crypt and its bigcrypt
//     extension (what slappasswd -h {CRYPT} writes without -c), computed
//     here, independent of the host's C library.
//   - {CLEARTEXT} and values without a prefix: compared as cleartext.
//
// Verify(stored, password) returns (false, nil) for a wrong password and an
// error only when the stored value cannot be checked. Hash(scheme, password)
// salts from crypto/rand and uses the cost defaults of Options; use
// Options.Hash to choose costs. DefaultScheme is {SSHA512} (see its comment
// for the trade-off). IsHashed tells the server whether a client-supplied
// userPassword is already hashed.
//
// # Caveats
//
//   - Extended DES crypt, yescrypt ($y$, the default of current Debian
//     /etc/shadow), Argon2d and Argon2 version 0x10 are ErrUnsupported.
//   - DES crypt uses only the first 8 password characters (7 bits each);
//     Verify reproduces that, and Hash never writes it. A 13-character
//     {CRYPT} value is always read as DES crypt, so a bigcrypt value of a
//     password of at most 8 bytes also accepts that password with anything
//     appended, as crypt(3) itself does.
//   - A cleartext password that itself looks like "{NAME}..." is read as a
//     scheme prefix (ErrUnknownScheme if NAME is unknown). Hash with
//     {CLEARTEXT} keeps the prefix on such passwords; slapd does not
//     understand a stored {CLEARTEXT} prefix.
//   - Verify refuses cost parameters above the Max* limits with ErrCostLimit,
//     since anyone able to write userPassword chooses the cost of each bind.
//     Passwords longer than MaxPasswordLen never match. At most
//     GOMAXPROCS (and at least 2) Argon2 computations run at once, so
//     concurrent binds cannot add up Argon2 memory without bound; the
//     others wait their turn.
//   - The digest schemes are one hash per guess and fall quickly to offline
//     attacks on a leaked database; prefer {ARGON2} or PBKDF2 where bind
//     latency allows. {MD5}, {SMD5}, {SHA} and $1$ are for migration only.
//   - bcrypt uses only the first 72 bytes of a password, so Verify ignores
//     the rest; Hash refuses longer passwords for bcrypt.
//   - {CRYPT} takes passwords of at most 511 bytes, as libxcrypt's crypt(3)
//     (and so slapd) does: longer ones never match and Hash refuses them.
//   - Comparisons of digests are constant-time; total time still depends on
//     the scheme and cost of the stored value, which are not secret.
//   - Under FIPS 140-3 mode PBKDF2 refuses short passwords and salts and
//     Verify reports ErrUnsupported for them.
package pwhash
