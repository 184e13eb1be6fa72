package schema

// Syntax OIDs used by name in the code.
const (
	oidLDAPSyntaxPrefix = "1.3.6.1.4.1.1466.115.121.1."

	SyntaxDirectoryString = "1.3.6.1.4.1.1466.115.121.1.15"
	SyntaxIA5String       = "1.3.6.1.4.1.1466.115.121.1.26"
	SyntaxDN              = "1.3.6.1.4.1.1466.115.121.1.12"
	SyntaxOID             = "1.3.6.1.4.1.1466.115.121.1.38"
	SyntaxInteger         = "1.3.6.1.4.1.1466.115.121.1.27"
	SyntaxGeneralizedTime = "1.3.6.1.4.1.1466.115.121.1.24"
	SyntaxOctetString     = "1.3.6.1.4.1.1466.115.121.1.40"
	SyntaxBoolean         = "1.3.6.1.4.1.1466.115.121.1.7"
	SyntaxUUID            = "1.3.6.1.1.16.1"
	SyntaxCSN             = "1.3.6.1.4.1.4203.666.11.2.1"
)

type syntaxDef struct {
	oid      string
	desc     string
	binary   bool
	validate func(*Registry, []byte) bool
}

// builtinSyntaxes are the RFC 4517 syntaxes (numbered under
// 1.3.6.1.4.1.1466.115.121.1), the RFC 4530 UUID syntax, the RFC 2307
// syntaxes, and the few syntaxes other well-known schema files expect a
// server to provide (CSN, authz, X.509 attribute certificates).
var builtinSyntaxes = []syntaxDef{
	{"1.3.6.1.4.1.1466.115.121.1.3", "Attribute Type Description", false, descValidator(func(s string) error { _, err := ParseAttributeType(s); return err })},
	{"1.3.6.1.4.1.1466.115.121.1.4", "Audio", true, validAny},
	{"1.3.6.1.4.1.1466.115.121.1.5", "Binary", true, validAny},
	{"1.3.6.1.4.1.1466.115.121.1.6", "Bit String", false, validBitString},
	{"1.3.6.1.4.1.1466.115.121.1.7", "Boolean", false, validBoolean},
	{"1.3.6.1.4.1.1466.115.121.1.8", "Certificate", true, validCertificate},
	{"1.3.6.1.4.1.1466.115.121.1.9", "Certificate List", true, validCertificateList},
	{"1.3.6.1.4.1.1466.115.121.1.10", "Certificate Pair", true, validSequence},
	{"1.3.6.1.4.1.1466.115.121.1.11", "Country String", false, validCountry},
	{"1.3.6.1.4.1.1466.115.121.1.12", "DN", false, validDN},
	{"1.3.6.1.4.1.1466.115.121.1.13", "Data Quality", false, validPrintable},
	{"1.3.6.1.4.1.1466.115.121.1.14", "Delivery Method", false, validDeliveryMethod},
	{"1.3.6.1.4.1.1466.115.121.1.15", "Directory String", false, validDirectoryString},
	{"1.3.6.1.4.1.1466.115.121.1.16", "DIT Content Rule Description", false, descValidator(func(s string) error { _, err := ParseDITContentRule(s); return err })},
	{"1.3.6.1.4.1.1466.115.121.1.17", "DIT Structure Rule Description", false, validDirectoryString},
	{"1.3.6.1.4.1.1466.115.121.1.19", "DSA Quality", false, validDirectoryString},
	{"1.3.6.1.4.1.1466.115.121.1.21", "Enhanced Guide", false, validNonEmpty},
	{"1.3.6.1.4.1.1466.115.121.1.22", "Facsimile Telephone Number", false, validFacsimile},
	{"1.3.6.1.4.1.1466.115.121.1.23", "Fax", true, validNonEmpty},
	{"1.3.6.1.4.1.1466.115.121.1.24", "Generalized Time", false, validGeneralizedTime},
	{"1.3.6.1.4.1.1466.115.121.1.25", "Guide", false, validNonEmpty},
	{"1.3.6.1.4.1.1466.115.121.1.26", "IA5 String", false, validIA5},
	{"1.3.6.1.4.1.1466.115.121.1.27", "INTEGER", false, validInteger},
	{"1.3.6.1.4.1.1466.115.121.1.28", "JPEG", true, validNonEmpty},
	{"1.3.6.1.4.1.1466.115.121.1.30", "Matching Rule Description", false, descValidator(func(s string) error { _, err := ParseMatchingRule(s); return err })},
	{"1.3.6.1.4.1.1466.115.121.1.31", "Matching Rule Use Description", false, descValidator(func(s string) error { _, err := ParseMatchingRuleUse(s); return err })},
	{"1.3.6.1.4.1.1466.115.121.1.34", "Name And Optional UID", false, validNameAndOptionalUID},
	{"1.3.6.1.4.1.1466.115.121.1.35", "Name Form Description", false, validDirectoryString},
	{"1.3.6.1.4.1.1466.115.121.1.36", "Numeric String", false, validNumericString},
	{"1.3.6.1.4.1.1466.115.121.1.37", "Object Class Description", false, descValidator(func(s string) error { _, err := ParseObjectClass(s); return err })},
	{"1.3.6.1.4.1.1466.115.121.1.38", "OID", false, validOID},
	{"1.3.6.1.4.1.1466.115.121.1.39", "Other Mailbox", false, validOtherMailbox},
	{"1.3.6.1.4.1.1466.115.121.1.40", "Octet String", false, validAny},
	{"1.3.6.1.4.1.1466.115.121.1.41", "Postal Address", false, validPostalAddress},
	{"1.3.6.1.4.1.1466.115.121.1.42", "Protocol Information", false, validNonEmpty},
	{"1.3.6.1.4.1.1466.115.121.1.43", "Presentation Address", false, validNonEmpty},
	{"1.3.6.1.4.1.1466.115.121.1.44", "Printable String", false, validPrintable},
	{"1.3.6.1.4.1.1466.115.121.1.45", "SubtreeSpecification", false, validDirectoryString},
	{"1.3.6.1.4.1.1466.115.121.1.49", "Supported Algorithm", true, validNonEmpty},
	{"1.3.6.1.4.1.1466.115.121.1.50", "Telephone Number", false, validTelephone},
	{"1.3.6.1.4.1.1466.115.121.1.51", "Teletex Terminal Identifier", false, validTeletexID},
	{"1.3.6.1.4.1.1466.115.121.1.52", "Telex Number", false, validTelex},
	{"1.3.6.1.4.1.1466.115.121.1.53", "UTC Time", false, validUTCTime},
	{"1.3.6.1.4.1.1466.115.121.1.54", "LDAP Syntax Description", false, descValidator(func(s string) error { _, err := ParseSyntax(s); return err })},
	{"1.3.6.1.4.1.1466.115.121.1.58", "Substring Assertion", false, validSubstringAssertion},
	{"1.3.6.1.1.16.1", "UUID", false, validUUID},
	{"1.3.6.1.1.1.0.0", "RFC2307 NIS Netgroup Triple", false, validNetgroupTriple},
	{"1.3.6.1.1.1.0.1", "RFC2307 Boot Parameter", false, validBootParameter},
	{"1.3.6.1.4.1.4203.666.11.2.1", "CSN", false, validCSN},
	{"1.3.6.1.4.1.4203.666.2.7", "OpenLDAP authz", false, validNonEmpty},
	{"1.3.6.1.4.1.4203.666.11.10.2.1", "X.509 AttributeCertificate", true, validNonEmpty},
	{"1.3.6.1.1.15.1", "X.509 Certificate Exact Assertion", true, validNonEmpty},
}
