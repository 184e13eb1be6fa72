package ldapserver

import (
	"crypto/tls"
	"net"
	"testing"
)

// TestServer_StartTLS_requestValueRefused: the StartTLS request has no
// requestValue (RFC 4511 §4.14.1); one that carries a value is a
// protocolError, as slapd answers it ("no request data expected"), and the
// connection goes on in the clear. Answering success would leave the client
// (which did not ask for a real StartTLS) facing a server waiting for a
// handshake.
func TestServer_StartTLS_requestValueRefused(t *testing.T) {
	p := newTestPKI(t)
	ts, _ := startTLSServer(t, p)
	rc := dialRaw(t, ts.addr)
	rc.write(msg(1, extOp(OIDStartTLS, []byte("x"))))
	m, ok := rc.read()
	if !ok || m.id != 1 || m.code != ProtocolError {
		t.Fatalf("StartTLS with a request value: %+v ok=%v, want protocolError", m, ok)
	}
	if m := rc.whoami(2); m.code != Success {
		t.Fatalf("connection unusable in the clear after the refused StartTLS: %v", m.code)
	}
}

// TestServer_StartTLS_dropsEarlierAuthentication: a bind made in the clear
// does not carry over into the TLS session: after StartTLS the connection is
// anonymous, as slapd makes it by default ("STARTTLS anonymous"; slapd.conf's
// `disallow tls_2_anon` turns it off); RFC 4513 §4 lets the establishment of
// data security move the session to anonymous. Otherwise a Bind injected in
// the clear by a man in the middle before the client's StartTLS would decide
// the identity the client's protected operations run as.
func TestServer_StartTLS_dropsEarlierAuthentication(t *testing.T) {
	p := newTestPKI(t)
	ts, _ := startTLSServer(t, p)
	rc := dialRaw(t, ts.addr)
	rc.write(msg(1, bindOp(rootDN, "secret")))
	if m, _ := rc.read(); m.code != Success {
		t.Fatalf("bind: %v", m.code)
	}
	rc.write(msg(2, extOp(OIDStartTLS, nil)))
	if m, _ := rc.read(); m.code != Success {
		t.Fatalf("StartTLS: %v", m.code)
	}
	tc := tls.Client(rc.conn, p.clientConfig(false))
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	rc.conn = net.Conn(tc)
	if m := rc.whoami(3); m.code != Success || len(m.value) != 0 {
		t.Fatalf("whoami after StartTLS = %q (%v), want anonymous", m.value, m.code)
	}
}
