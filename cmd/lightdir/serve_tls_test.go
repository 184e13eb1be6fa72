package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// writeCert writes a self-signed certificate for 127.0.0.1 with the given
// common name to cert.pem and key.pem in dir, replacing them the way
// certificate renewal tools do (a new file renamed over the old).
func writeCert(t *testing.T, dir, cn string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, block := range map[string]*pem.Block{
		"cert.pem": {Type: "CERTIFICATE", Bytes: der},
		"key.pem":  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		replaceFile(t, filepath.Join(dir, name), pem.EncodeToMemory(block))
	}
}

func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path+".new", data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}

// serverCertCN connects to url (ldaps, or ldap with StartTLS) and returns the
// common name of the certificate the server presents.
func serverCertCN(t *testing.T, url string) string {
	t.Helper()
	tc := &tls.Config{InsecureSkipVerify: true}
	var c *ldap.Conn
	var err error
	if strings.HasPrefix(url, "ldaps://") {
		c, err = ldap.DialURL(url, ldap.DialWithTLSConfig(tc))
	} else if c, err = ldap.DialURL(url); err == nil {
		err = c.StartTLS(tc)
	}
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	defer c.Close()
	st, ok := c.TLSConnectionState()
	if !ok || len(st.PeerCertificates) == 0 {
		t.Fatalf("%s: no TLS connection state", url)
	}
	return st.PeerCertificates[0].Subject.CommonName
}

// TestRun_SIGHUPReloadsTLS: a renewed certificate put in place of the old
// one is served to new connections (ldaps and StartTLS) after SIGHUP, while
// a connection made before keeps working; files that do not load leave the
// previous certificate in use and say why in the log.
func TestRun_SIGHUPReloadsTLS(t *testing.T) {
	useFakeDBs(t)
	dir := t.TempDir()
	writeCert(t, dir, "first")
	cfg := parseConf(t, dir, `listen = ["ldaps://127.0.0.1:0", "ldap://127.0.0.1:0"]
[log]
file = "lightdir.log"
format = "json"
[tls]
cert = "cert.pem"
key = "key.pem"
[[database]]
suffix = "o=a"
directory = "a"
`)
	r, sig, stop := startRunning(t, cfg)
	// A second signal is taken only once the first has been handled.
	hangup := func() { sig <- syscall.SIGHUP; sig <- syscall.SIGHUP }
	for _, u := range r.urls {
		if cn := serverCertCN(t, u); cn != "first" {
			t.Fatalf("%s: certificate %q, want first", u, cn)
		}
	}
	before, err := ldap.DialURL(r.urls[0], ldap.DialWithTLSConfig(&tls.Config{InsecureSkipVerify: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer before.Close()

	writeCert(t, dir, "second")
	hangup()
	for _, u := range r.urls {
		if cn := serverCertCN(t, u); cn != "second" {
			t.Fatalf("%s after SIGHUP: certificate %q, want second", u, cn)
		}
	}
	if _, err := before.WhoAmI(nil); err != nil {
		t.Fatalf("connection made before the reload: %v", err)
	}

	replaceFile(t, filepath.Join(dir, "cert.pem"), []byte("not a certificate\n"))
	hangup()
	for _, u := range r.urls {
		if cn := serverCertCN(t, u); cn != "second" {
			t.Fatalf("%s after a failed reload: certificate %q, want second", u, cn)
		}
	}
	stop()
	logText, _ := os.ReadFile(filepath.Join(dir, "lightdir.log"))
	for _, want := range []string{`"msg":"TLS certificate","subject":"CN=first"`, `"msg":"TLS files reloaded","subject":"CN=second"`,
		`"msg":"reloading the TLS files failed; the previous certificate stays in use"`} {
		if !strings.Contains(string(logText), want) {
			t.Errorf("log lacks %s:\n%s", want, logText)
		}
	}
}
