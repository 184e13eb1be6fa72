package schema

// AVA is one attribute type and value assertion of an RDN (RFC 4514), e.g. cn=John.
// Type is as written (name or numeric OID); Value is the unescaped value bytes as a string.
type AVA struct {
	Type  string
	Value string
}

// RDN is a relative distinguished name: one or more AVAs (multi-valued when joined with '+').
type RDN []AVA

// DN is a distinguished name, most specific RDN first: "uid=a,ou=people,dc=example,dc=com"
// is DN{{uid=a}, {ou=people}, {dc=example}, {dc=com}}. The empty DN (the root DSE) has no RDNs.
type DN []RDN
