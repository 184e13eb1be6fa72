// Package integration starts the real lightdir binary and drives it as an
// administrator would: with no configuration, with the example configuration,
// with broken configurations, and with Debian's ldap-utils and go-ldap as
// clients.
//
// # Basics
//
// TestMain builds cmd/lightdir once into a temporary directory. Each test runs
// `lightdir serve -l ldap://127.0.0.1:0 ...` in its own temporary directory
// and waits for the "ready" log line, which carries the URLs actually bound;
// there is no fixed sleep anywhere. Servers get SIGTERM when the test ends.
//
// # Caveats
//
//   - Tests that need ldap-utils skip when the tools are missing, but only
//     outside CI (CI unset); in CI they fail.
//   - Tests that serve a database skip with "needs package backend" while the
//     binary is built without it (serve reports that at start).
package integration
