package integration

// A randomized differential test of the update operations: from a fixed
// seed, the same random sequence of adds, modifies, modify DNs, deletes
// and compares goes over the wire to slapd 2.5 (back-mdb, core+cosine+
// inetorgperson+nis) and to lightdir, both loaded with writeFixture. The
// result code and matched DN of every operation must agree, and after
// every successful update the whole tree must too (every user attribute,
// structuralObjectClass and hasSubordinates; names lower-cased, values as
// returned, sorted).
//
// Reproduce or explore with, for example,
//
//	go test ./tests/integration -run TestSlapdWrite_random -wrand.seed=7 -wrand.ops=3000 -v
//
// The generator avoids, with a comment at each place, requests on which
// slapd departs from the RFCs.

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

var (
	wrandSeed = flag.Uint64("wrand.seed", 1, "seed of TestSlapdWrite_random")
	wrandOps  = flag.Int("wrand.ops", 700, "operations of TestSlapdWrite_random")
)

func TestSlapdWrite_random(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	g := &wgen{r: rand.New(rand.NewPCG(*wrandSeed, 0x1dab))}
	g.refresh(theirs)
	if got, want := treeDump(ours), treeDump(theirs); got != want {
		t.Fatalf("trees differ after import\nlightdir:\n%s\nslapd:\n%s", got, want)
	}
	var log []string
	for i := 0; i < *wrandOps; i++ {
		op := g.next(theirs)
		log = append(log, op.what)
		got, want := op.do(ours), op.do(theirs)
		if got != want {
			t.Fatalf("seed %d op %d: %s\nlightdir: %s\nslapd:    %s\nthe operations before it:\n%s",
				*wrandSeed, i, op.what, got, want, strings.Join(tail(log[:len(log)-1], 15), "\n"))
		}
		if op.compare || want != "success" && i%25 != 0 {
			continue // a refused update changes nothing, checked now and then
		}
		g.refresh(theirs)
		if got, want := treeDump(ours), treeDump(theirs); got != want {
			t.Fatalf("seed %d op %d: %s\nthe trees differ afterwards:\n%s\nthe operations before it:\n%s",
				*wrandSeed, i, op.what, treeDiff(got, want), strings.Join(tail(log[:len(log)-1], 15), "\n"))
		}
	}
	t.Logf("seed %d: %d operations, %d entries at the end", *wrandSeed, *wrandOps, len(g.dns))
}

func tail(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// treeDump lists every entry below the suffix, one per line: the DN as
// returned, then each attribute (name lower-cased) with its values sorted.
func treeDump(c *ldap.Conn) string {
	res, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"*", "structuralObjectClass", "hasSubordinates"}, nil))
	if err != nil {
		return outcome(err)
	}
	var lines []string
	for _, e := range res.Entries {
		var as []string
		for _, a := range e.Attributes {
			vals := slices.Clone(a.Values)
			slices.Sort(vals)
			as = append(as, fmt.Sprintf("%s=%q", strings.ToLower(a.Name), vals))
		}
		slices.Sort(as)
		lines = append(lines, e.DN+" {"+strings.Join(as, " ")+"}")
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// treeDiff returns the lines of two dumps that are not in both.
func treeDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out []string
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "lightdir: "+l)
		}
	}
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "slapd:    "+l)
		}
	}
	return strings.Join(out, "\n")
}

// wop is one generated operation; do returns its outcome on a server.
type wop struct {
	what    string
	compare bool // changes nothing
	do      func(c *ldap.Conn) string
}

// wgen generates operations on the entries the tree holds (read from
// slapd after every successful update) and on names near them.
type wgen struct {
	r   *rand.Rand
	dns []string
}

func (g *wgen) refresh(c *ldap.Conn) {
	res, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	if err != nil {
		panic(err)
	}
	g.dns = g.dns[:0]
	for _, e := range res.Entries {
		g.dns = append(g.dns, e.DN)
	}
	slices.Sort(g.dns)
}

func (g *wgen) pick(s ...string) string { return s[g.r.IntN(len(s))] }
func (g *wgen) chance(p float64) bool   { return g.r.Float64() < p }

// entry reads dn's user attributes from c (slapd).
func (g *wgen) entry(c *ldap.Conn, dn string) map[string][]string {
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"*"}, nil))
	m := map[string][]string{}
	if err != nil || len(res.Entries) != 1 {
		return m
	}
	for _, a := range res.Entries[0].Attributes {
		m[a.Name] = a.Values
	}
	return m
}

// existing picks an entry of the tree, or now and then a name that is not
// there (below an entry, or below a missing one).
func (g *wgen) existing(belowMissing bool) string {
	switch {
	case g.chance(0.05):
		return "cn=nope," + g.pick(g.dns...)
	case belowMissing && g.chance(0.03):
		return "cn=nope,ou=gone," + g.pick(g.dns...)
	}
	return g.pick(g.dns...)
}

// respell changes the case of some letters and the spaces of a value.
func (g *wgen) respell(v string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToUpper(v)
	case 1:
		return strings.ToLower(v)
	case 2:
		return strings.ReplaceAll(v, " ", "  ")
	}
	return v
}

// value returns a value for the attribute type typ (without options),
// valid most of the time.
func (g *wgen) value(typ string) string {
	switch strings.ToLower(typ) {
	case "cn", "sn", "givenname", "title", "displayname":
		return g.pick("a", "A", "a b", "A  B", "b", "x", "n1", "N1", "s", "Smith", "é", "Ω x", "d1")
	case "description":
		return g.pick("d", "D", "d e", "D  E", "x", "1", "é")
	case "telephonenumber":
		return g.pick("+1 555 1234", "+15551234", "555-1234", "555 1234", "1")
	case "uid":
		return g.pick("u", "U", "u1", "x", "n1")
	case "uidnumber", "gidnumber", "shadowmin":
		return g.pick("1", "5", "-5", "0", "1000", "20")
	case "homedirectory":
		return g.pick("/h", "/H", "/home/x")
	case "mail":
		return g.pick("a@b", "A@B", "x@example.com")
	case "ou":
		return g.pick("o", "O", "sub", "x", "n1")
	case "member", "seealso", "owner":
		// Not the longest names: a DN value in a new RDN nests the name in
		// the new DN, and past a few hundred bytes slapd's back-mdb fails
		// such adds with other (80), which says nothing of lightdir.
		if dn := g.pick(g.dns...); g.chance(0.6) && len(dn) < 160 {
			return g.respell(dn)
		}
		return g.pick("cn=x,dc=example,dc=com", "UID=u1 , OU=People,dc=example,dc=com", "cn=a+sn=b,dc=example,dc=com", "2.5.4.3=x,dc=example,dc=com")
	case "objectclass":
		return g.pick("person", "organizationalPerson", "inetOrgPerson", "posixAccount", "top", "organizationalUnit",
			"extensibleObject", "account", "groupOfNames", "shadowAccount", "INETORGPERSON", "2.5.6.6", "domain", "device")
	case "l", "st", "street":
		return g.pick("l", "L")
	case "foobar":
		return "1"
	}
	return "v"
}

// invalid returns a value typ's syntax refuses, when there is one.
func (g *wgen) invalid(typ string) (string, bool) {
	switch strings.ToLower(typ) {
	case "uidnumber", "gidnumber", "shadowmin":
		return g.pick("x", "01", "+3", "1.5", ""), true
	case "member", "seealso", "owner":
		return g.pick("notadn", "fooBar=x,dc=example,dc=com", "cn=,dc=example,dc=com"), true
	case "mail", "homedirectory":
		return "é@x", true
	case "objectclass":
		return g.pick("nosuchclass", "person "), true
	case "cn", "sn", "description", "telephonenumber", "uid", "ou", "displayname":
		return "", true
	}
	return "", false
}

// classes of entries the generator adds: object classes, then the
// attributes (MUST first, count in must) it fills in.
var wclasses = []struct {
	classes []string
	must    int
	attrs   []string
}{
	{[]string{"person"}, 2, []string{"cn", "sn", "description", "telephoneNumber", "seeAlso"}},
	{[]string{"inetOrgPerson"}, 2, []string{"cn", "sn", "uid", "mail", "displayName", "givenName", "description", "title"}},
	{[]string{"inetOrgPerson", "posixAccount"}, 6, []string{"cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory", "description"}},
	{[]string{"account", "posixAccount"}, 5, []string{"uid", "cn", "uidNumber", "gidNumber", "homeDirectory", "description"}},
	{[]string{"organizationalUnit"}, 1, []string{"ou", "description", "telephoneNumber", "l"}},
	{[]string{"groupOfNames"}, 2, []string{"cn", "member", "owner", "description"}},
	{[]string{"person", "extensibleObject"}, 2, []string{"cn", "sn", "uid", "ou", "uidNumber", "l"}},
}

func (g *wgen) next(c *ldap.Conn) wop {
	switch n := g.r.IntN(100); {
	case n < 30:
		return g.add()
	case n < 62:
		return g.modify(c)
	case n < 80:
		return g.rename(c)
	case n < 90:
		return g.delete()
	default:
		return g.compareOp(c)
	}
}

type wattr struct {
	typ  string
	vals []string
}

func (g *wgen) add() wop {
	cl := wclasses[g.r.IntN(len(wclasses))]
	var attrs []wattr
	attrs = append(attrs, wattr{"objectClass", slices.Clone(cl.classes)})
	for i, a := range cl.attrs {
		if i >= cl.must && g.chance(0.5) {
			continue
		}
		vals := []string{g.value(a)}
		if g.chance(0.2) {
			vals = append(vals, g.value(a))
		}
		attrs = append(attrs, wattr{a, vals})
	}
	var notes []string
	mutate := func(p float64, note string, f func()) {
		if g.chance(p) {
			notes = append(notes, note)
			f()
		}
	}
	mutate(0.08, "missing MUST", func() {
		if len(cl.classes) > 0 {
			i := 1 + g.r.IntN(cl.must)
			attrs = slices.Delete(attrs, i, i+1)
		}
	})
	mutate(0.05, "undefined type", func() { attrs = append(attrs, wattr{"fooBar", []string{"1"}}) })
	mutate(0.06, "type no class allows", func() {
		attrs = append(attrs, wattr{g.pick("uidNumber", "member", "ou", "mail", "shadowMin"), []string{"1"}})
	})
	mutate(0.08, "invalid value", func() {
		i := g.r.IntN(len(attrs))
		if v, ok := g.invalid(attrs[i].typ); ok {
			attrs[i].vals = append(attrs[i].vals, v)
		}
	})
	mutate(0.1, "duplicate value", func() {
		if len(attrs) < 2 { // an earlier mutation left objectClass alone
			return
		}
		i := 1 + g.r.IntN(len(attrs)-1)
		attrs[i].vals = append(attrs[i].vals, g.respell(attrs[i].vals[0]))
	})
	mutate(0.1, "tagged values", func() {
		for _, a := range attrs {
			if strings.EqualFold(a.typ, "cn") || strings.EqualFold(a.typ, "description") {
				// No x- options: lightdir keeps them as tags (RFC 4512
				// §2.5 lets a server recognize options), slapd only with
				// an attributeoptions directive.
				attrs = append(attrs, wattr{a.typ + g.pick(";lang-en", ";lang-de", ";LANG-EN;lang-fr", ";lang-fr;lang-en"), []string{g.value(a.typ)}})
				return
			}
		}
	})
	mutate(0.05, "objectClass varied", func() {
		attrs[0].vals = append(attrs[0].vals, g.value("objectClass"))
	})
	// The RDN: usually the first attribute's first value, sometimes
	// respelled, another value, a multi-valued RDN, or a value missing
	// from the entry.
	named := wattr{"cn", []string{"zz"}}
	if len(attrs) > 1 && !strings.Contains(attrs[1].typ, ";") {
		named = attrs[1]
	}
	rdn := named.typ + "=" + ldap.EscapeDN(named.vals[0])
	switch n := g.r.IntN(20); {
	case n < 3:
		rdn = named.typ + "=" + ldap.EscapeDN(g.respell(named.vals[0]))
	case n < 5:
		rdn = named.typ + "=" + ldap.EscapeDN(g.value(named.typ))
	case n < 7 && len(attrs) > 2 && !strings.Contains(attrs[2].typ, ";"):
		rdn += "+" + attrs[2].typ + "=" + ldap.EscapeDN(attrs[2].vals[0])
	case n < 8:
		rdn = strings.ToUpper(named.typ) + "=" + ldap.EscapeDN(named.vals[0])
	}
	dn := rdn + "," + g.pick(g.dns...)
	if g.chance(0.03) {
		dn = rdn + ",ou=gone," + people
	}
	what := fmt.Sprintf("add %q %v", dn, attrs)
	if len(notes) > 0 {
		what += " (" + strings.Join(notes, ", ") + ")"
	}
	return wop{what: what, do: func(c *ldap.Conn) string {
		req := ldap.NewAddRequest(dn, nil)
		for _, a := range attrs {
			req.Attribute(a.typ, a.vals)
		}
		return outcome(c.Add(req))
	}}
}

// modTypes are the attribute descriptions modify requests name.
var modTypes = []string{"cn", "cn", "sn", "description", "description", "telephoneNumber", "objectClass", "objectClass", "uid",
	"uidNumber", "gidNumber", "homeDirectory", "displayName", "mail", "member", "seeAlso", "ou", "givenName", "title",
	"cn;lang-en", "description;lang-de", "fooBar", "shadowMin", "l"}

func (g *wgen) modify(c *ldap.Conn) wop {
	dn := g.existing(true)
	cur := g.entry(c, dn)
	rdnTyp, rdnVal := firstAVA(dn)
	var changes []ldap.Change
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		typ := g.pick(modTypes...)
		if g.chance(0.15) && rdnTyp != "" {
			typ = rdnTyp
		}
		base, _, _ := strings.Cut(typ, ";")
		var vals []string
		for k := g.r.IntN(3); k > 0; k-- {
			switch {
			case g.chance(0.3) && len(cur[typ]) > 0:
				vals = append(vals, g.respell(cur[typ][g.r.IntN(len(cur[typ]))]))
			case g.chance(0.15) && strings.EqualFold(typ, rdnTyp):
				vals = append(vals, g.respell(rdnVal))
			case g.chance(0.05):
				if v, ok := g.invalid(base); ok {
					vals = append(vals, v)
					continue
				}
				fallthrough
			default:
				vals = append(vals, g.value(base))
			}
		}
		var op uint
		switch n := g.r.IntN(20); {
		case n < 7:
			op = ldap.AddAttribute
			if len(vals) == 0 && g.chance(0.8) {
				vals = []string{g.value(base)}
			}
		case n < 12:
			op = ldap.DeleteAttribute
		case n < 18:
			op = ldap.ReplaceAttribute
		default:
			op = ldap.IncrementAttribute
			typ = g.pick("uidNumber", "gidNumber", "shadowMin", "description")
			vals = []string{g.pick("1", "-3", "10", "x")}
		}
		changes = append(changes, ldap.Change{Operation: op, Modification: ldap.PartialAttribute{Type: typ, Vals: vals}})
	}
	// Structural class changes with their MUSTs, now and then.
	if g.chance(0.05) {
		changes = append(changes,
			change(ldap.AddAttribute, "objectClass", "posixAccount"), change(ldap.AddAttribute, "uidNumber", "1"),
			change(ldap.AddAttribute, "gidNumber", "1"), change(ldap.AddAttribute, "homeDirectory", "/h"))
		if len(cur["uid"]) == 0 {
			changes = append(changes, change(ldap.AddAttribute, "uid", "u"))
		}
	}
	var parts []string
	for _, ch := range changes {
		parts = append(parts, fmt.Sprintf("%s %s %q", [...]string{"add", "delete", "replace", "increment"}[min(ch.Operation, 3)],
			ch.Modification.Type, ch.Modification.Vals))
	}
	return wop{what: fmt.Sprintf("modify %q: %s (entry %v)", dn, strings.Join(parts, "; "), cur), do: func(c *ldap.Conn) string {
		return outcome(c.Modify(&ldap.ModifyRequest{DN: dn, Changes: changes}))
	}}
}

// firstAVA returns the type and value of dn's first AVA.
func firstAVA(dn string) (string, string) {
	d, err := ldap.ParseDN(dn)
	if err != nil || len(d.RDNs) == 0 || len(d.RDNs[0].Attributes) == 0 {
		return "", ""
	}
	a := d.RDNs[0].Attributes[0]
	return a.Type, a.Value
}

func (g *wgen) rename(c *ldap.Conn) wop {
	// Not below a missing entry: slapd's modrdn then answers noSuchObject
	// with an empty matchedDN, where RFC 4511 §4.1.9 wants the lowest
	// entry that exists (as for its other operations, and lightdir's).
	dn := g.existing(false)
	cur := g.entry(c, dn)
	rdnTyp, rdnVal := firstAVA(dn)
	var newRDN string
	switch n := g.r.IntN(10); {
	case n < 2 && rdnTyp != "":
		newRDN = rdnTyp + "=" + ldap.EscapeDN(g.respell(rdnVal)) // case-only or spacing rename
	case n < 5:
		// A value the entry has.
		var typs []string
		for k := range cur {
			if k != "objectClass" && !strings.Contains(k, ";") {
				typs = append(typs, k)
			}
		}
		slices.Sort(typs)
		if len(typs) > 0 {
			typ := g.pick(typs...)
			newRDN = typ + "=" + ldap.EscapeDN(g.pick(cur[typ]...))
			if g.chance(0.2) && rdnTyp != "" && !strings.EqualFold(typ, rdnTyp) {
				newRDN += "+" + rdnTyp + "=" + ldap.EscapeDN(rdnVal)
			}
			break
		}
		fallthrough
	case n < 9:
		typ := g.pick("cn", "sn", "uid", "ou", "description", "cn", "l")
		newRDN = typ + "=" + ldap.EscapeDN(g.value(typ))
		if g.chance(0.15) {
			newRDN += "+sn=" + ldap.EscapeDN(g.value("sn"))
		}
	default:
		newRDN = g.pick("uidNumber=x", "fooBar=1", "cn=", "cn=a+cn=b", "uidNumber=7")
	}
	// Renaming the suffix entry to its own name is namingViolation in
	// slapd (back-mdb finds no parent); lightdir refuses every rename of
	// the suffix with unwillingToPerform, which RFC 4511 §4.9 allows.
	if strings.EqualFold(dn, "dc=example,dc=com") && strings.EqualFold(newRDN, "dc=example") {
		newRDN = "dc=other"
	}
	sup := ""
	if g.chance(0.35) {
		sup = g.pick(g.dns...)
		if g.chance(0.1) {
			sup = "ou=gone," + people
		}
	}
	deleteOld := g.chance(0.6)
	return wop{what: fmt.Sprintf("modrdn %q to %q deleteoldrdn=%v newSuperior=%q (entry %v)", dn, newRDN, deleteOld, sup, cur), do: func(c *ldap.Conn) string {
		return outcome(c.ModifyDN(ldap.NewModifyDNRequest(dn, newRDN, deleteOld, sup)))
	}}
}

func (g *wgen) delete() wop {
	dn := g.existing(true)
	return wop{what: fmt.Sprintf("delete %q", dn), do: func(c *ldap.Conn) string {
		return outcome(c.Del(ldap.NewDelRequest(dn, nil)))
	}}
}

func (g *wgen) compareOp(c *ldap.Conn) wop {
	dn := g.existing(true)
	cur := g.entry(c, dn)
	typ := g.pick(modTypes...)
	val := g.value(strings.Split(typ, ";")[0])
	if len(cur[typ]) > 0 && g.chance(0.5) {
		val = g.respell(g.pick(cur[typ]...))
	}
	return wop{what: fmt.Sprintf("compare %q %s=%q", dn, typ, val), compare: true, do: func(c *ldap.Conn) string {
		ok, err := c.Compare(dn, typ, val)
		var le *ldap.Error
		if errors.As(err, &le) || err != nil {
			return outcome(err)
		}
		return fmt.Sprint("compare ", ok)
	}}
}
