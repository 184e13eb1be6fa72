// Package ldapserver is lightdir's LDAPv3 protocol front end (RFC 4511). It accepts
// connections, decodes requests, enforces limits and protocol rules, and calls a
// Backend for everything that touches entries.
//
// # Basics
//
// Build a Server with New(backend, Options), open listeners with Listen
// ("ldap://127.0.0.1:389", "ldaps://...", "ldapi://%2Frun%2Flightdir.sock") and
// call Serve for each; Shutdown(ctx) stops gracefully and makes Serve return
// ErrServerClosed.
//
// Each connection has one reader goroutine, which frames and decodes requests
// (BER through github.com/lor00x/goldap, searches by this package's own reader,
// converted at once into this package's request types and lightdir/schema's DN and
// Filter), and one writer goroutine,
// which sends responses in order and flushes when idle. Operations run
// concurrently, one goroutine each, keyed by message ID; each gets a context that
// Abandon, Cancel (RFC 3909), Unbind, the time limit or the connection closing
// cancels. Bind waits for outstanding operations; StartTLS is refused while any are
// outstanding, and is answered and flushed before the handshake; the session is
// anonymous once TLS is up, as slapd makes it.
//
// Backends see requests in this package's types (BindRequest, SearchRequest, ...),
// each with a Header holding the message ID, the Session (identity, TLS, ldapi) and
// the decoded Controls; Search streams entries through a SearchWriter that enforces
// the size limit and the time limit.
//
// The server itself handles: anonymous and unauthenticated binds, SASL EXTERNAL
// (ldapi peer credentials as gidNumber=G+uidNumber=U,cn=peercred,cn=external,cn=auth,
// or the subject of a TLS client certificate), the Root DSE, StartTLS, WhoAmI,
// Cancel, decoding of Password Modify, and decoding of the supported controls (see
// Controls). Simple binds, searches, compares, updates, password changes and other
// extended operations go to the Backend, which returns an *Error to choose the
// result code, matched DN and diagnostic message.
//
// Limits (Options): PDU size (smaller before authentication), connections,
// operations per connection, idle timeout, write timeout for clients that stop
// reading, TLS handshake timeout, default size and time limits.
//
// Logs: one info line "operation" per operation with conn, op, msgid, type, dn
// (plus scope, filter and entries for searches, oid for extended operations),
// result and elapsed; connection events at info; diagnostics at debug. Passwords
// and raw PDUs are never logged.
//
// # Caveats
//
//   - SASL mechanisms other than EXTERNAL are not implemented (authMethodNotSupported).
//   - A Bind waits, in the read loop, for outstanding operations to finish (RFC 4511
//     §4.2.1); requests sent meanwhile, Abandon included, are read afterwards.
//   - An ldapi:// socket gets the process umask's permissions; restrict access with
//     the directory that holds it.
//   - Size and time limits are the smaller of the client's and the server's; there
//     are no per-identity limits yet.
//   - A malformed PDU ends the connection with a Notice of Disconnection, as RFC 4511
//     §4.1.1 asks, rather than an error response for that message ID.
//   - goldap is used at a pinned version; decode.go lists what is worked around at
//     that boundary (explicit FALSE criticality, BER booleans, panics on hostile
//     input, fields without accessors, modify increment). Search requests are
//     decoded by decode_search.go and filter.go, not goldap: goldap rejects
//     extensible matches without dnAttributes (as libldap and go-ldap send them)
//     and the subordinate scope, and search is the hot path.
//   - Responses are encoded by this package (encode.go), not goldap, to append
//     straight into pooled buffers.
package ldapserver
