package backend

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"lightdir/ldapserver"
)

// testCertAndCRL returns a self-signed CA certificate and an empty CRL it
// signed, both DER.
func testCertAndCRL(t testing.TB) (cert, crl []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	if cert, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key); err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(cert)
	if err != nil {
		t.Fatal(err)
	}
	crl, err = x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, ca, key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, crl
}

// TestAdd_debianDefaultSchemaWithoutSchemaFiles: with no schema files, the
// built-in schema accepts the entries that slapd accepts with Debian's
// default core, cosine, inetorgperson and nis schema: RFC 2079
// labeledURIObject, the RFC 1274 pilotPerson (also as newPilotPerson) and
// dNSDomain with its DNS record types, the RFC 4523 PKI classes with
// ";binary" certificates and CRLs, RFC 2256 dmd, the PKCS #9 email type and
// core.schema's 'fax' name. lightdir answered invalidAttributeSyntax (21,
// unknown object class), undefinedAttributeType (17) or invalidDNSyntax (34,
// dmdName in the DN) to them, and matched ipHostNumber substrings.
func TestAdd_debianDefaultSchemaWithoutSchemaFiles(t *testing.T) {
	b := peopleFixture(t)
	ctx := context.Background()
	cert, crl := testCertAndCRL(t)
	const people = "ou=people,dc=example,dc=com"
	cases := []struct {
		dn    string
		lines []string
	}{
		{"cn=web," + people, []string{"objectClass: person", "objectClass: labeledURIObject", "cn: web", "sn: w", "labeledURI: https://example.com/ Home"}},
		{"uid=pilot," + people, []string{"objectClass: pilotPerson", "uid: pilot", "cn: pilot", "sn: p", "textEncodedORAddress: c=xx;a= ;p=example",
			"janetMailbox: pilot@example.ac.uk", "mailPreferenceOption: 2", "favouriteDrink: tea", "otherMailbox: internet$pilot@example.com",
			"personalSignature: sig"}},
		{"cn=np," + people, []string{"objectClass: newPilotPerson", "cn: np", "sn: n"}},
		{"dc=dns,dc=example,dc=com", []string{"objectClass: dNSDomain", "dc: dns", "aRecord: 192.0.2.1", "mXRecord: 10 mail.example.com",
			"nSRecord: ns1.example.com", "sOARecord: ns1.example.com. hostmaster.example.com. 1 3600 600 86400 60", "cNAMERecord: www.example.com", "mDRecord: md.example.com"}},
		{"uid=cert," + people, []string{"objectClass: inetOrgPerson", "objectClass: pkiUser", "objectClass: strongAuthenticationUser",
			"uid: cert", "cn: cert", "sn: c", "userCertificate;binary: " + string(cert)}},
		{"cn=ca," + people, []string{"objectClass: applicationProcess", "objectClass: certificationAuthority-V2", "objectClass: pkiCA", "cn: ca",
			"cACertificate;binary: " + string(cert), "certificateRevocationList;binary: " + string(crl),
			"authorityRevocationList;binary: " + string(crl), "deltaRevocationList;binary: " + string(crl)}},
		{"cn=cdp," + people, []string{"objectClass: cRLDistributionPoint", "objectClass: deltaCRL", "cn: cdp", "certificateRevocationList;binary: " + string(crl)}},
		{"cn=mailer," + people, []string{"objectClass: person", "objectClass: extensibleObject", "cn: mailer", "sn: m", "email: mailer@example.com",
			"pseudonym: mm", "fax: +1 555 0199"}},
		{"dmdName=d1,dc=example,dc=com", []string{"objectClass: dmd", "dmdName: d1"}},
		{"cn=host," + people, []string{"objectClass: device", "objectClass: ipHost", "cn: host", "ipHostNumber: 192.0.2.7"}},
	}
	for _, c := range cases {
		if _, err := b.Add(ctx, addReq(t, c.dn, c.lines...)); err != nil {
			t.Errorf("add %s: %v", c.dn, err)
		}
	}
	for filter, want := range map[string]int{
		"(objectClass=pilotPerson)":         2,
		"(objectClass=newPilotPerson)":      2,
		"(aRecord=192.0.2.1)":               1,
		"(emailAddress=MAILER@example.com)": 1,
		"(facsimileTelephoneNumber=*)":      1,
		"(objectClass=labeledURIObject)":    1,
		// RFC 2307 ipHostNumber: IA5 with case-insensitive equality and no
		// substrings rule, so a substring filter is Undefined.
		"(ipHostNumber=192.0.2.7)": 1,
		"(ipHostNumber=192.0.2.*)": 0,
	} {
		c, err := doSearch(t, b, "dc=example,dc=com", ldapserver.ScopeSubtree, filter, "1.1")
		if err != nil || len(c.entries) != want {
			t.Errorf("search %s: %d entries (%v), want %d", filter, len(c.entries), err, want)
		}
	}
}

// TestImport_glueEntry: a slapcat of a partial replica holds glue entries
// (slapd's structural class for ancestors it has no data for), which hold
// no RDN values; they import as slapadd takes them: nothing adds the RDN
// values, and other attributes still need a class that allows them.
func TestImport_glueEntry(t *testing.T) {
	glue := baseLDIF + "dn: ou=glued,dc=example,dc=com\nobjectClass: top\nobjectClass: glue\nstructuralObjectClass: glue\n"
	in := glue + "\ndn: cn=x,ou=glued,dc=example,dc=com\nobjectClass: person\ncn: x\nsn: x\n"
	if _, err := Import(testOptions(t), strings.NewReader(in), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(testOptions(t), strings.NewReader(glue+"ou: glued\n"), ImportOptions{}); !errors.Is(err, ErrBadEntry) {
		t.Fatalf("glue entry holding ou: %v, want refused as slapadd refuses it", err)
	}
}
