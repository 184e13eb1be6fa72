package ldapserver

import (
	"io"
	"net"
	"testing"
	"time"
)

// rawClient speaks LDAP by hand, for tests that need exact control of the bytes.
type rawClient struct {
	t    testing.TB
	conn net.Conn
	buf  []byte
}

func dialRaw(t testing.TB, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, conn: c}
}

func (rc *rawClient) write(b []byte) {
	rc.t.Helper()
	rc.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := rc.conn.Write(b); err != nil {
		rc.t.Fatalf("write: %v", err)
	}
}

// rawMsg is one decoded response.
type rawMsg struct {
	id      int64
	tag     byte
	content []byte // protocolOp content
	code    ResultCode
	diag    string
	oid     string // extended response name
	value   []byte // extended response value
	refs    []string
	ctrls   []rawControl
}

// read reads one response; ok is false at EOF or error.
func (rc *rawClient) read() (rawMsg, bool) {
	rc.t.Helper()
	rc.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	hdr := make([]byte, 2, 6)
	if _, err := io.ReadFull(rc.conn, hdr); err != nil {
		return rawMsg{}, false
	}
	if hdr[1]&0x80 != 0 {
		ext := make([]byte, hdr[1]&0x7f)
		if _, err := io.ReadFull(rc.conn, ext); err != nil {
			return rawMsg{}, false
		}
		hdr = append(hdr, ext...)
	}
	_, length, _, err := berHeader(hdr)
	if err != nil {
		rc.t.Fatalf("bad response header: %v", err)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(rc.conn, body); err != nil {
		return rawMsg{}, false
	}
	return parseRawMsg(rc.t, append(hdr, body...)), true
}

func parseRawMsg(t testing.TB, b []byte) rawMsg {
	t.Helper()
	r := berReader{buf: b}
	env, err := r.expect(berSequence)
	if err != nil {
		t.Fatalf("response: %v", err)
	}
	er := berReader{buf: env.Content}
	idE, _ := er.expect(berInteger)
	id, _ := berInt(idE.Content)
	op, err := er.next()
	if err != nil {
		t.Fatalf("response op: %v", err)
	}
	m := rawMsg{id: id, tag: op.Tag, content: op.Content}
	if op.Tag != tagSearchEntry && op.Tag != tagSearchReference {
		or := berReader{buf: op.Content}
		code, _ := or.expect(berEnumerated)
		n, _ := berInt(code.Content)
		m.code = ResultCode(n)
		or.next()
		d, _ := or.next()
		m.diag = string(d.Content)
		for or.more() {
			e, _ := or.next()
			switch e.Tag {
			case tagExtRespName:
				m.oid = string(e.Content)
			case tagExtRespValue:
				m.value = e.Content
			case tagReferral:
				rr := berReader{buf: e.Content}
				for rr.more() {
					u, _ := rr.next()
					m.refs = append(m.refs, string(u.Content))
				}
			}
		}
	}
	if er.more() {
		c, _ := er.next()
		m.ctrls, err = parseControls(c.Content)
		if err != nil {
			t.Fatalf("response controls: %v", err)
		}
	}
	return m
}

// expectClosed checks that the server closes the connection (after any messages).
func (rc *rawClient) expectClosed() {
	rc.t.Helper()
	for {
		if _, ok := rc.read(); !ok {
			return
		}
	}
}

// Request builders.

func msg(id int64, op []byte, ctrls ...[]byte) []byte {
	var w berBuf
	m := w.begin(berSequence)
	w.int(berInteger, id)
	w.b = append(w.b, op...)
	if len(ctrls) > 0 {
		c := w.begin(tagControls)
		for _, ct := range ctrls {
			w.b = append(w.b, ct...)
		}
		w.end(c)
	}
	w.end(m)
	return w.b
}

func ctrl(oid string, critical bool, value []byte) []byte {
	var w berBuf
	s := w.begin(berSequence)
	w.string(berOctetString, oid)
	if critical {
		w.bool(berBoolean, true)
	}
	if value != nil {
		w.bytes(berOctetString, value)
	}
	w.end(s)
	return w.b
}

func bindOp(dn, pw string) []byte {
	var w berBuf
	s := w.begin(berClassApplication | berConstructed | 0)
	w.int(berInteger, 3)
	w.string(berOctetString, dn)
	w.string(berClassContext|0, pw)
	w.end(s)
	return w.b
}

func searchOp(base string, scope int, filter []byte, attrs ...string) []byte {
	var w berBuf
	s := w.begin(tagSearchRequest)
	w.string(berOctetString, base)
	w.int(berEnumerated, int64(scope))
	w.int(berEnumerated, 0)
	w.int(berInteger, 0)
	w.int(berInteger, 0)
	w.bool(berBoolean, false)
	w.b = append(w.b, filter...)
	a := w.begin(berSequence)
	for _, at := range attrs {
		w.string(berOctetString, at)
	}
	w.end(a)
	w.end(s)
	return w.b
}

func presentFilter(attr string) []byte {
	var w berBuf
	w.string(tagFilterPresent, attr)
	return w.b
}

func extOp(oid string, value []byte) []byte {
	var w berBuf
	s := w.begin(berClassApplication | berConstructed | 23)
	w.string(berClassContext|0, oid)
	if value != nil {
		w.bytes(berClassContext|1, value)
	}
	w.end(s)
	return w.b
}

func abandonOp(id int64) []byte {
	var w berBuf
	w.int(berClassApplication|16, id)
	return w.b
}

func cancelValue(id int64) []byte {
	var w berBuf
	s := w.begin(berSequence)
	w.int(berInteger, id)
	w.end(s)
	return w.b
}

func unbindOp() []byte { return []byte{berClassApplication | 2, 0} }

// whoami sends a WhoAmI with id and returns the response.
func (rc *rawClient) whoami(id int64) rawMsg {
	rc.t.Helper()
	rc.write(msg(id, extOp(OIDWhoAmI, nil)))
	m, ok := rc.read()
	if !ok {
		rc.t.Fatal("connection closed instead of answering WhoAmI")
	}
	return m
}

func readFull(rc *rawClient, b []byte) (int, error) {
	rc.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	return io.ReadFull(rc.conn, b)
}
