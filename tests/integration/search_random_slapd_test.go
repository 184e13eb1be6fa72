package integration

// A randomized differential test of search requests, about what comes back
// rather than which entries match (filter_random_slapd_test.go covers
// that): random attribute lists (none, "*", "+", "1.1", names in odd case,
// OIDs, options, supertypes, unknown names, operational attributes by
// name, @objectClass), typesOnly, size limits, alias dereferencing, the
// four scopes, and the search controls both servers implement (server-side
// sort with ordering rules and reverse, paged results, ManageDsaIT,
// assertion) are sent to slapd 2.5 (back-mdb with the sssvlv overlay) and
// to lightdir over the same generated fixture, and the answers must be the
// same: result code and matched DN, entry DNs as returned, each entry's
// attribute descriptions as returned (compared case-sensitively: slapd
// returns the schema's name of a type with the options as stored, and so
// does lightdir) and values, search result references, the sort result,
// and the page sizes of a paged search. What may legitimately differ is
// normalized away in sqNormalize and sqRequest.outcome, each with its reason.

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"golang.org/x/text/unicode/norm"
)

var (
	sreqSeed    = flag.Uint64("sreq.seed", 1, "seed of TestSlapd_randomSearchRequests")
	sreqN       = flag.Int("sreq.n", 1500, "requests TestSlapd_randomSearchRequests sends")
	sreqEntries = flag.Int("sreq.entries", 80, "people entries TestSlapd_randomSearchRequests loads")
	sreqVerbose = flag.Bool("sreq.v", false, "log every request TestSlapd_randomSearchRequests sends")
	sreqLDIF    = flag.String("sreq.ldif", "", "also write TestSlapd_randomSearchRequests' fixture to this file")
	sreqFull    = flag.Bool("sreq.full", false, "log both whole answers when TestSlapd_randomSearchRequests finds a difference")
)

// sqExtra is the part of the fixture the filter generator does not make:
// aliases (to a subtree, to an entry, to another alias, from inside
// ou=people to ou=groups), a referral object with an entry below it, a
// person with children, descriptions stored in odd spellings, binary
// values.
func sqExtra(cert []byte) string {
	return `dn: ou=aliases,dc=example,dc=com
objectClass: organizationalUnit
ou: aliases

dn: cn=toPeople,ou=aliases,dc=example,dc=com
objectClass: alias
objectClass: extensibleObject
cn: toPeople
aliasedObjectName: ou=people,dc=example,dc=com

dn: cn=toU001,ou=aliases,dc=example,dc=com
objectClass: alias
objectClass: extensibleObject
cn: toU001
aliasedObjectName: uid=u001,ou=people,dc=example,dc=com

dn: cn=toAlias,ou=aliases,dc=example,dc=com
objectClass: alias
objectClass: extensibleObject
cn: toAlias
aliasedObjectName: cn=toU001,ou=aliases,dc=example,dc=com

dn: cn=toGroups,ou=people,dc=example,dc=com
objectClass: alias
objectClass: extensibleObject
cn: toGroups
aliasedObjectName: ou=groups,dc=example,dc=com

dn: ou=remote,dc=example,dc=com
objectClass: referral
objectClass: extensibleObject
ou: remote
ref: ldap://other.example.net/ou=remote,dc=example,dc=com
ref: ldap://third.example.net/ou=Remote,dc=example,dc=com

dn: cn=below,ou=remote,dc=example,dc=com
objectClass: person
cn: below
sn: below

dn: uid=parent,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: parent
cn: Parent
cn: Zed Parent
cn: aardvark
sn: Parent
uidNumber: 7
gidNumber: 7
homeDirectory: /home/parent
mail: b@example.com
mail: A@example.com

dn: cn=kid,uid=parent,ou=people,dc=example,dc=com
objectClass: person
cn: kid
sn: Kid

dn: uid=odd,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: strongAuthenticationUser
UID: odd
commonName: Odd One
CN;Lang-EN: Odd En
2.5.4.4: Oddsn
surName;LANG-fr: second
DESCRIPTION: plain
jpegPhoto:: AQID
userCertificate;binary:: ` + base64.StdEncoding.EncodeToString(cert) + `

`
}

// sqCert is a self-signed certificate, the same bytes on every run
// (Ed25519 signatures are deterministic).
func sqCert(t *testing.T) []byte {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "odd"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// Pools the requests are drawn from.
var (
	sqAttrs = []string{"*", "+", "1.1", "cn", "CN", "commonName", "2.5.4.3", "sn", "SN", "2.5.4.4", "name", "NAME",
		"cn;lang-en", "CN;LANG-EN", "cn;lang-de", "name;lang-en", "sn;lang-en-us", "sn;lang-en", "sn;lang-fr", "cn;lang-en;lang-en",
		"userCertificate", "userCertificate;binary", "USERCERTIFICATE;BINARY", "jpegPhoto", "jpegPhoto;binary", "cn;binary", "objectClass", "OBJECTCLASS",
		"2.5.4.0", "uid", "0.9.2342.19200300.100.1.1", "mail", "manager", "member", "memberUid", "telephoneNumber",
		"description", "givenName", "uidNumber", "nosuchattr", "1.2.3.4", "entryDN", "ENTRYDN", "hasSubordinates",
		"HASSUBORDINATES", "structuralObjectClass", "subschemaSubentry", "entryUUID", "createTimestamp", "modifyTimestamp",
		"creatorsName", "modifiersName", "entryCSN", "aliasedObjectName", "ref", "@posixAccount", "@groupOfNames", "ou"}
	sqBases = []string{"dc=example,dc=com", "ou=people,dc=example,dc=com", "OU=People, DC=Example,DC=com",
		"ou=groups,dc=example,dc=com", "ou=aliases,dc=example,dc=com", "cn=toPeople,ou=aliases,dc=example,dc=com",
		"cn=toU001,ou=aliases,dc=example,dc=com", "cn=toAlias,ou=aliases,dc=example,dc=com",
		"cn=toGroups,ou=people,dc=example,dc=com", "ou=remote,dc=example,dc=com", "cn=below,ou=remote,dc=example,dc=com",
		"uid=parent,ou=people,dc=example,dc=com", "cn=kid,uid=parent,ou=people,dc=example,dc=com",
		"uid=odd,ou=people,dc=example,dc=com", "uid=nobody,ou=people,dc=example,dc=com", "cn=x,cn=toPeople,ou=aliases,dc=example,dc=com"}
	sqFilters = []string{"(objectClass=*)", "(objectClass=person)", "(uid=u00*)", "(|(cn;lang-en=*)(sn=s*))", "(cn=*)",
		"(ou=*)", "(!(objectClass=posixAccount))", "(objectClass=alias)", "(objectClass=referral)", "(hasSubordinates=TRUE)",
		"(|(uid=parent)(cn=kid)(uid=odd))", "(uidNumber>=100)", "(mail=*)", "(cn=group*)", "(objectClass=groupOfNames)",
		"(&(objectClass=inetOrgPerson)(|(sn=*a*)(cn=*e*)))"}
	// Sort keys that slapd's sssvlv accepts, with ordering rules fit for
	// the attribute's syntax (single- and multi-valued, integers,
	// telephone numbers, times, types some entries lack, a tagged
	// description). Left out, each a difference where lightdir follows
	// RFC 2891 or a choice of its own:
	//   - a type without an ORDERING rule and no rule given (cn, mail,
	//     ...): slapd fails the search with inappropriateMatching (18),
	//     lightdir sorts by the equality-normalized values (search_sort.go);
	//   - unknown types, equality rules, unknown rules, rules for another
	//     syntax: slapd answers 16 or 18 as the search's result code even
	//     when the control is not critical, or sorts anyway; lightdir
	//     answers unavailableCriticalExtension (12) when critical and
	//     sends the entries unsorted with the reason in the sortResult
	//     otherwise (RFC 2891 §1.2, RFC 4511 §4.1.11);
	//   - caseExactOrderingMatch on a type whose equality ignores case:
	//     sssvlv orders the values its equality rule normalized, so "E-7"
	//     sorts after "e 7" (RFC 4517 §4.2.4: case matters; lightdir);
	//     for the same reason telephoneNumber (no ORDERING rule) sorts
	//     there with its spaces and hyphens dropped whatever the rule;
	//   - a supertype (name): slapd sorts by values of the type named
	//     only, lightdir by values of its subtypes too (search_sort.go),
	//     which also makes the tagged values (cn;lang-de) count in a key
	//     cn: sqSortGuard keeps entries with tagged values of a key's type
	//     out of sorted searches.
	sqSortSpecs = []sqSortKey{{"cn", "caseIgnoreOrderingMatch", false}, {"CN", "2.5.13.3", false},
		{"2.5.4.3", "caseIgnoreOrderingMatch", false}, {"sn", "caseIgnoreOrderingMatch", false},
		{"uid", "caseIgnoreOrderingMatch", false}, {"uidNumber", "", false}, {"gidNumber", "integerOrderingMatch", false},
		{"mail", "caseIgnoreOrderingMatch", false},
		{"description", "caseIgnoreOrderingMatch", false}, {"employeeNumber", "caseIgnoreOrderingMatch", false},
		{"createTimestamp", "", false}, {"createTimestamp", "generalizedTimeOrderingMatch", false},
		{"postalCode", "caseIgnoreOrderingMatch", false}, {"givenName", "caseIgnoreOrderingMatch", false},
		{"ou", "caseIgnoreOrderingMatch", false}, {"l", "2.5.13.3", false}, {"displayName", "caseIgnoreOrderingMatch", false},
		{"title", "2.5.13.3", false}, {"cn;lang-en", "caseIgnoreOrderingMatch", false},
		{"cn;lang-de", "caseIgnoreOrderingMatch", false}, {"modifyTimestamp", "", false}}
	// sqTagged: per type, the tagged descriptions the fixture holds.
	sqTagged = map[string][]string{"cn": {"cn;lang-en", "cn;lang-de"}, "2.5.4.3": {"cn;lang-en", "cn;lang-de"},
		"sn": {"sn;lang-en-us", "sn;lang-fr"}}
)

// sqSortKey is one key of a server-side sort request.
type sqSortKey struct {
	attr, rule string
	reverse    bool
}

// sqSortGuard returns filter with the entries holding tagged values of a
// sort key's type left out (see sqSortSpecs).
func sqSortGuard(filter string, keys []sqSortKey) string {
	var not []string
	for _, k := range keys {
		for _, t := range sqTagged[strings.ToLower(k.attr)] {
			not = append(not, "(!("+t+"=*))")
		}
	}
	if not == nil {
		return filter
	}
	return "(&" + filter + strings.Join(not, "") + ")"
}

// sqRequest is one search request of the test.
type sqRequest struct {
	base      string
	scope     int
	deref     int
	filter    string
	attrs     []string
	typesOnly bool
	sizeLimit int
	sort      []sqSortKey
	sortCrit  bool
	pageSize  int // 0: no paged results control
	manage    bool
	assertion string
}

func (q *sqRequest) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "-b %q -s %s -a %d %s attrs %q", q.base, ldap.ScopeMap[q.scope], q.deref, q.filter, q.attrs)
	if q.typesOnly {
		b.WriteString(" typesOnly")
	}
	if q.sizeLimit > 0 {
		fmt.Fprintf(&b, " sizeLimit %d", q.sizeLimit)
	}
	if q.sort != nil {
		fmt.Fprintf(&b, " sort %+v critical %v", q.sort, q.sortCrit)
	}
	if q.pageSize > 0 {
		fmt.Fprintf(&b, " paged %d", q.pageSize)
	}
	if q.manage {
		b.WriteString(" manageDsaIT")
	}
	if q.assertion != "" {
		fmt.Fprintf(&b, " assertion %s", q.assertion)
	}
	return b.String()
}

// sqGen draws requests; it borrows the filter generator's items.
type sqGen struct {
	*rfGen
}

func (g sqGen) request() *sqRequest {
	r := g.r
	q := &sqRequest{base: g.pick(sqBases), scope: ldap.ScopeWholeSubtree, deref: r.IntN(4)}
	if r.IntN(5) == 0 {
		q.base = g.pick(g.dns)
	}
	q.scope = []int{ldap.ScopeBaseObject, ldap.ScopeSingleLevel, ldap.ScopeWholeSubtree, ldap.ScopeChildren}[r.IntN(4)]
	if q.scope == ldap.ScopeSingleLevel || q.scope == ldap.ScopeChildren {
		// Aliases met in a one-level or children scope: slapd's answer
		// depends on whether it walks the scope or loops over indexed
		// candidates (slapdQuirks in alias_test.go, which compares these
		// with slapd's scope-walk answers); dereference the base only.
		q.deref &^= ldap.DerefInSearching
	}
	q.filter = g.pick(sqFilters)
	if r.IntN(4) == 0 {
		q.filter = g.slapdComparableFilter()
	}
	switch k := r.IntN(10); {
	case k == 0: // no list: all user attributes
	case k == 1:
		q.attrs = []string{}
	default:
		for range 1 + r.IntN(4) {
			q.attrs = append(q.attrs, g.pick(sqAttrs))
		}
	}
	q.typesOnly = r.IntN(5) == 0
	if r.IntN(4) == 0 {
		q.sizeLimit = 1 + r.IntN(12)
	}
	if r.IntN(4) == 0 {
		for range 1 + r.IntN(2) {
			k := sqSortSpecs[r.IntN(len(sqSortSpecs))]
			k.reverse = r.IntN(2) == 0
			// Each type once (RFC 2891 §1.1).
			if !slices.ContainsFunc(q.sort, func(o sqSortKey) bool { return sqTypeOf(o.attr) == sqTypeOf(k.attr) }) {
				q.sort = append(q.sort, k)
			}
		}
		q.sortCrit = r.IntN(2) == 0
		q.filter = sqSortGuard(q.filter, q.sort)
	}
	if r.IntN(4) == 0 {
		q.pageSize = 1 + r.IntN(7)
		if q.sort != nil && q.sizeLimit > q.pageSize {
			// slapd's sssvlv overlay counts a size limit on sorted pages
			// its own way (sizeLimit 10, pages of 4: 4, 2 and
			// sizeLimitExceeded; sizeLimit 9, pages of 3 over 8 entries:
			// 3, 3, sizeLimitExceeded); RFC 2696 §3 bounds the search as
			// a whole, as lightdir and slapd without sorting do
			// (TestSearch_pagedSizeLimit_matchesSlapd).
			q.sizeLimit = 0
		}
	}
	q.manage = r.IntN(5) == 0
	if r.IntN(6) == 0 {
		q.assertion = g.pick(sqFilters)
		if r.IntN(2) == 0 {
			q.assertion = g.slapdComparableFilter()
		}
	}
	return q
}

// sqTypeOf names a description's type the same way for every spelling
// the pools use.
func sqTypeOf(desc string) string {
	t, _, _ := strings.Cut(strings.ToLower(desc), ";")
	if t == "2.5.4.3" {
		return "cn"
	}
	return t
}

// slapdComparableFilter is a random filter of the filter test that both
// servers evaluate alike (slapdDiffers lists the known differences).
func (g sqGen) slapdComparableFilter() string {
	for {
		f := g.filter(2)
		why := ""
		f.leaves(func(l *rfFilter) {
			if why == "" {
				why = slapdDiffers(l)
			}
		})
		if why == "" {
			return f.String()
		}
	}
}

// controls builds the request controls (berTLV is the wire benchmark's).
func (q *sqRequest) controls(cookie []byte) ([]ldap.Control, error) {
	var cs []ldap.Control
	if q.sort != nil {
		var keys []byte
		for _, k := range q.sort {
			key := berTLV(0x04, []byte(k.attr))
			if k.rule != "" {
				key = append(key, berTLV(0x80, []byte(k.rule))...)
			}
			if k.reverse {
				key = append(key, berTLV(0x81, []byte{0xff})...)
			}
			keys = append(keys, berTLV(0x30, key)...)
		}
		cs = append(cs, ldap.NewControlString(ldap.ControlTypeServerSideSorting, q.sortCrit, string(berTLV(0x30, keys))))
	}
	if q.pageSize > 0 {
		pc := ldap.NewControlPaging(uint32(q.pageSize))
		pc.SetCookie(cookie)
		cs = append(cs, pc)
	}
	if q.manage {
		cs = append(cs, ldap.NewControlManageDsaIT(true))
	}
	if q.assertion != "" {
		p, err := ldap.CompileFilter(q.assertion)
		if err != nil {
			return nil, err
		}
		cs = append(cs, ldap.NewControlString("1.3.6.1.1.12", true, string(p.Bytes())))
	}
	return cs, nil
}

// sqVolatile are the attributes whose values legitimately differ between
// two servers that loaded the same LDIF (made at load time): only their
// presence is compared. sqStamp gives every entry the other stamps
// (entryUUID, creatorsName, createTimestamp, ...), so that they compare
// and sort the same on both.
var sqVolatile = map[string]bool{"entrycsn": true, "contextcsn": true}

// sqStamp adds operational attributes to each entry of ldif that lacks
// them: both servers load them as given.
func sqStamp(ldif string, r *rand.Rand) string {
	var out []string
	for i, block := range strings.Split(strings.TrimSpace(ldif), "\n\n") {
		lower := strings.ToLower(block)
		add := func(attr, v string) {
			if !strings.Contains(lower, "\n"+strings.ToLower(attr)+":") {
				block += "\n" + attr + ": " + v
			}
		}
		block = sqDedupDNs(block)
		add("entryUUID", fmt.Sprintf("%08x-0000-4000-8000-%012x", i, r.Uint64()>>16))
		add("creatorsName", []string{rootDN, "cn=Loader,dc=example,dc=com", "CN=loader, DC=example,DC=com"}[r.IntN(3)])
		add("modifiersName", rootDN)
		add("createTimestamp", fmt.Sprintf("2024%02d%02d%02d0000Z", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24)))
		add("modifyTimestamp", fmt.Sprintf("20250101%02d%02d00Z", r.IntN(24), r.IntN(3)))
		out = append(out, block)
	}
	return strings.Join(out, "\n\n") + "\n"
}

// sqEntry formats one entry: its DN as returned, then each attribute
// (sorted by description as returned; the order of attributes in an entry
// carries no meaning, RFC 4511 §4.1.7) with its values in the order
// returned.
func sqEntry(e *ldap.Entry) string {
	var as []string
	for _, a := range e.Attributes {
		// numSubordinates is lightdir's (slapd has it only with an
		// overlay not loaded here), returned with "+".
		if strings.EqualFold(a.Name, "numSubordinates") {
			continue
		}
		vals := fmt.Sprintf("%q", a.ByteValues)
		if sqVolatile[strings.ToLower(a.Name)] {
			vals = fmt.Sprintf("<%d values>", len(a.ByteValues))
		}
		as = append(as, a.Name+"="+vals)
	}
	slices.Sort(as)
	return e.DN + " {" + strings.Join(as, " ") + "}"
}

// outcome sends q (every page of it) and summarizes the answer.
func (q *sqRequest) outcome(rc *rfConn, snap sqSnapshot) string {
	for try := 0; ; try++ {
		out := q.outcomeOnce(rc, snap)
		if q.sort == nil || q.pageSize == 0 || !strings.HasPrefix(out, "code 51 ") || try == 10 {
			return out
		}
		// slapd's sssvlv overlay keeps a sorted paged search's state in
		// a slot per connection, and a new connection may get the slot
		// of a closed one before slapd frees it: busy (51). Try again.
		time.Sleep(50 * time.Millisecond)
	}
}

func (q *sqRequest) outcomeOnce(rc *rfConn, snap sqSnapshot) string {
	c := rc.conn()
	var entries, dns, refs, pages []string
	var cookie []byte
	code, matched, sortRes := 0, "", "none"
	for page := 0; ; page++ {
		cs, err := q.controls(cookie)
		if err != nil {
			return "bad request: " + err.Error()
		}
		req := ldap.NewSearchRequest(q.base, q.scope, q.deref, q.sizeLimit, 0, q.typesOnly, q.filter, q.attrs, cs)
		res, err := c.Search(req)
		for try := 0; q.sort != nil && q.pageSize > 0 && ldap.IsErrorWithCode(err, ldap.LDAPResultBusy) && try < 40; try++ {
			// slapd's sssvlv overlay answers busy (51) to the next page
			// of a sorted search while its thread still finishes the
			// last one: ask again.
			time.Sleep(25 * time.Millisecond)
			res, err = c.Search(req)
		}
		n := 0
		if res != nil {
			n = len(res.Entries)
			for _, e := range res.Entries {
				entries = append(entries, sqEntry(e))
				dns = append(dns, e.DN)
			}
			refs = append(refs, res.Referrals...)
		}
		pages = append(pages, fmt.Sprint(n))
		var le *ldap.Error
		if errors.As(err, &le) {
			if le.ResultCode == ldap.ErrorNetwork {
				c.Close()
				return "connection closed: " + le.Err.Error()
			}
			code, matched = int(le.ResultCode), le.MatchedDN
			break
		}
		if err != nil {
			return "error " + err.Error()
		}
		if sr, ok := ldap.FindControl(res.Controls, ldap.ControlTypeServerSideSortingResult).(*ldap.ControlServerSideSortingResult); ok {
			sortRes = fmt.Sprint(sr.Result)
		}
		cookie = nil
		if p, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging); ok {
			cookie = p.Cookie
		}
		if q.pageSize == 0 || len(cookie) == 0 {
			break
		}
		if q.sort != nil && q.pageSize > 0 {
			// slapd's sssvlv overlay keeps a sorted paged search's state
			// per connection and answers busy (51) to the next one while
			// it lives: each such search gets a connection of its own.
			defer func() { c.Close() }()
		}
		if page == 200 {
			return "more than 200 pages"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "code %d matched %q", code, matched)
	if q.sort != nil {
		fmt.Fprintf(&b, " sortResult %s", sortRes)
	}
	if q.pageSize > 0 {
		fmt.Fprintf(&b, " pages [%s]", strings.Join(pages, " "))
	}
	slices.Sort(refs)
	if q.pageSize > 0 {
		// slapd may send a reference again on a later page (lightdir
		// sends it once).
		refs = slices.Compact(refs)
	}
	if q.sort != nil {
		// slapd's sssvlv overlay drops the search result references of
		// a sorted search; RFC 2891 gives no reason to (lightdir sends
		// them).
		refs = nil
	}
	if code == int(ldap.LDAPResultSizeLimitExceeded) {
		refs = nil
	}
	fmt.Fprintf(&b, "\nreferences [%s]", strings.Join(refs, " "))
	if code == int(ldap.LDAPResultSizeLimitExceeded) {
		// Which entries come back under a size limit is unspecified
		// (RFC 4511 §4.5.1.5): only their number is compared.
		// (references too).
		fmt.Fprintf(&b, "\n%d entries", len(entries))
		return b.String()
	}
	if q.sort == nil {
		// Without a sort control the order of entries is the server's.
		slices.Sort(entries)
	} else {
		q.sortTies(entries, dns, snap)
	}
	fmt.Fprintf(&b, "\n%d entries:\n%s", len(entries), strings.Join(entries, "\n"))
	return b.String()
}

// TestSlapd_randomSearchRequests: random search requests on slapd and on
// lightdir; see the top of the file.
func TestSlapd_randomSearchRequests(t *testing.T) {
	g := sqGen{&rfGen{r: rand.New(rand.NewPCG(*sreqSeed, 0x5ea4c4))}}
	fixture := filepath.Join(t.TempDir(), "fixture.ldif")
	ldif := sqStamp(g.fixture(*sreqEntries)+sqExtra(sqCert(t)), g.r)
	writeFile(t, fixture, ldif)
	if *sreqLDIF != "" {
		writeFile(t, *sreqLDIF, ldif)
	}
	slapdURL := startSlapd(t, fixture, []string{"core", "cosine", "inetorgperson", "nis"},
		"maxsize 104857600\nindex objectClass eq\nmoduleload sssvlv\noverlay sssvlv\nsssvlv-max 10000\nsssvlv-maxperconn 64\n")
	oursURL, _ := serveLDIFLightdirOnly(t, fixture, "")
	slapd, ours := &rfConn{t: t, url: slapdURL}, &rfConn{t: t, url: oursURL}
	snap := sqSnap(t, slapd.conn())
	t.Run("rootDSE", func(t *testing.T) { sqRootDSE(t, ours.conn(), slapd.conn()) })
	mismatches := 0
	for n := range *sreqN {
		q := g.request()
		if *sreqVerbose {
			t.Logf("#%d %s", n, q)
		}
		got, want := q.outcome(ours, snap), q.outcome(slapd, snap)
		if got != want {
			mismatches++
			t.Errorf("#%d %s\n%s", n, q, sqDiff(got, want))
			if *sreqFull {
				t.Logf("lightdir:\n%s\nslapd:\n%s", got, want)
			}
			if mismatches >= 20 {
				break
			}
		}
	}
}

// sqDiff shows two outcomes side by side: their first lines, then the
// lines only one of them has.
func sqDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "lightdir: %s\nslapd:    %s", g[0], w[0])
	if len(g) > 1 && len(w) > 1 && g[1] != w[1] {
		fmt.Fprintf(&b, "\nlightdir: %s\nslapd:    %s", g[1], w[1])
	}
	shown := 0
	for _, l := range g[min(2, len(g)):] {
		if !slices.Contains(w, l) && shown < 6 {
			fmt.Fprintf(&b, "\n  only lightdir: %s", short(l))
			shown++
		}
	}
	for _, l := range w[min(2, len(w)):] {
		if !slices.Contains(g, l) && shown < 12 {
			fmt.Fprintf(&b, "\n  only slapd:    %s", short(l))
			shown++
		}
	}
	if shown == 0 && got != want {
		b.WriteString("\n  (same lines, different order)")
	}
	return b.String()
}

// sqSnapshot is every entry's attributes (canonical DN, then lower-case
// description, as slapd stores them), for finding ties in sorted results.
type sqSnapshot map[string]map[string][]string

func sqSnap(t *testing.T, c *ldap.Conn) sqSnapshot {
	res, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"*", "+"}, []ldap.Control{ldap.NewControlManageDsaIT(true)}))
	if err != nil {
		t.Fatal(err)
	}
	snap := sqSnapshot{}
	for _, e := range res.Entries {
		m := map[string][]string{}
		for _, a := range e.Attributes {
			m[strings.ToLower(a.Name)] = a.Values
		}
		snap[canonDN(e.DN)] = m
	}
	return snap
}

// sortTies puts each run of entries that tie on every sort key in DN
// order: RFC 2891 leaves the order of ties to the server (lightdir
// breaks them by entry ID, slapd's sssvlv by arrival). Entries tie here
// when the least values of each key's description, loosely normalized for
// its ordering rule (sqLoose), are the same.
func (q *sqRequest) sortTies(entries, dns []string, snap sqSnapshot) {
	class := make([]string, len(entries))
	for i, dn := range dns {
		attrs := snap[canonDN(dn)]
		var b strings.Builder
		for _, k := range q.sort {
			desc := strings.ToLower(k.attr)
			if desc == "2.5.4.3" {
				desc = "cn"
			}
			// The key is the least value in both directions (slapd's
			// sssvlv, lightdir).
			var vs []string
			for _, v := range attrs[desc] {
				vs = append(vs, sqLoose(k, v))
			}
			least := "<none>"
			if len(vs) > 0 {
				least = slices.Min(vs)
			}
			fmt.Fprintf(&b, "%q;", least)
		}
		class[i] = b.String()
	}
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && class[j] == class[i] {
			j++
		}
		slices.Sort(entries[i:j])
		i = j
	}
}

// sqLoose normalizes a value about as the key's ordering rule does.
func sqLoose(k sqSortKey, v string) string {
	switch rule := strings.ToLower(k.rule); {
	case strings.HasPrefix(strings.ToLower(k.attr), "createtimestamp") || strings.HasPrefix(strings.ToLower(k.attr), "modifytimestamp"):
		for _, layout := range []string{"20060102150405Z0700", "200601021504Z0700", "2006010215Z0700", "20060102150405.999999999Z0700"} {
			if tm, err := time.Parse(layout, v); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
		return v
	case rule == "caseexactorderingmatch":
		return strings.Join(strings.Fields(v), " ")
	case rule == "":
		return strings.TrimSpace(v) // integers
	}
	// RFC 4518 §2.2-2.3: compatibility characters (ﬁ) are mapped, then
	// case folded.
	return strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(v)), " "))
}

// sqDedupDNs drops DN values of member, manager and seeAlso that repeat
// an earlier value of the entry in another spelling (lightdir refuses
// the entry, as slapd would on an add; slapadd -q does not check).
func sqDedupDNs(block string) string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(block, "\n") {
		attr, v, ok := strings.Cut(l, ": ")
		switch a := strings.ToLower(strings.TrimSuffix(attr, ":")); {
		case ok && (a == "member" || a == "manager" || a == "seealso"):
			if strings.HasSuffix(attr, ":") {
				b, _ := base64.StdEncoding.DecodeString(v)
				v = string(b)
			}
			k := a + "=" + canonDN(strings.ReplaceAll(v, "0.9.2342.19200300.100.1.1=", "uid="))
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// sqRootDSE compares Root DSE attributes asked for by name. The lists of
// controls and extensions differ by design: each side's extras are
// listed here, and the search controls this test sends must be
// advertised by both.
func sqRootDSE(t *testing.T, ours, theirs *ldap.Conn) {
	get := func(c *ldap.Conn, attr string) []string {
		res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=*)", []string{attr}, nil))
		if err != nil || len(res.Entries) != 1 {
			t.Fatalf("Root DSE %s: %v", attr, err)
		}
		var out []string
		for _, a := range res.Entries[0].Attributes {
			out = append(out, a.Name+": "+strings.Join(a.Values, " "))
		}
		slices.Sort(out)
		return out
	}
	for _, attr := range []string{"namingContexts", "supportedLDAPVersion", "subschemaSubentry", "SUBSCHEMASUBENTRY"} {
		if got, want := get(ours, attr), get(theirs, attr); !slices.Equal(got, want) {
			t.Errorf("Root DSE %s:\nlightdir: %q\nslapd:    %q", attr, got, want)
		}
	}
	values := func(c *ldap.Conn, attr string) []string {
		var out []string
		for _, l := range get(c, attr) {
			_, v, _ := strings.Cut(l, ": ")
			out = append(out, strings.Fields(v)...)
		}
		return out
	}
	// Only lightdir: no-op (both OIDs), permissive modify, subtree delete.
	// Only slapd: VLV (sssvlv), subentries, don't-use-copy, matched
	// values; dynamic refresh and the LDAP Turn (extensions).
	extra := map[string]map[string]bool{
		"supportedControl": {"1.3.6.1.4.1.4203.1.10.2": true, "1.3.6.1.4.1.4203.666.5.2": true, "1.2.840.113556.1.4.1413": true,
			"1.2.840.113556.1.4.805": true, "2.16.840.1.113730.3.4.9": true, "1.3.6.1.4.1.4203.1.10.1": true, "1.3.6.1.1.22": true,
			"1.2.826.0.1.3344810.2.3": true},
		"supportedExtension": {"1.3.6.1.1.21.1": true, "1.3.6.1.1.21.3": true},
	}
	for _, attr := range []string{"supportedControl", "supportedExtension"} {
		o, s := values(ours, attr), values(theirs, attr)
		for _, v := range o {
			if !slices.Contains(s, v) && !extra[attr][v] {
				t.Errorf("%s %s: only lightdir advertises it", attr, v)
			}
		}
		for _, v := range s {
			if !slices.Contains(o, v) && !extra[attr][v] {
				t.Errorf("%s %s: only slapd advertises it", attr, v)
			}
		}
	}
	for _, oid := range []string{ldap.ControlTypePaging, ldap.ControlTypeServerSideSorting, ldap.ControlTypeManageDsaIT, "1.3.6.1.1.12"} {
		if !slices.Contains(values(ours, "supportedControl"), oid) {
			t.Errorf("lightdir does not advertise %s, which it implements", oid)
		}
	}
}
