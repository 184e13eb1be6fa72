package ldapserver

import "fmt"

// This file holds the small BER toolkit the server needs around goldap: framing,
// splitting the LDAPMessage envelope, decoding control and extended-operation values
// (which goldap leaves opaque) and encoding every response. Only definite lengths are
// accepted, as RFC 4511 §5.1 requires.

// BER identifier octets used by the server.
const (
	berBoolean     = 0x01
	berInteger     = 0x02
	berOctetString = 0x04
	berEnumerated  = 0x0a
	berSequence    = 0x30
	berSet         = 0x31

	berClassContext     = 0x80
	berClassApplication = 0x40
	berConstructed      = 0x20
)

// berElem is one decoded TLV. Content aliases the decoded buffer.
type berElem struct {
	Tag     byte // identifier octet; only low-tag-number form is accepted
	Content []byte
}

func (e berElem) constructed() bool { return e.Tag&berConstructed != 0 }

// berReader walks a sequence of TLVs in a buffer.
type berReader struct {
	buf []byte
	off int
}

func (r *berReader) more() bool { return r.off < len(r.buf) }

// peekTag returns the next identifier octet, or 0 at the end.
func (r *berReader) peekTag() byte {
	if r.off >= len(r.buf) {
		return 0
	}
	return r.buf[r.off]
}

// next reads one TLV. It also returns the offset where the element started.
func (r *berReader) next() (berElem, error) {
	tag, length, hdr, err := berHeader(r.buf[r.off:])
	if err != nil {
		return berElem{}, err
	}
	start := r.off + hdr
	if length > len(r.buf)-start {
		return berElem{}, fmt.Errorf("%w: element of %d bytes truncated at %d", errBER, length, len(r.buf)-start)
	}
	r.off = start + length
	return berElem{Tag: tag, Content: r.buf[start:r.off]}, nil
}

// expect reads one TLV and checks its tag.
func (r *berReader) expect(tag byte) (berElem, error) {
	e, err := r.next()
	if err != nil {
		return e, err
	}
	if e.Tag != tag {
		return e, fmt.Errorf("%w: tag %#x, want %#x", errBER, e.Tag, tag)
	}
	return e, nil
}

// berHeader decodes an identifier and a definite length. hdr is the header size.
func berHeader(b []byte) (tag byte, length, hdr int, err error) {
	if len(b) < 2 {
		return 0, 0, 0, fmt.Errorf("%w: truncated header", errBER)
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return 0, 0, 0, fmt.Errorf("%w: high tag numbers are not used by LDAP", errBER)
	}
	l := b[1]
	if l < 0x80 {
		return tag, int(l), 2, nil
	}
	n := int(l & 0x7f)
	if n == 0 {
		return 0, 0, 0, fmt.Errorf("%w: indefinite length", errBER)
	}
	if n > 4 {
		return 0, 0, 0, fmt.Errorf("%w: length of %d octets", errBER, n)
	}
	if len(b) < 2+n {
		return 0, 0, 0, fmt.Errorf("%w: truncated length", errBER)
	}
	for i := 0; i < n; i++ {
		length = length<<8 | int(b[2+i])
	}
	if length < 0 || length > 1<<31-1 {
		return 0, 0, 0, fmt.Errorf("%w: length overflow", errBER)
	}
	return tag, length, 2 + n, nil
}

// berInt decodes a two's-complement INTEGER or ENUMERATED content that fits in 32 bits.
func berInt(c []byte) (int64, error) {
	if len(c) == 0 || len(c) > 5 {
		return 0, fmt.Errorf("%w: integer of %d octets", errBER, len(c))
	}
	v := int64(int8(c[0]))
	for _, b := range c[1:] {
		v = v<<8 | int64(b)
	}
	if v < -1<<31 || v > 1<<31-1 {
		return 0, fmt.Errorf("%w: integer out of range", errBER)
	}
	return v, nil
}

// berBool decodes a BOOLEAN content: any non-zero octet is TRUE (X.690 §8.2.2).
func berBool(c []byte) (bool, error) {
	if len(c) != 1 {
		return false, fmt.Errorf("%w: boolean of %d octets", errBER, len(c))
	}
	return c[0] != 0, nil
}

// berNormalize walks BER elements recursively, checks that every nested
// length is consistent and makes universal BOOLEAN TRUE values 0xFF in place,
// because goldap insists on DER booleans while BER allows any non-zero octet.
// With w non-nil it also appends the elements to w with every length in its
// minimal form: goldap rejects long-form lengths with leading zero octets
// ("superfluous leading zeros in length"), which BER allows (X.690 §8.1.3.2)
// and clients such as Windows' wldap32 send. depth bounds recursion on
// hostile input.
func berNormalize(b []byte, depth int, w *berBuf) error {
	if depth > 64 {
		return fmt.Errorf("%w: nesting too deep", errBER)
	}
	r := berReader{buf: b}
	for r.more() {
		e, err := r.next()
		if err != nil {
			return err
		}
		switch {
		case e.Tag == berBoolean:
			if len(e.Content) != 1 {
				return fmt.Errorf("%w: boolean of %d octets", errBER, len(e.Content))
			}
			if e.Content[0] != 0 {
				e.Content[0] = 0xff
			}
		case e.constructed():
			var start int
			if w != nil {
				start = w.begin(e.Tag)
			}
			if err := berNormalize(e.Content, depth+1, w); err != nil {
				return err
			}
			if w != nil {
				w.end(start)
			}
			continue
		}
		if w != nil {
			w.bytes(e.Tag, e.Content)
		}
	}
	return nil
}

// berBuf appends BER encodings. Constructed elements are written with begin/end:
// begin reserves a 4-octet long-form length, end patches it and, when the content is
// short, shifts it down so the output is in minimal form.
type berBuf struct {
	b []byte
}

func (w *berBuf) begin(tag byte) int {
	w.b = append(w.b, tag, 0, 0, 0, 0)
	return len(w.b)
}

func (w *berBuf) end(start int) {
	n := len(w.b) - start
	switch {
	case n < 0x80:
		w.b[start-4] = byte(n)
		copy(w.b[start-3:], w.b[start:])
		w.b = w.b[:len(w.b)-3]
	case n <= 0xff:
		w.b[start-4] = 0x81
		w.b[start-3] = byte(n)
		copy(w.b[start-2:], w.b[start:])
		w.b = w.b[:len(w.b)-2]
	case n <= 0xffff:
		w.b[start-4] = 0x82
		w.b[start-3] = byte(n >> 8)
		w.b[start-2] = byte(n)
		copy(w.b[start-1:], w.b[start:])
		w.b = w.b[:len(w.b)-1]
	case n <= 0xffffff:
		w.b[start-4] = 0x83
		w.b[start-3] = byte(n >> 16)
		w.b[start-2] = byte(n >> 8)
		w.b[start-1] = byte(n)
	default:
		// 0x84 and four length octets: one more than begin reserved.
		w.b = append(w.b, 0)
		copy(w.b[start+1:], w.b[start:])
		w.b[start-4] = 0x84
		w.b[start-3] = byte(n >> 24)
		w.b[start-2] = byte(n >> 16)
		w.b[start-1] = byte(n >> 8)
		w.b[start] = byte(n)
	}
}

func (w *berBuf) length(n int) {
	switch {
	case n < 0x80:
		w.b = append(w.b, byte(n))
	case n <= 0xff:
		w.b = append(w.b, 0x81, byte(n))
	case n <= 0xffff:
		w.b = append(w.b, 0x82, byte(n>>8), byte(n))
	case n <= 0xffffff:
		w.b = append(w.b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		w.b = append(w.b, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func (w *berBuf) bytes(tag byte, v []byte) {
	w.b = append(w.b, tag)
	w.length(len(v))
	w.b = append(w.b, v...)
}

func (w *berBuf) string(tag byte, v string) {
	w.b = append(w.b, tag)
	w.length(len(v))
	w.b = append(w.b, v...)
}

func (w *berBuf) int(tag byte, v int64) {
	n := 1
	for n < 8 && (v>>(8*n-1) != 0 && v>>(8*n-1) != -1) {
		n++
	}
	w.b = append(w.b, tag, byte(n))
	for i := n - 1; i >= 0; i-- {
		w.b = append(w.b, byte(v>>(8*i)))
	}
}

func (w *berBuf) bool(tag byte, v bool) {
	if v {
		w.b = append(w.b, tag, 1, 0xff)
	} else {
		w.b = append(w.b, tag, 1, 0)
	}
}
