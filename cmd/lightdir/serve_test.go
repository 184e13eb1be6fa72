package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.uber.org/zap"

	"lightdir/backend"
	"lightdir/conf"
	"lightdir/ldapserver"
	"lightdir/pwhash"
	"lightdir/schema"
)

// fakeDB stands in for a backend database: it holds only its suffix entry,
// checks the root DN's password and records how it was opened and closed.
type fakeDB struct {
	opts    backend.Options
	mu      sync.Mutex
	closed  bool
	ensured bool
}

func (f *fakeDB) NamingContexts() []string { return []string{f.opts.Suffix} }
func (f *fakeDB) Suffix() string           { return f.opts.Suffix }
func (f *fakeDB) EnsureSuffix(context.Context) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	created := !f.ensured
	f.ensured = true
	return created, nil
}
func (f *fakeDB) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}
func (f *fakeDB) Bind(_ context.Context, req *ldapserver.BindRequest) (*ldapserver.BindResult, error) {
	ok, _ := pwhash.Verify(f.opts.RootPW, req.Password)
	if !ok || !strings.EqualFold(req.RawDN, f.opts.RootDN) {
		return nil, &ldapserver.Error{Code: ldapserver.InvalidCredentials}
	}
	return &ldapserver.BindResult{Identity: req.RawDN}, nil
}
func (f *fakeDB) Search(_ context.Context, req *ldapserver.SearchRequest, w ldapserver.SearchWriter) (*ldapserver.SearchResult, error) {
	err := w.SendEntry(&ldapserver.Entry{DN: f.opts.Suffix, Attributes: []ldapserver.Attribute{
		{Type: "description", Values: [][]byte{[]byte("database " + f.opts.Dir)}}}})
	return &ldapserver.SearchResult{}, err
}
func (f *fakeDB) Compare(context.Context, *ldapserver.CompareRequest) (bool, error) { return true, nil }
func (f *fakeDB) Add(context.Context, *ldapserver.AddRequest) (*ldapserver.WriteResult, error) {
	return &ldapserver.WriteResult{}, nil
}
func (f *fakeDB) Delete(context.Context, *ldapserver.DeleteRequest) (*ldapserver.WriteResult, error) {
	return &ldapserver.WriteResult{}, nil
}
func (f *fakeDB) Modify(context.Context, *ldapserver.ModifyRequest) (*ldapserver.WriteResult, error) {
	return &ldapserver.WriteResult{}, nil
}
func (f *fakeDB) ModifyDN(context.Context, *ldapserver.ModifyDNRequest) (*ldapserver.WriteResult, error) {
	return &ldapserver.WriteResult{}, nil
}
func (f *fakeDB) PasswordModify(context.Context, *ldapserver.PasswordModifyRequest) (*ldapserver.PasswordModifyResult, error) {
	return &ldapserver.PasswordModifyResult{}, nil
}
func (f *fakeDB) Extended(_ context.Context, req *ldapserver.ExtendedRequest) (*ldapserver.ExtendedResult, error) {
	return nil, ldapserver.Errorf(ldapserver.ProtocolError, "unsupported %s", req.OID)
}

// useFakeDBs makes serve open fakeDBs for the test and returns the opened ones.
func useFakeDBs(t *testing.T) *[]*fakeDB {
	t.Helper()
	var opened []*fakeDB
	prev := openDatabase
	openDatabase = func(o backend.Options) (database, error) {
		f := &fakeDB{opts: o}
		opened = append(opened, f)
		return f, nil
	}
	t.Cleanup(func() { openDatabase = prev })
	return &opened
}

func parseConf(t *testing.T, dir, text string) *conf.Config {
	t.Helper()
	path := filepath.Join(dir, "lightdir.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := conf.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestStart_defaults_generatedRootPassword: with the default configuration the
// server starts, prints a generated root password once, keeps only its hash, and
// that password binds as the root DN; a restart reuses the hash silently.
func TestStart_defaults_generatedRootPassword(t *testing.T) {
	opened := useFakeDBs(t)
	t.Setenv(rootPWEnv, "")
	dir := t.TempDir()
	cfg := conf.Default()
	cfg.Listen = []string{"ldap://127.0.0.1:0"}
	cfg.Database[0].Directory = filepath.Join(dir, "data")
	cfg.Database[0].RootPasswordFile = filepath.Join(dir, "data", "rootpw")
	p, err := preparePlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r, err := start(p, zap.NewNop(), stdio{out: &out, err: &out})
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`password of cn=admin,dc=example,dc=com: (\S+)\n`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no generated password printed: %q", out.String())
	}
	stored, err := os.ReadFile(cfg.Database[0].RootPasswordFile)
	if err != nil || bytes.Contains(stored, []byte(m[1])) || !pwhash.IsHashed(bytes.TrimSpace(stored)) {
		t.Fatalf("rootpw file %q (%v) is not only a hash", stored, err)
	}
	c, err := ldap.DialURL(r.urls[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind("cn=admin,dc=example,dc=com", m[1]); err != nil {
		t.Fatalf("bind with the printed password: %v", err)
	}
	c.Close()
	r.stop()
	if !(*opened)[0].closed || !(*opened)[0].ensured {
		t.Fatalf("database not prepared and closed: %+v", (*opened)[0])
	}

	out.Reset()
	r, err = start(p, zap.NewNop(), stdio{out: &out, err: &out})
	if err != nil {
		t.Fatal(err)
	}
	r.stop()
	if out.Len() != 0 {
		t.Fatalf("restart printed %q", out.String())
	}
	if got := (*opened)[1].opts.RootPW; !bytes.Equal(got, bytes.TrimSpace(stored)) {
		t.Fatalf("restart used %q, want the stored hash", got)
	}
}

// TestRootPassword_env: LIGHTDIR_ROOTPW replaces the stored hash once and is
// not printed; the file then verifies against it.
func TestRootPassword_env(t *testing.T) {
	file := filepath.Join(t.TempDir(), "d", "rootpw")
	var out bytes.Buffer
	h1, err := rootPassword(file, "cn=r", "first", &out)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := rootPassword(file, "cn=r", "first", &out)
	if err != nil || !bytes.Equal(h1, h2) {
		t.Fatalf("same env rewrote the hash: %s %s %v", h1, h2, err)
	}
	h3, err := rootPassword(file, "cn=r", "second", &out)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := pwhash.Verify(h3, []byte("second")); !ok {
		t.Fatalf("hash %s does not verify the new password", h3)
	}
	if out.Len() != 0 || strings.Contains(string(h3), "second") {
		t.Fatalf("password leaked: %q %q", out.String(), h3)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("rootpw mode: %v %v", fi, err)
	}
}

// TestStart_twoDatabases_routed: with two databases, searches and binds reach
// the database of their DN and the Root DSE lists both suffixes.
func TestStart_twoDatabases_routed(t *testing.T) {
	useFakeDBs(t)
	dir := t.TempDir()
	rootpw, _ := pwhash.Hash("", []byte("pw-b"))
	cfg := parseConf(t, dir, `listen = ["ldap://127.0.0.1:0"]
[[database]]
suffix = "o=a"
directory = "a"
[[database]]
suffix = "ou=b,o=a"
directory = "b"
root_dn = "cn=root,ou=b,o=a"
root_password = "`+rootpw+`"
`)
	p, err := preparePlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := start(p, zap.NewNop(), stdio{out: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.stop()
	c, err := ldap.DialURL(r.urls[0])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for base, want := range map[string]string{
		"o=a": "database " + filepath.Join(dir, "a"), "cn=x,o=a": "database " + filepath.Join(dir, "a"),
		"ou=B,o=A": "database " + filepath.Join(dir, "b"), "uid=u,ou=b,o=a": "database " + filepath.Join(dir, "b"),
	} {
		res, err := c.Search(ldap.NewSearchRequest(base, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
		if err != nil || len(res.Entries) != 1 || res.Entries[0].GetAttributeValue("description") != want {
			t.Errorf("search %s: %v %v, want %s", base, err, res, want)
		}
	}
	_, err = c.Search(ldap.NewSearchRequest("o=elsewhere", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		t.Errorf("search outside every suffix: %v", err)
	}
	if err := c.Bind("cn=root,ou=b,o=a", "pw-b"); err != nil {
		t.Errorf("bind routed to database b: %v", err)
	}
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", []string{"namingContexts"}, nil))
	if err != nil || strings.Join(res.Entries[0].GetAttributeValues("namingContexts"), ";") != "ou=b,o=a;o=a" {
		t.Errorf("namingContexts: %v %v", err, res)
	}
}

// TestRun_signals: SIGHUP reopens the log file (after a rotation the new file
// gets the lines), SIGTERM drains and exits 0 with the databases closed.
// startRunning starts serving cfg and runs the signal loop on sig (an
// unbuffered channel: a send returns once the loop has taken the signal).
// stop sends SIGTERM and fails t unless the server stops with exit 0.
func startRunning(t *testing.T, cfg *conf.Config) (r *running, sig chan os.Signal, stop func()) {
	t.Helper()
	p, err := preparePlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	log, lf, err := newLogger(cfg.Log, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lf.Close() })
	if r, err = start(p, log, stdio{out: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	sig = make(chan os.Signal)
	done := make(chan int)
	go func() {
		code, _ := r.run(sig, lf)
		done <- code
	}()
	stop = func() {
		t.Helper()
		sig <- syscall.SIGTERM
		select {
		case code := <-done:
			if code != exitOK {
				t.Fatalf("exit %d", code)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("SIGTERM did not stop the server")
		}
	}
	return r, sig, stop
}

func TestRun_signals(t *testing.T) {
	opened := useFakeDBs(t)
	dir := t.TempDir()
	cfg := parseConf(t, dir, `listen = ["ldap://127.0.0.1:0"]
[log]
file = "lightdir.log"
format = "json"
[[database]]
suffix = "o=a"
directory = "a"
`)
	_, sig, stop := startRunning(t, cfg)
	logPath := filepath.Join(dir, "lightdir.log")
	if err := os.Rename(logPath, logPath+".1"); err != nil {
		t.Fatal(err)
	}
	sig <- syscall.SIGHUP
	stop()
	old, _ := os.ReadFile(logPath + ".1")
	cur, _ := os.ReadFile(logPath)
	if !strings.Contains(string(old), `"msg":"ready"`) || !strings.Contains(string(cur), `"msg":"stopped"`) {
		t.Fatalf("rotated log %q, new log %q", old, cur)
	}
	if !(*opened)[0].closed {
		t.Fatal("database not closed")
	}
}

// TestPreparePlan_problems: what conf cannot check is reported with key and line.
func TestPreparePlan_problems(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.schema"), []byte("attributetype ( 1.2.3 NAME 'x' SYNTAX nope )\n"), 0o644)
	cfg := parseConf(t, dir, `schema_files = ["bad.schema"]
[tls]
cert = "missing.pem"
key = "missing.key"
[[database]]
suffix = "dc=example,dc=com"
directory = "d"
root_dn = "cn=admin,dc=other,dc=com"
root_password = "cleartext"
[database.indices]
nosuchattr = ["eq"]
`)
	_, err := preparePlan(cfg)
	if err == nil {
		t.Fatal("accepted")
	}
	want := []string{
		"lightdir.toml:1: schema_files[0]: ",
		"lightdir.toml:2: tls: conf: invalid value: open ",
		`lightdir.toml:8: database[0].root_dn: conf: invalid value: "cn=admin,dc=other,dc=com" is not below the suffix "dc=example,dc=com"`,
		"lightdir.toml:9: database[0].root_password: conf: invalid value: must be hashed",
		`lightdir.toml:11: database[0].indices.nosuchattr: conf: invalid value: undefined attribute type "nosuchattr"`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d problems:\n%s", len(lines), err)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("problem %d: %q does not contain %q", i, lines[i], w)
		}
	}
}

// TestRouter_modifyDNAcrossDatabases: moving an entry to another database is
// refused with affectsMultipleDSAs.
func TestRouter_modifyDNAcrossDatabases(t *testing.T) {
	reg := schema.Default()
	r, err := newRouter(reg, []database{&fakeDB{opts: backend.Options{Suffix: "o=a"}}, &fakeDB{opts: backend.Options{Suffix: "o=b"}}})
	if err != nil {
		t.Fatal(err)
	}
	dn, _ := schema.ParseDN("cn=x,o=a")
	sup, _ := schema.ParseDN("o=b")
	_, err = r.ModifyDN(context.Background(), &ldapserver.ModifyDNRequest{DN: dn, NewSuperior: sup})
	var le *ldapserver.Error
	if !errorsAs(err, &le) || le.Code != ldapserver.AffectsMultipleDSAs {
		t.Fatalf("got %v", err)
	}
	same, _ := schema.ParseDN("ou=y,o=A")
	if _, err := r.ModifyDN(context.Background(), &ldapserver.ModifyDNRequest{DN: dn, NewSuperior: same}); err != nil {
		t.Fatalf("move inside one database: %v", err)
	}
}

// TestRouter_updateDN: as slapd, an update of an invalid DN is
// invalidDNSyntax and one outside every database unwillingToPerform; any
// other goes to the database holding it.
func TestRouter_updateDN(t *testing.T) {
	reg := schema.Default()
	r, err := newRouter(reg, []database{&fakeDB{opts: backend.Options{Suffix: "o=a"}}, &fakeDB{opts: backend.Options{Suffix: "o=b"}}})
	if err != nil {
		t.Fatal(err)
	}
	for dn, want := range map[string]ldapserver.ResultCode{
		"cn=x,O=A": ldapserver.Success, "o=b": ldapserver.Success,
		"uidNumber=abc,o=a": ldapserver.InvalidDNSyntax, "cn=x,o=c": ldapserver.UnwillingToPerform,
	} {
		parsed, _ := schema.ParseDN(dn)
		_, err := r.Delete(context.Background(), &ldapserver.DeleteRequest{DN: parsed, RawDN: dn})
		var le *ldapserver.Error
		if want == ldapserver.Success && err != nil || want != ldapserver.Success && (!errorsAs(err, &le) || le.Code != want) {
			t.Errorf("delete %s: %v, want %v", dn, err, want)
		}
	}
}

// TestPlan_databaseOptions: the configuration maps onto backend.Options once;
// serve opens the database with a logger and online index building added, and the
// offline commands get the same options without them (an offline rebuild must not
// race a background one).
func TestPlan_databaseOptions(t *testing.T) {
	opened := useFakeDBs(t)
	dir := t.TempDir()
	rootpw, _ := pwhash.Hash("", []byte("pw"))
	cfg := parseConf(t, dir, `listen = ["ldap://127.0.0.1:0"]
[access]
read_requires_auth = true
[[database]]
suffix = "dc=example,dc=com"
directory = "`+filepath.Join(dir, "db")+`"
durability = "nosync"
size_limit = 7
root_dn = "cn=admin,dc=example,dc=com"
root_password = "`+string(rootpw)+`"
indices = { uid = ["eq"], cn = ["eq", "sub"] }
`)
	offline, err := optionsFromConf(cfg, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	if offline.Dir != filepath.Join(dir, "db") || offline.Suffix != "dc=example,dc=com" || offline.SizeLimit != 7 ||
		!offline.ReadRequiresAuth || string(offline.RootPW) != string(rootpw) || offline.Schema == nil ||
		len(offline.Indexes) != 2 || offline.Indexes[0].Attr != "cn" || len(offline.Indexes[0].Kinds) != 2 {
		t.Fatalf("offline options %+v", offline)
	}
	if offline.BuildIndexesOnline || offline.Logger != nil {
		t.Fatalf("offline options build online (%v) or log (%v)", offline.BuildIndexesOnline, offline.Logger)
	}
	p, err := preparePlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := start(p, zap.NewNop(), stdio{out: &bytes.Buffer{}, err: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	r.stop()
	o := (*opened)[0].opts
	if !o.BuildIndexesOnline || o.Logger == nil {
		t.Fatalf("serve opened without online index building (%v) or a logger (%v)", o.BuildIndexesOnline, o.Logger)
	}
	o.BuildIndexesOnline, o.Logger = false, nil
	if o.Dir != offline.Dir || o.SizeLimit != offline.SizeLimit || o.Durability != offline.Durability ||
		o.ReadRequiresAuth != offline.ReadRequiresAuth || len(o.Indexes) != len(offline.Indexes) {
		t.Fatalf("serve options %+v differ from offline %+v beyond logger and online building", o, offline)
	}
}

// TestSubschema_assertion: an assertion control on a search of cn=Subschema is
// checked against the subschema subentry (RFC 4528), as slapd does.
func TestSubschema_assertion(t *testing.T) {
	reg := schema.Default()
	sb, err := newSubschemaBackend(reg, &fakeDB{opts: backend.Options{Suffix: "dc=example,dc=com"}})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := schema.ParseDN("cn=Subschema")
	search := func(assertion string) (int, error) {
		a, err := schema.ParseFilter(assertion)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := schema.ParseFilter("(objectClass=*)")
		w := &countWriter{}
		_, err = sb.Search(context.Background(), &ldapserver.SearchRequest{Base: base, RawBase: "cn=Subschema",
			Scope: ldapserver.ScopeBase, Filter: f, Attributes: []string{"1.1"},
			Header: ldapserver.Header{Controls: ldapserver.Controls{Assertion: a}}}, w)
		return w.n, err
	}
	n, err := search("(cn=nomatch)")
	var le *ldapserver.Error
	if !errors.As(err, &le) || le.Code != ldapserver.AssertionFailed || n != 0 {
		t.Fatalf("false assertion: %d entries, %v; want assertionFailed", n, err)
	}
	if n, err := search("(cn=Subschema)"); err != nil || n != 1 {
		t.Fatalf("true assertion: %d entries, %v", n, err)
	}
}

// TestSubschema_add: adding the subschema subentry (in any spelling) or the
// Root DSE is entryAlreadyExists, as in slapd; other adds reach the database.
func TestSubschema_add(t *testing.T) {
	sb, err := newSubschemaBackend(schema.Default(), &fakeDB{opts: backend.Options{Suffix: "dc=example,dc=com"}})
	if err != nil {
		t.Fatal(err)
	}
	for dn, want := range map[string]ldapserver.ResultCode{
		"": ldapserver.EntryAlreadyExists, "CN=subschema": ldapserver.EntryAlreadyExists, "2.5.4.3=Subschema": ldapserver.EntryAlreadyExists,
		"cn=Subschema2": ldapserver.Success, "cn=Subschema,dc=example,dc=com": ldapserver.Success,
	} {
		parsed, _ := schema.ParseDN(dn)
		_, err := sb.Add(context.Background(), &ldapserver.AddRequest{DN: parsed, RawDN: dn})
		var le *ldapserver.Error
		if want == ldapserver.Success && err != nil || want != ldapserver.Success && (!errors.As(err, &le) || le.Code != want) {
			t.Errorf("add %q: %v, want %v", dn, err, want)
		}
	}
}

type countWriter struct{ n int }

func (w *countWriter) SendEntry(*ldapserver.Entry) error { w.n++; return nil }
func (w *countWriter) SendReference([]string) error      { return nil }

// TestPreparePlan_indexKindsTheAttributeLacks: an index kind the attribute has
// no matching rule for (substrings of userPassword, equality of jpegPhoto),
// or a computed attribute, is a problem `lightdir test` reports with its line,
// as slaptest does
// (`line 7: substr index of attribute "userPassword" disallowed`), not a
// start-up failure of serve after test said ok.
func TestPreparePlan_indexKindsTheAttributeLacks(t *testing.T) {
	dir := t.TempDir()
	cfg := parseConf(t, dir, `[[database]]
suffix = "dc=example,dc=com"
directory = "d"
[database.indices]
cn = ["eq", "sub", "approx", "pres"]
userPassword = ["sub"]
jpegPhoto = ["pres", "eq"]
entryDN = ["eq"]
`)
	_, err := preparePlan(cfg)
	if err == nil {
		t.Fatal("accepted")
	}
	want := []string{
		`lightdir.toml:6: database[0].indices.userPassword: conf: invalid value: userPassword has no substrings rule`,
		`lightdir.toml:7: database[0].indices.jpegPhoto: conf: invalid value: jpegPhoto has no equality rule`,
		`lightdir.toml:8: database[0].indices.entryDN: conf: invalid value: entryDN is computed, not stored, and cannot be indexed`,
	}
	sortedWant := strings.Join(want, "\n")
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Fatalf("got:\n%s\nwant:\n%s", err, sortedWant)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("problem %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// TestPreparePlan_malformedRootPassword: a root_password with a known scheme
// but a body that is no hash of it (truncated when pasted, a wrong base64)
// can never verify, so the root DN could never bind; `lightdir test` reports
// it with its line instead of saying ok.
func TestPreparePlan_malformedRootPassword(t *testing.T) {
	good, _ := pwhash.Hash("", []byte("pw"))
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{good, true},
		{good[:len(good)/2], false},
		{"{SSHA512}x", false},
		{"{SSHA}", false},
	} {
		dir := t.TempDir()
		cfg := parseConf(t, dir, `[[database]]
suffix = "dc=example,dc=com"
directory = "d"
root_dn = "cn=admin,dc=example,dc=com"
root_password = "`+tc.value+`"
`)
		_, err := preparePlan(cfg)
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s: %v", tc.value, err)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), "lightdir.toml:5: database[0].root_password: conf: invalid value: ")):
			t.Errorf("%s: got %v, want a problem at line 5", tc.value, err)
		}
	}
}

// TestLoadConfig_emptyListen: `serve -l ""` (an unset shell variable, say)
// leaves no URL to listen on; before, serve logged "ready" with no listener
// and ran, unreachable, until killed.
func TestLoadConfig_emptyListen(t *testing.T) {
	for _, l := range []string{"", " "} {
		o, err := getopt([]string{"-l", l}, "c:l:")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := loadConfig(o); err == nil || !strings.Contains(err.Error(), "listen") {
			t.Errorf("-l %q: got %v, want a problem with listen", l, err)
		}
	}
}

// TestStart_refusedDatabase_keepsRootPassword: a start that cannot open its
// database (another serve has it open: "environment in use") changes nothing.
// It used to write the root password file first: run by mistake with another
// $LIGHTDIR_ROOTPW next to the running server, serve exited 1 yet had replaced
// the hash, so that the next restart refused the password in use; without a
// file, it printed a generated password that a second attempt replaced.
func TestStart_refusedDatabase_keepsRootPassword(t *testing.T) {
	prev := openDatabase
	openDatabase = func(backend.Options) (database, error) {
		return nil, errors.New("engine: environment in use by another process")
	}
	t.Cleanup(func() { openDatabase = prev })
	dir := t.TempDir()
	file := filepath.Join(dir, "data", "rootpw")
	first, err := rootPassword(file, "cn=admin,dc=example,dc=com", "first", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := conf.Default()
	cfg.Listen = []string{"ldap://127.0.0.1:0"}
	cfg.Database[0].Directory = filepath.Join(dir, "data")
	cfg.Database[0].RootPasswordFile = file
	p, err := preparePlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	t.Setenv(rootPWEnv, "second")
	if _, err := start(p, zap.NewNop(), stdio{out: &out, err: &out}); err == nil {
		t.Fatal("started without its database")
	}
	if stored, err := os.ReadFile(file); err != nil || !bytes.Equal(bytes.TrimSpace(stored), first) {
		t.Fatalf("the refused start replaced the root password hash: %q (%v)", stored, err)
	}
	os.Remove(file)
	t.Setenv(rootPWEnv, "")
	if _, err := start(p, zap.NewNop(), stdio{out: &out, err: &out}); err == nil {
		t.Fatal("started without its database")
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) || out.Len() != 0 {
		t.Fatalf("the refused start generated a password: printed %q, file %v", out.String(), err)
	}
}

// rootPassword is prepareRootPassword with the file saved at once.
func rootPassword(file, rootDN, env string, out io.Writer) ([]byte, error) {
	h, save, err := prepareRootPassword(file, rootDN, env, out)
	if err == nil && save != nil {
		err = save()
	}
	return h, err
}
