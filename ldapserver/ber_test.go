package ldapserver

import (
	"bytes"
	"errors"
	"testing"
)

// TestBerBuf_lengths: begin/end and length produce minimal definite lengths that
// berHeader reads back, across every length-form boundary.
func TestBerBuf_lengths(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 65536, 1 << 20} {
		content := bytes.Repeat([]byte{'x'}, n)
		var a, b berBuf
		s := a.begin(berSequence)
		a.b = append(a.b, content...)
		a.end(s)
		b.bytes(berSequence, content)
		if !bytes.Equal(a.b, b.b) {
			t.Fatalf("n=%d: begin/end %x... differs from bytes %x...", n, a.b[:6], b.b[:6])
		}
		tag, length, hdr, err := berHeader(a.b)
		if err != nil || tag != berSequence || length != n || hdr+n != len(a.b) {
			t.Fatalf("n=%d: header %x %d %d %v", n, tag, length, hdr, err)
		}
		wantHdr := map[bool]int{true: 2}[n < 128]
		if wantHdr != 0 && hdr != wantHdr {
			t.Fatalf("n=%d: header of %d bytes, want 2", n, hdr)
		}
	}
}

// TestBerBuf_int: integers encode in minimal two's complement and decode back.
func TestBerBuf_int(t *testing.T) {
	tests := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0}}, {1, []byte{1}}, {127, []byte{0x7f}}, {128, []byte{0, 0x80}},
		{-1, []byte{0xff}}, {-128, []byte{0x80}}, {-129, []byte{0xff, 0x7f}},
		{2147483647, []byte{0x7f, 0xff, 0xff, 0xff}}, {16654, []byte{0x41, 0x0e}},
	}
	for _, tt := range tests {
		var w berBuf
		w.int(berInteger, tt.v)
		if !bytes.Equal(w.b[2:], tt.want) || int(w.b[1]) != len(tt.want) {
			t.Errorf("%d encoded as %x, want %x", tt.v, w.b, tt.want)
		}
		got, err := berInt(w.b[2:])
		if err != nil || got != tt.v {
			t.Errorf("%d decoded as %d, %v", tt.v, got, err)
		}
	}
	if _, err := berInt([]byte{1, 0, 0, 0, 0}); err == nil {
		t.Error("2^32 accepted")
	}
	if _, err := berInt(nil); err == nil {
		t.Error("empty integer accepted")
	}
}

// TestBerHeader_invalid: malformed headers are errBER.
func TestBerHeader_invalid(t *testing.T) {
	for _, b := range [][]byte{{}, {0x30}, {0x30, 0x80}, {0x30, 0x85, 1, 1, 1, 1, 1}, {0x30, 0x82, 0x01}, {0x1f, 0x01}} {
		if _, _, _, err := berHeader(b); !errors.Is(err, errBER) {
			t.Errorf("%x: %v, want errBER", b, err)
		}
	}
}

// TestDecodeControls_table: control values decode into our types; bad values are
// protocolError, unknown critical ones unavailableCriticalExtension.
func TestDecodeControls_table(t *testing.T) {
	sortVal := []byte{0x30, 0x0a, 0x30, 0x08, 0x04, 0x02, 's', 'n', 0x81, 0x02, 0x01, 0xff}[:0]
	{
		var w berBuf
		s := w.begin(berSequence)
		k := w.begin(berSequence)
		w.string(berOctetString, "sn")
		w.string(berClassContext|0, "caseIgnoreOrderingMatch")
		w.bool(berClassContext|1, true)
		w.end(k)
		w.end(s)
		sortVal = w.b
	}
	tests := []struct {
		name  string
		raw   rawControl
		sc    controlScope
		code  ResultCode
		check func(Controls) bool
	}{
		{"paged", rawControl{OIDPagedResults, true, encodePagedValue(&PagedResults{Size: 5, Cookie: []byte("k")})}, scSearch, Success,
			func(c Controls) bool { return c.Paged.Size == 5 && string(c.Paged.Cookie) == "k" }},
		{"paged bad", rawControl{OIDPagedResults, true, []byte{0x30, 0x00}}, scSearch, ProtocolError, nil},
		{"sort", rawControl{OIDSortRequest, true, sortVal}, scSearch, Success,
			func(c Controls) bool {
				k := c.Sort.Keys[0]
				return c.Sort.Critical && k.Attr == "sn" && k.OrderingRule == "caseIgnoreOrderingMatch" && k.Reverse
			}},
		{"sort empty", rawControl{OIDSortRequest, false, []byte{0x30, 0x00}}, scSearch, ProtocolError, nil},
		{"pre-read", rawControl{OIDPreRead, false, []byte{0x30, 0x04, 0x04, 0x02, 'c', 'n'}}, scModify, Success,
			func(c Controls) bool { return len(c.PreRead.Attributes) == 1 && c.PreRead.Attributes[0] == "cn" }},
		{"assertion", rawControl{OIDAssertion, true, presentFilter("cn")}, scModify, Success,
			func(c Controls) bool { return c.Assertion.Attr == "cn" }},
		{"manageDsaIT with value", rawControl{OIDManageDsaIT, false, []byte{1}}, scSearch, ProtocolError, nil},
		{"proxy", rawControl{OIDProxiedAuthz, true, []byte("dn:cn=x")}, scSearch, Success,
			func(c Controls) bool { return c.ProxiedAuthz.AuthzID == "dn:cn=x" }},
		{"unknown critical", rawControl{"1.2.3", true, nil}, scSearch, UnavailableCriticalExtension, nil},
		{"unknown", rawControl{"1.2.3", false, nil}, scSearch, Success, func(c Controls) bool { return true }},
		{"inapplicable critical", rawControl{OIDSubtreeDelete, true, nil}, scSearch, UnavailableCriticalExtension, nil},
		{"inapplicable ignored", rawControl{OIDSubtreeDelete, false, nil}, scSearch, Success,
			func(c Controls) bool { return !c.SubtreeDelete }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := decodeControls([]rawControl{tt.raw}, tt.sc)
			if got := resultFor(err).Code; got != tt.code {
				t.Fatalf("code %v, want %v (%v)", got, tt.code, err)
			}
			if tt.check != nil && !tt.check(cs) {
				t.Fatalf("decoded %+v", cs)
			}
		})
	}
}

// TestDecodeFilter_table: BER filters decode to schema.Filter, printed in RFC 4515.
func TestDecodeFilter_table(t *testing.T) {
	var ext berBuf
	e := ext.begin(tagFilterExtensible)
	ext.string(berClassContext|2, "cn")
	ext.string(berClassContext|3, "x")
	ext.end(e)
	var sub berBuf
	s := sub.begin(tagFilterSubstrings)
	sub.string(berOctetString, "cn")
	q := sub.begin(berSequence)
	sub.string(berClassContext|1, "b")
	sub.string(berClassContext|2, "c")
	sub.end(q)
	sub.end(s)
	var bad berBuf
	s = bad.begin(tagFilterSubstrings)
	bad.string(berOctetString, "cn")
	q = bad.begin(berSequence)
	bad.string(berClassContext|2, "c")
	bad.string(berClassContext|0, "a")
	bad.end(q)
	bad.end(s)
	ava := func(tag byte, attr, val string) []byte {
		var w berBuf
		s := w.begin(tag)
		w.string(berOctetString, attr)
		w.string(berOctetString, val)
		w.end(s)
		return w.b
	}
	tests := []struct {
		in   []byte
		want string // "" means an error is expected
	}{
		{presentFilter("objectClass"), "(objectClass=*)"},
		{ava(tagFilterEquality, "uid", "alice"), "(uid=alice)"},
		{ava(tagFilterGE, "uidNumber", "10"), "(uidNumber>=10)"},
		{ava(tagFilterLE, "uidNumber", "20"), "(uidNumber<=20)"},
		{ava(tagFilterApprox, "cn", "bob"), "(cn~=bob)"},
		{ava(tagFilterEquality, "", "x"), ""},
		{ext.b, "(cn:=x)"},
		{sub.b, "(cn=*b*c)"},
		{[]byte{0xa0, 0x00}, "(&)"},
		{[]byte{0xa1, 0x00}, "(|)"},
		{bad.b, ""},
		{[]byte{0xa2, 0x00}, ""},
		{[]byte{0x87, 0x00}, ""},
		{[]byte{0xa3, 0x02, 0x04, 0x00}, ""},
		{bytes.Repeat([]byte{0xa2, 0x02}, 100), ""},
	}
	for _, tt := range tests {
		f, err := decodeFilterBER(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%x decoded to %v, want an error", tt.in, f)
		case tt.want != "" && err != nil:
			t.Errorf("%x: %v", tt.in, err)
		case tt.want != "" && f.String() != tt.want:
			t.Errorf("%x decoded to %v, want %s", tt.in, f, tt.want)
		}
	}
}

// TestEffectiveLimit: the smaller non-zero limit wins.
func TestEffectiveLimit(t *testing.T) {
	for _, tt := range [][3]int{{0, 500, 500}, {10, 500, 10}, {1000, 500, 500}, {10, 0, 10}, {0, -1, 0}, {7, -1, 7}} {
		if got := effectiveLimit(tt[0], tt[1]); got != tt[2] {
			t.Errorf("effectiveLimit(%d, %d) = %d, want %d", tt[0], tt[1], got, tt[2])
		}
	}
}
