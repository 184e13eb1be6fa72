package ldapserver

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"strings"

	"lightdir/schema"
)

// certATV is one AttributeTypeAndValue of a certificate's subject, with the value
// kept as BER for the RFC 4514 hex form.
type certATV struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

// certRDNSET is a RelativeDistinguishedName (asn1 decodes a type named *SET as a SET OF).
type certRDNSET []certATV

// certAttrNames are the attribute type names of RFC 4514 §3, plus a few more that
// X.509 subjects carry and the built-in schema defines, by OID. Other types are
// written as numeric OIDs with a hex value, which every LDAP DN parser accepts.
var certAttrNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.6":                    "C",
	"2.5.4.9":                    "STREET",
	"0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1":  "UID",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.4":                    "SN",
	"2.5.4.42":                   "GN",
	"2.5.4.12":                   "title",
	"2.5.4.17":                   "postalCode",
}

// certSubjectDN returns the RFC 4514 string of a certificate's subject: its RDNs
// in the certificate's own order (most specific first, as LDAP writes DNs), known
// attribute types by name with string values, others as numeric OIDs with the
// hex-encoded BER value (RFC 4514 §2.4). This is the SASL EXTERNAL identity of a
// TLS client, as slapd derives it.
func certSubjectDN(cert *x509.Certificate) string {
	var seq []certRDNSET
	if rest, err := asn1.Unmarshal(cert.RawSubject, &seq); err != nil || len(rest) > 0 {
		return cert.Subject.String()
	}
	var b strings.Builder
	for i := len(seq) - 1; i >= 0; i-- {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		for j, atv := range seq[i] {
			if j > 0 {
				b.WriteByte('+')
			}
			oid := atv.Type.String()
			// Unmarshal into a string takes only the universal string types.
			var s string
			if name, ok := certAttrNames[oid]; ok {
				if _, err := asn1.Unmarshal(atv.Value.FullBytes, &s); err == nil {
					b.WriteString(name)
					b.WriteByte('=')
					b.WriteString(schema.EscapeDNValue(s))
					continue
				}
			}
			b.WriteString(oid)
			b.WriteString("=#")
			b.WriteString(hex.EncodeToString(atv.Value.FullBytes))
		}
	}
	return b.String()
}
