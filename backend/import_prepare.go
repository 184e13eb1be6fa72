package backend

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"lightdir/index"
	"lightdir/ldif"
	"lightdir/schema"
)

// prepBatch is a job's entries in stored form: for each entry its DN
// records and blob, and its index keys, all in one arena.
type prepBatch struct {
	recs  []prepRec
	keys  []prepKey
	arena []byte
	// err ends the import after recs: the first entry that failed, or the
	// reader's error.
	err error
}

// span is a byte range of prepBatch.arena.
type span struct{ off, n uint32 }

func (s span) of(arena []byte) []byte { return arena[s.off : s.off+s.n : s.off+s.n] }

// appendSpan appends b to the arena and returns where it went.
func appendSpan(arena *[]byte, b []byte) span {
	s := span{off: uint32(len(*arena)), n: uint32(len(b))}
	*arena = append(*arena, b...)
	return s
}

// appendString appends s to the arena and returns where it went.
func appendString(arena *[]byte, s string) span {
	sp := span{off: uint32(len(*arena)), n: uint32(len(s))}
	*arena = append(*arena, s...)
	return sp
}

// prepRec is one prepared entry.
type prepRec struct {
	line int
	dn   string // as written, for messages
	// suffix marks the suffix entry: its parent is rootID and its "RDN"
	// the whole DN. Otherwise nparent is the normalized parent DN as a
	// string (what the parent path compares) and parent the same parsed
	// (for a lookup in the DN tree).
	suffix   bool
	nparent  string
	parent   schema.DN
	parentID uint64 // set by the storing goroutine
	orphan   bool   // set by the storing goroutine: the parent is not stored yet
	rdn      span   // the RDN as given (the whole DN for the suffix)
	nrdn     span
	blob     span
	keysEnd  int // this entry's keys are prepBatch.keys[previous keysEnd:keysEnd]
}

// prepKey is one index key of an entry: index number (into Backend.ix)
// and key bytes.
type prepKey struct {
	ix  int
	key span
}

// Bounds of a worker's caches; past them a cache starts over.
const (
	dnCacheSize    = 4096
	classCacheSize = 1024
)

// importPrep is one worker's state. Its caches turn what repeats from
// entry to entry into map lookups: attribute descriptions (type and AD
// number), recently seen DNs (so an entry's parent DN is neither parsed
// nor normalized again), and sets of object classes (structural class and
// objectClass index keys). Its buffers are reused for every entry. Only
// its worker goroutine uses it.
type importPrep struct {
	im      *importer
	b       *Backend
	reg     *schema.Registry
	types   map[string]prepType
	dns     map[string]*prepDN
	classes map[string]*prepClasses
	ocIndex int // index of the objectClass index in b.ix; -1: no class cache

	e       schema.Entry
	ads     []uint32       // AD number of each attribute of e
	adAt    map[uint32]int // for entries with many attributes: AD number -> index in e.Attrs
	preset  []bool         // the attribute's Norm was set by stamp
	vals    [][]byte       // backing of stamped attributes' Values and Norm
	arena   []byte         // stamped values
	nbuf    []byte         // normalized values
	ks      index.Keys
	scratch [][]byte
	ockey   []byte
	uuids   []byte // 16 random bytes per entry of the job
	csns    csnRange
	dnTypes map[string]dnType // RDN types as written
	// Of the current entry's attributes from the input: whether one has an
	// operational type, and which indices they feed.
	operational bool
	feeds       uint64
	first       simpleRDN // the current entry's first RDN, when simple
	vbuf        []byte
}

type prepType struct {
	at    *schema.AttributeType // nil when the schema does not know it
	ad    uint32
	feeds uint64 // bit i: values of this type feed index i (of the first 64)
}

// prepDN is a parsed and normalized DN seen in the input; nstr is the
// normalized string, built when a child first needs it.
type prepDN struct {
	dn, ndn schema.DN
	parent  *prepDN // when known: nstr is ndn[0] then parent's nstr
	nrdn    string  // ndn[0]'s string form when known
	nstr    string
}

func (d *prepDN) nstring() string {
	if d.nstr == "" {
		if d.parent != nil {
			if d.nrdn == "" {
				d.nrdn = d.ndn[0].String()
			}
			d.nstr = d.nrdn + "," + d.parent.nstring()
		} else {
			d.nstr = d.ndn.String()
		}
	}
	return d.nstr
}

// prepClasses is what an entry's object class values determine.
type prepClasses struct {
	structural []byte // structuralObjectClass value; nil when there is none
	socNorm    []byte
	socRule    bool     // structuralObjectClass has an equality rule
	ocKeys     [][]byte // keys of the objectClass index
}

func newImportPrep(im *importer) *importPrep {
	p := &importPrep{
		im: im, b: im.b, reg: im.b.reg,
		types:   map[string]prepType{},
		dns:     map[string]*prepDN{},
		classes: map[string]*prepClasses{},
		dnTypes: map[string]dnType{},
		ocIndex: -1,
		nbuf:    make([]byte, 0, 4096),
	}
	if im.stamps.classCache {
		for i, d := range im.b.ix {
			if d.typ == im.b.ocAttr {
				p.ocIndex = i
			}
		}
	}
	return p
}

// prepareJob prepares every entry of j into j.out, stopping at the first
// failure.
func (p *importPrep) prepareJob(j *importJob) {
	n := len(j.entries)
	p.uuids = append(p.uuids[:0], make([]byte, 16*n)...)
	_, _ = rand.Read(p.uuids)
	p.csns = p.im.stamps.reserveCSNs(n)
	out := getBatch()
	j.out = out
	for i, le := range j.entries {
		if err := p.prepare(le, out, i); err != nil {
			out.err = err
			return
		}
	}
	out.err = j.readErr
	j.entries = nil
}

// prepare turns one LDIF entry into its stored form: the same steps and
// checks as an LDAP add, in the same order.
func (p *importPrep) prepare(le *ldif.Entry, out *prepBatch, i int) error {
	fail := func(err error) error {
		return fmt.Errorf("ldif: line %d: dn %q: %w: %w", le.Line, le.DN, ErrBadEntry, err)
	}
	e := p.entry(le)
	dn, parent, rest, err := p.parseDN(le.DN)
	if err != nil {
		return fail(err)
	}
	e.DN = dn
	p.addRDNValues(e)
	if err := p.reg.CheckEntry(e, schema.CheckOptions{Internal: true}); err != nil {
		return fail(err)
	}
	ndn, err := p.normalizeDN(dn, parent)
	if err != nil {
		return fail(err)
	}
	below, ok := p.b.inSuffix(ndn)
	if !ok {
		return fail(fmt.Errorf("not within suffix %q", p.b.suffix.String()))
	}
	for _, sub := range p.im.subordinates {
		if len(ndn) >= len(sub.ndn) && ndn[len(ndn)-len(sub.ndn):].Equal(sub.ndn) {
			return fail(fmt.Errorf("belongs to the database of suffix %q, not to this one's (%q)",
				sub.suffix, p.b.suffix.String()))
		}
	}
	if parent == nil && len(dn) > 1 && rest != "" {
		parent = &prepDN{dn: dn[1:], ndn: ndn[1:]}
		p.remember(rest, parent)
	}
	cls := p.classesOf(e)
	if a := attrOfType(e, p.im.stamps.attrs[0].at); a != nil && cls.structural != nil &&
		(len(a.Values) != 1 || p.reg.ObjectClass(string(a.Values[0])) != p.reg.ObjectClass(string(cls.structural))) {
		// slapadd: "structural object class modification from ... not allowed"
		return fail(fmt.Errorf("structuralObjectClass %q is not the entry's structural object class %s", a.Values, cls.structural))
	}
	p.stamp(e, cls, i)
	p.normalize(e)
	rec := prepRec{line: le.Line, dn: le.DN}
	if below == 0 {
		rec.suffix = true
		rec.rdn = appendString(&out.arena, p.reg.PrettyDN(dn))
		rec.nrdn = appendString(&out.arena, p.b.nsuffix)
	} else {
		rec.nparent, rec.parent = parent.nstring(), ndn[1:]
		if p.first.normalized {
			rec.rdn = appendString(&out.arena, p.first.pretty)
			rec.nrdn = appendString(&out.arena, p.first.nstr)
		} else {
			rec.rdn = appendString(&out.arena, p.reg.PrettyRDN(dn[0]))
			rec.nrdn = appendString(&out.arena, ndn[0].String())
		}
	}
	start := len(out.arena)
	out.arena = encodeEntryADs(out.arena, e, p.ads)
	rec.blob = span{off: uint32(start), n: uint32(len(out.arena) - start)}
	p.indexKeys(e, cls, out)
	rec.keysEnd = len(out.keys)
	out.recs = append(out.recs, rec)
	p.remember(le.DN, &prepDN{dn: dn, ndn: ndn, parent: parent, nrdn: p.first.nstr})
	return nil
}

// entry builds the schema view of le in the reused entry, with types
// resolved.
func (p *importPrep) entry(le *ldif.Entry) *schema.Entry {
	e := &p.e
	e.Attrs, p.ads, p.preset = e.Attrs[:0], p.ads[:0], p.preset[:0]
	p.vals, p.arena, p.nbuf = p.vals[:0], p.arena[:0], p.nbuf[:0]
	p.operational, p.feeds = false, 0
	c := &p.b.computed
	// Past a few dozen attributes, finding one spelled apart goes through a
	// map rather than a scan per attribute.
	many := len(le.Attrs) > 32
	if many {
		if p.adAt == nil {
			p.adAt = map[uint32]int{}
		}
		clear(p.adAt)
	}
	for _, a := range le.Attrs {
		t := p.typeOf(a.Desc)
		if t.at != nil && (t.at == c.entryDN || t.at == c.hasSubs || t.at == c.numSubs || t.at == c.subschema) {
			continue // computed when read, never stored (ldapsearch '+' output has them)
		}
		if t.at != nil {
			if k := p.attrWithAD(t.ad, many); k >= 0 {
				// The same attribute spelled another way (another name of
				// the type, its OID, options in another order or case):
				// its lines add values, as slapadd reads them.
				e.Attrs[k].Values = append(slices.Clip(e.Attrs[k].Values), a.Values...)
				continue
			}
			if many {
				p.adAt[t.ad] = len(e.Attrs)
			}
		}
		e.Attrs = append(e.Attrs, schema.Attribute{Desc: a.Desc, Values: a.Values, Type: t.at})
		p.ads = append(p.ads, t.ad)
		p.preset = append(p.preset, false)
		p.operational = p.operational || t.at != nil && t.at.IsOperational()
		p.feeds |= t.feeds
	}
	return e
}

// attrWithAD returns the index in p.e.Attrs of the attribute with AD
// number ad, or -1; many says p.adAt holds them.
func (p *importPrep) attrWithAD(ad uint32, many bool) int {
	if many {
		if k, ok := p.adAt[ad]; ok {
			return k
		}
		return -1
	}
	return slices.Index(p.ads, ad)
}

// addRDNValues adds the values of the first RDN that e lacks, as Add
// does (and slapd and slapadd), keeping the per-attribute state in step.
// The usual entry holds each value as its DN writes it, which is checked
// first.
func (p *importPrep) addRDNValues(e *schema.Entry) {
	if len(e.DN) == 0 || p.hasRDNValues(e) {
		return // (b.addRDNValues leaves glue entries alone)
	}
	n := len(e.Attrs)
	p.b.addRDNValues(e)
	for i := n; i < len(e.Attrs); i++ {
		t := p.typeOf(e.Attrs[i].Desc)
		e.Attrs[i].Type = t.at
		p.ads = append(p.ads, t.ad)
		p.preset = append(p.preset, false)
		p.operational = p.operational || t.at != nil && t.at.IsOperational()
		p.feeds |= t.feeds
	}
}

// hasRDNValues reports whether e has every value of its first RDN
// byte for byte, in an attribute without options.
func (p *importPrep) hasRDNValues(e *schema.Entry) bool {
	for _, ava := range e.DN[0] {
		at := p.reg.AttributeType(ava.Type)
		found := false
		for i := 0; i < len(e.Attrs) && !found; i++ {
			a := &e.Attrs[i]
			if a.Type != at || at == nil || strings.IndexByte(a.Desc, ';') >= 0 {
				continue
			}
			for _, v := range a.Values {
				if string(v) == ava.Value {
					found = true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// attrOfType returns e's attribute of type at, however its description
// spells the type (any case, or the OID), or nil.
func attrOfType(e *schema.Entry, at *schema.AttributeType) *schema.Attribute {
	for i := range e.Attrs {
		if e.Attrs[i].Type == at {
			return &e.Attrs[i]
		}
	}
	return nil
}

// typeOf resolves a description as the registry does for an entry's
// attribute (the type is the part before the first ';').
func (p *importPrep) typeOf(desc string) prepType {
	if t, ok := p.types[desc]; ok {
		return t
	}
	t := prepType{at: p.reg.AttributeType(attrType(desc)), ad: p.im.ads.number(desc)}
	for i, d := range p.b.ix {
		if t.at != nil && t.at.IsSubtypeOf(d.typ) && i < 64 {
			t.feeds |= 1 << i
		}
	}
	p.types[desc] = t
	return t
}

// rdnEnd returns the offset of the separator (',' or ';') after the first
// RDN of the DN string s, or -1. A backslash escapes the byte after it
// (the first of two hex digits of "\HH" too), which is all the DN syntax
// has for hiding separators.
func rdnEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',', ';':
			return i
		}
	}
	return -1
}

// parseDN parses s as schema.ParseDN does. When the part after the first
// RDN is a DN seen before (normally the parent, written as in its own
// entry), only the first RDN is parsed and parent is that DN. rest is the
// part after the first RDN ("" when there is none).
func (p *importPrep) parseDN(s string) (dn schema.DN, parent *prepDN, rest string, err error) {
	p.first = simpleRDN{}
	if i := rdnEnd(s); i >= 0 {
		rest = s[i+1:]
		if par := p.dns[rest]; par != nil {
			var rdn schema.RDN
			if r, ok := parseSimpleRDN(s[:i]); ok {
				p.first, rdn = r, r.rdn
			} else if rdn, err = schema.ParseRDN(s[:i]); err != nil {
				rdn = nil
			}
			if rdn != nil {
				dn = make(schema.DN, 0, 1+len(par.dn))
				return append(append(dn, rdn), par.dn...), par, rest, nil
			}
		}
	}
	dn, err = schema.ParseDN(s)
	return dn, nil, rest, err
}

// normalizeDN normalizes dn; with parent known, only its first RDN.
func (p *importPrep) normalizeDN(dn schema.DN, parent *prepDN) (schema.DN, error) {
	if parent == nil {
		return p.reg.NormalizeDN(dn)
	}
	var nrdn schema.RDN
	if p.first.rdn != nil && p.normalizeSimple(&p.first) {
		nrdn = p.first.nrdn
	} else {
		p.first = simpleRDN{}
		nr, err := p.reg.NormalizeDN(dn[:1])
		if err != nil {
			return nil, err
		}
		nrdn = nr[0]
	}
	ndn := make(schema.DN, 0, 1+len(parent.ndn))
	return append(append(ndn, nrdn), parent.ndn...), nil
}

// remember caches a DN under its string as written.
func (p *importPrep) remember(s string, d *prepDN) {
	if len(p.dns) >= dnCacheSize {
		clear(p.dns)
	}
	p.dns[s] = d
}

// classesOf returns what e's objectClass attributes (and subtypes)
// determine, computing it on the first entry with these values.
func (p *importPrep) classesOf(e *schema.Entry) *prepClasses {
	oc := p.b.ocAttr
	key := p.ockey[:0]
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if a.Type == nil || !a.Type.IsSubtypeOf(oc) {
			continue
		}
		mark := byte(2)
		if a.Type == oc {
			mark = 1
		}
		key = binary.AppendUvarint(append(key, mark), uint64(len(a.Values)))
		for _, v := range a.Values {
			key = append(binary.AppendUvarint(key, uint64(len(v))), v...)
		}
	}
	p.ockey = key
	if c, ok := p.classes[string(key)]; ok {
		return c
	}
	c := &prepClasses{}
	if sc, err := p.reg.StructuralObjectClass(e); err == nil && sc != nil {
		c.structural = []byte(sc.Name())
		c.socNorm, c.socRule = prepareNorm(p.im.stamps.attrs[0].at, c.structural)
	}
	if p.ocIndex >= 0 {
		p.b.ix[p.ocIndex].keysFor(p.reg, e, &p.ks, &p.scratch)
		for j := 0; j < p.ks.Len(); j++ {
			c.ocKeys = append(c.ocKeys, append([]byte(nil), p.ks.Key(j)...))
		}
	}
	if len(p.classes) >= classCacheSize {
		clear(p.classes)
	}
	p.classes[string(key)] = c
	return c
}

// stamp adds the operational attributes of a new entry that it lacks,
// as Backend.stampCreate does (same attributes, values and order); the
// i-th entry of the job takes the i-th reserved UUID and CSN.
func (p *importPrep) stamp(e *schema.Entry, c *prepClasses, i int) {
	st := &p.im.stamps
	for k := range st.attrs {
		sa := &st.attrs[k]
		val, norm, rule := sa.val, sa.norm, sa.rule
		preset := true
		switch sa.kind {
		case stampStructural:
			if c.structural == nil {
				continue
			}
			val, norm, rule = c.structural, c.socNorm, c.socRule
		case stampUUID:
			val, preset = p.appendValue(appendUUID(p.arena, p.uuids[16*i:16*i+16])), false
		case stampCSN:
			val, preset = p.appendValue(st.appendCSN(p.arena, p.csns.first+uint64(i))), false
		}
		// Only an attribute of the stamped (operational) type can have
		// the stamped description.
		if (p.operational || !st.allOperational) && attrOfType(e, sa.at) != nil {
			continue
		}
		a := schema.Attribute{Desc: sa.desc, Type: sa.at, Values: p.slice(val)}
		if preset && rule {
			a.Norm = p.slice(norm)
		}
		e.Attrs = append(e.Attrs, a)
		p.ads = append(p.ads, sa.ad)
		p.preset = append(p.preset, preset)
	}
}

// appendValue takes the bytes appended to p.arena (it was passed in with
// new bytes at its end) as one value.
func (p *importPrep) appendValue(grown []byte) []byte {
	start := len(p.arena)
	p.arena = grown
	return grown[start:len(grown):len(grown)]
}

// slice returns a one-element [][]byte holding v, from a reused store.
func (p *importPrep) slice(v []byte) [][]byte {
	k := len(p.vals)
	p.vals = append(p.vals, v)
	return p.vals[k : k+1 : k+1]
}

// normalize fills Norm of the attributes stamp did not, as
// schema.Registry.PrepareEntry does, into the reused buffer.
func (p *importPrep) normalize(e *schema.Entry) {
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if p.preset[i] || a.Type == nil {
			continue
		}
		rule := a.Type.Equality
		if rule == nil || !rule.Implemented() {
			a.Norm = nil
			continue
		}
		k := len(p.vals)
		for _, v := range a.Values {
			start := len(p.nbuf)
			n, err := rule.Normalize(p.nbuf, v)
			var nv []byte
			if err == nil {
				p.nbuf = n
				nv = n[start:len(n):len(n)]
				if nv == nil {
					nv = []byte{}
				}
			} else {
				p.nbuf = p.nbuf[:start]
			}
			p.vals = append(p.vals, nv)
		}
		a.Norm = p.vals[k:len(p.vals):len(p.vals)]
	}
}

// indexKeys appends e's keys of every index to out.
func (p *importPrep) indexKeys(e *schema.Entry, c *prepClasses, out *prepBatch) {
	for i, d := range p.b.ix {
		if i < 64 && p.feeds&(1<<i) == 0 && !p.stampFeeds(i) {
			continue // no attribute of e is d's type or a subtype: no keys
		}
		if i == p.ocIndex {
			for _, k := range c.ocKeys {
				out.keys = append(out.keys, prepKey{ix: i, key: appendSpan(&out.arena, k)})
			}
			continue
		}
		d.keysFor(p.reg, e, &p.ks, &p.scratch)
		for j := 0; j < p.ks.Len(); j++ {
			out.keys = append(out.keys, prepKey{ix: i, key: appendSpan(&out.arena, p.ks.Key(j))})
		}
	}
}

// stampFeeds reports whether a stamped attribute type feeds index i.
func (p *importPrep) stampFeeds(i int) bool { return p.im.stamps.feeds&(1<<i) != 0 }

// prepareNorm is what PrepareEntry stores for one value v of type at:
// rule is false when the type has no (implemented) equality rule, and
// then the attribute has no Norm; norm is nil when v does not normalize.
func prepareNorm(at *schema.AttributeType, v []byte) (norm []byte, rule bool) {
	if at == nil || at.Equality == nil || !at.Equality.Implemented() {
		return nil, false
	}
	n, err := at.Equality.Normalize(nil, v)
	if err != nil {
		return nil, true
	}
	if n == nil {
		n = []byte{}
	}
	return n, true
}
