package backend

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lightdir/ldapserver"
	"lightdir/ldif"
)

const sampleLDIF = `dn: dc=example,dc=com
objectClass: top
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

# a comment
dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Lid
 dell
sn: Liddell
description:: w6lsw6h2ZQ==
telephoneNumber: +1 555 0100

dn: uid=bob,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bob
cn: Bob
sn: Builder
userPassword: {SSHA}abcdefghijklmnopqrstuvwxyz01

`

func exportString(t *testing.T, opts Options) string {
	t.Helper()
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var buf bytes.Buffer
	if err := b.Export(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestImport_roundTrip: import -> export -> import -> export gives identical LDIF, and Check passes.
func TestImport_roundTrip(t *testing.T) {
	opts := testOptions(t, IndexSpec{Attr: "uid", Kinds: []string{"eq"}}, IndexSpec{Attr: "cn", Kinds: []string{"eq", "sub"}})
	st, err := Import(opts, strings.NewReader(sampleLDIF), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries != 4 {
		t.Fatalf("imported %d entries", st.Entries)
	}
	if err := Check(opts); err != nil {
		t.Fatal(err)
	}
	first := exportString(t, opts)
	for _, want := range []string{"dn: uid=alice,ou=people,dc=example,dc=com", "cn: Alice Liddell", "entryUUID: ", "structuralObjectClass: inetOrgPerson"} {
		if !strings.Contains(first, want) {
			t.Errorf("export lacks %q:\n%s", want, first)
		}
	}
	opts2 := opts
	opts2.Dir = t.TempDir()
	if _, err := Import(opts2, strings.NewReader(first), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if second := exportString(t, opts2); second != first {
		t.Errorf("round trip differs:\n%s\n----\n%s", first, second)
	}
	b := openTest(t, opts2)
	got, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, "(cn=*lid*)")
	if err != nil || strings.Join(got.dns(), " ") != "uid=alice,ou=people,dc=example,dc=com" {
		t.Errorf("search after import: %v %v", got.dns(), err)
	}
}

// TestImport_badInputLeavesNothing: every malformed LDIF fails with its line and leaves no data behind.
func TestImport_badInputLeavesNothing(t *testing.T) {
	cases := []struct {
		name, ldif string
		line       string
	}{
		{"syntax", sampleLDIF + "dn: uid=x,dc=example,dc=com\nthis is not ldif\n", "line 30"},
		{"change record", sampleLDIF + "dn: uid=x,dc=example,dc=com\nchangetype: delete\n", "line 29"},
		{"orphan", sampleLDIF + "dn: uid=x,ou=nowhere,dc=example,dc=com\nobjectClass: account\nuid: x\n", "line 29"},
		{"outside", sampleLDIF + "dn: dc=other,dc=org\nobjectClass: domain\ndc: other\n", "line 29"},
		{"schema", sampleLDIF + "dn: uid=x,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: x\n", "line 29"},
		{"duplicate", sampleLDIF + "dn: uid=bob,ou=people,dc=example,dc=com\nobjectClass: account\nuid: bob\n", "line 29"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := testOptions(t)
			_, err := Import(opts, strings.NewReader(c.ldif), ImportOptions{})
			if err == nil || !strings.Contains(err.Error(), c.line) {
				t.Fatalf("error %v, want one naming %s", err, c.line)
			}
			if c.name == "change record" && !errors.Is(err, ldif.ErrChangeRecord) {
				t.Errorf("error %v is not ErrChangeRecord", err)
			}
			if _, err := os.Stat(filepath.Join(opts.Dir, "data.mdb")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("data file left behind: %v", err)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(opts.Dir), ".lightdir-import-*"))
			if len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestImport_refusesNonEmpty: importing over entries fails and keeps them.
func TestImport_refusesNonEmpty(t *testing.T) {
	opts := testOptions(t)
	if _, err := Import(opts, strings.NewReader(sampleLDIF), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(opts, strings.NewReader(sampleLDIF), ImportOptions{}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second import: %v", err)
	}
	if got := exportString(t, opts); !strings.Contains(got, "uid=bob") {
		t.Error("entries lost")
	}
}

// TestReindex_buildsLaterIndex: an index added after the load is unused until Reindex, then used with the same results.
func TestReindex_buildsLaterIndex(t *testing.T) {
	opts := testOptions(t)
	if _, err := Import(opts, strings.NewReader(sampleLDIF), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	opts.Indexes = []IndexSpec{{Attr: "sn", Kinds: []string{"eq", "pres"}}}
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if b.ixByTyp[b.reg.AttributeType("sn")].built {
		t.Error("new index on a loaded database claims to be built")
	}
	b.Close()
	if err := Reindex(opts, []string{"sn"}); err != nil {
		t.Fatal(err)
	}
	if err := Check(opts); err != nil {
		t.Fatal(err)
	}
	b2 := openTest(t, opts)
	if !b2.ixByTyp[b2.reg.AttributeType("sn")].built {
		t.Error("index not built after Reindex")
	}
	got, err := doSearch(t, b2, testSuffix, ldapserver.ScopeSubtree, "(sn=builder)")
	if err != nil || strings.Join(got.dns(), " ") != "uid=bob,ou=people,dc=example,dc=com" {
		t.Errorf("search: %v %v", got.dns(), err)
	}
}

// TestReindex_missingDatabase: reindexing a directory without a database
// (a mistyped path) fails and creates nothing.
func TestReindex_missingDatabase(t *testing.T) {
	opts := testOptions(t)
	opts.Dir = filepath.Join(t.TempDir(), "typo")
	if err := Reindex(opts, nil); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Reindex of a missing database: %v", err)
	}
	if _, err := os.Stat(opts.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Reindex created %s (%v)", opts.Dir, err)
	}
}
