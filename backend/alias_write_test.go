package backend

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// outcomeOf is an operation's result code and matched DN.
func outcomeOf(err error) (ldapserver.ResultCode, string) {
	var le *ldapserver.Error
	if errors.As(err, &le) {
		return le.Code, le.MatchedDN
	}
	return codeOf(err), ""
}

// TestAdd_belowAlias_refused: an entry cannot be added below an alias,
// resolvable, dangling or looping (aliasProblem, no matched DN); a name
// that continues below an alias is not found with the alias as matched
// DN; nothing is stored. The same holds whether the parent's class is
// looked up in the objectClass index or read from the entry.
func TestAdd_belowAlias_refused(t *testing.T) {
	for _, byIndex := range []bool{true, false} {
		t.Run(fmt.Sprint("by index ", byIndex), func(t *testing.T) {
			b := aliasFixture(t)
			if b.aliasKey == nil {
				t.Fatal("no objectClass index key for alias")
			}
			if !byIndex {
				b.aliasKey = nil
			}
			testAddBelowAlias(t, b)
		})
	}
}

func testAddBelowAlias(t *testing.T, b *Backend) {
	for _, tc := range []struct {
		dn      string
		code    ldapserver.ResultCode
		matched string
	}{
		{"ou=x,ou=toalice,ou=links", ldapserver.AliasProblem, ""},
		{"ou=x,ou=dangling,ou=links", ldapserver.AliasProblem, ""},
		{"ou=x,ou=loop1,ou=links", ldapserver.AliasProblem, ""},
		{"ou=x,ou=outside,ou=links", ldapserver.AliasProblem, ""},
		{"ou=y,ou=x,ou=toalice,ou=links", ldapserver.NoSuchObject, "ou=toalice,ou=links," + testSuffix},
		{"ou=x,ou=links", ldapserver.Success, ""},
		{"ou=x,ou=c18,ou=links", ldapserver.Success, ""},
	} {
		t.Run(tc.dn, func(t *testing.T) {
			dn := tc.dn + "," + testSuffix
			_, err := b.Add(context.Background(), addReq(t, dn, "objectClass: organizationalUnit", "ou: "+mustDN(t, dn)[0][0].Value))
			if code, matched := outcomeOf(err); code != tc.code || matched != tc.matched {
				t.Fatalf("add: code %d matched %q (%v), want %d %q", code, matched, err, tc.code, tc.matched)
			}
			c, err := doSearch(t, b, dn, ldapserver.ScopeBase, "(objectClass=*)")
			if stored := err == nil && len(c.entries) == 1; stored != (tc.code == ldapserver.Success) {
				t.Fatalf("stored %v after code %d", stored, tc.code)
			}
		})
	}
}

// TestModifyDN_newSuperiorAlias_refused: an entry cannot be moved below an
// alias (aliasProblem); a missing new superior is noSuchObject without a
// matched DN; a rename that keeps the parent is unaffected.
func TestModifyDN_newSuperiorAlias_refused(t *testing.T) {
	b := aliasFixture(t)
	for _, tc := range []struct {
		dn, rdn, sup string
		code         ldapserver.ResultCode
	}{
		{"cn=g1,ou=groups", "cn=g1", "ou=togroups,ou=links", ldapserver.AliasProblem},
		{"cn=g1,ou=groups", "cn=g1", "ou=dangling,ou=links", ldapserver.AliasProblem},
		{"ou=people", "ou=people", "ou=loop2,ou=links", ldapserver.AliasProblem},
		{"cn=g1,ou=groups", "cn=g1", "ou=q,ou=togroups,ou=links", ldapserver.NoSuchObject},
		{"cn=g1,ou=groups", "cn=g1", "ou=q,ou=groups", ldapserver.NoSuchObject},
		{"ou=toalice,ou=links", "ou=toalice3", "", ldapserver.Success},
		{"ou=toalice2,ou=links", "ou=toalice2", "ou=people", ldapserver.Success},
		{"cn=g1,ou=groups", "cn=g1", "ou=c18,ou=links", ldapserver.Success},
	} {
		t.Run(tc.dn+" under "+tc.sup, func(t *testing.T) {
			dn := mustDN(t, tc.dn+","+testSuffix)
			req := &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: dn, NewRDN: mustDN(t, tc.rdn)[0], DeleteOldRDN: true}
			if tc.sup != "" {
				req.NewSuperior = mustDN(t, tc.sup+","+testSuffix)
			}
			_, err := b.ModifyDN(context.Background(), req)
			if code, matched := outcomeOf(err); code != tc.code || matched != "" {
				t.Fatalf("modify DN: code %d matched %q (%v), want %d", code, matched, err, tc.code)
			}
		})
	}
}

// TestWrite_aliasedObjectName_checked: aliasedObjectName is one DN, held
// only by alias entries, on add and on modify.
func TestWrite_aliasedObjectName_checked(t *testing.T) {
	b := aliasFixture(t)
	adds := []struct {
		name  string
		lines []string
		code  ldapserver.ResultCode
	}{
		{"two values", []string{"objectClass: alias", "objectClass: extensibleObject", "aliasedObjectName: ou=people," + testSuffix,
			"aliasedObjectName: ou=groups," + testSuffix}, ldapserver.ConstraintViolation},
		{"not a DN", []string{"objectClass: alias", "objectClass: extensibleObject", "aliasedObjectName: not a dn"}, ldapserver.InvalidAttributeSyntax},
		{"missing", []string{"objectClass: alias", "objectClass: extensibleObject"}, ldapserver.ObjectClassViolation},
		{"not an alias", []string{"objectClass: organizationalUnit", "objectClass: extensibleObject",
			"aliasedObjectName: ou=people," + testSuffix}, ldapserver.ObjectClassViolation},
		{"empty DN", []string{"objectClass: alias", "objectClass: extensibleObject", "aliasedObjectName: "}, ldapserver.Success},
	}
	for i, tc := range adds {
		t.Run("add "+tc.name, func(t *testing.T) {
			ou := "a" + string(rune('0'+i))
			_, err := b.Add(context.Background(), addReq(t, "ou="+ou+",ou=links,"+testSuffix, append(tc.lines, "ou: "+ou)...))
			if code := codeOf(err); code != tc.code {
				t.Fatalf("code %d (%v), want %d", code, err, tc.code)
			}
		})
	}
	mods := []struct {
		name, dn string
		changes  []ldapserver.Change
		code     ldapserver.ResultCode
	}{
		{"second value", "ou=toalice,ou=links", []ldapserver.Change{change(ldapserver.ModAdd, "aliasedObjectName", "ou=people,"+testSuffix)},
			ldapserver.ConstraintViolation},
		{"not a DN", "ou=toalice,ou=links", []ldapserver.Change{change(ldapserver.ModReplace, "aliasedObjectName", "=bad")},
			ldapserver.InvalidAttributeSyntax},
		{"removed", "ou=toalice,ou=links", []ldapserver.Change{change(ldapserver.ModDelete, "aliasedObjectName")},
			ldapserver.ObjectClassViolation},
		{"on a container", "ou=groups", []ldapserver.Change{change(ldapserver.ModAdd, "objectClass", "extensibleObject"),
			change(ldapserver.ModAdd, "aliasedObjectName", "ou=people,"+testSuffix)}, ldapserver.ObjectClassViolation},
		{"retarget", "ou=toalice,ou=links", []ldapserver.Change{change(ldapserver.ModReplace, "aliasedObjectName", "ou=groups,"+testSuffix)},
			ldapserver.Success},
	}
	for _, tc := range mods {
		t.Run("modify "+tc.name, func(t *testing.T) {
			req := &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, tc.dn+","+testSuffix), Changes: tc.changes}
			_, err := b.Modify(context.Background(), req)
			if code := codeOf(err); code != tc.code {
				t.Fatalf("code %d (%v), want %d", code, err, tc.code)
			}
		})
	}
}

func change(op ldapserver.ModOp, attr string, vals ...string) ldapserver.Change {
	c := ldapserver.Change{Op: op, Attribute: ldapserver.Attribute{Type: attr}}
	for _, v := range vals {
		c.Attribute.Values = append(c.Attribute.Values, []byte(v))
	}
	return c
}

// An entry of a subclass of alias is an alias for dereferencing and for
// the write checks alike, whether its class is looked up in the
// objectClass index or read from the entry.
func TestAlias_subclassOfAlias_isAnAlias(t *testing.T) {
	for _, indexed := range []bool{true, false} {
		t.Run(fmt.Sprint("objectClass index ", indexed), func(t *testing.T) {
			reg := schema.Default()
			if err := reg.LoadSchemaFile("test.schema", []byte(
				"objectclass ( 1.3.6.1.4.1.4203.666.99.1 NAME 'lightdirTestAlias' SUP alias STRUCTURAL MAY cn )\n")); err != nil {
				t.Fatal(err)
			}
			opts := testOptions(t, IndexSpec{Attr: "objectClass", Kinds: []string{"eq"}})
			opts.Schema = reg
			b := openTest(t, opts)
			if b.aliasKey == nil {
				t.Fatal("no objectClass index key for alias")
			}
			if !indexed {
				b.aliasKey = nil
			}
			mustAdd(t, b, "ou=people,"+testSuffix, "objectClass: organizationalUnit", "ou: people")
			mustAdd(t, b, "uid=alice,ou=people,"+testSuffix, "objectClass: inetOrgPerson", "uid: alice", "cn: alice", "sn: a")
			mustAdd(t, b, "cn=toalice,"+testSuffix, "objectClass: lightdirTestAlias", "cn: toalice",
				"aliasedObjectName: uid=alice,ou=people,"+testSuffix)
			got, err := aliasSearch(t, b, ldapserver.DerefAlways, "cn=toalice", ldapserver.ScopeBase, "(objectClass=*)")
			if err != nil || len(got) != 1 || got[0] != "uid=alice,ou=people" {
				t.Fatalf("base search through the alias: %v, %v", got, err)
			}
			_, err = b.Add(context.Background(), addReq(t, "ou=x,cn=toalice,"+testSuffix, "objectClass: organizationalUnit", "ou: x"))
			if code, _ := outcomeOf(err); code != ldapserver.AliasProblem {
				t.Fatalf("add below the alias: %v, want aliasProblem", err)
			}
		})
	}
}
