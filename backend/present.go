package backend

import (
	"slices"
	"strconv"
	"strings"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// selection is a parsed attribute list of a search or read control
// (RFC 4511 §4.5.1.8): "*" all user attributes, "+" all operational ones,
// "1.1" none, names (with their subtypes). A name with options ("cn;lang-en")
// selects only the attributes carrying those options (RFC 4512 §2.5), as in
// slapd.
type selection struct {
	allUser, allOps bool
	types           []selected
}

// selected is one requested attribute description.
type selected struct {
	at   *schema.AttributeType
	opts []string // the subtype options requested (schema.TagOptions)
}

// parseSelectionInto parses attrs reusing types' memory.
func (b *Backend) parseSelectionInto(attrs []string, types []selected) selection {
	s := selection{types: types[:0]}
	if len(attrs) == 0 {
		s.allUser = true
		return s
	}
	for _, a := range attrs {
		switch a {
		case "*":
			s.allUser = true
		case "+":
			s.allOps = true
		case "1.1":
		default:
			if at := b.reg.AttributeType(attrType(a)); at != nil {
				if schema.UnsupportedOption(at, a) != "" {
					// An unrecognized option makes the description
					// unrecognized (RFC 4512 §2.5), so it selects nothing
					// (RFC 4511 §4.5.1.8), as in slapd: ";binary" on a
					// type whose values do not travel in binary (cn;binary,
					// jpegPhoto;binary) used to select the type, and so did
					// an empty option ("cn;").
					continue
				}
				s.types = append(s.types, selected{at: at, opts: schema.TagOptions(a)})
			} else if oc := b.reg.ObjectClass(strings.TrimPrefix(a, "@")); oc != nil && strings.HasPrefix(a, "@") {
				for _, at := range oc.Must {
					s.types = append(s.types, selected{at: at})
				}
				for _, at := range oc.May {
					s.types = append(s.types, selected{at: at})
				}
			}
		}
	}
	return s
}

// wants reports whether an attribute of type at described as desc (the
// stored description, with its options; "" for computed attributes) is
// selected.
func (s *selection) wants(at *schema.AttributeType, desc string) bool {
	if at == nil {
		return s.allUser
	}
	if at.IsOperational() {
		if s.allOps {
			return true
		}
	} else if s.allUser {
		return true
	}
	for _, t := range s.types {
		if at.IsSubtypeOf(t.at) && schema.HasOptions(desc, t.opts) {
			return true
		}
	}
	return false
}

// presenter turns decoded entries into wire entries, reusing its buffers.
type presenter struct {
	b    *Backend
	sel  selection
	root bool // the reader may see userPassword
	out  ldapserver.Entry
	// computed operational attributes wanted
	wantDN, wantHasSubs, wantNumSubs, wantSubschema bool
	scan                                            *childScan   // shared with the search (nil: one per call)
	cvals                                           [4][1][]byte // computed attributes' values, reused
	cbuf                                            []byte       // their bytes, reused
}

// Constant values of computed attributes; the wire encoder only reads them.
var (
	valTRUE      = []byte("TRUE")
	valFALSE     = []byte("FALSE")
	valSubschema = []byte("cn=Subschema")
)

func (b *Backend) newPresenter(attrs []string, who actor) *presenter {
	p := &presenter{}
	b.resetPresenter(p, attrs, who)
	return p
}

// resetPresenter readies p for another request, keeping its buffers.
func (b *Backend) resetPresenter(p *presenter, attrs []string, who actor) {
	*p = presenter{b: b, sel: b.parseSelectionInto(attrs, p.sel.types), root: who.root,
		out: ldapserver.Entry{Attributes: p.out.Attributes[:0]}, cbuf: p.cbuf[:0]}
	p.wantDN, p.wantHasSubs = p.sel.wants(b.computed.entryDN, ""), p.sel.wants(b.computed.hasSubs, "")
	p.wantNumSubs, p.wantSubschema = p.sel.wants(b.computed.numSubs, ""), p.sel.wants(b.computed.subschema, "")
}

// hidden reports whether a is never shown to this reader.
func (p *presenter) hidden(a *schema.Attribute) bool {
	return !p.root && a.Type != nil && p.b.pwAttr != nil && a.Type.IsSubtypeOf(p.b.pwAttr)
}

// present builds the wire form of e (id, DN dn). The result and its
// slices are valid until the next call and while txn lives.
func (p *presenter) present(txn *engine.Txn, id uint64, dn string, e *schema.Entry) (*ldapserver.Entry, error) {
	p.out.DN = dn
	p.out.Attributes = p.out.Attributes[:0]
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if p.hidden(a) || !p.sel.wants(a.Type, a.Desc) {
			continue
		}
		p.out.Attributes = append(p.out.Attributes, ldapserver.Attribute{Type: a.Desc, Values: a.Values})
	}
	return &p.out, p.computed(txn, id, dn)
}

// computed appends the computed operational attributes wanted; their
// values live in p's buffers (valid until the next call), so a search
// returning many entries allocates nothing here.
func (p *presenter) computed(txn *engine.Txn, id uint64, dn string) error {
	p.cbuf = p.cbuf[:0]
	n := 0
	add := func(name string, v []byte) {
		p.cvals[n][0] = v
		p.out.Attributes = append(p.out.Attributes, ldapserver.Attribute{Type: name, Values: p.cvals[n][:]})
		n++
	}
	if p.wantHasSubs || p.wantNumSubs {
		cs := p.scan
		if cs == nil || cs.txn != txn {
			cs = &childScan{b: p.b, txn: txn}
			defer cs.close()
		}
		var subs int
		var err error
		if p.wantNumSubs {
			subs, err = cs.count(id)
		} else if has, herr := cs.has(id); has {
			subs, err = 1, herr
		} else {
			err = herr
		}
		if err != nil {
			return err
		}
		if p.wantHasSubs {
			add("hasSubordinates", boolValue(subs > 0))
		}
		if p.wantNumSubs {
			start := len(p.cbuf)
			p.cbuf = strconv.AppendInt(p.cbuf, int64(subs), 10)
			add("numSubordinates", p.cbuf[start:len(p.cbuf):len(p.cbuf)])
		}
	}
	if p.wantDN {
		start := len(p.cbuf)
		p.cbuf = append(p.cbuf, dn...)
		add("entryDN", p.cbuf[start:len(p.cbuf):len(p.cbuf)])
	}
	if p.wantSubschema {
		add("subschemaSubentry", valSubschema)
	}
	return nil
}

func boolValue(v bool) []byte {
	if v {
		return valTRUE
	}
	return valFALSE
}

// readBack returns a private copy of entry id for a pre/post-read control.
func (b *Backend) readBack(txn *engine.Txn, id uint64, dn string, rc *ldapserver.ReadControl, who actor) (*ldapserver.Entry, error) {
	var e schema.Entry
	var dec decoder
	if err := b.readEntry(txn, id, &e, &dec); err != nil {
		return nil, err
	}
	p := b.newPresenter(rc.Attributes, who)
	out, err := p.present(txn, id, dn, &e)
	if err != nil {
		return nil, err
	}
	return copyWireEntry(out), nil
}

// copyWireEntry deep-copies a wire entry.
func copyWireEntry(e *ldapserver.Entry) *ldapserver.Entry {
	c := &ldapserver.Entry{DN: e.DN, Attributes: make([]ldapserver.Attribute, len(e.Attributes))}
	for i, a := range e.Attributes {
		na := ldapserver.Attribute{Type: a.Type, Values: make([][]byte, len(a.Values))}
		for j, v := range a.Values {
			na.Values[j] = append([]byte{}, v...)
		}
		c.Attributes[i] = na
	}
	return c
}

// checkAssertion applies the assertion control (RFC 4528): the operation runs
// only if the target entry matches the filter a (nil: no control).
func (b *Backend) checkAssertion(a *schema.Filter, e *schema.Entry) error {
	if a != nil && b.reg.Compile(a).Match(e) != schema.True {
		return ldapErr(ldapserver.AssertionFailed, "assertion control failed")
	}
	return nil
}

// beforeChange is the last step before a change to the existing entry id:
// the assertion control, then the pre-read control's copy of the entry.
func (b *Backend) beforeChange(w *writer, id uint64, e *schema.Entry, dn schema.DN, cs *ldapserver.Controls,
	who actor, res *ldapserver.WriteResult) error {
	if a := cs.Assertion; a != nil {
		target := e
		// As for compare and search, the assertion sees the entry's DN and
		// its computed attributes (entryDN, hasSubordinates, ...).
		if dnNeed, computed := b.filterNeeds(a); dnNeed || computed {
			target = &schema.Entry{Attrs: slices.Clone(e.Attrs)}
			if err := b.addComputed(w.txn, id, target, dn); err != nil {
				return err
			}
		}
		if err := b.checkAssertion(a, target); err != nil {
			return err
		}
	}
	if cs.PreRead == nil {
		return nil
	}
	var err error
	res.PreRead, err = b.readBack(w.txn, id, dn.String(), cs.PreRead, who)
	return err
}
