package backend

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// tagSchema is the default schema plus an operator's attribute type
// subscriberTag with the given equality rule (and an optional DESC).
func tagSchema(t *testing.T, equality, desc string) *schema.Registry {
	t.Helper()
	reg := schema.Default()
	def := "attributetype ( 1.3.6.1.4.1.99999.1.1 NAME 'subscriberTag' " + desc + " EQUALITY " + equality +
		" SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )\n" +
		"objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'tagged' AUXILIARY MAY subscriberTag )\n"
	if err := reg.LoadSchemaFile("tag.schema", []byte(def)); err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestOpen_normalizationChanged: values stored while subscriberTag was
// caseExactMatch carry caseExact normalized forms and index keys. Under a
// schema that makes it caseIgnoreMatch, searches would compare lower-cased
// assertions with them and silently miss entries, so Open refuses the
// database, naming the type and the fix; Export still reads it, and its
// output imported under the new schema is searched as that schema says. A
// schema that changes only the description opens as before.
func TestOpen_normalizationChanged(t *testing.T) {
	opts := testOptions(t, IndexSpec{Attr: "subscriberTag", Kinds: []string{"eq"}})
	opts.Schema = tagSchema(t, "caseExactMatch", "")
	b := openTest(t, opts)
	mustAdd(t, b, "uid=u1,"+testSuffix, person("u1", "objectClass: tagged", "subscriberTag: Gold")...)
	closeTest(t, b)

	opts.Schema = tagSchema(t, "caseExactMatch", "DESC 'tier'")
	b = openTest(t, opts)
	closeTest(t, b)

	opts.Schema = tagSchema(t, "caseIgnoreMatch", "")
	for _, readOnly := range []bool{false, true} {
		o := opts
		o.ReadOnly = readOnly
		_, err := Open(o)
		if !errors.Is(err, ErrNormalizationChanged) || !strings.Contains(err.Error(), "subscriberTag (stored with v1 equality caseExact,") ||
			!strings.Contains(err.Error(), "lightdir export") {
			t.Fatalf("read-only %v: Open = %v, want ErrNormalizationChanged naming subscriberTag", readOnly, err)
		}
	}

	o := opts
	o.ReadOnly, o.StoredValuesOnly = true, true
	old, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	var ldif bytes.Buffer
	if err := old.Export(t.Context(), &ldif); err != nil {
		t.Fatal(err)
	}
	closeTest(t, old)
	if !strings.Contains(ldif.String(), "subscriberTag: Gold\n") {
		t.Fatalf("export lacks the value:\n%s", ldif.String())
	}

	moved := opts
	moved.Dir = t.TempDir()
	if _, err := Import(moved, &ldif, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	nb := openTest(t, moved)
	c, err := doSearch(t, nb, testSuffix, ldapserver.ScopeSubtree, "(subscriberTag=gold)")
	if err != nil || len(c.entries) != 1 {
		t.Fatalf("(subscriberTag=gold) after export and import: %v, %v", c.dns(), err)
	}
}

// TestOpen_recordsNormalizationOfOlderDatabase: a database written before
// the normalization records existed opens and gets them, so that a later
// change of rules is caught.
func TestOpen_recordsNormalizationOfOlderDatabase(t *testing.T) {
	opts := testOptions(t)
	opts.Schema = tagSchema(t, "caseExactMatch", "")
	b := openTest(t, opts)
	mustAdd(t, b, "uid=u1,"+testSuffix, person("u1", "objectClass: tagged", "subscriberTag: Gold")...)
	closeTest(t, b)

	env, err := engine.Open(opts.Dir, &engine.Options{MaxDBs: 16})
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	err = env.Update(func(txn *engine.Txn) error {
		meta, err := txn.OpenDB(dbMeta, 0)
		if err != nil {
			return err
		}
		c, err := txn.OpenCursor(meta)
		if err != nil {
			return err
		}
		defer c.Close()
		k, _, err := c.Get([]byte(metaNorm), nil, engine.SetRange)
		for ; err == nil && strings.HasPrefix(string(k), metaNorm); k, _, err = c.Get(nil, nil, engine.GetCurrent) {
			if err := c.Del(false); err != nil {
				return err
			}
			removed++
		}
		if errors.Is(err, engine.ErrNotFound) {
			return nil
		}
		return err
	})
	env.Close()
	if err != nil || removed == 0 {
		t.Fatalf("removing the records: %d removed, %v", removed, err)
	}

	b = openTest(t, opts)
	closeTest(t, b)
	opts.Schema = tagSchema(t, "caseIgnoreMatch", "")
	if _, err := Open(opts); !errors.Is(err, ErrNormalizationChanged) {
		t.Fatalf("Open after the rule changed = %v, want ErrNormalizationChanged", err)
	}
}
