// Package conf describes lightdir's configuration file: its TOML schema, the
// defaults of every key, and validation that names the key and line of each
// problem. It only describes the file; cmd/lightdir maps a Config onto the
// Options of ldapserver and backend.
//
// # Basics
//
// Load(path) reads a file, Parse does the same for text in memory, and Default
// is the configuration used without a file (one database for dc=example,dc=com
// in ./lightdir-data, served on ldap://127.0.0.1:3389). Decoding is strict: a
// key the schema does not have is a Problem wrapping ErrUnknownKey. Keys left
// out take the Default* constants, applied in one place (setDefaults). Validate
// reports every bad value and contradiction at once, as a Problems list, without
// opening ports or files; Config.Problem lets callers that check more (DN syntax,
// schema files, certificates) report in the same "FILE:LINE: KEY: message" form.
//
// The file's tables: listen and schema_files at the top, [tls], [log],
// [limits], [access] and one [[database]] per suffix. lightdir.example.toml at
// the repository root documents every key with its default.
//
// Durations are Go duration strings ("30s", "1h") or integer seconds; sizes are
// byte counts or strings with a unit ("512MiB", "10GiB").
//
// # Caveats
//
//   - Relative paths in a file are relative to the file's directory, not to the
//     working directory; Default's paths are relative to the working directory.
//   - Lines are found by a light scanner of the TOML text: keys inside inline
//     tables and multi-line arrays are reported at their outer key's line.
//   - A zero value means "the default" for every numeric key; size_limit = -1
//     and time_limit = "-1s" mean unlimited.
package conf
