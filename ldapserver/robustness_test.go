package ldapserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// TestEncode_entryOver16MiB: a SearchResultEntry larger than 16 MiB must be
// encoded with a correct definite length (X.690 §8.1.3.5).
func TestEncode_entryOver16MiB(t *testing.T) {
	val := make([]byte, 17<<20)
	e := &Entry{DN: "cn=x", Attributes: []Attribute{{Type: "description", Values: [][]byte{val}}}}
	b := appendEntryMessage(nil, 2, e, false)
	_, length, hdr, err := berHeader(b)
	if err != nil || hdr+length != len(b) {
		t.Fatalf("LDAPMessage header says %d content bytes after a %d-byte header (err %v); message is %d bytes",
			length, hdr, err, len(b))
	}
}

// TestConn_entryOver16MiB: an entry grown past 16 MiB by several modifies
// (each within MaxPDUSize) must come back to a client intact.
func TestConn_entryOver16MiB(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	chunk := strings.Repeat("x", 3<<20)
	for i := 0; i < 6; i++ {
		mod := ldap.NewModifyRequest(aliceDN, nil)
		mod.Add("description", []string{chunk + string(rune('a'+i))})
		if err := c.Modify(mod); err != nil {
			t.Fatal(err)
		}
	}
	c.SetTimeout(2 * time.Minute) // go-ldap decodes 18 MiB slowly under -race on a loaded machine
	res, err := c.Search(ldap.NewSearchRequest(aliceDN, ldap.ScopeBaseObject, 0, 0, 0, false,
		"(objectClass=*)", []string{"description"}, nil))
	if err != nil {
		t.Fatalf("search of an 18 MiB entry: %v", err)
	}
	if n := len(res.Entries[0].GetAttributeValues("description")); n != 6 {
		t.Fatalf("got %d values, want 6", n)
	}
}

// longForm re-encodes a TLV with a 4-octet long-form length (0x84 00 00 LL LL), as
// Windows' wldap32 and other BER encoders do; X.690 §8.1.3.2 allows the long form
// for any length and RFC 4511 §5.1 only requires definite lengths.
func longForm(tlv []byte) []byte {
	tag, n, hdr, err := berHeader(tlv)
	if err != nil {
		panic(err)
	}
	return append([]byte{tag, 0x84, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, tlv[hdr:]...)
}

// TestDecode_longFormLengths: requests whose protocolOp uses long-form lengths with
// leading zero octets are valid BER and must be served, not disconnected.
func TestDecode_longFormLengths(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(longForm(msg(1, longForm(bindOp(rootDN, "secret")))))
	m, ok := rc.read()
	if !ok || m.id != 1 || m.code != Success {
		t.Fatalf("bind with long-form lengths: got %+v (ok=%v), want success for id 1", m, ok)
	}
	rc.write(longForm(msg(2, longForm(extOp(OIDWhoAmI, nil)))))
	m, ok = rc.read()
	if !ok || m.id != 2 || m.code != Success {
		t.Fatalf("whoami with long-form lengths: got %+v (ok=%v)", m, ok)
	}
}

// TestConn_messageIDReusedAfterResponse: RFC 4511 §4.1.1.1 lets a client reuse a
// message ID once it has received the final response of the earlier request.
func TestConn_messageIDReusedAfterResponse(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	req := msg(1, extOp(OIDWhoAmI, nil))
	for i := 0; i < 20000; i++ {
		rc.write(req)
		m, ok := rc.read()
		if !ok {
			t.Fatalf("round %d: connection closed", i)
		}
		if m.code != Success {
			t.Fatalf("round %d: reusing message ID 1 after its response got %v %q", i, m.code, m.diag)
		}
	}
}

// TestConn_largeRequestBuffersDropped: after one large non-search request the connection
// keeps no more than the 64 KiB read buffer policy allows (serve drops c.rbuf
// above 64 KiB for this reason); the goldap scratch copy is dropped too (it was kept for good).
func TestConn_largeRequestBuffersDropped(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	mod := ldap.NewModifyRequest(aliceDN, nil)
	mod.Replace("description", []string{strings.Repeat("x", 3<<20)})
	if err := c.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WhoAmI(nil); err != nil {
		t.Fatal(err)
	}
	ts.srv.mu.Lock()
	defer ts.srv.mu.Unlock()
	for cn := range ts.srv.conns {
		if cap(cn.rbuf) > 64<<10 || cap(cn.scratch) > 64<<10 {
			t.Errorf("idle connection retains rbuf %d bytes, scratch %d bytes", cap(cn.rbuf), cap(cn.scratch))
		}
	}
}

// TestConn_notBusyAfterResponse: with MaxOpsPerConn 1, a client that waits for each
// response before sending the next request never has two operations outstanding,
// so it must never be answered busy.
func TestConn_notBusyAfterResponse(t *testing.T) {
	ts := startServer(t, Options{MaxOpsPerConn: 1})
	rc := dialRaw(t, ts.addr)
	for i := int64(1); i < 20000; i++ {
		rc.write(msg(i, extOp(OIDWhoAmI, nil)))
		m, ok := rc.read()
		if !ok {
			t.Fatalf("request %d: connection closed", i)
		}
		if m.code != Success {
			t.Fatalf("request %d, sent after the previous response: %v %q", i, m.code, m.diag)
		}
	}
}

// TestServer_shutdownWhileClientMidPDU: Shutdown lets in-flight operations finish and answers
// them, then sends a Notice of Disconnection, even when the client is in the middle
// of sending its next request.
func TestServer_shutdownWhileClientMidPDU(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	next := msg(3, extOp(OIDWhoAmI, nil))
	rc.write(next[:4]) // header and the start of the body
	time.Sleep(100 * time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- ts.srv.Shutdown(context.Background()) }()
	time.Sleep(100 * time.Millisecond)
	select {
	case ts.be.searchRelease <- struct{}{}:
	case <-time.After(2 * time.Second):
		t.Log("the in-flight search had already been cancelled")
	}
	m, ok := rc.read()
	if !ok || m.id != 2 || m.code != Success {
		t.Fatalf("in-flight search got %+v ok=%v, want its success response", m, ok)
	}
	if m, ok := rc.read(); !ok || m.oid != OIDNoticeOfDisconnection || m.code != Unavailable {
		t.Fatalf("no unavailable notice: %+v %v", m, ok)
	}
	<-done
	<-ts.done
	ts.done <- ErrServerClosed
}

// TestListen_ldapiLiveSocketKept: Listen removes a *stale* socket file, but a socket
// another server is still listening on is not stale; a second Listen must fail
// (as a second TCP listen fails with "address already in use") instead of
// unlinking the live socket and cutting the running server off from its clients.
func TestListen_ldapiLiveSocketKept(t *testing.T) {
	_, u := startLDAPI(t)
	l2, err := Listen(u, nil)
	if err == nil {
		l2.Close()
		t.Fatalf("second Listen on %s succeeded: the running server's socket was replaced", u)
	}
}
