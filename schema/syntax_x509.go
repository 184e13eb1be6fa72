package schema

// Validators for the X.509 syntaxes of RFC 4523, which travel as DER
// (";binary"). They check the outline of the structure as slapd's
// certificateValidate, certificateListValidate and sequenceValidate do:
// the tags and lengths of the top-level fields, not their contents.

// Tags as liblber returns them (the identifier octets, big-endian).
const (
	derInteger         = 0x02
	derBitString       = 0x03
	derSequence        = 0x30
	derUTCTime         = 0x17
	derGeneralizedTime = 0x18
	derContext0        = 0xa0 // [0] constructed: version, crlExtensions
	derContext1        = 0x81 // [1] IMPLICIT primitive: issuerUniqueID
	derContext2        = 0x82 // [2] IMPLICIT primitive: subjectUniqueID
	derContext3        = 0xa3 // [3] constructed: extensions
	derNoTag           = ^uint64(0)
)

// derReader walks BER/DER elements as liblber's ber_skip_tag,
// ber_peek_tag and ber_skip_data do.
type derReader struct {
	b []byte
	p int
}

// element reads the tag and length at the reader's position and returns
// them with the position of the contents; derNoTag when there is no
// complete header or the contents would run past the end (lengths of the
// indefinite form or of more than 8 octets included).
func (r *derReader) element() (tag uint64, n, at int) {
	p := r.p
	if p >= len(r.b) {
		return derNoTag, 0, p
	}
	tag = uint64(r.b[p])
	p++
	if tag&0x1f == 0x1f { // high tag number form
		for i := 1; ; i++ {
			if i == 8 || p >= len(r.b) {
				return derNoTag, 0, p
			}
			tag = tag<<8 | uint64(r.b[p])
			p++
			if r.b[p-1]&0x80 == 0 {
				break
			}
		}
	}
	if p >= len(r.b) {
		return derNoTag, 0, p
	}
	l := uint64(r.b[p])
	p++
	if l&0x80 != 0 {
		k := int(l & 0x7f)
		if k == 0 || k > 8 || len(r.b)-p < k {
			return derNoTag, 0, p
		}
		l = 0
		for ; k > 0; k-- {
			l = l<<8 | uint64(r.b[p])
			p++
		}
	}
	if l > uint64(len(r.b)-p) {
		return derNoTag, 0, p
	}
	return tag, int(l), p
}

// skipTag enters the element at the position (the reader moves to its
// contents) and returns its tag and length.
func (r *derReader) skipTag() (uint64, int) {
	tag, n, at := r.element()
	if tag != derNoTag {
		r.p = at
	}
	return tag, n
}

// peekTag returns the tag and length of the element at the position.
func (r *derReader) peekTag() (uint64, int) {
	tag, n, _ := r.element()
	return tag, n
}

func (r *derReader) skipData(n int) { r.p += n }

// getInt reads an INTEGER element of at most 4 octets (ber_get_int).
func (r *derReader) getInt() (int32, bool) {
	tag, n := r.skipTag()
	if tag != derInteger || n > 4 {
		return 0, false
	}
	var v int32
	for i := 0; i < n; i++ {
		b := r.b[r.p+i]
		if i == 0 && b&0x80 != 0 {
			v = -1
		}
		v = v<<8 | int32(b)
	}
	r.skipData(n)
	return v, true
}

// atEnd reports whether nothing follows the position.
func (r *derReader) atEnd() bool { return r.p == len(r.b) }

// validCertificate: Certificate (RFC 5280 §4.1), outline as slapd checks it.
func validCertificate(_ *Registry, v []byte) bool {
	r := &derReader{b: v}
	if tag, _ := r.skipTag(); tag != derSequence { // signed wrapper
		return false
	}
	if tag, _ := r.skipTag(); tag != derSequence { // tbsCertificate
		return false
	}
	version := int32(0) // v1
	if tag, _ := r.peekTag(); tag == derContext0 {
		r.skipTag()
		var ok bool
		if version, ok = r.getInt(); !ok {
			return false
		}
	}
	tag, n := r.skipTag() // serialNumber
	if tag != derInteger {
		return false
	}
	r.skipData(n)
	// signature, issuer, validity, subject, subjectPublicKeyInfo
	for range 5 {
		tag, n := r.skipTag()
		if tag != derSequence {
			return false
		}
		r.skipData(n)
	}
	tag, n = r.skipTag()
	if tag == derContext1 { // issuerUniqueID
		if version < 1 {
			return false
		}
		r.skipData(n)
		tag, n = r.skipTag()
	}
	if tag == derContext2 { // subjectUniqueID
		if version < 1 {
			return false
		}
		r.skipData(n)
		tag, n = r.skipTag()
	}
	if tag == derContext3 { // extensions
		if version < 2 {
			return false
		}
		if tag, n = r.skipTag(); tag != derSequence {
			return false
		}
		r.skipData(n)
		tag, n = r.skipTag()
	}
	if tag != derSequence { // signatureAlgorithm
		return false
	}
	r.skipData(n)
	if tag, n = r.skipTag(); tag != derBitString { // signatureValue
		return false
	}
	r.skipData(n)
	return r.atEnd()
}

// validCertificateList: CertificateList (RFC 5280 §5.1), outline as slapd
// checks it.
func validCertificateList(_ *Registry, v []byte) bool {
	r := &derReader{b: v}
	tag, wrapperLen := r.skipTag() // signed wrapper
	if tag != derSequence {
		return false
	}
	wrapperEnd := r.p + wrapperLen
	if tag, _ := r.skipTag(); tag != derSequence { // tbsCertList
		return false
	}
	version := int32(0) // v1
	if tag, _ := r.peekTag(); tag == derInteger {
		version, _ = r.getInt()
		if version != 1 {
			return false
		}
	}
	tag, n := r.skipTag() // signature
	if tag != derSequence {
		return false
	}
	r.skipData(n)
	if tag, n = r.skipTag(); tag != derSequence { // issuer
		return false
	}
	r.skipData(n)
	if tag, n = r.skipTag(); tag != derUTCTime && tag != derGeneralizedTime { // thisUpdate
		return false
	}
	r.skipData(n)
	tag, n = r.skipTag()
	if tag == derUTCTime || tag == derGeneralizedTime { // nextUpdate
		r.skipData(n)
		tag, n = r.skipTag()
	}
	if tag == derSequence { // revokedCertificates, or already signatureAlgorithm
		if inner, _ := r.peekTag(); inner == derSequence || n == 0 {
			r.skipData(n)
			tag, n = r.skipTag()
		}
	}
	if tag == derContext0 { // crlExtensions
		if version != 1 {
			return false
		}
		if inner, _ := r.peekTag(); inner != derSequence {
			return false
		}
		r.skipData(n)
		tag, n = r.skipTag()
	}
	if tag != derSequence { // signatureAlgorithm
		return false
	}
	r.skipData(n)
	if tag, n = r.skipTag(); tag != derBitString { // signatureValue
		return false
	}
	r.skipData(n)
	// slapd tolerates bytes after a complete list (as OpenSSL does).
	return r.atEnd() || r.p == wrapperEnd
}

// validSequence: Certificate Pair, as slapd's sequenceValidate: a
// SEQUENCE of at least a header.
func validSequence(_ *Registry, v []byte) bool {
	return len(v) >= 2 && v[0] == derSequence
}
