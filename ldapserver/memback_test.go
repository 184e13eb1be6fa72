package ldapserver

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"lightdir/pwhash"
	"lightdir/schema"
)

// memBackend is the in-memory Backend the tests run against. It implements just
// enough directory semantics to drive every protocol path: DN tree checks with
// matched DNs, naive filter evaluation, attribute selection, paging, sorting,
// assertion, pre/post-read, subtree delete, permissive modify, no-op, proxied
// authorization (only the root DN may proxy) and password modify.
type memBackend struct {
	mu      sync.Mutex
	entries map[string]*Entry // by normalized DN
	suffix  string
	rootDN  string
	rootPW  string

	closedConns chan uint64 // ConnClosed notifications

	// Test hooks.
	searchStarted chan struct{} // receives when a search on cn=block starts
	searchRelease chan struct{} // a search on cn=block waits for it or ctx
}

const testSuffix = "dc=example,dc=com"

func newMemBackend() *memBackend {
	b := &memBackend{entries: map[string]*Entry{}, suffix: testSuffix,
		rootDN: "cn=admin," + testSuffix, rootPW: "secret",
		searchStarted: make(chan struct{}, 16), searchRelease: make(chan struct{}),
		closedConns: make(chan uint64, 64)}
	hashed, err := pwhash.Hash("{SSHA}", []byte("alicepw"))
	if err != nil {
		panic(err)
	}
	b.put(testSuffix, "objectClass", "top", "objectClass", "domain", "dc", "example")
	b.put("ou=people,"+testSuffix, "objectClass", "organizationalUnit", "ou", "people")
	b.put("uid=alice,ou=people,"+testSuffix, "objectClass", "inetOrgPerson", "uid", "alice",
		"cn", "Alice Liddell", "sn", "Liddell", "mail", "alice@example.com", "userPassword", hashed,
		"uidNumber", "1001")
	b.put("uid=bob,ou=people,"+testSuffix, "objectClass", "inetOrgPerson", "uid", "bob",
		"cn", "Bob Builder", "sn", "Builder", "userPassword", "bobpw", "uidNumber", "1002")
	b.put("uid=carol,ou=people,"+testSuffix, "objectClass", "inetOrgPerson", "uid", "carol",
		"cn", "Carol Danvers", "sn", "Danvers", "uidNumber", "1003")
	return b
}

// put adds an entry from attribute/value pairs.
func (b *memBackend) put(dn string, kv ...string) {
	e := &Entry{DN: dn}
	for i := 0; i < len(kv); i += 2 {
		addValue(e, kv[i], []byte(kv[i+1]))
	}
	b.entries[normDN(mustDN(dn))] = e
}

func mustDN(s string) schema.DN {
	dn, err := schema.ParseDN(s)
	if err != nil {
		panic(err)
	}
	return dn
}

func normDN(dn schema.DN) string {
	var sb strings.Builder
	for i, rdn := range dn {
		if i > 0 {
			sb.WriteByte(',')
		}
		parts := make([]string, len(rdn))
		for j, ava := range rdn {
			parts[j] = strings.ToLower(ava.Type) + "=" + strings.ToLower(ava.Value)
		}
		sort.Strings(parts)
		sb.WriteString(strings.Join(parts, "+"))
	}
	return sb.String()
}

func addValue(e *Entry, typ string, v []byte) {
	for i := range e.Attributes {
		if strings.EqualFold(e.Attributes[i].Type, typ) {
			e.Attributes[i].Values = append(e.Attributes[i].Values, v)
			return
		}
	}
	e.Attributes = append(e.Attributes, Attribute{Type: typ, Values: [][]byte{v}})
}

func attr(e *Entry, typ string) *Attribute {
	for i := range e.Attributes {
		if strings.EqualFold(e.Attributes[i].Type, typ) {
			return &e.Attributes[i]
		}
	}
	return nil
}

func cloneEntry(e *Entry) *Entry {
	c := &Entry{DN: e.DN, Attributes: make([]Attribute, len(e.Attributes))}
	for i, a := range e.Attributes {
		c.Attributes[i] = Attribute{Type: a.Type, Values: append([][]byte(nil), a.Values...)}
	}
	return c
}

// lookup finds an entry or returns noSuchObject with the deepest existing ancestor.
func (b *memBackend) lookup(dn schema.DN) (*Entry, error) {
	if e := b.entries[normDN(dn)]; e != nil {
		return e, nil
	}
	matched := ""
	for p := dn; len(p) > 0; p = p[1:] {
		if e := b.entries[normDN(p)]; e != nil {
			matched = e.DN
			break
		}
	}
	return nil, &Error{Code: NoSuchObject, MatchedDN: matched, Message: "no such entry"}
}

// started signals a blocking search without ever blocking itself.
func (b *memBackend) started() {
	select {
	case b.searchStarted <- struct{}{}:
	default:
	}
}

// ConnClosed implements ConnObserver.
func (b *memBackend) ConnClosed(id uint64) {
	select {
	case b.closedConns <- id:
	default:
	}
}

func (b *memBackend) NamingContexts() []string { return []string{b.suffix} }

func (b *memBackend) SupportedExtensions() []string { return []string{"1.3.6.1.4.1.99999.1"} }

func (b *memBackend) Bind(ctx context.Context, req *BindRequest) (*BindResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if normDN(req.DN) == normDN(mustDN(b.rootDN)) {
		if string(req.Password) == b.rootPW {
			return &BindResult{Identity: b.rootDN}, nil
		}
		return nil, &Error{Code: InvalidCredentials}
	}
	e := b.entries[normDN(req.DN)]
	if e == nil {
		return nil, &Error{Code: InvalidCredentials}
	}
	if pw := attr(e, "userPassword"); pw != nil {
		for _, v := range pw.Values {
			if ok, _ := pwhash.Verify(v, req.Password); ok {
				return &BindResult{Identity: e.DN}, nil
			}
		}
	}
	return nil, &Error{Code: InvalidCredentials}
}

// authorize applies proxied authorization: only the root DN may proxy.
func (b *memBackend) authorize(h *Header) error {
	if h.Controls.ProxiedAuthz == nil {
		return nil
	}
	if !strings.EqualFold(h.Session.Identity, b.rootDN) {
		return &Error{Code: AuthorizationDenied, Message: "not allowed to proxy"}
	}
	return nil
}

func (b *memBackend) assert(h *Header, e *Entry) error {
	if h.Controls.Assertion != nil && !matchFilter(h.Controls.Assertion, e) {
		return &Error{Code: AssertionFailed, Message: "assertion failed"}
	}
	return nil
}

func (b *memBackend) Search(ctx context.Context, req *SearchRequest, w SearchWriter) (*SearchResult, error) {
	if err := b.authorize(&req.Header); err != nil {
		return nil, err
	}
	if normDN(req.Base) == "cn=panic" {
		panic("test panic")
	}
	if normDN(req.Base) == "cn=block" {
		b.started()
		select {
		case <-b.searchRelease:
			return &SearchResult{}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if normDN(req.Base) == "cn=stubborn" { // ignores cancellation
		b.started()
		<-b.searchRelease
		return &SearchResult{}, nil
	}
	if normDN(req.Base) == "cn=flood" { // sends entries until told to stop
		e := &Entry{DN: "cn=flood", Attributes: []Attribute{{Type: "description", Values: [][]byte{bytes.Repeat([]byte("x"), 4096)}}}}
		for {
			if err := w.SendEntry(e); err != nil {
				return nil, err
			}
		}
	}
	if normDN(req.Base) == "cn=refs" { // one entry, one continuation reference
		if err := w.SendEntry(&Entry{DN: "cn=refs"}); err != nil {
			return nil, err
		}
		return &SearchResult{}, w.SendReference([]string{"ldap://a.example.com/dc=a", "ldap://b.example.com/dc=a"})
	}
	if normDN(req.Base) == "cn=session" { // echoes the session the server passed
		ss := req.Session
		e := &Entry{DN: "cn=session"}
		addValue(e, "identity", []byte(ss.Identity))
		addValue(e, "conn", []byte(strconv.FormatUint(ss.ConnID, 10)))
		addValue(e, "method", []byte(ss.AuthMethod))
		addValue(e, "tls", []byte(strconv.FormatBool(ss.TLS)))
		addValue(e, "local", []byte(strconv.FormatBool(ss.Local)))
		if len(ss.IdentityDN) > 0 {
			addValue(e, "firstRDNs", []byte(strconv.Itoa(len(ss.IdentityDN[0]))))
		}
		return &SearchResult{}, w.SendEntry(e)
	}
	if normDN(req.Base) == "cn=referral" {
		return &SearchResult{Referral: []string{"ldap://other.example.com/dc=other"}}, nil
	}
	b.mu.Lock()
	base, err := b.lookup(req.Base)
	if err != nil {
		b.mu.Unlock()
		return nil, err
	}
	if err := b.assert(&req.Header, base); err != nil {
		b.mu.Unlock()
		return nil, err
	}
	var found []*Entry
	for _, e := range b.entries {
		dn := mustDN(e.DN)
		in := false
		switch req.Scope {
		case ScopeBase:
			in = normDN(dn) == normDN(req.Base)
		case ScopeOne:
			in = len(dn) == len(req.Base)+1 && normDN(dn[1:]) == normDN(req.Base)
		case ScopeSubtree, ScopeSubordinate:
			in = len(dn) >= len(req.Base) && normDN(dn[len(dn)-len(req.Base):]) == normDN(req.Base)
			if req.Scope == ScopeSubordinate && len(dn) == len(req.Base) {
				in = false
			}
		}
		if in && matchFilter(req.Filter, e) {
			found = append(found, selectAttrs(e, req.Attributes))
		}
	}
	b.mu.Unlock()
	sort.Slice(found, func(i, j int) bool { return normDN(mustDN(found[i].DN)) < normDN(mustDN(found[j].DN)) })
	res := &SearchResult{}
	if s := req.Controls.Sort; s != nil {
		key := s.Keys[0]
		sort.SliceStable(found, func(i, j int) bool {
			vi, vj := firstValue(found[i], key.Attr), firstValue(found[j], key.Attr)
			if key.Reverse {
				return vj < vi
			}
			return vi < vj
		})
		res.Sort = &SortResult{Code: Success}
	}
	if p := req.Controls.Paged; p != nil {
		start := 0
		if len(p.Cookie) > 0 {
			start, _ = strconv.Atoi(string(p.Cookie))
		}
		end := len(found)
		if p.Size > 0 && start+p.Size < end {
			end = start + p.Size
		}
		next := []byte{}
		if end < len(found) {
			next = []byte(strconv.Itoa(end))
		}
		res.Paged = &PagedResults{Size: len(found), Cookie: next}
		if start > len(found) {
			start = len(found)
		}
		found = found[start:end]
	}
	for _, e := range found {
		if err := w.SendEntry(e); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func firstValue(e *Entry, typ string) string {
	if a := attr(e, typ); a != nil && len(a.Values) > 0 {
		return strings.ToLower(string(a.Values[0]))
	}
	return "\xff"
}

func selectAttrs(e *Entry, attrs []string) *Entry {
	out := &Entry{DN: e.DN}
	for _, a := range e.Attributes {
		if selected(a.Type, true, attrs) {
			out.Attributes = append(out.Attributes, a)
		}
	}
	return out
}

// matchFilter is a naive evaluator with case-insensitive string matching.
func matchFilter(f *schema.Filter, e *Entry) bool {
	switch f.Op {
	case schema.FilterAnd:
		for _, c := range f.Children {
			if !matchFilter(c, e) {
				return false
			}
		}
		return true
	case schema.FilterOr:
		for _, c := range f.Children {
			if matchFilter(c, e) {
				return true
			}
		}
		return false
	case schema.FilterNot:
		return !matchFilter(f.Children[0], e)
	}
	a := attr(e, f.Attr)
	if a == nil {
		return false
	}
	for _, v := range a.Values {
		lv, fv := bytes.ToLower(v), bytes.ToLower(f.Value)
		switch f.Op {
		case schema.FilterPresent:
			return true
		case schema.FilterEquality, schema.FilterApprox, schema.FilterExtensible:
			if bytes.Equal(lv, fv) {
				return true
			}
		case schema.FilterGreaterOrEqual:
			if bytes.Compare(lv, fv) >= 0 {
				return true
			}
		case schema.FilterLessOrEqual:
			if bytes.Compare(lv, fv) <= 0 {
				return true
			}
		case schema.FilterSubstrings:
			if matchSubstrings(lv, f) {
				return true
			}
		}
	}
	return false
}

func matchSubstrings(v []byte, f *schema.Filter) bool {
	if f.Initial != nil {
		if !bytes.HasPrefix(v, bytes.ToLower(f.Initial)) {
			return false
		}
		v = v[len(f.Initial):]
	}
	for _, any := range f.Any {
		i := bytes.Index(v, bytes.ToLower(any))
		if i < 0 {
			return false
		}
		v = v[i+len(any):]
	}
	return f.Final == nil || bytes.HasSuffix(v, bytes.ToLower(f.Final))
}

func (b *memBackend) Compare(ctx context.Context, req *CompareRequest) (bool, error) {
	if err := b.authorize(&req.Header); err != nil {
		return false, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, err := b.lookup(req.DN)
	if err != nil {
		return false, err
	}
	if err := b.assert(&req.Header, e); err != nil {
		return false, err
	}
	a := attr(e, req.Attr)
	if a == nil {
		return false, &Error{Code: NoSuchAttribute, Message: "no such attribute"}
	}
	for _, v := range a.Values {
		if bytes.EqualFold(v, req.Value) {
			return true, nil
		}
	}
	return false, nil
}

func (b *memBackend) readBack(rc *ReadControl, e *Entry) *Entry {
	if rc == nil || e == nil {
		return nil
	}
	return selectAttrs(e, rc.Attributes)
}

func (b *memBackend) Add(ctx context.Context, req *AddRequest) (*WriteResult, error) {
	if err := b.authorize(&req.Header); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.entries[normDN(req.DN)] != nil {
		return nil, &Error{Code: EntryAlreadyExists, Message: "entry already exists"}
	}
	if len(req.DN) < 2 {
		return nil, &Error{Code: UnwillingToPerform, Message: "no global superior knowledge"}
	}
	if _, err := b.lookup(req.DN[1:]); err != nil {
		return nil, err
	}
	e := &Entry{DN: req.RawDN, Attributes: req.Attributes}
	if !req.Controls.NoOp {
		b.entries[normDN(req.DN)] = e
	}
	return &WriteResult{PostRead: b.readBack(req.Controls.PostRead, e)}, nil
}

func (b *memBackend) Delete(ctx context.Context, req *DeleteRequest) (*WriteResult, error) {
	if err := b.authorize(&req.Header); err != nil {
		return nil, err
	}
	if normDN(req.DN) == "cn=referral" && !req.Controls.ManageDsaIT {
		return nil, &Error{Code: Referral, Referral: []string{"ldap://other.example.com/cn=referral"}}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, err := b.lookup(req.DN)
	if err != nil {
		return nil, err
	}
	if err := b.assert(&req.Header, e); err != nil {
		return nil, err
	}
	key := normDN(req.DN)
	var children []string
	for k := range b.entries {
		if strings.HasSuffix(k, ","+key) {
			children = append(children, k)
		}
	}
	if len(children) > 0 && !req.Controls.SubtreeDelete {
		return nil, &Error{Code: NotAllowedOnNonLeaf, Message: "subordinate objects must be deleted first"}
	}
	if !req.Controls.NoOp {
		for _, k := range children {
			delete(b.entries, k)
		}
		delete(b.entries, key)
	}
	return &WriteResult{PreRead: b.readBack(req.Controls.PreRead, e)}, nil
}

func (b *memBackend) Modify(ctx context.Context, req *ModifyRequest) (*WriteResult, error) {
	if err := b.authorize(&req.Header); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	old, err := b.lookup(req.DN)
	if err != nil {
		return nil, err
	}
	if err := b.assert(&req.Header, old); err != nil {
		return nil, err
	}
	e := cloneEntry(old)
	permissive := req.Controls.PermissiveModify
	for _, ch := range req.Changes {
		a := attr(e, ch.Attribute.Type)
		switch ch.Op {
		case ModAdd:
			for _, v := range ch.Attribute.Values {
				if a != nil && hasValue(a, v) {
					if permissive {
						continue
					}
					return nil, &Error{Code: AttributeOrValueExists, Message: "value exists"}
				}
				addValue(e, ch.Attribute.Type, v)
				a = attr(e, ch.Attribute.Type)
			}
		case ModDelete:
			if a == nil {
				if permissive {
					continue
				}
				return nil, &Error{Code: NoSuchAttribute, Message: "no such attribute"}
			}
			if len(ch.Attribute.Values) == 0 {
				a.Values = nil
			}
			for _, v := range ch.Attribute.Values {
				if !hasValue(a, v) {
					if permissive {
						continue
					}
					return nil, &Error{Code: NoSuchAttribute, Message: "no such value"}
				}
				a.Values = removeValue(a.Values, v)
			}
		case ModReplace:
			if a != nil {
				a.Values = nil
			}
			for _, v := range ch.Attribute.Values {
				addValue(e, ch.Attribute.Type, v)
			}
		case ModIncrement:
			if a == nil || len(a.Values) == 0 || len(ch.Attribute.Values) != 1 {
				return nil, &Error{Code: ConstraintViolation, Message: "cannot increment"}
			}
			n, err1 := strconv.Atoi(string(a.Values[0]))
			d, err2 := strconv.Atoi(string(ch.Attribute.Values[0]))
			if err1 != nil || err2 != nil {
				return nil, &Error{Code: ConstraintViolation, Message: "not an integer"}
			}
			a.Values = [][]byte{[]byte(strconv.Itoa(n + d))}
		}
	}
	kept := e.Attributes[:0]
	for _, a := range e.Attributes {
		if len(a.Values) > 0 {
			kept = append(kept, a)
		}
	}
	e.Attributes = kept
	if !req.Controls.NoOp {
		b.entries[normDN(req.DN)] = e
	}
	return &WriteResult{PreRead: b.readBack(req.Controls.PreRead, old),
		PostRead: b.readBack(req.Controls.PostRead, e)}, nil
}

func hasValue(a *Attribute, v []byte) bool {
	for _, x := range a.Values {
		if bytes.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func removeValue(vals [][]byte, v []byte) [][]byte {
	out := vals[:0]
	for _, x := range vals {
		if !bytes.EqualFold(x, v) {
			out = append(out, x)
		}
	}
	return out
}

func (b *memBackend) ModifyDN(ctx context.Context, req *ModifyDNRequest) (*WriteResult, error) {
	if err := b.authorize(&req.Header); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	old, err := b.lookup(req.DN)
	if err != nil {
		return nil, err
	}
	key := normDN(req.DN)
	for k := range b.entries {
		if strings.HasSuffix(k, ","+key) {
			return nil, &Error{Code: NotAllowedOnNonLeaf, Message: "entry has children"}
		}
	}
	parent := req.DN[1:]
	if req.NewSuperior != nil {
		if _, err := b.lookup(req.NewSuperior); err != nil {
			return nil, err
		}
		parent = req.NewSuperior
	}
	newDN := append(schema.DN{req.NewRDN}, parent...)
	if b.entries[normDN(newDN)] != nil {
		return nil, &Error{Code: EntryAlreadyExists, Message: "target exists"}
	}
	e := cloneEntry(old)
	e.DN = newDN.String()
	if req.DeleteOldRDN {
		for _, ava := range req.DN[0] {
			if a := attr(e, ava.Type); a != nil {
				a.Values = removeValue(a.Values, []byte(ava.Value))
			}
		}
	}
	for _, ava := range req.NewRDN {
		if a := attr(e, ava.Type); a == nil || !hasValue(a, []byte(ava.Value)) {
			addValue(e, ava.Type, []byte(ava.Value))
		}
	}
	if !req.Controls.NoOp {
		delete(b.entries, key)
		b.entries[normDN(newDN)] = e
	}
	return &WriteResult{PreRead: b.readBack(req.Controls.PreRead, old),
		PostRead: b.readBack(req.Controls.PostRead, e)}, nil
}

func (b *memBackend) PasswordModify(ctx context.Context, req *PasswordModifyRequest) (*PasswordModifyResult, error) {
	target := req.Session.Identity
	if req.UserIdentity != "" {
		target = req.UserIdentity
	}
	dn, err := schema.ParseDN(target)
	if err != nil {
		return nil, &Error{Code: NoSuchObject, Message: "user identity is not a DN"}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, err := b.lookup(dn)
	if err != nil {
		return nil, err
	}
	self := normDN(dn) == normDN(mustDN(orRoot(req.Session.Identity)))
	if !self && !strings.EqualFold(req.Session.Identity, b.rootDN) {
		return nil, &Error{Code: InsufficientAccessRights, Message: "not allowed"}
	}
	if req.OldPassword != nil {
		pw := attr(e, "userPassword")
		ok := false
		if pw != nil {
			for _, v := range pw.Values {
				if m, _ := pwhash.Verify(v, req.OldPassword); m {
					ok = true
				}
			}
		}
		if !ok {
			return nil, &Error{Code: InvalidCredentials, Message: "old password does not match"}
		}
	}
	res := &PasswordModifyResult{}
	newPW := req.NewPassword
	if len(newPW) == 0 {
		newPW = []byte("generated-pw")
		res.GeneratedPassword = newPW
	}
	hashed, err := pwhash.Hash("{SSHA}", newPW)
	if err != nil {
		return nil, err
	}
	e = cloneEntry(e)
	if a := attr(e, "userPassword"); a != nil {
		a.Values = [][]byte{[]byte(hashed)}
	} else {
		addValue(e, "userPassword", []byte(hashed))
	}
	b.entries[normDN(dn)] = e
	return res, nil
}

func orRoot(s string) string {
	if s == "" {
		return "cn=nobody"
	}
	return s
}

func (b *memBackend) Extended(ctx context.Context, req *ExtendedRequest) (*ExtendedResult, error) {
	if req.OID == "1.3.6.1.4.1.99999.1" {
		return &ExtendedResult{OID: req.OID, Value: append([]byte("echo:"), req.Value...)}, nil
	}
	return nil, &Error{Code: ProtocolError, Message: fmt.Sprintf("unsupported extended operation %s", req.OID)}
}
