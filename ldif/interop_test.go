package ldif

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTool skips when a tool is missing on a developer machine, and fails
// in CI, where the tools are installed.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found in CI: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// slapdConf writes a minimal slapd.conf with an mdb database in dir.
func slapdConf(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o700); err != nil {
		t.Fatal(err)
	}
	var mod string
	for _, d := range []string{"/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib/aarch64-linux-gnu/ldap", "/usr/libexec/openldap"} {
		if _, err := os.Stat(filepath.Join(d, "back_mdb.la")); err == nil {
			mod = fmt.Sprintf("modulepath %s\nmoduleload back_mdb\n", d)
			break
		}
		if _, err := os.Stat(filepath.Join(d, "back_mdb.so")); err == nil {
			mod = fmt.Sprintf("modulepath %s\nmoduleload back_mdb\n", d)
			break
		}
	}
	conf := "include /etc/ldap/schema/core.schema\ninclude /etc/ldap/schema/cosine.schema\n" +
		"include /etc/ldap/schema/inetorgperson.schema\n" + mod +
		"database mdb\nsuffix \"dc=example,dc=com\"\ndirectory " + db + "\nmaxsize 104857600\n"
	p := filepath.Join(dir, "slapd.conf")
	if err := os.WriteFile(p, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// interopValue returns valid UTF-8 text with the characters that decide
// between plain and base64: edge spaces, ':' and '<' first, control
// characters, DEL, non-ASCII, and long runs that fold.
func interopValue(rng *rand.Rand) []byte {
	pieces := []string{" ", ":", "<", "a", "b", "Z", "é", "€", "\t", "\x7f", "\x01", "#", "-", "=", "xxxxxxxxxxxxxxxxxxxxxxxxxx"}
	var b []byte
	for range 1 + rng.IntN(12) {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return b
}

// TestWriter_interop_slapadd: LDIF from our Writer loads with slapadd, and
// slapcat's dump of it reads back through our Reader with the same values;
// re-writing slapcat's records with our Writer reproduces slapcat's bytes.
func TestWriter_interop_slapadd(t *testing.T) {
	slapadd := needTool(t, "slapadd")
	slapcat := needTool(t, "slapcat")
	if _, err := os.Stat("/etc/ldap/schema/inetorgperson.schema"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("slapd schema files missing in CI: %v", err)
		}
		t.Skip("slapd schema files not installed")
	}
	dir := t.TempDir()
	conf := slapdConf(t, dir)
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 7))

	entries := []*Entry{{DN: "dc=example,dc=com", Attrs: []Attr{
		{Desc: "objectClass", Values: vals("dcObject", "organization")}, {Desc: "o", Values: vals("Example")}, {Desc: "dc", Values: vals("example")}}}}
	for i := range 200 {
		e := &Entry{DN: fmt.Sprintf("cn=Müller %d,dc=example,dc=com", i), Attrs: []Attr{
			{Desc: "objectClass", Values: vals("inetOrgPerson")},
			{Desc: "cn", Values: vals(fmt.Sprintf("Müller %d", i))},
			{Desc: "sn", Values: [][]byte{interopValue(rng)}},
			{Desc: "description", Values: [][]byte{interopValue(rng), interopValue(rng)}},
			{Desc: "audio", Values: [][]byte{randBytes(rng)}},
			{Desc: "userPassword", Values: vals(fmt.Sprintf("{SSHA}pw%d", i))},
		}}
		if i%2 == 0 {
			e.DN = fmt.Sprintf("cn=plain%d,dc=example,dc=com", i)
			e.Attrs[1].Values = vals(fmt.Sprintf("plain%d", i))
		}
		entries = append(entries, e)
	}
	var in bytes.Buffer
	w := NewWriter(&in, WriterOptions{}) // slapadd refuses a version line
	for _, e := range entries {
		if err := w.WriteEntry(e); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	inPath := filepath.Join(dir, "in.ldif")
	if err := os.WriteFile(inPath, in.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(slapadd, "-q", "-f", conf, "-l", inPath).CombinedOutput(); err != nil {
		t.Fatalf("slapadd refused our LDIF: %v\n%s", err, out)
	}
	dumped, err := exec.Command(slapcat, "-f", conf).Output()
	if err != nil {
		t.Fatalf("slapcat: %v", err)
	}

	recs, err := readAll(string(dumped), ReaderOptions{})
	if err != nil {
		t.Fatalf("reading slapcat output: %v", err)
	}
	if len(recs) != len(entries) {
		t.Fatalf("slapcat gave %d entries, we wrote %d", len(recs), len(entries))
	}
	byDN := map[string]*Entry{}
	for _, r := range recs {
		byDN[r.(*Entry).DN] = r.(*Entry)
	}
	for _, want := range entries {
		got := byDN[want.DN]
		if got == nil {
			t.Fatalf("entry %q missing from slapcat output", want.DN)
		}
		for _, a := range want.Attrs {
			if g := got.Get(a.Desc); !sameRecords([]Record{&Entry{Attrs: []Attr{{Desc: a.Desc, Values: g}}}},
				[]Record{&Entry{Attrs: []Attr{{Desc: a.Desc, Values: a.Values}}}}) {
				t.Fatalf("%s: %s: slapcat has %q, we wrote %q", want.DN, a.Desc, g, a.Values)
			}
		}
	}

	// Our Writer formats slapcat's own records exactly as slapcat does.
	var again bytes.Buffer
	w = NewWriter(&again, WriterOptions{})
	for _, r := range recs {
		if err := w.WriteEntry(r.(*Entry)); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if !bytes.Equal(again.Bytes(), dumped) {
		a, b := strings.Split(again.String(), "\n"), strings.Split(string(dumped), "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("line %d differs from slapcat:\n ours:    %q\n slapcat: %q", i+1, a[i], b[i])
			}
		}
		t.Fatalf("output lengths differ: %d vs %d lines", len(a), len(b))
	}
}

// TestWriter_interop_ldapmodify: ldapmodify's dry run (-n, no server
// contacted) parses our change records and version header and announces
// one operation per record.
func TestWriter_interop_ldapmodify(t *testing.T) {
	ldapmodify := needTool(t, "ldapmodify")
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 11))
	var recs []Record
	for i := range 100 {
		dn := fmt.Sprintf("cn=e%d,dc=example,dc=com", i)
		var r Record
		switch i % 5 {
		case 0:
			r = &Entry{DN: dn, Attrs: []Attr{{Desc: "objectClass", Values: vals("device")}, {Desc: "description", Values: [][]byte{interopValue(rng)}}}}
		case 1:
			r = &ChangeRecord{DN: dn, Type: ChangeAdd, Attrs: []Attr{{Desc: "cn", Values: [][]byte{interopValue(rng)}}}}
		case 2:
			r = &ChangeRecord{DN: dn, Type: ChangeDelete}
		case 3:
			r = &ChangeRecord{DN: dn, Type: ChangeModify, Mods: []Mod{
				{Op: ModReplace, Attr: Attr{Desc: "description", Values: [][]byte{interopValue(rng), randBytes(rng)}}},
				{Op: ModDelete, Attr: Attr{Desc: "l"}},
				{Op: ModAdd, Attr: Attr{Desc: "seeAlso", Values: vals("cn=x")}}}}
		case 4:
			r = &ChangeRecord{DN: dn, Type: ChangeModRDN, NewRDN: fmt.Sprintf("cn=ë%d", i), DeleteOldRDN: true, HasNewSuperior: true, NewSuperior: "ou=other,dc=example,dc=com"}
		}
		recs = append(recs, r)
	}
	path := filepath.Join(t.TempDir(), "changes.ldif")
	if err := os.WriteFile(path, []byte(writeString(t, WriterOptions{Version: true}, recs...)), 0o600); err != nil {
		t.Fatal(err)
	}
	// -a treats records without changetype as adds, like ldapadd.
	out, err := exec.Command(ldapmodify, "-a", "-n", "-f", path, "-H", "ldap://127.0.0.1:1").CombinedOutput()
	if err != nil {
		t.Fatalf("ldapmodify -n refused our LDIF: %v\n%s", err, out)
	}
	announced := 0
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "!") {
			announced++
		}
	}
	if announced != len(recs) {
		t.Fatalf("ldapmodify announced %d operations for %d records:\n%s", announced, len(recs), out)
	}
}
