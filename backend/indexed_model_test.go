package backend

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"lightdir/engine"
	"lightdir/ldapserver"
)

var indexModelSeed = flag.Int64("indexmodel.seed", 0, "seed of TestBackend_indexedMatchesUnindexed (0: random)")
var indexModelOps = flag.Int("indexmodel.ops", 400, "operations of TestBackend_indexedMatchesUnindexed")

func liveCheck(t *testing.T, b *Backend, what string) {
	t.Helper()
	if err := b.env.View(b.checkTxn); err != nil {
		t.Fatalf("%s: live check: %v", what, err)
	}
}

func modelIndexes() []IndexSpec {
	return []IndexSpec{
		{Attr: "cn", Kinds: []string{"eq", "sub", "approx", "pres"}},
		{Attr: "sn", Kinds: []string{"eq", "sub"}},
		{Attr: "mail", Kinds: []string{"eq", "pres", "sub"}},
		{Attr: "description", Kinds: []string{"eq", "sub", "pres"}},
		{Attr: "telephoneNumber", Kinds: []string{"eq", "sub"}},
		{Attr: "name", Kinds: []string{"eq", "sub", "pres"}},
		{Attr: "uid", Kinds: []string{"eq", "sub", "pres"}},
		{Attr: "ou", Kinds: []string{"eq", "pres"}},
		{Attr: "manager", Kinds: []string{"eq", "pres"}},
		{Attr: "distinguishedName", Kinds: []string{"eq", "pres"}},
		{Attr: "objectClass", Kinds: []string{"eq", "pres"}},
		{Attr: "employeeNumber", Kinds: []string{"eq"}},
	}
}

// spellingVariant returns w or a spelling of it that the caseIgnore rules
// match equally (case, surrounding spaces), chosen by rng.
func spellingVariant(rng *rand.Rand, w string) string {
	switch rng.Intn(5) {
	case 0:
		return strings.ToUpper(w)
	case 1:
		return strings.ToLower(w)
	case 2:
		return "  " + w + "  "
	case 3:
		return strings.ReplaceAll(w, "a", "A")
	}
	return w
}

func TestBackend_indexedMatchesUnindexed(t *testing.T) {
	seed := *indexModelSeed
	if seed == 0 {
		seed = rand.Int63()
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	ix := openTest(t, testOptions(t, modelIndexes()...))
	plain := openTest(t, testOptions(t))
	plain.noScopeWalk = true
	bs := []*Backend{ix, plain}
	ctx := context.Background()

	words := []string{"Alpha", "beta", "GAMMA", "delta", "Smith", "smyth", "jones", "x", ""}
	variant := func(w string) string { return spellingVariant(rng, w) }
	phrase := func() string {
		n := 1 + rng.Intn(3)
		var p []string
		for i := 0; i < n; i++ {
			w := words[rng.Intn(len(words)-1)]
			p = append(p, w)
		}
		s := strings.Join(p, strings.Repeat(" ", 1+rng.Intn(2)))
		switch rng.Intn(12) {
		case 0:
			s += strings.Repeat("z", 70)
		case 1:
			s += strings.Repeat("q", 600)
		}
		return variant(s)
	}
	// live DNs tracked by asking the backend
	listDNs := func(filter string) []string {
		c, err := doSearch(t, ix, testSuffix, ldapserver.ScopeSubtree, filter)
		if err != nil {
			t.Fatal(err)
		}
		return c.dns()
	}
	next := 0
	stats := map[string]int{}
	defer func() { t.Logf("stats %v", stats) }()
	do := func(name string, f func(b *Backend) error) {
		e1, e2 := f(ix), f(plain)
		kind := strings.SplitN(name, " ", 2)[0]
		stats[kind+"/"+codeOf(e1).String()]++
		if codeOf(e1) == ldapserver.Other {
			t.Logf("%s: %v", name, e1)
		}
		if codeOf(e1) != codeOf(e2) {
			t.Fatalf("%s: indexed %v, plain %v", name, e1, e2)
		}
		liveCheck(t, ix, name)
		liveCheck(t, plain, name)
	}
	for _, b := range bs {
		mustAdd(t, b, "ou=a,"+testSuffix, "objectClass: organizationalUnit", "ou: a")
		mustAdd(t, b, "ou=b,"+testSuffix, "objectClass: organizationalUnit", "ou: b")
	}
	attrsMulti := []string{"cn", "description", "telephoneNumber", "mail", "cn;lang-en", "sn", "ou", "manager", "seeAlso", "title", "cn;lang-de"}
	valFor := func(attr string) string {
		switch attr {
		case "telephoneNumber":
			return fmt.Sprintf("+1 555-%04d", rng.Intn(5))
		case "mail":
			return variant(fmt.Sprintf("u%d@Example.com", rng.Intn(5)))
		case "manager", "seeAlso":
			ds := listDNs("(objectClass=*)")
			d := ds[rng.Intn(len(ds))]
			if rng.Intn(2) == 0 {
				d = strings.ToUpper(d)
			}
			return d
		}
		p := phrase()
		if strings.TrimSpace(p) == "" {
			p = "w"
		}
		return p
	}
	for op := 0; op < *indexModelOps; op++ {
		people := listDNs("(objectClass=inetOrgPerson)")
		ous := append(listDNs("(objectClass=organizationalUnit)"), testSuffix)
		all := listDNs("(objectClass=*)")
		k := rng.Intn(20)
		switch {
		case k < 6 || len(people) == 0:
			next++
			parent := ous[rng.Intn(len(ous))]
			uid := fmt.Sprintf("u%d", next)
			lines := []string{"objectClass: inetOrgPerson", "uid: " + uid, "cn: " + valFor("cn"), "sn: " + valFor("sn")}
			for i := rng.Intn(4); i > 0; i-- {
				a := attrsMulti[rng.Intn(len(attrsMulti))]
				lines = append(lines, a+": "+valFor(a))
			}
			do("add "+uid, func(b *Backend) error { _, err := b.Add(ctx, addReq(t, "uid="+uid+","+parent, lines...)); return err })
		case k < 8:
			next++
			parent := ous[rng.Intn(len(ous))]
			ou := fmt.Sprintf("o%d", next)
			desc := valFor("description")
			do("add "+ou, func(b *Backend) error {
				_, err := b.Add(ctx, addReq(t, "ou="+ou+","+parent, "objectClass: organizationalUnit", "ou: "+ou, "description: "+desc))
				return err
			})
		case k < 13:
			dn := people[rng.Intn(len(people))]
			var chs []ldapserver.Change
			for i := 1 + rng.Intn(3); i > 0; i-- {
				a := attrsMulti[rng.Intn(len(attrsMulti))]
				o := ldapserver.ModOp([]int{0, 1, 2}[rng.Intn(3)])
				var vals [][]byte
				if o != ldapserver.ModDelete || rng.Intn(3) > 0 {
					for j := 1 + rng.Intn(2); j > 0; j-- {
						vals = append(vals, []byte(valFor(a)))
					}
				}
				if o == ldapserver.ModDelete && len(vals) > 0 && rng.Intn(2) == 0 {
					// delete an existing value spelled differently
					c, _ := doSearch(t, ix, dn, ldapserver.ScopeBase, "(objectClass=*)")
					if ex := c.attr(0, a); len(ex) > 0 {
						vals = [][]byte{[]byte(variant(ex[rng.Intn(len(ex))]))}
					}
				}
				chs = append(chs, ldapserver.Change{Op: o, Attribute: ldapserver.Attribute{Type: a, Values: vals}})
			}
			perm := rng.Intn(4) == 0
			do("modify "+dn, func(b *Backend) error {
				h := rootHdr()
				h.Controls.PermissiveModify = perm
				_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: h, DN: mustDN(t, dn), Changes: chs})
				return err
			})
		case k < 17:
			var dn string
			if rng.Intn(2) == 0 && len(ous) > 2 {
				dn = ous[rng.Intn(len(ous))]
			} else {
				dn = people[rng.Intn(len(people))]
			}
			if dn == testSuffix {
				continue
			}
			next++
			var newRDN string
			if strings.HasPrefix(dn, "ou=") {
				newRDN = fmt.Sprintf("ou=r%d", next)
				if rng.Intn(3) == 0 {
					newRDN = "ou=" + strings.ToUpper(mustDN(t, dn)[0][0].Value)
				}
			} else {
				switch rng.Intn(3) {
				case 0:
					newRDN = fmt.Sprintf("uid=r%d", next)
				case 1:
					newRDN = "cn=" + strings.TrimSpace(valFor("cn"))
				default:
					newRDN = "uid=" + strings.ToUpper(mustDN(t, dn)[0][0].Value)
				}
			}
			var sup string
			if rng.Intn(2) == 0 {
				sup = ous[rng.Intn(len(ous))]
			}
			del := rng.Intn(2) == 0
			do("moddn "+dn, func(b *Backend) error {
				_, err := b.ModifyDN(ctx, modDNReq(t, dn, newRDN, del, sup))
				return err
			})
		default:
			dn := all[rng.Intn(len(all))]
			if dn == testSuffix {
				continue
			}
			sub := rng.Intn(3) == 0
			do("delete "+dn, func(b *Backend) error {
				_, err := b.Delete(ctx, &ldapserver.DeleteRequest{Header: ldapserver.Header{Session: rootHdr().Session,
					Controls: ldapserver.Controls{SubtreeDelete: sub}}, DN: mustDN(t, dn)})
				return err
			})
		}
		if op%5 == 0 {
			revCompare(t, rng, bs, valFor, variant)
		}
	}
	revCompare(t, rng, bs, valFor, variant)
}

func revCompare(t *testing.T, rng *rand.Rand, bs []*Backend, valFor func(string) string, variant func(string) string) {
	t.Helper()
	c, err := doSearch(t, bs[0], testSuffix, ldapserver.ScopeSubtree, "(objectClass=*)")
	if err != nil {
		t.Fatal(err)
	}
	var filters []string
	esc := func(s string) string {
		r := strings.NewReplacer("\\", "\\5c", "*", "\\2a", "(", "\\28", ")", "\\29")
		return r.Replace(s)
	}
	for i := 0; i < 8; i++ {
		e := c.entries[rng.Intn(len(c.entries))]
		a := e.Attributes[rng.Intn(len(e.Attributes))]
		v := string(a.Values[rng.Intn(len(a.Values))])
		typ := a.Type
		if rng.Intn(3) == 0 {
			typ = strings.SplitN(typ, ";", 2)[0]
		}
		if rng.Intn(4) == 0 && (strings.HasPrefix(typ, "cn") || strings.HasPrefix(typ, "sn") || strings.HasPrefix(typ, "ou")) {
			typ = "name"
		}
		filters = append(filters, "("+typ+"="+esc(variant(v))+")", "("+typ+"=*)")
		tv := strings.TrimSpace(v)
		if len(tv) >= 3 {
			s := rng.Intn(len(tv) - 2)
			l := 1 + rng.Intn(min(6, len(tv)-s))
			ch := esc(tv[s : s+l])
			filters = append(filters, "("+typ+"=*"+ch+"*)", "("+typ+"="+esc(tv[:min(len(tv), 3)])+"*)", "("+typ+"=*"+esc(tv[len(tv)-min(len(tv), 3):])+")")
		}
		if strings.HasPrefix(typ, "cn") {
			filters = append(filters, "(cn~="+esc(variant(v))+")")
		}
	}
	filters = append(filters, "(objectClass=organizationalUnit)", "(objectClass=person)", "(objectClass=top)", "(objectClass=*)", "(mail=*)", "(manager=*)", "(distinguishedName=*)")
	bases := []string{testSuffix}
	for _, e := range c.entries {
		if strings.HasPrefix(strings.ToLower(e.DN), "ou=") {
			bases = append(bases, e.DN)
		}
	}
	for _, f := range filters {
		base := bases[rng.Intn(len(bases))]
		scope := ldapserver.Scope(rng.Intn(4))
		var got [2]string
		for j, b := range bs {
			r, err := doSearch(t, b, base, scope, f)
			if err != nil {
				t.Fatalf("backend %d: %s: %v", j, f, err)
			}
			got[j] = strings.Join(r.dns(), " | ")
		}
		if got[0] != got[1] {
			t.Fatalf("base %s scope %v filter %s:\nindexed %s\nplain   %s", base, scope, f, got[0], got[1])
		}
	}
	_ = engine.ErrNotFound
}
