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

// peekTag returns the tag of the element at the position.
func (r *derReader) peekTag() uint64 {
	tag, _, _ := r.element()
	return tag
}

func (r *derReader) skipData(n int) { r.p += n }

// skip passes over the whole element at the position, which must have the
// tag want.
func (r *derReader) skip(want uint64) bool {
	tag, n := r.skipTag()
	r.skipData(n)
	return tag == want
}

// enter moves into the contents of the element at the position, which must
// have the tag want.
func (r *derReader) enter(want uint64) bool {
	tag, _ := r.skipTag()
	return tag == want
}

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

// signature passes over what ends both signed structures:
// signatureAlgorithm, signatureValue.
func (r *derReader) signature() bool {
	return r.skip(derSequence) && r.skip(derBitString)
}

// validCertificate: Certificate (RFC 5280 §4.1), outline as slapd checks it.
func validCertificate(_ *Registry, v []byte) bool {
	r := &derReader{b: v}
	if !r.enter(derSequence) || !r.enter(derSequence) { // signed wrapper, tbsCertificate
		return false
	}
	version := int32(0) // v1
	if r.peekTag() == derContext0 {
		r.skipTag()
		var ok bool
		if version, ok = r.getInt(); !ok {
			return false
		}
	}
	if !r.skip(derInteger) { // serialNumber
		return false
	}
	// signature, issuer, validity, subject, subjectPublicKeyInfo
	for range 5 {
		if !r.skip(derSequence) {
			return false
		}
	}
	if r.peekTag() == derContext1 { // issuerUniqueID (v2 on)
		if version < 1 || !r.skip(derContext1) {
			return false
		}
	}
	if r.peekTag() == derContext2 { // subjectUniqueID (v2 on)
		if version < 1 || !r.skip(derContext2) {
			return false
		}
	}
	if r.peekTag() == derContext3 { // extensions (v3)
		if version < 2 || !r.enter(derContext3) || !r.skip(derSequence) {
			return false
		}
	}
	return r.signature() && r.atEnd()
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
	if !r.enter(derSequence) { // tbsCertList
		return false
	}
	version := int32(0) // v1
	if r.peekTag() == derInteger {
		version, _ = r.getInt()
		if version != 1 {
			return false
		}
	}
	if !r.skip(derSequence) || !r.skip(derSequence) { // signature, issuer
		return false
	}
	isTime := func(tag uint64) bool { return tag == derUTCTime || tag == derGeneralizedTime }
	if tag := r.peekTag(); !isTime(tag) || !r.skip(tag) { // thisUpdate
		return false
	}
	if tag := r.peekTag(); isTime(tag) { // nextUpdate
		r.skip(tag)
	}
	if r.peekTag() == derSequence { // revokedCertificates, or already signatureAlgorithm
		p := r.p
		_, n := r.skipTag()
		if inner := r.peekTag(); inner == derSequence || n == 0 {
			r.skipData(n)
		} else {
			r.p = p
		}
	}
	if r.peekTag() == derContext0 { // crlExtensions
		_, n := r.skipTag()
		if version != 1 || r.peekTag() != derSequence {
			return false
		}
		r.skipData(n)
	}
	// slapd tolerates bytes after a complete list (as OpenSSL does).
	return r.signature() && (r.atEnd() || r.p == wrapperEnd)
}

// validSequence: Certificate Pair, as slapd's sequenceValidate: a
// SEQUENCE of at least a header.
func validSequence(_ *Registry, v []byte) bool {
	return len(v) >= 2 && v[0] == derSequence
}
