package backend

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"lightdir/ldapserver"
)

// lifecycleModel drives the same random writes into an indexed backend
// whose index configuration changes and an unindexed one, and compares
// their searches.
type lifecycleModel struct {
	t     *testing.T
	rng   *rand.Rand
	ix    *Backend
	plain *Backend
	next  int
}

func (m *lifecycleModel) variant(w string) string { return spellingVariant(m.rng, w) }

func (m *lifecycleModel) listDNs(filter string) []string {
	c, err := doSearch(m.t, m.plain, testSuffix, ldapserver.ScopeSubtree, filter)
	if err != nil {
		m.t.Fatal(err)
	}
	return c.dns()
}

func (m *lifecycleModel) valFor(attr string) string {
	words := []string{"Alpha", "beta", "GAMMA", "delta", "Smith", "smyth", "jones", "x"}
	switch attr {
	case "telephoneNumber":
		return fmt.Sprintf("+1 555-%04d", m.rng.Intn(5))
	case "mail":
		return m.variant(fmt.Sprintf("u%d@Example.com", m.rng.Intn(5)))
	case "manager":
		ds := m.listDNs("(objectClass=*)")
		return ds[m.rng.Intn(len(ds))]
	}
	var p []string
	for n := 1 + m.rng.Intn(3); n > 0; n-- {
		p = append(p, words[m.rng.Intn(len(words))])
	}
	s := strings.Join(p, " ")
	if m.rng.Intn(10) == 0 {
		s += strings.Repeat("q", 80)
	}
	return m.variant(s)
}

// op applies one random write to both backends.
func (m *lifecycleModel) op() {
	t, rng, ctx := m.t, m.rng, context.Background()
	do := func(name string, f func(b *Backend) error) {
		e1, e2 := f(m.ix), f(m.plain)
		if codeOf(e1) != codeOf(e2) {
			t.Fatalf("%s: indexed %v, plain %v", name, e1, e2)
		}
	}
	people := m.listDNs("(objectClass=inetOrgPerson)")
	ous := append(m.listDNs("(objectClass=organizationalUnit)"), testSuffix)
	attrs := []string{"cn", "description", "telephoneNumber", "mail", "cn;lang-en", "sn", "manager", "title"}
	switch k := rng.Intn(20); {
	case k < 7 || len(people) < 3:
		m.next++
		uid := fmt.Sprintf("u%d", m.next)
		parent := ous[rng.Intn(len(ous))]
		lines := []string{"objectClass: inetOrgPerson", "uid: " + uid, "cn: " + m.valFor("cn"), "sn: " + m.valFor("sn")}
		for i := rng.Intn(4); i > 0; i-- {
			a := attrs[rng.Intn(len(attrs))]
			lines = append(lines, a+": "+m.valFor(a))
		}
		do("add "+uid, func(b *Backend) error { _, err := b.Add(ctx, addReq(t, "uid="+uid+","+parent, lines...)); return err })
	case k < 8:
		m.next++
		ou := fmt.Sprintf("o%d", m.next)
		do("add "+ou, func(b *Backend) error {
			_, err := b.Add(ctx, addReq(t, "ou="+ou+","+testSuffix, "objectClass: organizationalUnit", "ou: "+ou))
			return err
		})
	case k < 14:
		dn := people[rng.Intn(len(people))]
		var chs []ldapserver.Change
		for i := 1 + rng.Intn(3); i > 0; i-- {
			a := attrs[rng.Intn(len(attrs))]
			o := ldapserver.ModOp(rng.Intn(3))
			var vals [][]byte
			if o != ldapserver.ModDelete || rng.Intn(3) > 0 {
				vals = append(vals, []byte(m.valFor(a)))
			}
			chs = append(chs, ldapserver.Change{Op: o, Attribute: ldapserver.Attribute{Type: a, Values: vals}})
		}
		do("modify "+dn, func(b *Backend) error {
			_, err := b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, dn), Changes: chs})
			return err
		})
	case k < 17:
		dn := people[rng.Intn(len(people))]
		m.next++
		newRDN := fmt.Sprintf("uid=r%d", m.next)
		if rng.Intn(2) == 0 {
			newRDN = "cn=" + strings.TrimSpace(m.valFor("cn"))
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
		dn := people[rng.Intn(len(people))]
		do("delete "+dn, func(b *Backend) error {
			_, err := b.Delete(ctx, &ldapserver.DeleteRequest{Header: rootHdr(), DN: mustDN(t, dn)})
			return err
		})
	}
}

// compare runs random and fixed filters against both backends.
func (m *lifecycleModel) compare(what string) {
	t, rng := m.t, m.rng
	t.Helper()
	c, err := doSearch(t, m.plain, testSuffix, ldapserver.ScopeSubtree, "(objectClass=*)")
	if err != nil {
		t.Fatal(err)
	}
	esc := strings.NewReplacer("\\", "\\5c", "*", "\\2a", "(", "\\28", ")", "\\29").Replace
	var filters []string
	for i := 0; i < 4; i++ {
		e := c.entries[rng.Intn(len(c.entries))]
		a := e.Attributes[rng.Intn(len(e.Attributes))]
		v := string(a.Values[rng.Intn(len(a.Values))])
		typ := strings.SplitN(a.Type, ";", 2)[0]
		eq := "(" + typ + "=" + esc(m.variant(v)) + ")"
		filters = append(filters, eq, "("+typ+"=*)", "(!"+eq+")", "(|"+eq+"(sn=*))", "(&"+eq+"(objectClass=person))")
		if tv := strings.TrimSpace(v); len(tv) >= 3 {
			s := rng.Intn(len(tv) - 2)
			l := 1 + rng.Intn(min(6, len(tv)-s))
			filters = append(filters, "("+typ+"=*"+esc(tv[s:s+l])+"*)", "("+typ+"="+esc(tv[:3])+"*)",
				"("+typ+"=*"+esc(tv[len(tv)-3:])+")", "(&("+typ+"="+esc(tv[:3])+"*)(!(cn="+esc(tv)+")))")
		}
		if typ == "cn" {
			filters = append(filters, "(cn~="+esc(v)+")")
		}
	}
	filters = append(filters, "(objectClass=organizationalUnit)", "(objectClass=person)", "(mail=*)", "(manager=*)",
		"(sn=*)", "(cn=*)", "(description=*)", "(|(cn=alpha)(sn=beta))", "(&(cn=*a*)(sn=*e*))")
	for _, f := range filters {
		var got [2]string
		for j, b := range []*Backend{m.ix, m.plain} {
			r, err := doSearch(t, b, testSuffix, ldapserver.ScopeSubtree, f)
			if err != nil {
				t.Fatalf("%s: backend %d: %s: %v", what, j, f, err)
			}
			got[j] = strings.Join(r.dns(), " | ")
		}
		if got[0] != got[1] {
			t.Fatalf("%s: filter %s:\nindexed %s\nplain   %s", what, f, got[0], got[1])
		}
	}
}

func lifecycleIndexes() []IndexSpec {
	return []IndexSpec{
		{Attr: "cn", Kinds: []string{"eq", "sub", "approx", "pres"}},
		{Attr: "sn", Kinds: []string{"eq", "sub"}},
		{Attr: "mail", Kinds: []string{"eq", "pres", "sub"}},
		{Attr: "description", Kinds: []string{"eq", "sub", "pres"}},
		{Attr: "telephoneNumber", Kinds: []string{"eq", "sub"}},
		{Attr: "uid", Kinds: []string{"eq", "pres"}},
		{Attr: "manager", Kinds: []string{"eq", "pres"}},
		{Attr: "objectClass", Kinds: []string{"eq", "pres"}},
	}
}

// TestBackend_indexLifecycleMatchesUnindexed: indices added to a loaded
// database, built online with random writes (adds, modifies, renames,
// deletes) between every clearing and building batch, dropped, narrowed
// and configured again, interrupted by Close: at every step searches
// answer exactly as an unindexed backend does, and Check finds every
// built index exact.
func TestBackend_indexLifecycleMatchesUnindexed(t *testing.T) {
	seed := *indexModelSeed
	if seed == 0 {
		seed = rand.Int63()
	}
	t.Logf("seed %d", seed)
	m := &lifecycleModel{t: t, rng: rand.New(rand.NewSource(seed))}
	opts := testOptions(t)
	m.ix = openTest(t, opts)
	m.plain = openTest(t, testOptions(t))
	m.plain.noScopeWalk = true
	for range 80 {
		m.op()
	}
	// reopen closes ix and opens it with indexes, building online; before
	// each clearing and building batch the test goroutine writes and
	// compares. stopAfter > 0 closes the backend after that many batches.
	reopen := func(what string, indexes []IndexSpec, stopAfter int) {
		t.Helper()
		closeTest(t, m.ix)
		opts.Indexes = indexes
		opts.BuildIndexesOnline = true
		opts.buildBatch = 2 + m.rng.Intn(10)
		opts.clearBatch = 50 + m.rng.Intn(100)
		step, resume := make(chan struct{}), make(chan struct{})
		hook := func(ctx context.Context) {
			select {
			case step <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case <-resume:
			case <-ctx.Done():
			}
		}
		opts.buildHook = func(ctx context.Context, _ uint64) { hook(ctx) }
		opts.clearHook = hook
		b, err := Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		m.ix = b
		t.Cleanup(func() { b.Close() })
		done := make(chan struct{})
		go func() {
			b.WaitIndexes(context.Background())
			close(done)
		}()
		for n := 1; ; n++ {
			select {
			case <-step:
			case <-done:
				t.Logf("%s: %d steps", what, n)
				m.compare(what + ": built")
				if err := b.env.View(b.checkTxn); err != nil {
					t.Fatalf("%s: check: %v", what, err)
				}
				return
			case <-time.After(30 * time.Second):
				t.Fatalf("%s: online build stuck", what)
			}
			// Few enough writes that the clearing phase, which removes
			// the keys they add too, gets ahead of them.
			if m.rng.Intn(3) == 0 {
				m.op()
			}
			if n%6 == 0 {
				m.compare(fmt.Sprintf("%s: batch %d", what, n))
			}
			if stopAfter > 0 && n == stopAfter {
				closeTest(t, b)
				return
			}
			resume <- struct{}{}
		}
	}
	full := lifecycleIndexes()
	reopen("added", full, 0)
	for range 30 {
		m.op()
	}
	m.compare("after the build")

	narrowed := []IndexSpec{
		{Attr: "cn", Kinds: []string{"eq"}},
		{Attr: "mail", Kinds: []string{"eq", "pres", "sub"}},
		{Attr: "uid", Kinds: []string{"eq", "pres"}},
	}
	reopen("narrowed", narrowed, 0)
	for range 40 {
		m.op()
	}
	m.compare("narrowed")
	reopen("interrupted", full, 13)
	reopen("readded", full, 0)
	for range 30 {
		m.op()
	}
	m.compare("final")
}
