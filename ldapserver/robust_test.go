package ldapserver

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

func blockSearch(id int64) []byte {
	return msg(id, searchOp("cn=block", 0, presentFilter("objectClass")))
}

// TestConn_Abandon_silencesOperation: an abandoned search gets no response and its
// context is cancelled; the connection keeps working.
func TestConn_Abandon_silencesOperation(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	rc.write(msg(3, abandonOp(2)))
	m := rc.whoami(4)
	if m.id != 4 {
		t.Fatalf("first response has id %d, want 4 (no answer for the abandoned search)", m.id)
	}
	waitFor(t, "abandoned search to end", func() bool { return outstanding(ts) == 0 })
	m = rc.whoami(5)
	if m.id != 5 {
		t.Fatalf("got response id %d after abandon, want 5", m.id)
	}
}

func outstanding(ts *testServer) int {
	ts.srv.mu.Lock()
	defer ts.srv.mu.Unlock()
	n := 0
	for c := range ts.srv.conns {
		n += c.outstanding()
	}
	return n
}

// TestConn_Cancel: RFC 3909 results — canceled/success, noSuchOperation, tooLate,
// cannotCancel for a Cancel targeting a Cancel, protocolError for a second
// Cancel of one operation (as slapd).
func TestConn_Cancel(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)

	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	rc.write(msg(3, extOp(OIDCancel, cancelValue(2))))
	got := map[int64]rawMsg{}
	for len(got) < 2 {
		m, ok := rc.read()
		if !ok {
			t.Fatal("connection closed")
		}
		got[m.id] = m
	}
	if got[2].code != Canceled || got[3].code != Success {
		t.Fatalf("cancelled search %v, cancel %v; want canceled and success", got[2].code, got[3].code)
	}

	rc.write(msg(4, extOp(OIDCancel, cancelValue(99))))
	if m, _ := rc.read(); m.code != NoSuchOperation {
		t.Fatalf("cancel of unknown id: %v", m.code)
	}

	rc.write(msg(5, searchOp("cn=stubborn", 0, presentFilter("objectClass"))))
	<-ts.be.searchStarted
	rc.write(msg(6, extOp(OIDCancel, cancelValue(5))))
	waitFor(t, "cancel to be outstanding", func() bool { return outstanding(ts) == 2 })
	rc.write(msg(7, extOp(OIDCancel, cancelValue(6))))
	if m, _ := rc.read(); m.id != 7 || m.code != CannotCancel {
		t.Fatalf("cancel of a cancel: id %d code %v", m.id, m.code)
	}
	rc.write(msg(9, extOp(OIDCancel, cancelValue(5))))
	if m, _ := rc.read(); m.id != 9 || m.code != ProtocolError {
		t.Fatalf("second cancel of one operation: id %d code %v, want protocolError", m.id, m.code)
	}
	ts.be.searchRelease <- struct{}{}
	got = map[int64]rawMsg{}
	for len(got) < 2 {
		m, ok := rc.read()
		if !ok {
			t.Fatal("connection closed")
		}
		got[m.id] = m
	}
	if got[5].code != Success || got[6].code != TooLate {
		t.Fatalf("stubborn search %v, cancel %v; want success and tooLate", got[5].code, got[6].code)
	}
	rc.write(msg(8, extOp(OIDCancel, []byte{1, 2})))
	if m, _ := rc.read(); m.code != ProtocolError {
		t.Fatalf("malformed cancel value: %v", m.code)
	}
}

// TestConn_panicRecovered: a panicking backend call is answered with other (80),
// logged with a stack, and the connection and server keep working.
func TestConn_panicRecovered(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(msg(2, searchOp("cn=panic", 0, presentFilter("objectClass"))))
	m, ok := rc.read()
	if !ok || m.id != 2 || m.code != Other {
		t.Fatalf("panic answered with %+v (ok=%v), want other", m, ok)
	}
	if m := rc.whoami(3); m.code != Success {
		t.Fatalf("whoami after panic: %v", m.code)
	}
	logs := ts.logs.FilterMessage("panic in operation").All()
	if len(logs) != 1 || !strings.Contains(logs[0].ContextMap()["stack"].(string), "memBackend") {
		t.Fatalf("panic log: %+v", logs)
	}
}

// TestConn_Unbind_closes: Unbind closes the connection without a response.
func TestConn_Unbind_closes(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(msg(2, unbindOp()))
	if m, ok := rc.read(); ok {
		t.Fatalf("got %+v after unbind", m)
	}
}

// TestConn_malformed: each malformed input gets a Notice of Disconnection with
// protocolError (when the server can tell) and a closed connection; the server
// still answers on a new connection.
func TestConn_malformed(t *testing.T) {
	ts := startServer(t, Options{MaxPDUSize: 4096})
	validBind := msg(1, bindOp("", ""))
	tests := []struct {
		name   string
		input  []byte
		notice bool // a Notice of Disconnection is expected
	}{
		{"wrong outer tag", []byte{0x31, 0x03, 0x02, 0x01, 0x01}, true},
		{"indefinite length", []byte{0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00}, true},
		{"length of 5 octets", []byte{0x30, 0x85, 1, 0, 0, 0, 0}, true},
		{"oversized", append([]byte{0x30, 0x83, 0x10, 0x00, 0x00}, make([]byte, 64)...), true},
		{"inner length past end", []byte{0x30, 0x05, 0x02, 0x09, 0x01, 0x60, 0x00}, true},
		{"negative message ID", msg(-1, bindOp("", "")), true},
		{"response op", msg(1, []byte{0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00}), true},
		{"unknown op tag", msg(1, []byte{0x7f - 0x20 + 0x1e, 0x00}), true},
		{"empty boolean", msg(1, []byte{0x63, 0x16, 0x04, 0x00, 0x0a, 0x01, 0x00, 0x0a, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x01, 0x00, 0x87, 0x02, 'c', 'n', 0x30, 0x00}), true},
		{"bad filter tag", msg(1, searchOp("", 0, []byte{0x8f, 0x00})), true},
		{"extra data after message", grow(msg(1, bindOp("", "")), 0x30), true},
		{"garbage controls", grow(msg(1, bindOp("", "")), 0xa0, 0x01, 0x05), true},
		{"controls not tagged [0]", grow(msg(1, bindOp("", "")), 0xa1, 0x00), true},
		{"truncated then closed", validBind[:len(validBind)-3], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := dialRaw(t, ts.addr)
			rc.write(tt.input)
			if !tt.notice {
				rc.conn.(*net.TCPConn).CloseWrite()
			}
			m, ok := rc.read()
			if tt.notice {
				if !ok || m.id != 0 || m.oid != OIDNoticeOfDisconnection || m.code != ProtocolError {
					t.Fatalf("got %+v (ok=%v), want a protocolError notice of disconnection", m, ok)
				}
			} else if ok {
				t.Fatalf("got %+v, want the connection closed", m)
			}
			rc.expectClosed()
			rc2 := dialRaw(t, ts.addr)
			if m := rc2.whoami(1); m.code != Success {
				t.Fatalf("server did not answer afterwards: %v", m.code)
			}
		})
	}
}

// grow appends extra bytes inside a short-form LDAPMessage envelope.
func grow(m []byte, extra ...byte) []byte {
	m = append(m, extra...)
	m[1] += byte(len(extra))
	return m
}

// TestConn_BERBooleans: BER allows any non-zero octet for TRUE and an explicit FALSE
// criticality; both are accepted.
func TestConn_BERBooleans(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	op := searchOp("", 0, presentFilter("objectClass"))
	op[bytes.Index(op, []byte{0x01, 0x01, 0x00})+2] = 0x01 // typesOnly TRUE as 0x01
	c := []byte{0x30, 0x0c + 3, 0x04, 0x0a}
	c = append(c, "1.2.3.4.99"...)
	c = append(c, 0x01, 0x01, 0x00) // explicit FALSE
	c[1] = byte(len(c) - 2)
	rc.write(msg(2, op, c))
	m, _ := rc.read()
	if m.tag != tagSearchEntry {
		t.Fatalf("got tag %#x, want an entry", m.tag)
	}
	r := berReader{buf: m.content}
	r.next()
	attrs, _ := r.next()
	ar := berReader{buf: attrs.Content}
	first, _ := ar.next()
	fr := berReader{buf: first.Content}
	fr.next()
	vals, _ := fr.next()
	if len(vals.Content) != 0 {
		t.Fatalf("typesOnly ignored: %x", vals.Content)
	}
	if m, _ := rc.read(); m.tag != tagSearchDone || m.code != Success {
		t.Fatalf("done: %+v", m)
	}
}

// TestConn_Limits_maxOps: requests beyond MaxOpsPerConn are answered busy.
func TestConn_Limits_maxOps(t *testing.T) {
	ts := startServer(t, Options{MaxOpsPerConn: 1})
	rc := dialRaw(t, ts.addr)
	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	rc.write(msg(3, searchOp("", 0, presentFilter("objectClass"))))
	if m, _ := rc.read(); m.id != 3 || m.code != Busy {
		t.Fatalf("got id %d code %v, want busy for 3", m.id, m.code)
	}
	ts.be.searchRelease <- struct{}{}
	if m, _ := rc.read(); m.id != 2 || m.code != Success {
		t.Fatalf("got id %d code %v", m.id, m.code)
	}
}

// TestConn_Limits_duplicateID: a message ID that is still outstanding is refused.
func TestConn_Limits_duplicateID(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	rc.write(msg(2, extOp(OIDWhoAmI, nil)))
	if m, _ := rc.read(); m.code != ProtocolError {
		t.Fatalf("duplicate id: %v", m.code)
	}
	ts.be.searchRelease <- struct{}{}
	rc.read()
}

// TestServer_Limits_maxConns: connections beyond MaxConns get a busy notice and close.
func TestServer_Limits_maxConns(t *testing.T) {
	ts := startServer(t, Options{MaxConns: 2})
	a, b := dialRaw(t, ts.addr), dialRaw(t, ts.addr)
	a.whoami(1)
	b.whoami(1)
	c := dialRaw(t, ts.addr)
	m, ok := c.read()
	if !ok || m.oid != OIDNoticeOfDisconnection || m.code != Busy {
		t.Fatalf("third connection got %+v ok=%v", m, ok)
	}
	c.expectClosed()
	a.write(msg(2, unbindOp()))
	a.expectClosed()
	waitFor(t, "a slot to free up", func() bool {
		ts.srv.mu.Lock()
		defer ts.srv.mu.Unlock()
		return len(ts.srv.conns) < 2
	})
	if m := dialRaw(t, ts.addr).whoami(1); m.code != Success {
		t.Fatalf("new connection after unbind: %v", m.code)
	}
}

// TestConn_Limits_idleTimeout: an idle connection is closed, a busy one is not.
func TestConn_Limits_idleTimeout(t *testing.T) {
	ts := startServer(t, Options{IdleTimeout: 150 * time.Millisecond})
	busy := dialRaw(t, ts.addr)
	busy.write(blockSearch(2))
	<-ts.be.searchStarted
	idle := dialRaw(t, ts.addr)
	idle.whoami(1)
	idle.expectClosed()
	time.Sleep(300 * time.Millisecond)
	ts.be.searchRelease <- struct{}{}
	if m, ok := busy.read(); !ok || m.id != 2 {
		t.Fatalf("busy connection lost its response: %+v %v", m, ok)
	}
}

// TestConn_Limits_writeTimeout: a client that stops reading is disconnected and its
// search stops.
func TestConn_Limits_writeTimeout(t *testing.T) {
	ts := startServer(t, Options{WriteTimeout: 200 * time.Millisecond, SizeLimit: -1})
	rc := dialRaw(t, ts.addr)
	rc.conn.(*net.TCPConn).SetReadBuffer(4096)
	rc.write(msg(2, searchOp("cn=flood", 0, presentFilter("objectClass"))))
	waitFor(t, "the stuck connection to be dropped", func() bool {
		ts.srv.mu.Lock()
		defer ts.srv.mu.Unlock()
		return len(ts.srv.conns) == 0
	})
}

// TestServer_Shutdown_graceful: Shutdown refuses new connections, lets the running
// operation finish, then sends a Notice of Disconnection.
func TestServer_Shutdown_graceful(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	idle := dialRaw(t, ts.addr)
	idle.whoami(1)
	done := make(chan error, 1)
	go func() { done <- ts.srv.Shutdown(context.Background()) }()
	m, ok := idle.read()
	if !ok || m.oid != OIDNoticeOfDisconnection || m.code != Unavailable {
		t.Fatalf("idle connection got %+v ok=%v, want an unavailable notice", m, ok)
	}
	if err := <-ts.done; !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve returned %v", err)
	}
	ts.done <- ErrServerClosed // for the cleanup check
	if c, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		c.Close()
		t.Fatal("new connection accepted during shutdown")
	}
	ts.be.searchRelease <- struct{}{}
	if m, ok := rc.read(); !ok || m.id != 2 || m.code != Success {
		t.Fatalf("in-flight search got %+v ok=%v", m, ok)
	}
	if m, ok := rc.read(); !ok || m.oid != OIDNoticeOfDisconnection {
		t.Fatalf("no notice after the in-flight search: %+v %v", m, ok)
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// TestServer_Shutdown_deadline: when the context ends first, operations are
// cancelled and Shutdown returns the context's error.
func TestServer_Shutdown_deadline(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v", err)
	}
	rc.expectClosed()
}

// TestConn_log: one info line per operation with the stats fields; no password.
func TestConn_log(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	rc := dialRaw(t, ts.addr)
	rc.write(msg(2, searchOp("ou=people,"+testSuffix, 1, presentFilter("uid"), "cn")))
	for {
		m, _ := rc.read()
		if m.tag == tagSearchDone {
			break
		}
	}
	c.Close()
	var search map[string]any
	for _, e := range ts.logs.All() {
		for k, v := range e.ContextMap() {
			if s, ok := v.(string); ok && strings.Contains(s, "secret") {
				t.Errorf("log %q field %s contains the password", e.Message, k)
			}
		}
		if e.Message == "operation" && e.ContextMap()["type"] == "SRCH" {
			search = e.ContextMap()
		}
	}
	want := map[string]any{"dn": "ou=people," + testSuffix, "filter": "(uid=*)", "scope": "one",
		"entries": int64(3), "result": int64(0), "code": "success"}
	for k, v := range want {
		if search[k] != v {
			t.Errorf("search log %s = %v (%T), want %v; line %v", k, search[k], search[k], v, search)
		}
	}
	for _, k := range []string{"conn", "op", "msgid", "elapsed"} {
		if _, ok := search[k]; !ok {
			t.Errorf("search log lacks %s", k)
		}
	}
}

// TestConn_largePDU: a request much larger than the read chunk arrives intact.
func TestConn_largePDU(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	big := strings.Repeat("0123456789", 30000)
	mod := ldap.NewModifyRequest(aliceDN, nil)
	mod.Replace("description", []string{big})
	if err := c.Modify(mod); err != nil {
		t.Fatal(err)
	}
	res, err := c.Search(ldap.NewSearchRequest(aliceDN, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", []string{"description"}, nil))
	if err != nil || res.Entries[0].GetAttributeValue("description") != big {
		t.Fatalf("large value did not round-trip: %v", err)
	}
}

// TestConn_timeLimit: a search running past its time limit ends with timeLimitExceeded.
func TestConn_timeLimit(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	_, err := c.Search(ldap.NewSearchRequest("cn=block", ldap.ScopeBaseObject, 0, 0, 1, false, "(objectClass=*)", nil, nil))
	if ldapCode(t, err) != TimeLimitExceeded {
		t.Fatalf("got %v, want timeLimitExceeded", err)
	}
}

// TestConn_anonymousPDULimit: before authentication the smaller PDU limit applies;
// after a bind the same request is accepted.
func TestConn_anonymousPDULimit(t *testing.T) {
	ts := startServer(t, Options{MaxPDUSizeAnonymous: 1024})
	big := msg(2, searchOp(testSuffix, 0, []byte(presentFilter(strings.Repeat("a", 2000)))))
	rc := dialRaw(t, ts.addr)
	rc.write(big)
	if m, ok := rc.read(); !ok || m.oid != OIDNoticeOfDisconnection || m.code != ProtocolError {
		t.Fatalf("anonymous oversized request: %+v %v", m, ok)
	}
	rc = dialRaw(t, ts.addr)
	rc.write(msg(1, bindOp(rootDN, "secret")))
	if m, _ := rc.read(); m.code != Success {
		t.Fatalf("bind: %v", m.code)
	}
	rc.write(big)
	if m, ok := rc.read(); !ok || m.id != 2 || m.code != Success {
		t.Fatalf("authenticated request: %+v %v", m, ok)
	}
}
