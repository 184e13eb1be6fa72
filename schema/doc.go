// Package schema is lightdir's LDAP data model: distinguished names
// (RFC 4514), search filters (RFC 4515), schema descriptions and the
// registry (RFC 4512), syntaxes and matching rules (RFC 4517, RFC 4518),
// filter evaluation and entry checks. It depends on the standard library
// and golang.org/x/text only; ldapserver and backend share its types.
//
// # Basics
//
// DN and Filter are plain values. ParseDN/DN.String and
// ParseFilter/Filter.String convert between them and their string forms;
// parse -> print -> parse is the identity. DN comparisons on these values
// (Equal, IsDescendantOf) are exact; normalize DNs first (see the registry)
// to decide whether two DNs name the same entry.
//
// # Caveats
//
// Parsers accept some common non-RFC forms (spaces around DN separators,
// ';' between RDNs, filters without outer parentheses) so that clients
// written against other servers keep working.
package schema
