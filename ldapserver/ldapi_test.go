package ldapserver

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// startLDAPI serves ldapi:// on a socket in a temporary directory.
func startLDAPI(t *testing.T) (ts *testServer, ldapiURL string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "ldapi")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ldapiURL = "ldapi://" + url.PathEscape(filepath.Join(dir, "ldap sock"))
	ts = startServer(t, Options{})
	l, err := Listen(ldapiURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	go ts.srv.Serve(l)
	return ts, ldapiURL
}

func peercredDN() string {
	return fmt.Sprintf("gidNumber=%d+uidNumber=%d,cn=peercred,cn=external,cn=auth", os.Getgid(), os.Getuid())
}

// TestServer_ldapi_external: the peer's uid/gid become the SASL EXTERNAL identity.
func TestServer_ldapi_external(t *testing.T) {
	_, u := startLDAPI(t)
	c, err := ldap.DialURL(u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if who, err := c.WhoAmI(nil); err != nil || who.AuthzID != "" {
		t.Fatalf("before bind: %+v %v", who, err)
	}
	if err := c.ExternalBind(); err != nil {
		t.Fatal(err)
	}
	who, err := c.WhoAmI(nil)
	if err != nil || who.AuthzID != "dn:"+peercredDN() {
		t.Fatalf("whoami = %+v %v, want dn:%s", who, err, peercredDN())
	}
	// The backend sees the identity parsed, with the two-AVA RDN.
	res, err := c.Search(ldap.NewSearchRequest("cn=session", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Entries[0]
	if s.GetAttributeValue("method") != "EXTERNAL" || s.GetAttributeValue("local") != "true" ||
		s.GetAttributeValue("firstRDNs") != "2" {
		t.Fatalf("session seen by the backend: %v", s.Attributes)
	}
}

// TestListen_badURLs: unsupported schemes and missing pieces are ErrBadURL/ErrNoTLSConfig.
func TestListen_badURLs(t *testing.T) {
	for _, u := range []string{"http://x", "ldapi://", "::bad"} {
		if _, err := Listen(u, nil); err == nil {
			t.Errorf("Listen(%q) succeeded", u)
		}
	}
	if _, err := Listen("ldaps://127.0.0.1:0", nil); err == nil {
		t.Error("ldaps without TLS config accepted")
	}
}

// TestServer_ldapi_externalAuthzIDForms: a SASL EXTERNAL authorization identity
// that names the authenticated identity in another RFC 4514 form (AVAs of the
// multi-valued RDN in the other order, spaces after commas, other case) is that
// identity, as slapd accepts it; the connection's identity stays the canonical
// one. A different DN is still refused.
func TestServer_ldapi_externalAuthzIDForms(t *testing.T) {
	_, ldapiURL := startLDAPI(t)
	path, err := url.PathUnescape(strings.TrimPrefix(ldapiURL, "ldapi://"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	uc := &rawClient{t: t, conn: conn}
	uid, gid := os.Getuid(), os.Getgid()
	for i, tt := range []struct {
		authz string
		want  ResultCode
	}{
		{fmt.Sprintf("dn:uidNumber=%d+gidNumber=%d,cn=peercred,cn=external,cn=auth", uid, gid), Success},
		{fmt.Sprintf("dn:gidNumber=%d+uidNumber=%d, cn=peercred, cn=external, cn=auth", gid, uid), Success},
		{fmt.Sprintf("DN:GIDNUMBER=%d+UIDNUMBER=%d,CN=PeerCred,CN=External,CN=Auth", gid, uid), Success},
		{fmt.Sprintf("dn:gidNumber=%d+uidNumber=%d,cn=peercred,cn=external,cn=auth", gid, uid+1), InvalidCredentials},
		{fmt.Sprintf("dn:uidNumber=%d,cn=peercred,cn=external,cn=auth", uid), InvalidCredentials},
		{fmt.Sprintf("dn:uidNumber=%d+uidNumber=%d,cn=peercred,cn=external,cn=auth", uid, uid), InvalidCredentials},
		{fmt.Sprintf("xx:gidNumber=%d+uidNumber=%d,cn=peercred,cn=external,cn=auth", gid, uid), InvalidCredentials},
	} {
		id := int64(2*i + 1)
		uc.write(msg(id, saslBindOp("EXTERNAL", tt.authz)))
		if m, _ := uc.read(); m.code != tt.want {
			t.Errorf("EXTERNAL with authzid %q: %v, want %v", tt.authz, m.code, tt.want)
			continue
		}
		if tt.want == Success {
			if m := uc.whoami(id + 1); string(m.value) != "dn:"+peercredDN() {
				t.Errorf("after EXTERNAL with authzid %q: whoami %q", tt.authz, m.value)
			}
		}
	}
}

// TestServer_ldapi_offersExternal: the Root DSE lists SASL EXTERNAL on an
// ldapi connection, where the peer credentials give an identity, and not on
// plain TCP (TestServer_RootDSE), as slapd does.
func TestServer_ldapi_offersExternal(t *testing.T) {
	_, ldapiURL := startLDAPI(t)
	c, err := ldap.DialURL(ldapiURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)",
		[]string{"supportedSASLMechanisms"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("root DSE over ldapi: %v %v", res, err)
	}
	if got := res.Entries[0].GetAttributeValues("supportedSASLMechanisms"); len(got) != 1 || got[0] != "EXTERNAL" {
		t.Fatalf("supportedSASLMechanisms over ldapi = %q, want EXTERNAL", got)
	}
}

// TestListen_ldapiSocketOpenToLocalUsers: the ldapi socket accepts every local
// user, whatever the umask, as slapd's does (srwxrwxrwx): connecting to a Unix
// socket needs write permission on it, and ldapi exists so that local users
// bind with SASL EXTERNAL as their uid (cn=peercred). With the umask's 0755,
// only the server's own user could connect.
func TestListen_ldapiSocketOpenToLocalUsers(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "s.sock")
	l, err := Listen("ldapi://"+url.PathEscape(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o777 {
		t.Fatalf("ldapi socket mode %o, want 777", fi.Mode().Perm())
	}
}
