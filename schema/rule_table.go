package schema

type ruleDef struct {
	oid, name, syntax string
	impl              *ruleImpl
}

func eq(family string, n normFunc) *ruleImpl {
	return &ruleImpl{kind: RuleEquality, family: family, norm: n}
}

func ord(family string, n normFunc, cmp func(a, b []byte) int) *ruleImpl {
	return &ruleImpl{kind: RuleOrdering, family: family, norm: n, cmp: cmp}
}

func sub(family string, n normFunc, chunk func(dst, v []byte, pos SubstringPos) ([]byte, error)) *ruleImpl {
	return &ruleImpl{kind: RuleSubstrings, family: family, norm: n, chunk: chunk}
}

func special(n, assert normFunc, match func(value, assertion []byte) bool) *ruleImpl {
	return &ruleImpl{kind: RuleEquality, norm: n, assert: assert, match: match}
}

const (
	syn = oidLDAPSyntaxPrefix
	// Matching rule OIDs used by name in the code.
	ruleDirectoryStringApprox = "1.3.6.1.4.1.4203.666.4.4"
	ruleIA5StringApprox       = "1.3.6.1.4.1.4203.666.4.5"
)

// builtinRules are the RFC 4517 rules plus those from RFC 4530 (UUID),
// RFC 3698 (word, keyword), X.520's octetStringSubstringsMatch, the
// Active Directory bitwise rules slapd implements (integerBitAndMatch,
// integerBitOrMatch) and the ones other well-known schema files expect a
// server to know (CSN, DN relations, IA5 substrings, approx, and the X.509
// exact-match rules, which compare octets).
var builtinRules = []ruleDef{
	{"2.5.13.0", "objectIdentifierMatch", syn + "38", &ruleImpl{kind: RuleEquality, family: "oid", norm: oidNorm, assert: oidAssertionNorm}},
	{"2.5.13.1", "distinguishedNameMatch", syn + "12", eq("dn", dnNorm)},
	{"2.5.13.2", "caseIgnoreMatch", syn + "15", eq("caseIgnore", stringNorm(true, false))},
	{"2.5.13.3", "caseIgnoreOrderingMatch", syn + "15", ord("caseIgnore", stringNorm(true, false), nil)},
	{"2.5.13.4", "caseIgnoreSubstringsMatch", syn + "58", sub("caseIgnore", stringNorm(true, false), stringChunk(true, false))},
	{"2.5.13.5", "caseExactMatch", syn + "15", eq("caseExact", stringNorm(false, false))},
	{"2.5.13.6", "caseExactOrderingMatch", syn + "15", ord("caseExact", stringNorm(false, false), nil)},
	{"2.5.13.7", "caseExactSubstringsMatch", syn + "58", sub("caseExact", stringNorm(false, false), stringChunk(false, false))},
	{"2.5.13.8", "numericStringMatch", syn + "36", eq("numeric", numericNorm)},
	{"2.5.13.9", "numericStringOrderingMatch", syn + "36", ord("numeric", numericNorm, nil)},
	{"2.5.13.10", "numericStringSubstringsMatch", syn + "58", sub("numeric", numericNorm, numericChunk)},
	{"2.5.13.11", "caseIgnoreListMatch", syn + "41", eq("caseIgnoreList", listNorm)},
	{"2.5.13.12", "caseIgnoreListSubstringsMatch", syn + "58", sub("caseIgnoreListJoined", listSubstrNorm, stringChunk(true, false))},
	{"2.5.13.13", "booleanMatch", syn + "7", eq("boolean", booleanNorm)},
	{"2.5.13.14", "integerMatch", syn + "27", eq("integer", integerNorm)},
	{"2.5.13.15", "integerOrderingMatch", syn + "27", ord("integer", integerNorm, compareIntegers)},
	{"2.5.13.16", "bitStringMatch", syn + "6", eq("bitString", bitStringNorm)},
	{"2.5.13.17", "octetStringMatch", syn + "40", eq("octet", octetNorm)},
	{"2.5.13.18", "octetStringOrderingMatch", syn + "40", ord("octet", octetNorm, nil)},
	{"2.5.13.20", "telephoneNumberMatch", syn + "50", eq("telephone", telephoneNorm)},
	{"2.5.13.21", "telephoneNumberSubstringsMatch", syn + "58", sub("telephone", telephoneNorm, telephoneChunk)},
	{"2.5.13.22", "presentationAddressMatch", syn + "43", eq("octet", octetNorm)},
	{"2.5.13.23", "uniqueMemberMatch", syn + "34", eq("uniqueMember", uniqueMemberNorm)},
	{"2.5.13.24", "protocolInformationMatch", syn + "42", eq("octet", octetNorm)},
	{"2.5.13.27", "generalizedTimeMatch", syn + "24", eq("time", timeNorm)},
	{"2.5.13.28", "generalizedTimeOrderingMatch", syn + "24", ord("time", timeNorm, compareTimes)},
	{"2.5.13.29", "integerFirstComponentMatch", syn + "27", special(firstComponentNorm(integerNorm), integerNorm, nil)},
	{"2.5.13.30", "objectIdentifierFirstComponentMatch", syn + "38", special(firstComponentNorm(oidNorm), oidNorm, nil)},
	{"2.5.13.31", "directoryStringFirstComponentMatch", syn + "15", special(firstComponentNorm(stringNorm(true, false)), stringNorm(true, false), nil)},
	{"2.5.13.32", "wordMatch", syn + "15", special(stringNorm(true, false), nil, wordsContain)},
	{"2.5.13.33", "keywordMatch", syn + "15", special(stringNorm(true, false), nil, keywordsContain)},
	{"2.5.13.34", "certificateExactMatch", "1.3.6.1.1.15.1", eq("octet", octetNorm)},
	{"2.5.13.45", "attributeCertificateExactMatch", "1.3.6.1.4.1.4203.666.11.10.2.1", eq("octet", octetNorm)},
	{"1.3.6.1.4.1.1466.109.114.1", "caseExactIA5Match", syn + "26", eq("caseExactIA5", stringNorm(false, true))},
	{"1.3.6.1.4.1.1466.109.114.2", "caseIgnoreIA5Match", syn + "26", eq("caseIgnoreIA5", stringNorm(true, true))},
	{"1.3.6.1.4.1.1466.109.114.3", "caseIgnoreIA5SubstringsMatch", syn + "58", sub("caseIgnoreIA5", stringNorm(true, true), stringChunk(true, true))},
	{"1.3.6.1.4.1.4203.1.2.1", "caseExactIA5SubstringsMatch", syn + "58", sub("caseExactIA5", stringNorm(false, true), stringChunk(false, true))},
	{"1.3.6.1.1.16.2", "UUIDMatch", SyntaxUUID, eq("uuid", uuidNorm)},
	{"1.3.6.1.1.16.3", "UUIDOrderingMatch", SyntaxUUID, ord("uuid", uuidNorm, nil)},
	{"1.3.6.1.4.1.4203.666.11.2.2", "CSNMatch", SyntaxCSN, eq("csn", octetNorm)},
	{"1.3.6.1.4.1.4203.666.11.2.3", "CSNOrderingMatch", SyntaxCSN, ord("csn", octetNorm, nil)},
	{"1.3.6.1.4.1.4203.666.4.12", "authzMatch", "1.3.6.1.4.1.4203.666.2.7", eq("octet", octetNorm)},
	{ruleDirectoryStringApprox, "directoryStringApproxMatch", syn + "15", &ruleImpl{kind: RuleApprox, family: "approx", norm: approxNorm, match: approxWords}},
	{ruleIA5StringApprox, "IA5StringApproxMatch", syn + "26", &ruleImpl{kind: RuleApprox, family: "approx", norm: approxNorm, match: approxWords}},
	{"1.2.840.113556.1.4.803", "integerBitAndMatch", syn + "27", special(bitIntegerNorm, nil, func(v, a []byte) bool { return bitsOf(v)&bitsOf(a) == bitsOf(a) })},
	{"1.2.840.113556.1.4.804", "integerBitOrMatch", syn + "27", special(bitIntegerNorm, nil, func(v, a []byte) bool { return bitsOf(v)&bitsOf(a) != 0 })},
	{"2.5.13.19", "octetStringSubstringsMatch", syn + "40", sub("octet", octetNorm, octetChunk)},
	{"1.3.6.1.4.1.4203.666.4.9", "dnSubtreeMatch", syn + "12", special(dnNorm, nil, dnRelation(func(v, b DN) bool { return v.Equal(b) || v.IsDescendantOf(b) }))},
	{"1.3.6.1.4.1.4203.666.4.8", "dnOneLevelMatch", syn + "12", special(dnNorm, nil, dnRelation(DN.IsChildOf))},
	{"1.3.6.1.4.1.4203.666.4.10", "dnSubordinateMatch", syn + "12", special(dnNorm, nil, dnRelation(DN.IsDescendantOf))},
	{"1.3.6.1.4.1.4203.666.4.11", "dnSuperiorMatch", syn + "12", special(dnNorm, nil, dnRelation(func(v, b DN) bool { return b.IsDescendantOf(v) }))},
}
