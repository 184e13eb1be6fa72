package schema

// The system schema every Registry starts with: RFC 4512 §3.3, §4.2 and
// §5.1 (operational attributes, subschema and root DSE attributes, the
// top/alias/extensibleObject/subschema classes), RFC 3296 (referrals),
// RFC 4530 (entryUUID), RFC 5020 (entryDN) and the other operational
// attributes lightdir maintains, plus the RFC 4519 types that schema
// files commonly assume a server provides (name, distinguishedName, cn,
// c, description, seeAlso, userPassword, uid, RFC 2079 labeledURI, and
// RFC 2307 uidNumber and gidNumber, with the ORDERING rule slapd 2.5's
// built-in definitions give them). Written in .schema form from
// the RFCs.
const systemSchema = `
attributetype ( 2.5.4.0 NAME 'objectClass'
	EQUALITY objectIdentifierMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.38
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.4.1 NAME ( 'aliasedObjectName' 'aliasedEntryName' )
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 SINGLE-VALUE
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.18.3 NAME 'creatorsName'
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.18.1 NAME 'createTimestamp'
	EQUALITY generalizedTimeMatch ORDERING generalizedTimeOrderingMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.24
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.18.4 NAME 'modifiersName'
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.18.2 NAME 'modifyTimestamp'
	EQUALITY generalizedTimeMatch ORDERING generalizedTimeOrderingMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.24
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.9 NAME 'structuralObjectClass'
	EQUALITY objectIdentifierMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.38
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.10 NAME 'governingStructureRule'
	EQUALITY integerMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.27
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.18.10 NAME 'subschemaSubentry'
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.6 NAME 'objectClasses'
	EQUALITY objectIdentifierFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.37 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.5 NAME 'attributeTypes'
	EQUALITY objectIdentifierFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.3 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.4 NAME 'matchingRules'
	EQUALITY objectIdentifierFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.30 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.8 NAME 'matchingRuleUse'
	EQUALITY objectIdentifierFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.31 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.1466.101.120.16 NAME 'ldapSyntaxes'
	EQUALITY objectIdentifierFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.54 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.2 NAME 'dITContentRules'
	EQUALITY objectIdentifierFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.16 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.1 NAME 'dITStructureRules'
	EQUALITY integerFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.17 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 2.5.21.7 NAME 'nameForms'
	EQUALITY objectIdentifierFirstComponentMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.35 USAGE directoryOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.1466.101.120.6 NAME 'altServer'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 USAGE dSAOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.1466.101.120.5 NAME 'namingContexts'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 USAGE dSAOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.1466.101.120.13 NAME 'supportedControl'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.38 USAGE dSAOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.1466.101.120.7 NAME 'supportedExtension'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.38 USAGE dSAOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.4203.1.3.5 NAME 'supportedFeatures'
	EQUALITY objectIdentifierMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.38 USAGE dSAOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.1466.101.120.15 NAME 'supportedLDAPVersion'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 USAGE dSAOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.4.1.1466.101.120.14 NAME 'supportedSASLMechanisms'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 USAGE dSAOperation
	X-ORIGIN 'RFC 4512' )
attributetype ( 1.3.6.1.1.4 NAME 'vendorName'
	EQUALITY caseExactMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	SINGLE-VALUE NO-USER-MODIFICATION USAGE dSAOperation
	X-ORIGIN 'RFC 3045' )
attributetype ( 1.3.6.1.1.5 NAME 'vendorVersion'
	EQUALITY caseExactMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	SINGLE-VALUE NO-USER-MODIFICATION USAGE dSAOperation
	X-ORIGIN 'RFC 3045' )
attributetype ( 2.16.840.1.113730.3.1.34 NAME 'ref'
	DESC 'named reference to an LDAP URL'
	EQUALITY caseExactMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 USAGE distributedOperation
	X-ORIGIN 'RFC 3296' )
attributetype ( 1.3.6.1.1.16.4 NAME 'entryUUID'
	DESC 'UUID of the entry'
	EQUALITY UUIDMatch ORDERING UUIDOrderingMatch
	SYNTAX 1.3.6.1.1.16.1
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 4530' )
attributetype ( 1.3.6.1.1.20 NAME 'entryDN'
	DESC 'DN of the entry'
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'RFC 5020' )
attributetype ( 1.3.6.1.4.1.4203.666.1.7 NAME 'entryCSN'
	DESC 'change sequence number of the last change to the entry'
	EQUALITY CSNMatch ORDERING CSNOrderingMatch
	SYNTAX 1.3.6.1.4.1.4203.666.11.2.1{64}
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'lightdir' )
attributetype ( 1.3.6.1.4.1.4203.666.1.25 NAME 'contextCSN'
	DESC 'largest entryCSN in the naming context'
	EQUALITY CSNMatch ORDERING CSNOrderingMatch
	SYNTAX 1.3.6.1.4.1.4203.666.11.2.1{64}
	NO-USER-MODIFICATION USAGE dSAOperation
	X-ORIGIN 'lightdir' )
attributetype ( 2.5.18.9 NAME 'hasSubordinates'
	DESC 'TRUE when the entry has children'
	EQUALITY booleanMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.7
	SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation
	X-ORIGIN 'X.501' )
attributetype ( 1.3.6.1.4.1.453.16.2.103 NAME 'numSubordinates'
	DESC 'number of immediate children of the entry'
	EQUALITY integerMatch ORDERING integerOrderingMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.27
	SINGLE-VALUE NO-USER-MODIFICATION USAGE dSAOperation
	X-ORIGIN 'draft-boreham-numsubordinates' )
attributetype ( 2.5.4.41 NAME 'name'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.49 NAME 'distinguishedName'
	EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.3 NAME ( 'cn' 'commonName' )
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.6 NAME ( 'c' 'countryName' )
	SUP name SYNTAX 1.3.6.1.4.1.1466.115.121.1.11 SINGLE-VALUE
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.13 NAME 'description'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.34 NAME 'seeAlso'
	SUP distinguishedName
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.35 NAME 'userPassword'
	EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40
	X-ORIGIN 'RFC 4519' )
attributetype ( 1.3.6.1.4.1.250.1.57 NAME 'labeledURI'
	DESC 'URI, optionally followed by a label' EQUALITY caseExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 2079' )
attributetype ( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' )
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 1.3.6.1.1.1.1.0 NAME 'uidNumber'
	DESC 'numeric user ID' EQUALITY integerMatch ORDERING integerOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.1 NAME 'gidNumber'
	DESC 'numeric group ID' EQUALITY integerMatch ORDERING integerOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
objectclass ( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass
	X-ORIGIN 'RFC 4512' )
objectclass ( 2.5.6.1 NAME 'alias' SUP top STRUCTURAL MUST aliasedObjectName
	X-ORIGIN 'RFC 4512' )
objectclass ( 1.3.6.1.4.1.1466.101.120.111 NAME 'extensibleObject' SUP top AUXILIARY
	X-ORIGIN 'RFC 4512' )
objectclass ( 2.5.20.1 NAME 'subschema' AUXILIARY
	MAY ( dITStructureRules $ nameForms $ dITContentRules $ objectClasses $
		attributeTypes $ matchingRules $ matchingRuleUse $ ldapSyntaxes )
	X-ORIGIN 'RFC 4512' )
objectclass ( 2.16.840.1.113730.3.2.6 NAME 'referral' SUP top STRUCTURAL MUST ref
	X-ORIGIN 'RFC 3296' )
objectclass ( 1.3.6.1.4.1.4203.666.3.4 NAME 'glue'
	DESC 'stands in for a missing ancestor in a partial replica' SUP top STRUCTURAL
	X-ORIGIN 'OpenLDAP' )
`
