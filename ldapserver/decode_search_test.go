package ldapserver

import (
	"errors"
	"slices"
	"testing"

	"github.com/lor00x/goldap/message"
)

// searchContent builds a SearchRequest content with every field chosen.
func searchContent(base string, scope, deref, size, limit int64, typesOnly bool, filter []byte, attrs ...string) []byte {
	var w berBuf
	w.string(berOctetString, base)
	w.int(berEnumerated, scope)
	w.int(berEnumerated, deref)
	w.int(berInteger, size)
	w.int(berInteger, limit)
	w.bool(berBoolean, typesOnly)
	w.b = append(w.b, filter...)
	a := w.begin(berSequence)
	for _, at := range attrs {
		w.string(berOctetString, at)
	}
	w.end(a)
	return w.b
}

// searchPDU wraps a SearchRequest content in an LDAPMessage.
func searchPDU(content []byte) []byte {
	var w berBuf
	w.bytes(tagSearchRequest, content)
	return msg(5, w.b)
}

// TestDecodeSearch_fields: every field of a search request decodes, and a search
// frame carries it, including the subordinate scope and an empty selection.
func TestDecodeSearch_fields(t *testing.T) {
	var scratch []byte
	f, err := decodeFrame(searchPDU(searchContent("ou=people,dc=example,dc=com", 3, 2, 10, 30, true,
		presentFilter("cn"), "cn", "+")), &scratch)
	if err != nil {
		t.Fatal(err)
	}
	s := f.search
	if f.kind != opSearch || f.id != 5 || s.base != "ou=people,dc=example,dc=com" || s.scope != ScopeSubordinate ||
		s.deref != DerefFindingBaseObj || s.sizeLimit != 10 || s.timeLimit != 30 || !s.typesOnly ||
		s.filter.String() != "(cn=*)" || !slices.Equal(s.attrs, []string{"cn", "+"}) {
		t.Fatalf("decoded %v %+v", f.kind, s)
	}
	s, err = decodeSearch(searchContent("", 0, 0, 0, 0, false, presentFilter("objectClass")))
	if err != nil || s.attrs != nil || s.typesOnly || s.base != "" {
		t.Fatalf("decoded %+v, %v", s, err)
	}
}

// TestDecodeSearch_matchesGoldap: on requests goldap can read, the search decoder
// that replaced it yields the same fields.
func TestDecodeSearch_matchesGoldap(t *testing.T) {
	tests := [][]byte{
		searchContent("dc=example,dc=com", 2, 0, 0, 0, false, presentFilter("objectClass")),
		searchContent("", 0, 3, 1<<31-1, 1<<31-1, true, presentFilter("x"), "a", "b", "*"),
		searchContent("uid=\xc3\xa9,ou=p", 1, 1, 128, 65536, false, presentFilter("uid"), ""),
	}
	for _, c := range tests {
		ours, err := decodeSearch(c)
		if err != nil {
			t.Fatalf("%x: %v", c, err)
		}
		m, err := goldapRead(searchPDU(c))
		if err != nil {
			t.Fatalf("%x: goldap: %v", c, err)
		}
		g := m.ProtocolOp().(message.SearchRequest)
		var gattrs []string
		for _, a := range g.Attributes() {
			gattrs = append(gattrs, string(a))
		}
		if ours.base != string(g.BaseObject()) || int(ours.scope) != int(g.Scope()) ||
			int(ours.deref) != int(g.DerefAliases()) || ours.sizeLimit != int(g.SizeLimit()) ||
			ours.timeLimit != int(g.TimeLimit()) || ours.typesOnly != bool(g.TypesOnly()) ||
			!slices.Equal(ours.attrs, gattrs) {
			t.Errorf("%x: ours %+v, goldap %+v", c, ours, g)
		}
	}
}

// TestDecodeSearch_outOfRange: a scope, deref or limit out of its range in
// well-formed BER decodes, naming the field, so that the search alone is
// answered protocolError (as slapd does) and the session goes on.
func TestDecodeSearch_outOfRange(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want string
	}{
		{searchContent("o=x", 4, 0, 0, 0, false, presentFilter("cn")), "invalid scope"},
		{searchContent("o=x", 2, 4, 0, 0, false, presentFilter("cn")), "invalid deref"},
		{searchContent("o=x", 2, 0, -1, 0, false, presentFilter("cn")), "invalid size limit"},
		{searchContent("o=x", 2, 0, 0, -1, false, presentFilter("cn")), "invalid time limit"},
		{searchContent("o=x", -1, 0, 0, -1, false, presentFilter("cn")), "invalid scope"},
	} {
		s, err := decodeSearch(tt.in)
		if err != nil || s.invalid != tt.want {
			t.Errorf("%x: invalid %q, %v; want %q", tt.in, s.invalid, err, tt.want)
		}
	}
}

// TestDecodeSearch_malformed: every field is checked; errors wrap errBER, and the
// frame decoder turns them into ErrMalformed.
func TestDecodeSearch_malformed(t *testing.T) {
	valid := searchContent("o=x", 2, 0, 0, 0, false, presentFilter("cn"), "cn")
	tests := []struct {
		name string
		in   []byte
	}{
		{"size limit above maxInt", searchContent("o=x", 2, 0, 1<<31, 0, false, presentFilter("cn"))},
		{"bad filter", searchContent("o=x", 2, 0, 0, 0, false, []byte{0x8f, 0x00})},
		{"no attributes", valid[:len(valid)-6]},
		{"data after attributes", append(slices.Clone(valid), 0x04, 0x00)},
		{"attribute not a string", append(slices.Clone(valid[:len(valid)-6]), 0x30, 0x02, 0x02, 0x00)},
		{"base constructed", append([]byte{0x24}, valid[1:]...)},
		{"truncated", valid[:len(valid)-1]},
		{"empty", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := decodeSearch(tt.in); !errors.Is(err, errBER) {
				t.Fatalf("decoded %+v, %v; want errBER", s, err)
			}
			var scratch []byte
			if _, err := decodeFrame(searchPDU(tt.in), &scratch); !errors.Is(err, ErrMalformed) {
				t.Fatalf("frame: %v, want ErrMalformed", err)
			}
		})
	}
}

// TestServer_Search_outOfRange: a search with a scope, deref or limit out
// of range is answered protocolError naming the field, as slapd answers
// it, and the session goes on (it used to be cut with a notice).
func TestServer_Search_outOfRange(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	var w berBuf
	w.bytes(tagSearchRequest, searchContent("o=x", 2, 0, -5, 0, false, presentFilter("cn")))
	rc.write(msg(1, w.b))
	m, ok := rc.read()
	if !ok || m.id != 1 || m.tag != tagSearchDone || m.code != ProtocolError || m.diag != "invalid size limit" {
		t.Fatalf("got %+v (ok %v), want protocolError \"invalid size limit\" for message 1", m, ok)
	}
	rc.write(msg(2, searchOp("", 0, presentFilter("objectClass"))))
	for {
		m, ok := rc.read()
		if !ok {
			t.Fatal("the session was cut after the out-of-range search")
		}
		if m.tag == tagSearchDone {
			if m.id != 2 || m.code != Success {
				t.Fatalf("root DSE search after it: %+v", m)
			}
			break
		}
	}
}
