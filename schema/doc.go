// Package schema is lightdir's LDAP data model: distinguished names
// (RFC 4514), search filters (RFC 4515), schema descriptions and the
// schema registry (RFC 4512), syntaxes and matching rules (RFC 4517) with
// RFC 4518 string preparation, three-valued filter evaluation, entry
// checks for writes, and the subschema subentry. It depends on the
// standard library and golang.org/x/text only; ldapserver and backend
// share its types.
//
// # Basics
//
// Values. DN (RDNs of AVAs) and Filter are plain values.
// ParseDN/DN.String and ParseFilter/Filter.String convert between them
// and their string forms, and parse -> print -> parse is the identity.
// DN.Equal, DN.IsDescendantOf and DN.IsChildOf compare exactly (types
// case-insensitively, values byte for byte); apply them to DNs normalized
// by the same Registry.
//
// Registry. New returns the built-in syntaxes and matching rules plus the
// system schema (RFC 4512 operational and subschema types, referrals,
// entryUUID, entryCSN, entryDN, hasSubordinates, numSubordinates and the
// few RFC 4519 types that schema files expect a server to provide).
// Default adds RFC 4519 core, RFC 4524 COSINE, RFC 2798 inetOrgPerson and
// RFC 2307 NIS, all written from the RFCs. LoadSchemaFile reads OpenLDAP
// .schema files (objectidentifier macros included) and LoadLDIF the
// cn=config and subschema LDIF forms; every file in Debian's
// /etc/ldap/schema loads. Lookups take any name case-insensitively or the
// numeric OID.
//
// Entries. An Entry is a DN plus Attributes (Desc such as "cn;lang-de",
// raw Values). Attribute.Norm and Attribute.Type are optional caches:
// PrepareEntry fills them with the equality-normalized values and
// resolved types; the backend stores Norm next to the values so that
// filter tests only compare bytes.
//
// Normalization is the contract between index and search: every
// MatchingRule has Normalize (attribute values), NormalizeAssertion
// (filter values) and, for substrings rules, NormalizeSubstring (chunks).
// Registry.Assertion turns a leaf Filter into an Assertion holding the
// resolved type, the rule and the normalized assertion bytes; the index
// hashes exactly those bytes and Matcher compares exactly those bytes, so
// keys and evaluation agree by construction. The DN key of an entry is
// Registry.NormalizeDNString: types mapped to the lower-cased primary
// name, values normalized by their equality rule, multi-valued RDNs
// sorted.
//
// Evaluation. Registry.Compile resolves a Filter once; Matcher.Match
// returns True, False or Undefined (RFC 4511 §4.5.1.7): unknown types and
// missing rules give Undefined (Present gives False), supertypes match
// their subtypes' values, (objectClass=X) matches entries of X's
// subclasses too (an index must key entries under their classes'
// superclasses), options select tagged values, and extensible
// matches support rule OIDs/names and ":dn". With prepared entries a
// typical filter evaluates in well under a microsecond without allocating.
//
// Checks. CheckEntry and CheckModify return *Error values whose Code is
// the LDAP result code (objectClassViolation, undefinedAttributeType,
// invalidAttributeSyntax, attributeOrValueExists, constraintViolation,
// namingViolation, notAllowedOnRDN, objectClassModsProhibited) and whose
// Msg is for people; errors.Is works with the sentinels in errors.go.
//
// Concurrency: parse functions are pure. A Registry is built at startup
// (New/Default, then Load*) and is read-only and safe for concurrent use
// afterwards; loading must not run concurrently with anything else.
//
// # Caveats
//
//   - Parsers accept some common non-RFC forms (spaces around DN
//     separators, ';' between RDNs, filters without outer parentheses,
//     slapd's "attribute..." keyword abbreviations).
//   - RFC 4518 is implemented with x/text: NFKC and full Unicode case
//     folding (repeated until stable), the mapping and prohibition tables,
//     and insignificant space handling that collapses space runs to one
//     space. Bidirectional checks are not done.
//   - Matching rules that only come from loaded files (no built-in
//     implementation) are known by name but evaluate to Undefined.
//     presentationAddressMatch, protocolInformationMatch, authzMatch and
//     the X.509 certificate rules compare octets. Approximate matching is
//     a simple consonant-skeleton code per word.
//   - Normalization is not always idempotent: UUIDMatch yields 16 raw
//     bytes, so a normalized DN with an entryUUID RDN does not normalize
//     again. Keep the user's DN and derive keys from it.
//   - DIT content rules are enforced by CheckEntry (AUX, MUST, MAY, NOT);
//     name forms and DIT structure rules are not parsed. Collective
//     attributes are not computed.
package schema
