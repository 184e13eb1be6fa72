package backend

import (
	"bytes"
	"context"
	"math/big"
	"slices"
	"time"

	"lightdir/ldapserver"
	"lightdir/pwhash"
	"lightdir/schema"
)

// Modify implements ldapserver.Backend: the changes are applied to a copy
// of the entry, the result is schema-checked, and the blob plus exactly the
// index keys that changed are written in one transaction.
func (b *Backend) Modify(ctx context.Context, req *ldapserver.ModifyRequest) (*ldapserver.WriteResult, error) {
	who, ndn, err := b.writeTarget(&req.Header, req.DN)
	if err != nil {
		return nil, err
	}
	// As slapd, which refuses these while decoding the request, before
	// it looks at any change's attribute.
	for _, c := range req.Changes {
		switch {
		case c.Op == ldapserver.ModAdd && len(c.Attribute.Values) == 0:
			return nil, ldapErr(ldapserver.ProtocolError, "%s: modify/add operation requires values", c.Attribute.Type)
		case c.Op == ldapserver.ModIncrement && len(c.Attribute.Values) != 1:
			return nil, ldapErr(ldapserver.ProtocolError, "%s: modify/increment operation requires a single value", c.Attribute.Type)
		}
	}
	for _, c := range req.Changes {
		// The description first, as slapd: an option the type does not
		// take (";binary" on description) or a certificate without
		// ";binary" names no attribute of the entry, never the one
		// without the option.
		if err := asLDAP(b.reg.CheckDescOptions(c.Attribute.Type)); err != nil {
			return nil, err
		}
		if err := asLDAP(b.reg.CheckUserModifiable(c.Attribute.Type)); err != nil {
			return nil, err
		}
		at := b.reg.AttributeType(attrType(c.Attribute.Type))
		// As slapd: only INTEGER-syntax attributes may be incremented.
		if c.Op == ldapserver.ModIncrement && (at == nil || at.Syntax == nil || at.Syntax.OID != schema.SyntaxInteger) {
			return nil, ldapErr(ldapserver.ConstraintViolation, "%s: attribute syntax inappropriate for increment", c.Attribute.Type)
		}
		// As slapd (slap_mods_check): the values of every change, those to
		// delete and the increment too, must be valid for the syntax.
		if at != nil {
			for j, v := range c.Attribute.Values {
				// An objectClass value must name a known class, for a
				// delete too, as in slapd.
				if !at.Validate(v) || at == b.ocAttr && b.reg.ObjectClass(string(v)) == nil {
					return nil, ldapErr(ldapserver.InvalidAttributeSyntax, "%s: value #%d invalid per syntax", c.Attribute.Type, j)
				}
			}
		}
		// Then, still for this change and before the entry is read, the
		// values an add or replace gives: several for a SINGLE-VALUE
		// type, or one twice under the equality rule.
		if at != nil && len(c.Attribute.Values) > 1 && (c.Op == ldapserver.ModAdd || c.Op == ldapserver.ModReplace) {
			if at.SingleValue {
				return nil, ldapErr(ldapserver.ConstraintViolation, "%s: multiple values provided", c.Attribute.Type)
			}
			if j := firstRepeated(at, c.Attribute.Values); j >= 0 {
				return nil, ldapErr(ldapserver.AttributeOrValueExists, "%s: value #%d provided more than once", c.Attribute.Type, j)
			}
		}
	}
	// As slapd (slap_mods_obsolete_check), after the checks above: an
	// OBSOLETE type may only lose its values (delete, or replace with
	// none).
	for _, c := range req.Changes {
		at := b.reg.AttributeType(attrType(c.Attribute.Type))
		if at != nil && at.Obsolete && (c.Op != ldapserver.ModDelete && c.Op != ldapserver.ModReplace || len(c.Attribute.Values) > 0) {
			return nil, ldapErr(ldapserver.ConstraintViolation, "%s: attribute is obsolete", c.Attribute.Type)
		}
	}
	var res ldapserver.WriteResult
	err = b.write(ctx, req.Controls.NoOp, func(w *writer) error {
		id, old, err := w.target(ndn, req.DN, req.Controls.ManageDsaIT)
		if err != nil {
			return err
		}
		if err := b.beforeChange(w, id, old, req.DN, &req.Controls, who, &res); err != nil {
			return err
		}
		updated := cloneEntry(old)
		for _, c := range req.Changes {
			if err := b.applyChange(updated, c, req.Controls.PermissiveModify); err != nil {
				return err
			}
		}
		if err := asLDAP(b.reg.CheckModify(old, updated, schema.CheckOptions{Internal: true})); err != nil {
			return err
		}
		if err := b.checkAliasedName(updated); err != nil {
			return err
		}
		stampModify(updated, who.raw, time.Now())
		if err := w.replace(id, old, updated); err != nil {
			return err
		}
		if req.Controls.PostRead != nil {
			res.PostRead, err = b.readBack(w.txn, id, req.DN.String(), req.Controls.PostRead, who)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// replace stores updated in place of old under id. updated is a changed
// copy of the stored entry: INVARIANT: every change to an attribute's
// values drops its Norm (nil), so the attributes left with a Norm still
// hold the normalized values they were stored with, and only the others
// are prepared again.
func (w *writer) replace(id uint64, old, updated *schema.Entry) error {
	for i := range updated.Attrs {
		if updated.Attrs[i].Norm == nil {
			w.b.reg.PrepareEntry(&schema.Entry{Attrs: updated.Attrs[i : i+1 : i+1]})
		}
	}
	if err := w.b.updateIndexes(w.txn, id, old, updated, &w.s); err != nil {
		return err
	}
	return w.putEntry(id, updated)
}

// applyChange applies one modification to e (RFC 4511 §4.6, RFC 4525).
func (b *Backend) applyChange(e *schema.Entry, c ldapserver.Change, permissive bool) error {
	desc := c.Attribute.Type
	at := b.reg.AttributeType(attrType(desc))
	if at == nil {
		return ldapErr(ldapserver.UndefinedAttributeType, "%s: attribute type undefined", desc)
	}
	vals := c.Attribute.Values
	idx := findAttr(b.reg, e, desc)
	if at == b.pwAttr || (b.pwAttr != nil && at.IsSubtypeOf(b.pwAttr)) {
		// A password stored hashed is still the value the client wrote:
		// a delete or add that names it names the stored hash.
		if idx >= 0 && (c.Op == ldapserver.ModDelete || c.Op == ldapserver.ModAdd) {
			vals = storedPasswords(&e.Attrs[idx], vals)
		}
		tmp := &schema.Entry{Attrs: []schema.Attribute{{Desc: desc, Values: vals}}}
		if c.Op != ldapserver.ModDelete {
			if err := b.hashPasswords(tmp); err != nil {
				return err
			}
		}
		vals = tmp.Attrs[0].Values
	}
	if c.Op == ldapserver.ModAdd || c.Op == ldapserver.ModReplace {
		vals = b.prettyValues(desc, vals)
	}
	// As slapd (modify_add_values, modify_delete_vindex; X.511 §11.3.2):
	// without an equality rule, values can be neither found to delete
	// nor told apart from those an add brings.
	if at.Equality == nil || !at.Equality.Implemented() {
		switch {
		case c.Op == ldapserver.ModAdd && idx >= 0:
			return ldapErr(ldapserver.InappropriateMatching, "modify/add: %s: no equality matching rule", desc)
		case c.Op == ldapserver.ModDelete && len(vals) > 0:
			return ldapErr(ldapserver.InappropriateMatching, "modify/delete: %s: no equality matching rule", desc)
		}
	}
	switch c.Op {
	case ldapserver.ModAdd:
		return b.addValues(e, idx, desc, at, vals, permissive)
	case ldapserver.ModDelete:
		return b.deleteValues(e, idx, desc, at, vals, permissive)
	case ldapserver.ModReplace:
		if idx >= 0 {
			e.Attrs = append(e.Attrs[:idx], e.Attrs[idx+1:]...)
		}
		if len(vals) > 0 {
			e.Attrs = append(e.Attrs, schema.Attribute{Desc: desc, Values: cloneValues(vals)})
		}
		return nil
	case ldapserver.ModIncrement:
		return b.increment(e, idx, desc, vals)
	}
	return ldapErr(ldapserver.ProtocolError, "unknown modify operation %d", c.Op)
}

// storedPasswords returns vals with each cleartext password that a, the
// stored attribute, holds hashed (and not as it is) replaced by the
// stored value; vals itself when none is.
func storedPasswords(a *schema.Attribute, vals [][]byte) [][]byte {
	out, copied := vals, false
	for i, v := range vals {
		if pwhash.IsHashed(v) || slices.ContainsFunc(a.Values, func(s []byte) bool { return bytes.Equal(s, v) }) {
			continue
		}
		for _, s := range a.Values {
			if !pwhash.IsHashed(s) {
				continue
			}
			if ok, _ := pwhash.Verify(s, pwhash.Cleartext(v)); ok {
				if !copied {
					out, copied = slices.Clone(vals), true
				}
				out[i] = s
				break
			}
		}
	}
	return out
}

// findAttr returns the index of the attribute with the same description,
// or -1: the same type and the same set of tag options, in any order and
// case (RFC 4512 §2.5: "cn;lang-de;lang-fr" and "CN;Lang-FR;lang-de" are
// one attribute, as the schema check counts them).
func findAttr(reg *schema.Registry, e *schema.Entry, desc string) int {
	at := reg.AttributeType(attrType(desc))
	if at == nil {
		// An undefined type: the same description, canonicalized.
		want, _ := canonicalDesc(reg, desc)
		for i := range e.Attrs {
			if d, _ := canonicalDesc(reg, e.Attrs[i].Desc); equalFold(d, want) {
				return i
			}
		}
		return -1
	}
	tags := sortedTags(desc)
	for i := range e.Attrs {
		d := e.Attrs[i].Desc
		if reg.AttributeType(attrType(d)) == at && slices.Equal(sortedTags(d), tags) {
			return i
		}
	}
	return -1
}

// sortedTags returns the tag options of desc (schema.TagOptions) sorted,
// to compare them as the set they are.
func sortedTags(desc string) []string {
	tags := schema.TagOptions(desc)
	slices.Sort(tags)
	return tags
}

func equalFold(a, b string) bool { return len(a) == len(b) && bytes.EqualFold([]byte(a), []byte(b)) }

func cloneValues(vals [][]byte) [][]byte {
	out := make([][]byte, len(vals))
	for i, v := range vals {
		out[i] = append([]byte{}, v...)
	}
	return out
}

// normOf returns the equality-normalized value (or the raw bytes when the
// type has no usable rule).
func normOf(at *schema.AttributeType, v []byte) []byte {
	if at.Equality != nil && at.Equality.Implemented() {
		if n, err := at.Equality.Normalize(nil, v); err == nil {
			return n
		}
	}
	return v
}

// valueNorms returns the equality-normalized form of each value of a (as
// normOf gives it), taking the stored normalized values where a has them:
// an attribute read from the database needs no normalization at all.
func valueNorms(at *schema.AttributeType, a *schema.Attribute) [][]byte {
	out := make([][]byte, len(a.Values))
	prepared := len(a.Norm) == len(a.Values)
	for i, v := range a.Values {
		if prepared && a.Norm[i] != nil {
			out[i] = a.Norm[i]
		} else {
			out[i] = normOf(at, v)
		}
	}
	return out
}

// normIndex maps each normalized value of norms to its first index.
func normIndex(norms [][]byte, extra int) map[string]int {
	m := make(map[string]int, len(norms)+extra)
	for i, n := range norms {
		if _, ok := m[string(n)]; !ok {
			m[string(n)] = i
		}
	}
	return m
}

func (b *Backend) addValues(e *schema.Entry, idx int, desc string, at *schema.AttributeType, vals [][]byte, permissive bool) error {
	if len(vals) == 0 {
		return ldapErr(ldapserver.ProtocolError, "%s: no values to add", desc)
	}
	if idx < 0 {
		e.Attrs = append(e.Attrs, schema.Attribute{Desc: desc})
		idx = len(e.Attrs) - 1
	}
	a := &e.Attrs[idx]
	// The values present are normalized once (or taken as stored), not
	// once per value added: a group of thousands of members gets
	// thousands more in one request.
	present := normIndex(valueNorms(at, a), len(vals))
	a.Norm = nil
	for i, v := range vals {
		nv := string(normOf(at, v))
		if _, ok := present[nv]; ok {
			if permissive {
				continue
			}
			return ldapErr(ldapserver.AttributeOrValueExists, "modify/add: %s: value #%d already exists", desc, i)
		}
		present[nv] = len(a.Values)
		a.Values = append(a.Values, append([]byte{}, v...))
	}
	return nil
}

func (b *Backend) deleteValues(e *schema.Entry, idx int, desc string, at *schema.AttributeType, vals [][]byte, permissive bool) error {
	if idx < 0 {
		if permissive {
			return nil
		}
		return ldapErr(ldapserver.NoSuchAttribute, "modify/delete: %s: no such attribute", desc)
	}
	if len(vals) == 0 {
		e.Attrs = append(e.Attrs[:idx], e.Attrs[idx+1:]...)
		return nil
	}
	a := &e.Attrs[idx]
	present := normIndex(valueNorms(at, a), 0)
	a.Norm = nil
	gone := make([]bool, len(a.Values))
	left := len(a.Values)
	for _, v := range vals {
		j, ok := present[string(normOf(at, v))]
		switch {
		case ok && !gone[j]:
			gone[j] = true
			left--
		case ok:
			// A value listed twice goes once (slapd marks the values
			// to delete, then removes them).
		case permissive:
		default:
			return ldapErr(ldapserver.NoSuchAttribute, "modify/delete: %s: no such value", desc)
		}
	}
	if left == 0 {
		e.Attrs = append(e.Attrs[:idx], e.Attrs[idx+1:]...)
		return nil
	}
	kept := make([][]byte, 0, left)
	for j, v := range a.Values {
		if !gone[j] {
			kept = append(kept, v)
		}
	}
	a.Values = kept
	return nil
}

// firstRepeated returns the index of the first of vals equal under at's
// equality rule to an earlier one, -1 when all differ; each value is
// normalized once (a replace may carry thousands of members).
func firstRepeated(at *schema.AttributeType, vals [][]byte) int {
	seen := make(map[string]struct{}, len(vals))
	for j, v := range vals {
		n := string(normOf(at, v))
		if _, ok := seen[n]; ok {
			return j
		}
		seen[n] = struct{}{}
	}
	return -1
}

// increment adds the single integer value to every value (RFC 4525).
func (b *Backend) increment(e *schema.Entry, idx int, desc string, vals [][]byte) error {
	if len(vals) != 1 {
		return ldapErr(ldapserver.ProtocolError, "modify/increment: %s: exactly one value required", desc)
	}
	delta, ok := new(big.Int).SetString(string(vals[0]), 10)
	if !ok {
		return ldapErr(ldapserver.InvalidAttributeSyntax, "modify/increment: %s: value is not an integer", desc)
	}
	if idx < 0 {
		return ldapErr(ldapserver.NoSuchAttribute, "modify/increment: %s: no such attribute", desc)
	}
	a := &e.Attrs[idx]
	a.Norm = nil
	for i, v := range a.Values {
		n, ok := new(big.Int).SetString(string(v), 10)
		if !ok {
			return ldapErr(ldapserver.ConstraintViolation, "modify/increment: %s: value is not an integer", desc)
		}
		a.Values[i] = []byte(n.Add(n, delta).String())
	}
	return nil
}
