package backend

import (
	"strconv"
	"strings"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// selection is a parsed attribute list of a search or read control
// (RFC 4511 §4.5.1.8): "*" all user attributes, "+" all operational ones,
// "1.1" none, names (with their subtypes).
type selection struct {
	allUser, allOps bool
	types           []*schema.AttributeType
}

func (b *Backend) parseSelection(attrs []string) selection {
	var s selection
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
				s.types = append(s.types, at)
			} else if oc := b.reg.ObjectClass(strings.TrimPrefix(a, "@")); oc != nil && strings.HasPrefix(a, "@") {
				s.types = append(s.types, oc.Must...)
				s.types = append(s.types, oc.May...)
			}
		}
	}
	return s
}

// wants reports whether an attribute of type at is selected.
func (s *selection) wants(at *schema.AttributeType) bool {
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
		if at.IsSubtypeOf(t) {
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
}

func (b *Backend) newPresenter(attrs []string, who actor) *presenter {
	p := &presenter{b: b, sel: b.parseSelection(attrs), root: who.root}
	want := func(name string) bool { return p.sel.wants(b.reg.AttributeType(name)) }
	p.wantDN, p.wantHasSubs = want("entryDN"), want("hasSubordinates")
	p.wantNumSubs, p.wantSubschema = want("numSubordinates"), want("subschemaSubentry")
	return p
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
		if p.hidden(a) || !p.sel.wants(a.Type) {
			continue
		}
		p.out.Attributes = append(p.out.Attributes, ldapserver.Attribute{Type: a.Desc, Values: a.Values})
	}
	return &p.out, p.computed(txn, id, dn)
}

func (p *presenter) computed(txn *engine.Txn, id uint64, dn string) error {
	add := func(name, v string) {
		p.out.Attributes = append(p.out.Attributes, ldapserver.Attribute{Type: name, Values: [][]byte{[]byte(v)}})
	}
	if p.wantHasSubs || p.wantNumSubs {
		n, err := p.b.countChildrenUpTo(txn, id, p.wantNumSubs)
		if err != nil {
			return err
		}
		if p.wantHasSubs {
			add("hasSubordinates", strings.ToUpper(strconv.FormatBool(n > 0)))
		}
		if p.wantNumSubs {
			add("numSubordinates", strconv.Itoa(n))
		}
	}
	if p.wantDN {
		add("entryDN", dn)
	}
	if p.wantSubschema {
		add("subschemaSubentry", "cn=Subschema")
	}
	return nil
}

// countChildrenUpTo counts children, or only checks for one when !all.
func (b *Backend) countChildrenUpTo(txn *engine.Txn, id uint64, all bool) (int, error) {
	if all {
		return b.countChildren(txn, id)
	}
	has, err := b.hasChildren(txn, id)
	if has {
		return 1, err
	}
	return 0, err
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
	if err := b.checkAssertion(cs.Assertion, e); err != nil {
		return err
	}
	if cs.PreRead == nil {
		return nil
	}
	var err error
	res.PreRead, err = b.readBack(w.txn, id, dn.String(), cs.PreRead, who)
	return err
}
