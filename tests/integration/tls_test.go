package integration

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// makeCA writes ca.pem, and cert.pem/key.pem for 127.0.0.1 signed by it, into dir.
func makeCA(t *testing.T, dir string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lightdir test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	write := func(name, typ string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ca.pem", "CERTIFICATE", caDER)
	write("cert.pem", "CERTIFICATE", der)
	write("key.pem", "EC PRIVATE KEY", keyDER)
}

// TestServe_tls: ldaps and StartTLS with a certificate from a CA made here; the
// client verifies it against that CA.
func TestServe_tls(t *testing.T) {
	dir := t.TempDir()
	makeCA(t, dir)
	writeFile(t, filepath.Join(dir, "lightdir.toml"), `[tls]
cert = "cert.pem"
key = "key.pem"
`)
	code, _, errs := lightdir(t, dir, "test", "-c", "lightdir.toml")
	if code != 0 {
		t.Fatalf("lightdir test: %s", errs)
	}
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-c", "lightdir.toml", "-l", "ldap://127.0.0.1:0 ldaps://127.0.0.1:0")
	env := []string{"LDAPTLS_CACERT=" + filepath.Join(dir, "ca.pem"), "LDAPTLS_REQCERT=demand"}
	for _, args := range [][]string{
		{"-H", s.url("ldaps")},
		{"-ZZ", "-H", s.url("ldap")},
	} {
		out := ldapTool(t, env, "", 0, "ldapsearch", append([]string{"-x", "-b", "dc=example,dc=com", "-s", "base", "-LLL", "dn"}, args...)...)
		if !strings.Contains(out, "dn: dc=example,dc=com") {
			t.Fatalf("%v:\n%s", args, out)
		}
		out = ldapTool(t, env, "", 0, "ldapwhoami", append([]string{"-x", "-D", rootDN, "-w", "secret"}, args...)...)
		if strings.TrimSpace(out) != "dn:"+rootDN {
			t.Fatalf("%v: whoami %q", args, out)
		}
	}
	// Without the CA the client refuses the certificate.
	ldapTool(t, []string{"LDAPTLS_CACERT=/dev/null", "LDAPTLS_REQCERT=demand"}, "", 255, "ldapsearch", "-x", "-H", s.url("ldaps"), "-b", "", "-s", "base")
}
