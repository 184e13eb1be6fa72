package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lightdir/engine"
	"lightdir/ldif"
	"lightdir/schema"
)

// importVariety exercises what the import's caches and shortcuts must get
// right: parents written differently from their own entry (spaces, ';'),
// escaped separators, multi-valued RDNs, a parent that is not the last
// entry's ancestor, options, subtypes, base64, DN-valued attributes and
// operational attributes given in the input. Many subscribers follow, so
// the entries span several jobs.
func importVariety(subscribers int) string {
	var b strings.Builder
	b.WriteString(`version: 1

dn: dc=example,dc=com
objectClass: top
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people
description: Staff

dn: uid=alice, ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Liddell
cn;lang-de: Alice Lid
sn: Liddell
mail: Alice@Example.COM
description:: w6lsw6h2ZQ==
telephoneNumber: +1 555 0100

dn: cn=hlr,uid=alice,ou=people,dc=example,dc=com
objectClass: organizationalRole
cn: hlr

dn: uid=bob;ou=people;dc=example;dc=com
objectClass: inetOrgPerson
uid: bob
cn: Bob
sn: Builder
entryUUID: 5d2b1c48-1111-4222-8333-444455556666
createTimestamp: 20200101000000Z
creatorsName: cn=someone,dc=example,dc=com
structuralObjectClass: inetOrgPerson

dn: cn=Smith\, John+uid=js,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
cn: Smith, John
uid: js
sn: Smith

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: cn=staff,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: staff
member: uid=alice,ou=people,dc=example,dc=com
member: UID=Bob,OU=People,DC=Example,DC=Com

dn: cn=child,uid=alice,ou=people,dc=example,dc=com
objectClass: organizationalRole
cn: child

dn: cn=deeper,cn=child,uid=alice,ou=people,dc=example,dc=com
objectClass: organizationalRole
objectClass: extensibleObject
cn: deeper
name: Deeper Name

dn: ou=subscribers,dc=example,dc=com
objectClass: organizationalUnit
ou: subscribers

`)
	for i := range subscribers {
		dn := fmt.Sprintf("uid=%s,ou=subscribers,dc=example,dc=com", imsi(i))
		fmt.Fprintf(&b, "dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ntelephoneNumber: %s\nmail: %s@example.com\ncn: Subscriber %d\nsn: %d\n\n",
			dn, imsi(i), msisdn(i), msisdn(i), i, i)
		fmt.Fprintf(&b, "dn: cn=hlr,%s\nobjectClass: organizationalRole\ncn: hlr\n\n", dn)
	}
	return b.String()
}

var varietyIndexes = []IndexSpec{
	{Attr: "uid", Kinds: []string{"eq"}}, {Attr: "cn", Kinds: []string{"eq", "sub"}},
	{Attr: "mail", Kinds: []string{"eq", "pres"}}, {Attr: "name", Kinds: []string{"eq"}},
	{Attr: "telephoneNumber", Kinds: []string{"eq"}}, {Attr: "member", Kinds: []string{"eq"}},
}

// volatileAttrs differ between two stores of the same entry (time,
// random) unless the input gives them, as it does for bob's entryUUID and
// createTimestamp.
var volatileAttrs = []string{atEntryUUID, atEntryCSN, atCreateTimestamp, atModifyTimestamp}

// dumpEntries renders every stored entry by DN: attributes in stored order
// with values and normalized values; volatile attributes only by name.
func dumpEntries(t *testing.T, opts Options) map[string]string {
	t.Helper()
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	out := map[string]string{}
	err = b.env.View(func(txn *engine.Txn) error {
		c, err := txn.OpenCursor(b.db.id2entry)
		if err != nil {
			return err
		}
		defer c.Close()
		var dec decoder
		for k, _, err := c.Get(nil, nil, engine.First); err == nil; k, _, err = c.Get(nil, nil, engine.Next) {
			var e schema.Entry
			if err := b.readEntry(txn, idOf(k), &e, &dec); err != nil {
				return err
			}
			dn, err := b.dnOf(txn, idOf(k), nil)
			if err != nil {
				return err
			}
			var s strings.Builder
			for _, a := range e.Attrs {
				fmt.Fprintf(&s, "%s:", a.Desc)
				given := strings.Contains(dn, "bob") && (a.Desc == atEntryUUID || a.Desc == atCreateTimestamp)
				if slices.Contains(volatileAttrs, a.Desc) && !given {
					fmt.Fprintf(&s, " (%d values)\n", len(a.Values))
					continue
				}
				for j, v := range a.Values {
					fmt.Fprintf(&s, " %q", v)
					if a.Norm != nil {
						fmt.Fprintf(&s, "=%q", a.Norm[j])
					}
				}
				s.WriteString("\n")
			}
			out[dn] = s.String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// addAll stores the LDIF entries one by one through the add path.
func addAll(t *testing.T, opts Options, text string) {
	t.Helper()
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	lr := ldif.NewReader(strings.NewReader(text), ldif.ReaderOptions{})
	for {
		le, err := lr.NextEntry()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		dn, err := schema.ParseDN(le.DN)
		if err != nil {
			t.Fatal(err)
		}
		e := &schema.Entry{DN: dn}
		for _, a := range le.Attrs {
			e.Attrs = append(e.Attrs, schema.Attribute{Desc: a.Desc, Values: a.Values})
		}
		if err := b.addInternal(context.Background(), e, ""); err != nil {
			t.Fatalf("add %s: %v", le.DN, err)
		}
	}
}

// TestImport_matchesAdd: an import stores exactly what adding the same
// entries one by one stores (DNs as given, values, normalized values,
// operational attributes; Check verifies the index keys), whatever the
// number of workers, transactions and key flushes.
func TestImport_matchesAdd(t *testing.T) {
	text := importVariety(400)
	ref := testOptions(t, varietyIndexes...)
	addAll(t, ref, text)
	want := dumpEntries(t, ref)
	for _, io := range []ImportOptions{{}, {Workers: 1}, {Workers: 3, TxnEntries: 7, BatchBytes: 2000}} {
		t.Run(fmt.Sprintf("workers=%d,txn=%d,batch=%d", io.Workers, io.TxnEntries, io.BatchBytes), func(t *testing.T) {
			opts := testOptions(t, varietyIndexes...)
			st, err := Import(opts, strings.NewReader(text), io)
			if err != nil {
				t.Fatal(err)
			}
			if st.Entries != len(want) {
				t.Errorf("imported %d entries, want %d", st.Entries, len(want))
			}
			if err := Check(opts); err != nil {
				t.Fatal(err)
			}
			got := dumpEntries(t, opts)
			for dn, w := range want {
				if got[dn] != w {
					t.Errorf("entry %s:\nimport:\n%s\nadd:\n%s", dn, got[dn], w)
				}
			}
			for dn := range got {
				if _, ok := want[dn]; !ok {
					t.Errorf("import has %s, add does not", dn)
				}
			}
		})
	}
}

// TestImport_errorLineLaterJob: an entry that fails after many jobs is
// reported with its own line and the sentinel of its kind (a refused
// entry, or LDIF that does not parse), and nothing is left behind.
func TestImport_errorLineLaterJob(t *testing.T) {
	text := importVariety(300)
	dnLine := strings.Count(text, "\n") + 1
	for _, c := range []struct {
		bad  string
		line int
		want error
		tail string // what follows: a later error, which must not win
	}{
		// An entry whose parent never comes, at the end of the input (with
		// an error after it, the parent could have come later: that error
		// is reported, see TestImport_errorAfterChildBeforeParent).
		{"dn: uid=x,ou=nowhere,dc=example,dc=com\nobjectClass: account\nuid: x\n", dnLine, ErrBadEntry, ""},
		{"dn: uid=x,ou=subscribers,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: x\n", dnLine, ErrBadEntry, importVariety(0)[:40]},
		{"dn: uid=" + imsi(7) + ",ou=subscribers,dc=example,dc=com\nobjectClass: account\nuid: " + imsi(7) + "\n", dnLine, ErrBadEntry, importVariety(0)[:40]},
		{"dn: uid=x,ou=subscribers,dc=example,dc=com\nbroken line\n", dnLine + 1, ldif.ErrSyntax, importVariety(0)[:40]},
	} {
		opts := testOptions(t)
		_, err := Import(opts, strings.NewReader(text+c.bad+"\n"+c.tail), ImportOptions{Workers: 2})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d:", c.line)) {
			t.Errorf("error %v, want one naming line %d", err, c.line)
		}
		if !errors.Is(err, c.want) {
			t.Errorf("error %v, want one wrapping %v", err, c.want)
		}
		if _, err := os.Stat(filepath.Join(opts.Dir, "data.mdb")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("data file left behind: %v", err)
		}
	}
}
