package backend

import (
	"bytes"
	"context"
	"time"

	"lightdir/ldapserver"
	"lightdir/pwhash"
	"lightdir/schema"
)

// Add implements ldapserver.Backend: the parent must exist and not be an
// alias, the entry must pass the schema checks, and the entry, its DN records, its index keys
// and its operational attributes are stored in one transaction.
func (b *Backend) Add(ctx context.Context, req *ldapserver.AddRequest) (*ldapserver.WriteResult, error) {
	who, err := b.actorOf(&req.Header)
	if err != nil {
		return nil, err
	}
	if err := b.mayWrite(who, "parent"); err != nil {
		return nil, err
	}
	// As slapd, the DN is checked first: an RDN value invalid for its
	// syntax is invalidDNSyntax, not a schema error of the entry.
	ndn, err := b.normalizeDN(req.DN)
	if err != nil {
		return nil, err
	}
	e := &schema.Entry{DN: req.DN}
	for _, a := range req.Attributes {
		vals := b.prettyValues(a.Type, a.Values)
		e.Attrs = append(e.Attrs, schema.Attribute{Desc: a.Type, Values: vals[:len(vals):len(vals)]})
	}
	b.addRDNValues(e)
	if err := asLDAP(b.reg.CheckEntry(e, schema.CheckOptions{})); err != nil {
		return nil, err
	}
	if err := b.checkAliasedName(e); err != nil {
		return nil, err
	}
	if err := b.hashPasswords(e); err != nil {
		return nil, err
	}
	if a := req.Controls.Assertion; a != nil {
		b.reg.PrepareEntry(e)
		if err := b.checkAssertion(a, e); err != nil {
			return nil, err
		}
	}
	var res ldapserver.WriteResult
	err = b.write(ctx, req.Controls.NoOp, func(w *writer) error {
		id, err := w.add(e, ndn, who.raw, time.Now(), req.Controls.ManageDsaIT)
		if err != nil || req.Controls.PostRead == nil {
			return err
		}
		res.PostRead, err = b.readBack(w.txn, id, e.DN.String(), req.Controls.PostRead, who)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// addInternal stores e on behalf of the server itself (EnsureSuffix).
func (b *Backend) addInternal(ctx context.Context, e *schema.Entry, who string) error {
	if err := asLDAP(b.reg.CheckEntry(e, schema.CheckOptions{Internal: true})); err != nil {
		return err
	}
	if who == "" {
		who = b.opts.RootDN
	}
	ndn, err := b.normalizeDN(e.DN)
	if err != nil {
		return err
	}
	return b.write(ctx, false, func(w *writer) error {
		_, err := w.add(e, ndn, who, time.Now(), true)
		return err
	})
}

// add places the checked entry e, whose normalized DN is ndn, in the
// tree: resolves the parent, stamps the operational attributes and stores
// everything under a new ID. Without manage (ManageDsaIT), a parent at or
// below a referral object makes the add a referral.
func (w *writer) add(e *schema.Entry, ndn schema.DN, who string, now time.Time, manage bool) (uint64, error) {
	b := w.b
	below, ok := b.inSuffix(ndn)
	if !ok {
		return 0, ldapErr(ldapserver.UnwillingToPerform, "no global superior knowledge")
	}
	parent, rdn, nrdn := rootID, b.reg.PrettyDN(e.DN), b.nsuffix
	if below > 0 {
		pid, matched, found, err := b.lookup(w.txn, ndn[1:])
		if err != nil {
			return 0, err
		}
		if !manage {
			if err := b.referralAt(w.txn, &w.dec, pid, nil, e.DN, matched); err != nil {
				return 0, err
			}
		}
		if !found {
			return 0, b.noSuchObjectAt(w.txn, pid, e.DN, matched)
		}
		if err := w.refuseAliasParent(pid, "parent is an alias"); err != nil {
			return 0, err
		}
		parent, rdn, nrdn = pid, b.reg.PrettyRDN(e.DN[0]), ndn[0].String()
		if len(e.DN) != len(ndn) {
			return 0, ldapErr(ldapserver.InvalidDNSyntax, "invalid DN")
		}
	}
	b.stampCreate(e, who, now)
	b.reg.PrepareEntry(e)
	id, err := w.allocID()
	if err != nil {
		return 0, err
	}
	if err := b.linkDN(w.txn, id, parent, rdn, nrdn); err != nil {
		return 0, err
	}
	if err := w.putEntry(id, e); err != nil {
		return 0, err
	}
	return id, b.updateIndexes(w.txn, id, nil, e, &w.s)
}

// hashPasswords replaces cleartext userPassword values by hashes in the
// default scheme, so passwords are never stored in the clear.
func (b *Backend) hashPasswords(e *schema.Entry) error {
	for i := range e.Attrs {
		a := &e.Attrs[i]
		at := b.reg.AttributeType(attrType(a.Desc))
		if at == nil || b.pwAttr == nil || !at.IsSubtypeOf(b.pwAttr) {
			continue
		}
		vals := make([][]byte, len(a.Values))
		for j, v := range a.Values {
			vals[j] = v
			if !pwhash.IsHashed(v) {
				h, err := pwhash.Hash("", pwhash.Cleartext(v))
				if err != nil {
					return ldapErr(ldapserver.ConstraintViolation, "userPassword: %v", err)
				}
				vals[j] = []byte(h)
			}
		}
		a.Values, a.Norm = vals, nil
	}
	return nil
}

// attrType returns the type part of an attribute description.
func attrType(desc string) string {
	for i := 0; i < len(desc); i++ {
		if desc[i] == ';' {
			return desc[:i]
		}
	}
	return desc
}

// addRDNValues adds to e the values of its RDN it lacks (under the RDN's
// own attribute description), as slapd does for an add.
func (b *Backend) addRDNValues(e *schema.Entry) {
	if len(e.DN) == 0 || b.reg.IsGlue(e) {
		return
	}
	for _, ava := range e.DN[0] {
		at := b.reg.AttributeType(ava.Type)
		if at == nil {
			continue // CheckEntry reports the undefined type
		}
		_ = b.addAVA(e, ava, at)
	}
}

// addAVA adds the value of ava (of type at) to e unless e holds it, in the
// canonical form a client's values are stored in (and the DN shows).
func (b *Backend) addAVA(e *schema.Entry, ava schema.AVA, at *schema.AttributeType) error {
	return b.addValues(e, findAttr(b.reg, e, ava.Type), ava.Type, at, b.prettyValues(ava.Type, [][]byte{[]byte(ava.Value)}), true)
}

// prettyValues returns the values of attribute desc as slapd stores what a
// client writes (schema.Registry.PrettyValue): class names and DNs in
// their canonical form. vals itself is not modified.
func (b *Backend) prettyValues(desc string, vals [][]byte) [][]byte {
	at := b.reg.AttributeType(attrType(desc))
	if at == nil {
		return vals
	}
	out := vals
	for i, v := range vals {
		p := b.reg.PrettyValue(at, v)
		if bytes.Equal(p, v) {
			continue
		}
		if &out[0] == &vals[0] {
			out = append([][]byte(nil), vals...)
		}
		out[i] = p
	}
	return out
}
