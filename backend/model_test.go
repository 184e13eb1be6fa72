package backend

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"lightdir/ldapserver"
	"lightdir/schema"
)

var (
	modelSeed = flag.Int64("model.seed", 0, "seed of TestBackend_model (0: random)")
	modelOps  = flag.Int("model.ops", 300, "operations of TestBackend_model")
)

// modelDir is the trivial directory the backend is compared with: DN
// (lower-case) -> entry.
type modelDir map[string]*schema.Entry

// TestBackend_model: random writes applied to an indexed backend, an
// unindexed one and a map give the same outcomes, and random searches give
// the same DNs on all three (index/no-index equivalence included; the
// unindexed backend finds one-level and subtree scopes by testing each
// candidate's ancestors instead of walking the scope, so both ways are
// compared too).
func TestBackend_model(t *testing.T) {
	seed := *modelSeed
	if seed == 0 {
		seed = rand.Int63()
	}
	t.Logf("seed %d (replay with -model.seed=%d)", seed, seed)
	rng := rand.New(rand.NewSource(seed))
	indexed := openTest(t, testOptions(t,
		IndexSpec{Attr: "uid", Kinds: []string{"eq"}}, IndexSpec{Attr: "cn", Kinds: []string{"eq", "sub", "approx"}},
		IndexSpec{Attr: "mail", Kinds: []string{"pres", "eq"}}, IndexSpec{Attr: "sn", Kinds: []string{"eq", "sub"}}))
	plain := openTest(t, testOptions(t))
	plain.noScopeWalk = true
	bs := []*Backend{indexed, plain}
	reg := indexed.reg
	model := modelDir{}
	suffix := &schema.Entry{DN: mustDN(t, testSuffix)}
	model[testSuffix] = suffix
	for _, ou := range []string{"a", "b"} {
		dn := "ou=" + ou + "," + testSuffix
		for _, b := range bs {
			mustAdd(t, b, dn, "objectClass: organizationalUnit", "ou: "+ou)
		}
		model[dn] = &schema.Entry{DN: mustDN(t, dn), Attrs: []schema.Attribute{{Desc: "objectClass", Values: [][]byte{[]byte("organizationalUnit")}}, {Desc: "ou", Values: [][]byte{[]byte(ou)}}}}
	}
	words := []string{"alpha", "beta", "gamma", "delta", "Smith", "smyth", "jones"}
	next := 0
	people := func() []string {
		var out []string
		for dn := range model {
			if strings.HasPrefix(dn, "uid=") {
				out = append(out, dn)
			}
		}
		slices.Sort(out)
		return out
	}
	ctx := context.Background()
	for op := 0; op < *modelOps; op++ {
		ps := people()
		var reqs func(b *Backend) error
		var apply func()
		switch k := rng.Intn(10); {
		case k < 5 || len(ps) == 0:
			next++
			ou := []string{"a", "b"}[rng.Intn(2)]
			dn := fmt.Sprintf("uid=u%d,ou=%s,%s", next, ou, testSuffix)
			if rng.Intn(8) == 0 && len(ps) > 0 { // sometimes a duplicate
				dn = ps[rng.Intn(len(ps))]
			}
			uid := strings.SplitN(strings.TrimPrefix(dn, "uid="), ",", 2)[0]
			lines := []string{"objectClass: inetOrgPerson", "uid: " + uid,
				"cn: " + words[rng.Intn(len(words))] + " " + words[rng.Intn(len(words))], "sn: " + words[rng.Intn(len(words))]}
			if rng.Intn(2) == 0 {
				lines = append(lines, "mail: "+uid+"@example.com")
			}
			reqs = func(b *Backend) error { _, err := b.Add(ctx, addReq(t, dn, lines...)); return err }
			apply = func() {
				e := &schema.Entry{DN: mustDN(t, dn)}
				for _, a := range addReq(t, dn, lines...).Attributes {
					e.Attrs = append(e.Attrs, schema.Attribute{Desc: a.Type, Values: a.Values})
				}
				model[dn] = e
			}
		case k < 7:
			dn := ps[rng.Intn(len(ps))]
			reqs = func(b *Backend) error {
				_, err := b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, dn)})
				return err
			}
			apply = func() { delete(model, dn) }
		case k < 9:
			dn := ps[rng.Intn(len(ps))]
			w := words[rng.Intn(len(words))]
			reqs = func(b *Backend) error {
				_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, dn), Changes: []ldapserver.Change{
					{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "sn", Values: [][]byte{[]byte(w)}}}}})
				return err
			}
			apply = func() {
				e := model[dn]
				e.Attrs = slices.DeleteFunc(slices.Clone(e.Attrs), func(a schema.Attribute) bool { return a.Desc == "sn" })
				e.Attrs = append(e.Attrs, schema.Attribute{Desc: "sn", Values: [][]byte{[]byte(w)}})
			}
		default:
			dn := ps[rng.Intn(len(ps))]
			next++
			ou := []string{"a", "b"}[rng.Intn(2)]
			nuid := fmt.Sprintf("u%d", next)
			ndn := fmt.Sprintf("uid=%s,ou=%s,%s", nuid, ou, testSuffix)
			reqs = func(b *Backend) error {
				_, err := b.ModifyDN(ctx, &ldapserver.ModifyDNRequest{Header: rootHdr(), DN: mustDN(t, dn), NewRDN: mustDN(t, "uid="+nuid)[0],
					DeleteOldRDN: true, NewSuperior: mustDN(t, "ou="+ou+","+testSuffix)})
				return err
			}
			apply = func() {
				e := model[dn]
				delete(model, dn)
				e.DN = mustDN(t, ndn)
				e.Attrs = slices.DeleteFunc(slices.Clone(e.Attrs), func(a schema.Attribute) bool { return a.Desc == "uid" })
				e.Attrs = append(e.Attrs, schema.Attribute{Desc: "uid", Values: [][]byte{[]byte(nuid)}})
				model[ndn] = e
			}
		}
		e1, e2 := reqs(indexed), reqs(plain)
		if codeOf(e1) != codeOf(e2) {
			t.Fatalf("op %d: indexed %v, plain %v", op, e1, e2)
		}
		if e1 == nil {
			apply()
		}
		if op%10 == 0 {
			compareSearches(t, rng, reg, bs, model, words)
		}
	}
	compareSearches(t, rng, reg, bs, model, words)
}

func compareSearches(t *testing.T, rng *rand.Rand, reg *schema.Registry, bs []*Backend, model modelDir, words []string) {
	t.Helper()
	w := func() string { return words[rng.Intn(len(words))] }
	filters := []string{
		"(uid=u" + fmt.Sprint(rng.Intn(40)) + ")", "(cn=" + w() + "*)", "(cn=*" + w()[1:4] + "*)", "(sn=" + w() + ")",
		"(cn~=" + w() + ")", "(mail=*)", "(&(objectClass=person)(sn=" + w() + "))", "(|(sn=" + w() + ")(mail=*))",
		"(!(sn=" + w() + "))", "(&(mail=*)(!(cn=*" + w()[:2] + "*)))", "(objectClass=organizationalUnit)", "(objectClass=*)",
	}
	bases := []string{testSuffix, "ou=a," + testSuffix, "ou=b," + testSuffix}
	for i := 0; i < 6; i++ {
		fs := filters[rng.Intn(len(filters))]
		base := bases[rng.Intn(len(bases))]
		scope := ldapserver.Scope(rng.Intn(4))
		f := mustFilter(t, fs)
		want := modelSearch(t, reg, model, base, scope, f)
		for j, b := range bs {
			got, err := doSearch(t, b, base, scope, fs)
			if err != nil {
				t.Fatalf("backend %d: %s %s %s: %v", j, base, scope, fs, err)
			}
			if g := strings.Join(got.dns(), " "); g != want {
				t.Fatalf("backend %d (indexed=%v): base %s scope %s filter %s:\n got %s\nwant %s", j, j == 0, base, scope, fs, g, want)
			}
		}
	}
}

func modelSearch(t *testing.T, reg *schema.Registry, model modelDir, base string, scope ldapserver.Scope, f *schema.Filter) string {
	bdn := mustDN(t, base)
	m := reg.Compile(f)
	var out []string
	for dn, e := range model {
		in := false
		switch scope {
		case ldapserver.ScopeBase:
			in = e.DN.Equal(bdn)
		case ldapserver.ScopeOne:
			in = e.DN.IsChildOf(bdn)
		case ldapserver.ScopeSubtree:
			in = e.DN.Equal(bdn) || e.DN.IsDescendantOf(bdn)
		case ldapserver.ScopeSubordinate:
			in = e.DN.IsDescendantOf(bdn)
		}
		if !in {
			continue
		}
		c := cloneEntry(e)
		if dn == testSuffix {
			c.Attrs = append(c.Attrs, schema.Attribute{Desc: "objectClass", Values: [][]byte{[]byte("dcObject"), []byte("organization")}})
		}
		reg.PrepareEntry(c)
		if m.Match(c) == schema.True {
			out = append(out, dn)
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}
