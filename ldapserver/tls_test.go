package ldapserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// testPKI is a CA with a server certificate for 127.0.0.1/localhost and a client
// certificate, made fresh for each test.
type testPKI struct {
	pool       *x509.CertPool
	server     tls.Certificate
	client     tls.Certificate
	clientName string // subject of the client certificate, RFC 4514 form
	caFile     string // PEM file of the CA, for ldap-utils
	certFile   string // PEM files of the client certificate and key, for ldap-utils
	keyFile    string
	// issueClient issues another client certificate with the given subject.
	issueClient func(subj pkix.Name, rawSubject []byte) tls.Certificate
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lightdir test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, subj pkix.Name, rawSubject []byte, usage x509.ExtKeyUsage, server bool) tls.Certificate {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: subj, RawSubject: rawSubject,
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		if server {
			tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
			tmpl.DNSNames = []string{"localhost"}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	p := &testPKI{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.server = issue(2, pkix.Name{CommonName: "127.0.0.1"}, nil, x509.ExtKeyUsageServerAuth, true)
	clientSubj := pkix.Name{CommonName: "client", Organization: []string{"lightdir test"}}
	p.client = issue(3, clientSubj, nil, x509.ExtKeyUsageClientAuth, false)
	serial := int64(3)
	p.issueClient = func(subj pkix.Name, rawSubject []byte) tls.Certificate {
		serial++
		return issue(serial, subj, rawSubject, x509.ExtKeyUsageClientAuth, false)
	}
	p.clientName = "CN=client,O=lightdir test"
	dir := t.TempDir()
	p.caFile = filepath.Join(dir, "ca.pem")
	p.certFile = filepath.Join(dir, "client.pem")
	p.keyFile = filepath.Join(dir, "client.key")
	keyDER, err := x509.MarshalPKCS8PrivateKey(p.client.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	for file, block := range map[string]*pem.Block{
		p.caFile:   {Type: "CERTIFICATE", Bytes: caDER},
		p.certFile: {Type: "CERTIFICATE", Bytes: p.client.Certificate[0]},
		p.keyFile:  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p *testPKI) serverConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: p.pool,
		ClientAuth: tls.VerifyClientCertIfGiven, MinVersion: tls.VersionTLS12}
}

func (p *testPKI) clientConfig(withCert bool) *tls.Config {
	cfg := &tls.Config{RootCAs: p.pool, ServerName: "127.0.0.1"}
	if withCert {
		cfg.Certificates = []tls.Certificate{p.client}
	}
	return cfg
}

// startTLSServer serves ldap:// and ldaps:// from one Server.
func startTLSServer(t *testing.T, p *testPKI) (ts *testServer, ldapsAddr string) {
	t.Helper()
	ts = startServer(t, Options{TLSConfig: p.serverConfig(), TLSHandshakeTimeout: time.Second})
	l, err := Listen("ldaps://127.0.0.1:0", p.serverConfig())
	if err != nil {
		t.Fatal(err)
	}
	go ts.srv.Serve(l)
	return ts, l.Addr().String()
}

// TestServer_ldaps: TLS from the first byte, with and without a client certificate;
// a client certificate allows SASL EXTERNAL as its subject.
func TestServer_ldaps(t *testing.T) {
	p := newTestPKI(t)
	_, addr := startTLSServer(t, p)
	c, err := ldap.DialURL("ldaps://"+addr, ldap.DialWithTLSConfig(p.clientConfig(false)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind("cn=admin,"+testSuffix, "secret"); err != nil {
		t.Fatal(err)
	}
	if err := c.ExternalBind(); ldapCode(t, err) != InappropriateAuthentication {
		t.Fatalf("EXTERNAL without a client certificate: %v", err)
	}

	cc, err := ldap.DialURL("ldaps://"+addr, ldap.DialWithTLSConfig(p.clientConfig(true)))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	if err := cc.ExternalBind(); err != nil {
		t.Fatalf("EXTERNAL with a client certificate: %v", err)
	}
	who, err := cc.WhoAmI(nil)
	if err != nil || who.AuthzID != "dn:"+p.clientName {
		t.Fatalf("whoami = %+v, %v; want dn:%s", who, err, p.clientName)
	}
}

// TestServer_ldaps_handshakeTimeout: a client that never starts the handshake is
// dropped after TLSHandshakeTimeout.
func TestServer_ldaps_handshakeTimeout(t *testing.T) {
	p := newTestPKI(t)
	_, addr := startTLSServer(t, p)
	rc := dialRaw(t, addr)
	start := time.Now()
	rc.expectClosed()
	if time.Since(start) > 5*time.Second {
		t.Fatalf("connection held for %v", time.Since(start))
	}
}

// TestServer_StartTLS: upgrade, refusal while operations are outstanding, refusal
// once TLS is up, and a working connection afterwards.
func TestServer_StartTLS(t *testing.T) {
	p := newTestPKI(t)
	ts, _ := startTLSServer(t, p)

	c := ts.dial(t, false)
	if err := c.StartTLS(p.clientConfig(true)); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.TLSConnectionState(); !ok {
		t.Fatal("no TLS after StartTLS")
	}
	if err := c.ExternalBind(); err != nil {
		t.Fatalf("EXTERNAL after StartTLS: %v", err)
	}
	who, err := c.WhoAmI(nil)
	if err != nil || who.AuthzID != "dn:"+p.clientName {
		t.Fatalf("whoami = %+v %v", who, err)
	}
	res, err := c.Search(ldap.NewSearchRequest("cn=session", 0, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil || res.Entries[0].GetAttributeValue("tls") != "true" || res.Entries[0].GetAttributeValue("method") != "EXTERNAL" {
		t.Fatalf("session after StartTLS: %v %v", res, err)
	}
	if _, err := c.Extended(ldap.NewExtendedRequest(OIDStartTLS, nil)); ldapCode(t, err) != OperationsError {
		t.Fatalf("second StartTLS: %v", err)
	}

	rc := dialRaw(t, ts.addr)
	rc.write(blockSearch(2))
	<-ts.be.searchStarted
	rc.write(msg(3, extOp(OIDStartTLS, nil)))
	if m, _ := rc.read(); m.id != 3 || m.code != OperationsError {
		t.Fatalf("StartTLS with an outstanding search: id %d %v", m.id, m.code)
	}
	ts.be.searchRelease <- struct{}{}
	rc.read()

	// The Root DSE advertises StartTLS when it is configured.
	res, err = ts.dial(t, false).Search(ldap.NewSearchRequest("", 0, 0, 0, 0, false, "(objectClass=*)", []string{"supportedExtension"}, nil))
	if err != nil || !contains(res.Entries[0].GetAttributeValues("supportedExtension"), OIDStartTLS) {
		t.Fatalf("supportedExtension: %v %v", res, err)
	}
}

// TestServer_StartTLS_badHandshake: a client answering StartTLS with garbage is
// disconnected; the server keeps serving.
func TestServer_StartTLS_badHandshake(t *testing.T) {
	p := newTestPKI(t)
	ts, _ := startTLSServer(t, p)
	rc := dialRaw(t, ts.addr)
	rc.write(msg(1, extOp(OIDStartTLS, nil)))
	if m, _ := rc.read(); m.code != Success || m.oid != OIDStartTLS {
		t.Fatalf("StartTLS response %+v", m)
	}
	rc.write([]byte("this is not a TLS client hello"))
	rc.expectClosed()
	if m := dialRaw(t, ts.addr).whoami(1); m.code != Success {
		t.Fatal("server stopped answering")
	}
}

// TestServer_ldaps_externalIdentityOrder: the SASL EXTERNAL identity of a client
// certificate is its subject DN as slapd gives it: the certificate's RDNs in their
// own order, dc and uid by name (not as OIDs with hex values), types Go's pkix does
// not name as numeric OIDs with the BER value in hex (RFC 4514 §2.4).
func TestServer_ldaps_externalIdentityOrder(t *testing.T) {
	p := newTestPKI(t)
	_, addr := startTLSServer(t, p)
	oid := func(s ...int) asn1.ObjectIdentifier { return asn1.ObjectIdentifier(s) }
	atv := func(o asn1.ObjectIdentifier, v string) []pkix.AttributeTypeAndValue {
		return []pkix.AttributeTypeAndValue{{Type: o, Value: v}}
	}
	dc, uid := oid(0, 9, 2342, 19200300, 100, 1, 25), oid(0, 9, 2342, 19200300, 100, 1, 1)
	// Most significant first, as X.509 orders them: DC=com, DC=example, OU=people,
	// UID=alice, then CN and an emailAddress in one RDN (a SET: DER sorts it).
	raw, err := asn1.Marshal(pkix.RDNSequence{
		atv(dc, "com"), atv(dc, "example"), atv(oid(2, 5, 4, 11), "people"), atv(uid, "alice"),
		{{Type: oid(2, 5, 4, 3), Value: "Alice Smith, Jr."}, {Type: oid(1, 2, 840, 113549, 1, 9, 1), Value: "a@x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := p.clientConfig(false)
	cfg.Certificates = []tls.Certificate{p.issueClient(pkix.Name{}, raw)}
	c, err := ldap.DialURL("ldaps://"+addr, ldap.DialWithTLSConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.ExternalBind(); err != nil {
		t.Fatalf("EXTERNAL with a client certificate: %v", err)
	}
	who, err := c.WhoAmI(nil)
	want := "dn:1.2.840.113549.1.9.1=#0c03614078+CN=Alice Smith\\, Jr.,UID=alice,OU=people,DC=example,DC=com"
	if err != nil || who.AuthzID != want {
		t.Fatalf("whoami = %+v, %v; want %s", who, err, want)
	}
}
