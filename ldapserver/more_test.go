package ldapserver

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"lightdir/schema"
)

// TestServer_Search_references: continuation references reach the client.
func TestServer_Search_references(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	res, err := c.Search(ldap.NewSearchRequest("cn=refs", ldap.ScopeWholeSubtree, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	// go-ldap keeps only the first URL of a reference; check the wire for both.
	if len(res.Entries) != 1 || len(res.Referrals) != 1 || res.Referrals[0] != "ldap://a.example.com/dc=a" {
		t.Fatalf("entries %v referrals %v", res.Entries, res.Referrals)
	}
	rc := dialRaw(t, ts.addr)
	rc.write(msg(1, searchOp("cn=refs", 2, presentFilter("objectClass"))))
	rc.read()
	m, _ := rc.read()
	if m.tag != tagSearchReference {
		t.Fatalf("got tag %#x, want a reference", m.tag)
	}
	r := berReader{buf: m.content}
	var urls []string
	for r.more() {
		e, _ := r.next()
		urls = append(urls, string(e.Content))
	}
	if len(urls) != 2 || urls[1] != "ldap://b.example.com/dc=a" {
		t.Fatalf("reference URLs %v", urls)
	}
}

// TestServer_Bind_protocolDetails: LDAPv2 binds are refused; SASL EXTERNAL accepts
// an authorization identity equal to its own and refuses any other.
func TestServer_Bind_protocolDetails(t *testing.T) {
	_, ldapiURL := startLDAPI(t)
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	v2 := bindOp("", "")
	v2[4] = 2 // version INTEGER content
	rc.write(msg(1, v2))
	if m, _ := rc.read(); m.code != ProtocolError {
		t.Fatalf("LDAPv2 bind: %v", m.code)
	}

	path, err := url.PathUnescape(strings.TrimPrefix(ldapiURL, "ldapi://"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	uc := &rawClient{t: t, conn: conn}
	defer conn.Close()
	for i, tt := range []struct {
		authz string
		want  ResultCode
	}{{"dn:" + peercredDN(), Success}, {"", Success}, {"dn:cn=someone else", InvalidCredentials}} {
		uc.write(msg(int64(i+1), saslBindOp("EXTERNAL", tt.authz)))
		if m, _ := uc.read(); m.code != tt.want {
			t.Errorf("EXTERNAL with authzid %q: %v, want %v", tt.authz, m.code, tt.want)
		}
	}
	uc.write(msg(9, saslBindOp("PLAIN", "x")))
	if m, _ := uc.read(); m.code != AuthMethodNotSupported {
		t.Errorf("PLAIN: %v", m.code)
	}
}

func saslBindOp(mech, creds string) []byte {
	var w berBuf
	s := w.begin(berClassApplication | berConstructed | 0)
	w.int(berInteger, 3)
	w.string(berOctetString, "")
	sc := w.begin(berClassContext | berConstructed | 3)
	w.string(berOctetString, mech)
	w.string(berOctetString, creds)
	w.end(sc)
	w.end(s)
	return w.b
}

// TestServer_WhoAmI_errors: a request value or a proxied authorization control
// is rejected.
func TestServer_WhoAmI_errors(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	rc.write(msg(1, extOp(OIDWhoAmI, []byte("x"))))
	if m, _ := rc.read(); m.code != ProtocolError {
		t.Fatalf("WhoAmI with a value: %v", m.code)
	}
	rc.write(msg(2, extOp(OIDWhoAmI, nil), ctrl(OIDProxiedAuthz, true, []byte("dn:cn=x"))))
	if m, _ := rc.read(); m.code != UnavailableCriticalExtension {
		t.Fatalf("WhoAmI with proxied authorization: %v", m.code)
	}
}

// TestServer_Add_noValues: an add attribute without values violates the ASN.1
// (vals SIZE(1..MAX)); the decoder rejects the PDU, so the client gets a
// protocolError notice of disconnection.
func TestServer_Add_noValues(t *testing.T) {
	ts := startServer(t, Options{})
	rc := dialRaw(t, ts.addr)
	var w berBuf
	s := w.begin(berClassApplication | berConstructed | 8)
	w.string(berOctetString, "uid=z,ou=people,"+testSuffix)
	l := w.begin(berSequence)
	a := w.begin(berSequence)
	w.string(berOctetString, "description")
	v := w.begin(berSet)
	w.end(v)
	w.end(a)
	w.end(l)
	w.end(s)
	rc.write(msg(1, w.b))
	if m, ok := rc.read(); !ok || m.oid != OIDNoticeOfDisconnection || m.code != ProtocolError {
		t.Fatalf("got %+v ok=%v", m, ok)
	}
}

// TestMatchDSE: the Root DSE filter evaluator handles the boolean operators,
// presence and case-insensitive equality, and nothing else.
func TestMatchDSE(t *testing.T) {
	srv := New(newMemBackend(), Options{})
	dse := srv.rootDSE()
	tests := map[string]bool{
		"(objectClass=*)":   true,
		"(objectclass=TOP)": true,
		"(&(objectClass=top)(supportedLDAPVersion=3))":  true,
		"(|(objectClass=nothing)(vendorName=lightdir))": true,
		"(!(objectClass=top))":                          false,
		"(namingContexts=dc=other)":                     false,
		"(cn=*)":                                        false,
		"(objectClass=to*)":                             false,
	}
	for s, want := range tests {
		f, err := schema.ParseFilter(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := matchDSE(f, dse); got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}
}

// TestError_mapping: errors map to results through one table.
func TestError_mapping(t *testing.T) {
	le := Errorf(NoSuchObject, "no entry %s", "x")
	le.MatchedDN = "dc=example"
	tests := []struct {
		err  error
		want Result
	}{
		{nil, Result{Code: Success}},
		{fmt.Errorf("wrapped: %w", le), Result{Code: NoSuchObject, MatchedDN: "dc=example", Message: "no entry x"}},
		{errCanceled, Result{Code: Canceled, Message: "operation canceled"}},
		{errors.New("disk on fire"), Result{Code: Other, Message: "internal error"}},
	}
	for _, tt := range tests {
		got := resultFor(tt.err)
		if got.Code != tt.want.Code || got.MatchedDN != tt.want.MatchedDN || got.Message != tt.want.Message {
			t.Errorf("resultFor(%v) = %+v, want %+v", tt.err, got, tt.want)
		}
	}
	if le.Error() != "ldap: noSuchObject: no entry x" || (&Error{Code: 4242}).Error() != "ldap: 4242" {
		t.Errorf("Error() = %q", le.Error())
	}
}

// TestConn_concurrentOperations: many goroutines share one connection; every
// operation gets its own correct answer (responses are matched by message ID).
func TestConn_concurrentOperations(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	users := []string{"alice", "bob", "carol"}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 40; i++ {
				u := users[(g+i)%len(users)]
				res, err := c.Search(ldap.NewSearchRequest("ou=people,"+testSuffix, ldap.ScopeSingleLevel, 0, 0, 0, false,
					"(uid="+u+")", []string{"uid"}, nil))
				if err != nil {
					errs <- err
					return
				}
				if len(res.Entries) != 1 || res.Entries[0].GetAttributeValue("uid") != u {
					errs <- fmt.Errorf("search for %s returned %v", u, res.Entries)
					return
				}
				ok, err := c.Compare("uid="+u+",ou=people,"+testSuffix, "uid", u)
				if err != nil || !ok {
					errs <- fmt.Errorf("compare %s: %v %v", u, ok, err)
					return
				}
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestServer_ConnObserver: the backend hears about every connection that ends, with
// the ID its requests carried.
func TestServer_ConnObserver(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, true)
	res, err := c.Search(ldap.NewSearchRequest("cn=session", 0, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := res.Entries[0].GetAttributeValue("conn")
	c.Close()
	select {
	case id := <-ts.be.closedConns:
		if fmt.Sprint(id) != want {
			t.Fatalf("ConnClosed(%d), want %s", id, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ConnClosed not called")
	}
}
