package schema

// Built-in standard schemas, transcribed from the RFCs named in each
// definition's X-ORIGIN and loaded by Default in this order.

// coreSchema: RFC 4519 core attributes and classes, plus what slapd's core.schema adds to
// them: the RFC 4523 certificate attributes and PKI classes, the RFC 2256 types RFC 4519
// dropped (application entities and dSA, which cosine.schema's pilotDSA needs, DMDs,
// protocolInformation), X.520's pseudonym, the RFC 2079 labeledURIObject, the PKCS #9
// e-mail address older certificates put in DNs, and the 'fax' name core.schema gives
// facsimileTelephoneNumber. TestDefault_coversDebianSchema checks that these agree with
// slapd's files (OIDs, names, SUP, kinds, MUST/MAY, syntaxes, rules, flags).
//
// RFC 4523 also gives the certificate lists, pairs and supportedAlgorithms EQUALITY rules
// (certificateListExactMatch, certificatePairExactMatch, algorithmIdentifierMatch) that
// neither lightdir nor slapd's core.schema has; like slapd, those types have no equality.
const coreSchema = `
attributetype ( 2.5.4.15 NAME 'businessCategory'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 0.9.2342.19200300.100.1.25 NAME ( 'dc' 'domainComponent' )
	EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.27 NAME 'destinationIndicator'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.44
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.46 NAME 'dnQualifier'
	EQUALITY caseIgnoreMatch ORDERING caseIgnoreOrderingMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.44
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.47 NAME 'enhancedSearchGuide'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.21
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.23 NAME ( 'facsimileTelephoneNumber' 'fax' )
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.22
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.44 NAME 'generationQualifier'
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.42 NAME ( 'givenName' 'gn' )
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.51 NAME 'houseIdentifier'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.43 NAME 'initials'
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.25 NAME 'internationalISDNNumber'
	EQUALITY numericStringMatch SUBSTR numericStringSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.36
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.7 NAME ( 'l' 'localityName' )
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.31 NAME 'member'
	SUP distinguishedName
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.10 NAME ( 'o' 'organizationName' )
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.11 NAME ( 'ou' 'organizationalUnitName' )
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.32 NAME 'owner'
	SUP distinguishedName
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.19 NAME 'physicalDeliveryOfficeName'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.16 NAME 'postalAddress'
	EQUALITY caseIgnoreListMatch SUBSTR caseIgnoreListSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.41
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.17 NAME 'postalCode'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.18 NAME 'postOfficeBox'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.28 NAME 'preferredDeliveryMethod'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.14 SINGLE-VALUE
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.26 NAME 'registeredAddress'
	SUP postalAddress SYNTAX 1.3.6.1.4.1.1466.115.121.1.41
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.33 NAME 'roleOccupant'
	SUP distinguishedName
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.14 NAME 'searchGuide'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.25
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.5 NAME 'serialNumber'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.44
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.4 NAME ( 'sn' 'surname' )
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.8 NAME ( 'st' 'stateOrProvinceName' )
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.9 NAME ( 'street' 'streetAddress' )
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.20 NAME 'telephoneNumber'
	EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.50
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.22 NAME 'teletexTerminalIdentifier'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.51
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.21 NAME 'telexNumber'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.52
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.12 NAME 'title'
	SUP name
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.50 NAME 'uniqueMember'
	EQUALITY uniqueMemberMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.34
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.24 NAME 'x121Address'
	EQUALITY numericStringMatch SUBSTR numericStringSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.36
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.45 NAME 'x500UniqueIdentifier'
	EQUALITY bitStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.6
	X-ORIGIN 'RFC 4519' )
attributetype ( 2.5.4.36 NAME 'userCertificate'
	DESC 'X.509 user certificate, use ;binary' EQUALITY certificateExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.8
	X-ORIGIN 'RFC 4523' )
attributetype ( 2.5.4.37 NAME 'cACertificate'
	DESC 'X.509 CA certificate, use ;binary' EQUALITY certificateExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.8
	X-ORIGIN 'RFC 4523' )
attributetype ( 2.5.4.38 NAME 'authorityRevocationList'
	DESC 'X.509 authority revocation list, use ;binary' SYNTAX 1.3.6.1.4.1.1466.115.121.1.9
	X-ORIGIN 'RFC 4523' )
attributetype ( 2.5.4.39 NAME 'certificateRevocationList'
	DESC 'X.509 certificate revocation list, use ;binary' SYNTAX 1.3.6.1.4.1.1466.115.121.1.9
	X-ORIGIN 'RFC 4523' )
attributetype ( 2.5.4.40 NAME 'crossCertificatePair'
	DESC 'X.509 cross certificate pair, use ;binary' SYNTAX 1.3.6.1.4.1.1466.115.121.1.10
	X-ORIGIN 'RFC 4523' )
attributetype ( 2.5.4.52 NAME 'supportedAlgorithms'
	DESC 'algorithms the entity supports, use ;binary' SYNTAX 1.3.6.1.4.1.1466.115.121.1.49
	X-ORIGIN 'RFC 4523' )
attributetype ( 2.5.4.53 NAME 'deltaRevocationList'
	DESC 'X.509 delta CRL, use ;binary' SYNTAX 1.3.6.1.4.1.1466.115.121.1.9
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.11 NAME 'applicationProcess'
	SUP top STRUCTURAL MUST cn MAY ( seeAlso $ ou $ l $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.2 NAME 'country'
	SUP top STRUCTURAL MUST c MAY ( searchGuide $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 1.3.6.1.4.1.1466.344 NAME 'dcObject'
	SUP top AUXILIARY MUST dc
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.14 NAME 'device'
	SUP top STRUCTURAL MUST cn MAY ( serialNumber $ seeAlso $ owner $ ou $ o $ l $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.9 NAME 'groupOfNames'
	SUP top STRUCTURAL MUST ( member $ cn ) MAY ( businessCategory $ seeAlso $ owner $ ou $ o $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.17 NAME 'groupOfUniqueNames'
	SUP top STRUCTURAL MUST ( uniqueMember $ cn ) MAY ( businessCategory $ seeAlso $ owner $ ou $ o $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.3 NAME 'locality'
	SUP top STRUCTURAL MAY ( street $ seeAlso $ searchGuide $ st $ l $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.4 NAME 'organization'
	SUP top STRUCTURAL MUST o MAY ( userPassword $ searchGuide $ seeAlso $ businessCategory $ x121Address $ registeredAddress $ destinationIndicator $ preferredDeliveryMethod $ telexNumber $ teletexTerminalIdentifier $ telephoneNumber $ internationalISDNNumber $ facsimileTelephoneNumber $ street $ postOfficeBox $ postalCode $ postalAddress $ physicalDeliveryOfficeName $ st $ l $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.6 NAME 'person'
	SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber $ seeAlso $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.7 NAME 'organizationalPerson'
	SUP person STRUCTURAL MAY ( title $ x121Address $ registeredAddress $ destinationIndicator $ preferredDeliveryMethod $ telexNumber $ teletexTerminalIdentifier $ telephoneNumber $ internationalISDNNumber $ facsimileTelephoneNumber $ street $ postOfficeBox $ postalCode $ postalAddress $ physicalDeliveryOfficeName $ ou $ st $ l )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.8 NAME 'organizationalRole'
	SUP top STRUCTURAL MUST cn MAY ( x121Address $ registeredAddress $ destinationIndicator $ preferredDeliveryMethod $ telexNumber $ teletexTerminalIdentifier $ telephoneNumber $ internationalISDNNumber $ facsimileTelephoneNumber $ street $ postOfficeBox $ postalCode $ postalAddress $ physicalDeliveryOfficeName $ seeAlso $ roleOccupant $ ou $ st $ l $ description )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.5 NAME 'organizationalUnit'
	SUP top STRUCTURAL MUST ou MAY ( businessCategory $ description $ destinationIndicator $ facsimileTelephoneNumber $ internationalISDNNumber $ l $ physicalDeliveryOfficeName $ postalAddress $ postalCode $ postOfficeBox $ preferredDeliveryMethod $ registeredAddress $ searchGuide $ seeAlso $ st $ street $ telephoneNumber $ teletexTerminalIdentifier $ telexNumber $ userPassword $ x121Address )
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.10 NAME 'residentialPerson'
	SUP person STRUCTURAL MUST l MAY ( businessCategory $ x121Address $ registeredAddress $ destinationIndicator $ preferredDeliveryMethod $ telexNumber $ teletexTerminalIdentifier $ telephoneNumber $ internationalISDNNumber $ facsimileTelephoneNumber $ street $ postOfficeBox $ postalCode $ postalAddress $ physicalDeliveryOfficeName $ st $ l )
	X-ORIGIN 'RFC 4519' )
objectclass ( 1.3.6.1.1.3.1 NAME 'uidObject'
	SUP top AUXILIARY MUST uid
	X-ORIGIN 'RFC 4519' )
objectclass ( 2.5.6.21 NAME 'pkiUser'
	SUP top AUXILIARY MAY userCertificate
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.22 NAME 'pkiCA'
	SUP top AUXILIARY MAY ( cACertificate $ certificateRevocationList $ authorityRevocationList $ crossCertificatePair )
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.19 NAME 'cRLDistributionPoint'
	SUP top STRUCTURAL MUST cn MAY ( certificateRevocationList $ authorityRevocationList $ deltaRevocationList )
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.23 NAME 'deltaCRL'
	SUP top AUXILIARY MAY deltaRevocationList
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.15 NAME 'strongAuthenticationUser'
	SUP top AUXILIARY MUST userCertificate
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.18 NAME 'userSecurityInformation'
	SUP top AUXILIARY MAY supportedAlgorithms
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.16 NAME 'certificationAuthority'
	SUP top AUXILIARY MUST ( authorityRevocationList $ certificateRevocationList $ cACertificate ) MAY crossCertificatePair
	X-ORIGIN 'RFC 4523' )
objectclass ( 2.5.6.16.2 NAME 'certificationAuthority-V2'
	SUP certificationAuthority AUXILIARY MAY deltaRevocationList
	X-ORIGIN 'RFC 4523' )
objectclass ( 1.3.6.1.4.1.250.3.15 NAME 'labeledURIObject'
	DESC 'holder of labeledURI values' SUP top AUXILIARY MAY labeledURI
	X-ORIGIN 'RFC 2079' )
attributetype ( 2.5.4.2 NAME 'knowledgeInformation'
	EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{32768}
	X-ORIGIN 'RFC 2256' )
attributetype ( 2.5.4.29 NAME 'presentationAddress'
	EQUALITY presentationAddressMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.43 SINGLE-VALUE
	X-ORIGIN 'RFC 2256' )
attributetype ( 2.5.4.30 NAME 'supportedApplicationContext'
	EQUALITY objectIdentifierMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.38
	X-ORIGIN 'RFC 2256' )
objectclass ( 2.5.6.12 NAME 'applicationEntity'
	SUP top STRUCTURAL MUST ( presentationAddress $ cn ) MAY ( supportedApplicationContext $ seeAlso $ ou $ o $ l $ description )
	X-ORIGIN 'RFC 2256' )
objectclass ( 2.5.6.13 NAME 'dSA'
	SUP applicationEntity STRUCTURAL MAY knowledgeInformation
	X-ORIGIN 'RFC 2256' )
attributetype ( 2.5.4.48 NAME 'protocolInformation'
	EQUALITY protocolInformationMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.42
	X-ORIGIN 'RFC 2256' )
attributetype ( 2.5.4.54 NAME 'dmdName'
	SUP name
	X-ORIGIN 'RFC 2256' )
objectclass ( 2.5.6.20 NAME 'dmd'
	SUP top STRUCTURAL MUST dmdName MAY ( userPassword $ searchGuide $ seeAlso $ businessCategory $ x121Address $ registeredAddress $ destinationIndicator $ preferredDeliveryMethod $ telexNumber $ teletexTerminalIdentifier $ telephoneNumber $ internationalISDNNumber $ facsimileTelephoneNumber $ street $ postOfficeBox $ postalCode $ postalAddress $ physicalDeliveryOfficeName $ st $ l $ description )
	X-ORIGIN 'RFC 2256' )
attributetype ( 2.5.4.65 NAME 'pseudonym'
	SUP name
	X-ORIGIN 'X.520' )
attributetype ( 1.2.840.113549.1.9.1 NAME ( 'email' 'emailAddress' 'pkcs9email' )
	DESC 'PKCS #9 e-mail address, kept for DNs of older certificates' EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{128}
	X-ORIGIN 'RFC 3280' )
`

// cosineSchema: RFC 4524 COSINE attributes and classes, and the RFC 1274 pilot types RFC 4524
// left out that slapd's cosine.schema keeps (audio and photo, which inetOrgPerson uses, pilotPerson,
// dNSDomain with its DNS record types, the DSA quality types and classes).
const cosineSchema = `
attributetype ( 0.9.2342.19200300.100.1.37 NAME 'associatedDomain'
	EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.38 NAME 'associatedName'
	EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.48 NAME 'buildingName'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.43 NAME ( 'co' 'friendlyCountryName' )
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.14 NAME 'documentAuthor'
	EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.11 NAME 'documentIdentifier'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.15 NAME 'documentLocation'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.56 NAME 'documentPublisher'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.12 NAME 'documentTitle'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.13 NAME 'documentVersion'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.5 NAME ( 'drink' 'favouriteDrink' )
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.20 NAME ( 'homePhone' 'homeTelephoneNumber' )
	EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.50
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.39 NAME 'homePostalAddress'
	EQUALITY caseIgnoreListMatch SUBSTR caseIgnoreListSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.41
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.9 NAME 'host'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.4 NAME 'info'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{2048}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.3 NAME ( 'mail' 'rfc822Mailbox' )
	EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.10 NAME 'manager'
	EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.41 NAME ( 'mobile' 'mobileTelephoneNumber' )
	EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.50
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.45 NAME 'organizationalStatus'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.42 NAME ( 'pager' 'pagerTelephoneNumber' )
	EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.50
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.40 NAME 'personalTitle'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.6 NAME 'roomNumber'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.21 NAME 'secretary'
	EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.44 NAME 'uniqueIdentifier'
	EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.8 NAME 'userClass'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 4524' )
attributetype ( 0.9.2342.19200300.100.1.55 NAME 'audio'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.4{250000}
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.7 NAME 'photo'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.23{25000}
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.2 NAME 'textEncodedORAddress'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256}
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.22 NAME 'otherMailbox'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.39
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.26 NAME 'aRecord'
	EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.27 NAME 'mDRecord'
	EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.28 NAME 'mXRecord'
	EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.29 NAME 'nSRecord'
	EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.30 NAME 'sOARecord'
	EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.31 NAME 'cNAMERecord'
	EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.46 NAME 'janetMailbox'
	EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256}
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.47 NAME 'mailPreferenceOption'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.27
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.49 NAME 'dSAQuality'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.19 SINGLE-VALUE
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.50 NAME 'singleLevelQuality'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.13 SINGLE-VALUE
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.51 NAME 'subtreeMinimumQuality'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.13 SINGLE-VALUE
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.52 NAME 'subtreeMaximumQuality'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.13 SINGLE-VALUE
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.53 NAME 'personalSignature'
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.23
	X-ORIGIN 'RFC 1274' )
attributetype ( 0.9.2342.19200300.100.1.54 NAME 'dITRedirect'
	EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12
	X-ORIGIN 'RFC 1274' )
objectclass ( 0.9.2342.19200300.100.4.5 NAME 'account'
	SUP top STRUCTURAL MUST uid MAY ( description $ seeAlso $ l $ o $ ou $ host )
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.6 NAME 'document'
	SUP top STRUCTURAL MUST documentIdentifier MAY ( cn $ description $ seeAlso $ l $ o $ ou $ documentTitle $ documentVersion $ documentAuthor $ documentLocation $ documentPublisher )
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.9 NAME 'documentSeries'
	SUP top STRUCTURAL MUST cn MAY ( description $ l $ o $ ou $ seeAlso $ telephoneNumber )
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.13 NAME 'domain'
	SUP top STRUCTURAL MUST dc MAY ( userPassword $ searchGuide $ seeAlso $ businessCategory $ x121Address $ registeredAddress $ destinationIndicator $ preferredDeliveryMethod $ telexNumber $ teletexTerminalIdentifier $ telephoneNumber $ internationalISDNNumber $ facsimileTelephoneNumber $ street $ postOfficeBox $ postalCode $ postalAddress $ physicalDeliveryOfficeName $ st $ l $ description $ o $ associatedName )
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.17 NAME 'domainRelatedObject'
	SUP top AUXILIARY MUST associatedDomain
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.18 NAME 'friendlyCountry'
	SUP country STRUCTURAL MUST co
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.14 NAME 'rFC822localPart'
	SUP domain STRUCTURAL MAY ( cn $ description $ destinationIndicator $ facsimileTelephoneNumber $ internationalISDNNumber $ physicalDeliveryOfficeName $ postalAddress $ postalCode $ postOfficeBox $ preferredDeliveryMethod $ registeredAddress $ seeAlso $ sn $ street $ telephoneNumber $ teletexTerminalIdentifier $ telexNumber $ x121Address )
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.7 NAME 'room'
	SUP top STRUCTURAL MUST cn MAY ( roomNumber $ description $ seeAlso $ telephoneNumber )
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.19 NAME 'simpleSecurityObject'
	SUP top AUXILIARY MUST userPassword
	X-ORIGIN 'RFC 4524' )
objectclass ( 0.9.2342.19200300.100.4.4 NAME ( 'pilotPerson' 'newPilotPerson' )
	SUP person STRUCTURAL MAY ( uid $ textEncodedORAddress $ mail $ drink $ roomNumber $ userClass $ homePhone $ homePostalAddress $ secretary $ personalTitle $ preferredDeliveryMethod $ businessCategory $ janetMailbox $ otherMailbox $ mobile $ pager $ organizationalStatus $ mailPreferenceOption $ personalSignature )
	X-ORIGIN 'RFC 1274' )
objectclass ( 0.9.2342.19200300.100.4.15 NAME 'dNSDomain'
	SUP domain STRUCTURAL MAY ( aRecord $ mDRecord $ mXRecord $ nSRecord $ sOARecord $ cNAMERecord )
	X-ORIGIN 'RFC 1274' )
objectclass ( 0.9.2342.19200300.100.4.20 NAME 'pilotOrganization'
	SUP ( organization $ organizationalUnit ) STRUCTURAL MAY buildingName
	X-ORIGIN 'RFC 1274' )
objectclass ( 0.9.2342.19200300.100.4.21 NAME 'pilotDSA'
	SUP dSA STRUCTURAL MAY dSAQuality
	X-ORIGIN 'RFC 1274' )
objectclass ( 0.9.2342.19200300.100.4.22 NAME 'qualityLabelledData'
	SUP top AUXILIARY MUST dSAQuality MAY ( subtreeMinimumQuality $ subtreeMaximumQuality )
	X-ORIGIN 'RFC 1274' )
`

// inetOrgPersonSchema: RFC 2798 inetOrgPerson (with RFC 2079 labeledURI).
const inetOrgPersonSchema = `
attributetype ( 2.16.840.1.113730.3.1.1 NAME 'carLicense'
	DESC 'licence plate or registration number of a vehicle' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 2798' )
attributetype ( 2.16.840.1.113730.3.1.2 NAME 'departmentNumber'
	DESC 'department name or number inside an organization' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 2798' )
attributetype ( 2.16.840.1.113730.3.1.241 NAME 'displayName'
	DESC 'name to show for the person in listings' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE
	X-ORIGIN 'RFC 2798' )
attributetype ( 2.16.840.1.113730.3.1.3 NAME 'employeeNumber'
	DESC 'employee number assigned by the organization' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE
	X-ORIGIN 'RFC 2798' )
attributetype ( 2.16.840.1.113730.3.1.4 NAME 'employeeType'
	DESC 'kind of employment, e.g. contractor or permanent' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15
	X-ORIGIN 'RFC 2798' )
attributetype ( 0.9.2342.19200300.100.1.60 NAME 'jpegPhoto'
	DESC 'photograph in JPEG format' SYNTAX 1.3.6.1.4.1.1466.115.121.1.28
	X-ORIGIN 'RFC 2798' )
attributetype ( 2.16.840.1.113730.3.1.39 NAME 'preferredLanguage'
	DESC 'languages the person prefers, most preferred first' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE
	X-ORIGIN 'RFC 2798' )
attributetype ( 2.16.840.1.113730.3.1.40 NAME 'userSMIMECertificate'
	DESC 'S/MIME signed message' SYNTAX 1.3.6.1.4.1.1466.115.121.1.5
	X-ORIGIN 'RFC 2798' )
attributetype ( 2.16.840.1.113730.3.1.216 NAME 'userPKCS12'
	DESC 'PKCS #12 bundle of keys and certificates' SYNTAX 1.3.6.1.4.1.1466.115.121.1.5
	X-ORIGIN 'RFC 2798' )
objectclass ( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson'
	SUP organizationalPerson STRUCTURAL MAY ( audio $ businessCategory $ carLicense $ departmentNumber $ displayName $ employeeNumber $ employeeType $ givenName $ homePhone $ homePostalAddress $ initials $ jpegPhoto $ labeledURI $ mail $ manager $ mobile $ o $ pager $ photo $ roomNumber $ secretary $ uid $ userCertificate $ x500UniqueIdentifier $ preferredLanguage $ userSMIMECertificate $ userPKCS12 )
	X-ORIGIN 'RFC 2798' )
`

// nisSchema: RFC 2307 NIS attributes and classes.
const nisSchema = `
attributetype ( 1.3.6.1.1.1.1.2 NAME 'gecos'
	DESC 'GECOS field of the account' EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.3 NAME 'homeDirectory'
	DESC 'home directory of the account' EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.4 NAME 'loginShell'
	DESC 'login shell of the account' EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.5 NAME 'shadowLastChange'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.6 NAME 'shadowMin'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.7 NAME 'shadowMax'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.8 NAME 'shadowWarning'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.9 NAME 'shadowInactive'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.10 NAME 'shadowExpire'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.11 NAME 'shadowFlag'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.12 NAME 'memberUid'
	EQUALITY caseExactIA5Match SUBSTR caseExactIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.13 NAME 'memberNisNetgroup'
	EQUALITY caseExactIA5Match SUBSTR caseExactIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.14 NAME 'nisNetgroupTriple'
	DESC '(host,user,domain) member of a netgroup' SYNTAX 1.3.6.1.1.1.0.0
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.15 NAME 'ipServicePort'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.16 NAME 'ipServiceProtocol'
	SUP name
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.17 NAME 'ipProtocolNumber'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.18 NAME 'oncRpcNumber'
	EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.19 NAME 'ipHostNumber'
	DESC 'IP address of a host' EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{128}
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.20 NAME 'ipNetworkNumber'
	DESC 'IP address of a network' EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{128} SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.21 NAME 'ipNetmaskNumber'
	DESC 'network mask in dotted decimal form' EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.22 NAME 'macAddress'
	DESC 'MAC address as colon-separated hex bytes' EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.23 NAME 'bootParameter'
	DESC 'boot parameter served by bootparamd' SYNTAX 1.3.6.1.1.1.0.1
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.24 NAME 'bootFile'
	DESC 'file name of the boot image' EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.26 NAME 'nisMapName'
	SUP name
	X-ORIGIN 'RFC 2307' )
attributetype ( 1.3.6.1.1.1.1.27 NAME 'nisMapEntry'
	EQUALITY caseExactIA5Match SUBSTR caseExactIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{1024} SINGLE-VALUE
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.0 NAME 'posixAccount'
	DESC 'POSIX account' SUP top AUXILIARY MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) MAY ( userPassword $ loginShell $ gecos $ description )
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.1 NAME 'shadowAccount'
	DESC 'shadow password ageing data' SUP top AUXILIARY MUST uid MAY ( userPassword $ shadowLastChange $ shadowMin $ shadowMax $ shadowWarning $ shadowInactive $ shadowExpire $ shadowFlag $ description )
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.2 NAME 'posixGroup'
	DESC 'POSIX group' SUP top STRUCTURAL MUST ( cn $ gidNumber ) MAY ( userPassword $ memberUid $ description )
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.3 NAME 'ipService'
	DESC 'IP service (port and protocol)' SUP top STRUCTURAL MUST ( cn $ ipServicePort $ ipServiceProtocol ) MAY description
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.4 NAME 'ipProtocol'
	DESC 'IP protocol' SUP top STRUCTURAL MUST ( cn $ ipProtocolNumber $ description ) MAY description
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.5 NAME 'oncRpc'
	DESC 'ONC RPC program' SUP top STRUCTURAL MUST ( cn $ oncRpcNumber $ description ) MAY description
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.6 NAME 'ipHost'
	DESC 'IP host' SUP top AUXILIARY MUST ( cn $ ipHostNumber ) MAY ( l $ description $ manager )
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.7 NAME 'ipNetwork'
	DESC 'IP network' SUP top STRUCTURAL MUST ( cn $ ipNetworkNumber ) MAY ( ipNetmaskNumber $ l $ description $ manager )
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.8 NAME 'nisNetgroup'
	DESC 'netgroup' SUP top STRUCTURAL MUST cn MAY ( nisNetgroupTriple $ memberNisNetgroup $ description )
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.9 NAME 'nisMap'
	DESC 'NIS map' SUP top STRUCTURAL MUST nisMapName MAY description
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.10 NAME 'nisObject'
	DESC 'entry of a NIS map' SUP top STRUCTURAL MUST ( cn $ nisMapEntry $ nisMapName ) MAY description
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.11 NAME 'ieee802Device'
	DESC 'device with a MAC address' SUP top AUXILIARY MAY macAddress
	X-ORIGIN 'RFC 2307' )
objectclass ( 1.3.6.1.1.1.2.12 NAME 'bootableDevice'
	DESC 'device that boots over the network' SUP top AUXILIARY MAY ( bootFile $ bootParameter )
	X-ORIGIN 'RFC 2307' )
`
