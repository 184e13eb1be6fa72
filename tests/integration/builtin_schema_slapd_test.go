package integration

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

// derCertAndCRL returns a self-signed CA certificate and an empty CRL it
// signed, both DER (slapd checks the Certificate and Certificate List
// syntaxes).
func derCertAndCRL(t *testing.T) (cert, crl string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	c, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(c)
	if err != nil {
		t.Fatal(err)
	}
	l, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, ca, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(c), string(l)
}

// TestSlapd_debianDefaultSchemaAdds: lightdir without schema_files takes
// the adds slapd takes with Debian's default schema (core, cosine,
// inetorgperson, nis): RFC 2079 labeledURIObject, RFC 1274 pilotPerson
// (and its newPilotPerson name), dNSDomain with the DNS record types, the
// RFC 4523 PKI classes with ";binary" certificates and CRLs, RFC 2256 dmd,
// the PKCS #9 email type, core.schema's 'fax' name, and refuses the same
// bad values; filters on the new types and on RFC 2307 ipHostNumber (IA5,
// no substrings rule) match the same entries. lightdir answered 21, 17 or
// 34 to these adds, and matched ipHostNumber substrings.
func TestSlapd_debianDefaultSchemaAdds(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	cert, crl := derCertAndCRL(t)
	steps := []writeStep{
		addStep("labeledURIObject", "cn=web,"+people, "objectClass: person", "objectClass: labeledURIObject", "cn: web", "sn: w",
			"labeledURI: https://example.com/ Home"),
		addStep("pilotPerson", "uid=pilot,"+people, "objectClass: pilotPerson", "uid: pilot", "cn: pilot", "sn: p",
			"textEncodedORAddress: c=xx;p=example", "janetMailbox: pilot@example.ac.uk", "mailPreferenceOption: 2",
			"favouriteDrink: tea", "otherMailbox: internet$pilot@example.com", "personalTitle: Dr"),
		addStep("newPilotPerson", "cn=np,"+people, "objectClass: newPilotPerson", "cn: np", "sn: n"),
		addStep("dNSDomain", "dc=dns,dc=example,dc=com", "objectClass: dNSDomain", "dc: dns", "aRecord: 192.0.2.1",
			"mXRecord: 10 mail.example.com", "nSRecord: ns1.example.com", "sOARecord: ns1.example.com. hostmaster.example.com. 1 3600 600 86400 60",
			"cNAMERecord: www.example.com", "mDRecord: md.example.com"),
		addStep("pkiUser", "uid=cert,"+people, "objectClass: inetOrgPerson", "objectClass: pkiUser", "objectClass: strongAuthenticationUser",
			"uid: cert", "cn: cert", "sn: c", "userCertificate;binary: "+cert),
		addStep("certificationAuthority-V2", "cn=ca,"+people, "objectClass: applicationProcess", "objectClass: certificationAuthority-V2",
			"objectClass: pkiCA", "cn: ca", "cACertificate;binary: "+cert, "certificateRevocationList;binary: "+crl,
			"authorityRevocationList;binary: "+crl, "deltaRevocationList;binary: "+crl),
		addStep("cRLDistributionPoint", "cn=cdp,"+people, "objectClass: cRLDistributionPoint", "objectClass: deltaCRL", "cn: cdp",
			"certificateRevocationList;binary: "+crl),
		addStep("email, pseudonym, fax", "cn=mailer,"+people, "objectClass: person", "objectClass: extensibleObject", "cn: mailer", "sn: m",
			"email: mailer@example.com", "pseudonym: mm", "fax: +1 555 0199"),
		addStep("dmd", "dmdName=d1,dc=example,dc=com", "objectClass: dmd", "dmdName: d1"),
		addStep("ipHost", "cn=host,"+people, "objectClass: device", "objectClass: ipHost", "cn: host", "ipHostNumber: 192.0.2.7"),
		addStep("certificationAuthority without its MUST", "cn=ca2,"+people, "objectClass: applicationProcess",
			"objectClass: certificationAuthority", "cn: ca2", "cACertificate;binary: "+cert),
		addStep("pilotPerson with a non-integer mailPreferenceOption", "cn=bad1,"+people, "objectClass: pilotPerson", "cn: bad1", "sn: b",
			"mailPreferenceOption: often"),
		addStep("dNSDomain with a non-IA5 aRecord", "dc=bad2,dc=example,dc=com", "objectClass: dNSDomain", "dc: bad2", "aRecord: é"),
		addStep("labeledURI without labeledURIObject", "cn=bad3,"+people, "objectClass: person", "cn: bad3", "sn: b",
			"labeledURI: https://example.com/"),
	}
	const valid = 10 // the steps before the refused ones
	for i, s := range steps {
		got, want := outcome(s.do(ours)), outcome(s.do(theirs))
		if got != want {
			t.Errorf("%s\nlightdir: %s\nslapd:    %s", s.what, got, want)
		}
		if i < valid && got != "success" {
			t.Errorf("%s: lightdir without schema_files: %s, want success", s.what, got)
		}
	}
	compareWrites(t, ours, theirs, []string{"cn=web," + people, "uid=pilot," + people, "cn=np," + people, "dc=dns,dc=example,dc=com",
		"cn=mailer," + people, "dmdName=d1,dc=example,dc=com", "cn=host," + people, "uid=cert," + people, "cn=ca," + people, "cn=cdp," + people})
	compareFilters(t, ours, theirs, "(objectClass=pilotPerson)", "(objectClass=newPilotPerson)", "(objectClass=labeledURIObject)",
		"(aRecord=192.0.2.1)", "(mXRecord=10 MAIL.example.com)", "(emailAddress=MAILER@example.com)", "(pkcs9email=mailer*)",
		"(fax=*)", "(objectClass=pkiUser)", "(objectClass=certificationAuthority)", "(deltaRevocationList;binary=*)",
		"(ipHostNumber=192.0.2.7)", "(ipHostNumber=192.0.2.*)", "(mailPreferenceOption=2)", "(janetMailbox=PILOT@*)",
		"(dmdName=d1)", "(pseudonym=MM)")
}
