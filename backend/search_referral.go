package backend

import (
	"errors"
	"strings"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// Referral objects (RFC 3296) in searches, as back-mdb treats them.
// Without the ManageDsaIT control an entry of class referral stands for
// the part of the tree another server holds:
//   - a search whose base is a referral object, or names an entry below
//     one (the deepest existing entry of the base's name is a referral
//     object), ends with a referral result, the referral object as
//     matched DN and its ref URLs with the base's DN and the search scope;
//   - a referral object in the scope of a one-level, subtree or children
//     search is returned as a search result reference (its ref URLs, scope
//     base from a one-level search, sub otherwise), whatever the filter,
//     and never as an entry.
// With ManageDsaIT it is an ordinary entry.

// referralFilter is (objectClass=referral), planned with the indices.
var referralFilter = &schema.Filter{Op: schema.FilterEquality, Attr: "objectClass", Value: []byte("referral")}

// referralOf returns the ref values of entry id when it is a referral
// object (nil otherwise); a private decoder keeps the current entry.
// Decoding into it allocates nothing, unlike an objectClass index lookup
// (a cursor), so the entry is read even when the index could answer.
func (s *search) referralOf(id uint64) ([][]byte, error) {
	if s.b.referralClass == nil {
		return nil, nil
	}
	if err := s.b.readEntry(s.txn, id, &s.ae, &s.adec); err != nil {
		if errors.Is(err, engine.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return s.b.refsOf(&s.ae), nil
}

// refsOf returns e's ref values (views into e) when e is a referral
// object, nil otherwise (empty, not nil, when it has none).
func (b *Backend) refsOf(e *schema.Entry) [][]byte {
	if !b.entryOfClass(e, b.referralClass) {
		return nil
	}
	refs := [][]byte{}
	for i := range e.Attrs {
		if a := &e.Attrs[i]; a.Type != nil && a.Type == b.refAttr {
			refs = append(refs, a.Values...)
		}
	}
	return refs
}

// notFound is the error for a base dn that does not exist, whose last
// matched RDNs name entry id: a referral when id is a referral object,
// else noSuchObject.
func (s *search) notFound(id uint64, dn schema.DN, matched int) error {
	if matched > 0 && matched <= len(dn) {
		if err := s.baseReferral(id, dn[len(dn)-matched:].String(), dn[:len(dn)-matched].String()); err != nil {
			return err
		}
	}
	return s.b.noSuchObjectAt(s.txn, id, dn, matched)
}

// baseReferral is the referral result for a search whose base is entry
// id (DN refDN) or below it (prefix: the base's RDNs below it), when id
// is a referral object; nil otherwise.
func (s *search) baseReferral(id uint64, refDN, prefix string) error {
	if s.req.Controls.ManageDsaIT || id == rootID {
		return nil
	}
	refs, err := s.referralOf(id)
	if err != nil || refs == nil {
		return err
	}
	return referralResult(refs, refDN, prefix, scopeName(s.req.Scope))
}

// referralResult is the referral result naming referral object matchedDN,
// whose ref values are refs, for a name prefix below it (rewriteRef).
func referralResult(refs [][]byte, matchedDN, prefix, scope string) error {
	e := ldapErr(ldapserver.Referral, "")
	e.MatchedDN, e.Referral = matchedDN, rewriteRefs(refs, prefix, scope)
	return e
}

// rewriteRefs applies rewriteRef to every ref value.
func rewriteRefs(refs [][]byte, prefix, scope string) []string {
	urls := make([]string, 0, len(refs))
	for _, r := range refs {
		urls = append(urls, rewriteRef(string(r), prefix, scope))
	}
	return urls
}

// Values of search.refCheck.
const (
	refNone    = iota // ManageDsaIT, or no referral object
	refByList         // the referral objects are search.refs
	refByEntry        // no usable index: look at each candidate
)

// collectReferrals finds the referral objects for a one-level, subtree or
// children search without ManageDsaIT: their sorted IDs go to s.refs,
// and the candidates then include them, since they are references
// whatever the filter. The answer is kept for the snapshot it was read
// in, so searches between two writes share one objectClass index read.
func (s *search) collectReferrals(p *planner) error {
	if s.req.Controls.ManageDsaIT || s.b.referralClass == nil {
		return nil
	}
	txnid := s.txn.ID()
	known := s.b.referrals.Load()
	if known == nil || known.txnid != txnid {
		found, err := s.findReferrals(p)
		if err != nil {
			return err
		}
		found.txnid = txnid
		s.b.referrals.Store(found)
		known = found
	}
	s.refs, s.refCheck = known.ids, known.check
	return nil
}

// referralSet is the referral objects of one snapshot: check says how
// searches find them, ids lists them (read-only once stored).
type referralSet struct {
	txnid uint64
	check int
	ids   []uint64
}

func (s *search) findReferrals(p *planner) (*referralSet, error) {
	cands, all, err := p.candidates(referralFilter, s.b.referralMatch.Root())
	if err != nil {
		return nil, err
	}
	if all || cands.IsRange() {
		// Without a usable index, candidate() looks at each entry (and
		// then sends only those the filter candidates include).
		return &referralSet{check: refByEntry}, nil
	}
	set := &referralSet{check: refNone}
	for _, id := range cands.IDs() {
		refs, err := s.referralOf(id)
		if err != nil {
			return nil, err
		}
		if refs != nil {
			set.ids = append(set.ids, id)
		}
	}
	if len(set.ids) > 0 {
		set.check = refByList
	}
	return set, nil
}

// reference sends the search result reference for referral object id
// (whose ref values are in refs) found in scope.
func (s *search) reference(id uint64, refs [][]byte) error {
	if s.sorter != nil && s.req.Controls.Paged != nil && len(s.req.Controls.Paged.Cookie) > 0 {
		return nil // a sorted, paged search sent its references with the first page
	}
	if s.sorter == nil && s.pageSize > 0 && s.sent >= s.pageSize {
		// A page counts entries only (RFC 2696 §2): a reference met
		// after a full page goes with it, and the next page starts after
		// the referral object. Stopping here sent a cookie when no entry
		// was left, and the client one more, empty page (slapd sends
		// none).
		s.lastSent = id
	}
	scope := "sub"
	if s.req.Scope == ldapserver.ScopeOne {
		scope = "base"
	}
	return s.w.SendReference(rewriteRefs(refs, "", scope))
}

func scopeName(sc ldapserver.Scope) string {
	switch sc {
	case ldapserver.ScopeBase:
		return "base"
	case ldapserver.ScopeOne:
		return "one"
	case ldapserver.ScopeSubordinate:
		return "subordinate"
	}
	return "sub"
}

// rewriteRef adapts an LDAP URL of a ref value as slapd's
// referral_rewrite does: prefix (RDNs below the referral object, "" for
// none) is put before the URL's DN, and the scope ("" for none) is set
// when the URL has none. A value that is not an ldap URL is returned as it
// is.
func rewriteRef(url, prefix, scope string) string {
	lower := strings.ToLower(url)
	var scheme string
	for _, s := range []string{"ldap://", "ldaps://", "ldapi://"} {
		if strings.HasPrefix(lower, s) {
			scheme = url[:len(s)]
		}
	}
	if scheme == "" {
		return url
	}
	rest := url[len(scheme):]
	host, path, _ := strings.Cut(rest, "/")
	dnPart, query, _ := strings.Cut(path, "?")
	dn := unescapeURL(dnPart)
	if prefix != "" {
		if dn == "" {
			dn = prefix
		} else {
			dn = prefix + "," + dn
		}
	}
	fields := strings.SplitN(query, "?", 4)
	for len(fields) < 2 {
		fields = append(fields, "")
	}
	if fields[1] == "" {
		fields[1] = scope
	}
	for len(fields) > 0 && fields[len(fields)-1] == "" {
		fields = fields[:len(fields)-1]
	}
	out := scheme + host + "/" + escapeURLDN(dn)
	if len(fields) > 0 {
		out += "?" + strings.Join(fields, "?")
	}
	return out
}

// escapeURLDN percent-encodes a DN for an LDAP URL (RFC 4516): what is
// not unreserved or a sub-delimiter, ':' or '@'; '?' and '%' are encoded.
func escapeURLDN(dn string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(dn); i++ {
		c := dn[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func unescapeURL(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, ok := unhex(s[i+1]); ok {
				if w, ok := unhex(s[i+2]); ok {
					b.WriteByte(v<<4 | w)
					i += 2
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
