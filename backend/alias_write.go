package backend

import (
	"errors"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// Writes around aliases, as slapd does them:
//
//   - an alias has no subordinates (RFC 4512 §2.6): an add whose parent
//     is an alias, or a modify DN whose new superior is one, fails with
//     aliasProblem and no matched DN, whether or not the alias resolves;
//     a name that continues below an alias is not found, with the alias
//     as the matched DN, as for any other missing parent;
//   - aliasedObjectName (a single DN, by its schema definition) is held by
//     alias entries only, even when extensibleObject would allow any
//     attribute: objectClassViolation otherwise.

// refuseAliasParent fails with aliasProblem (diagnostic msg) when entry
// id is an alias, so that nothing is placed below it.
func (w *writer) refuseAliasParent(id uint64, msg string) error {
	if id == rootID || w.b.aliasClass == nil {
		return nil
	}
	alias, err := w.isAlias(id)
	if err != nil || !alias {
		return err
	}
	return ldapErr(ldapserver.AliasProblem, "%s", msg)
}

// isAlias reports whether entry id is an alias.
func (w *writer) isAlias(id uint64) (bool, error) {
	return w.b.hasClass(w.txn, &w.dec, id, w.b.aliasKey, w.b.aliasClass)
}

// hasClass reports whether entry id is of class oc: one lookup of the
// pair (key, id) in the objectClass index when it is built (key is oc's
// index key, nil without one; the index keys every entry under its
// classes' superclasses too), else from the entry (entryOfClass).
func (b *Backend) hasClass(txn *engine.Txn, dec *decoder, id uint64, key []byte, oc *schema.ObjectClass) (bool, error) {
	if d := b.ixByTyp[b.ocAttr]; d != nil && key != nil && d.usable(txn)&index.Equality != 0 {
		c, err := txn.OpenCursor(d.dbi)
		if err != nil {
			return false, err
		}
		defer c.Close()
		var idb [8]byte
		index.NativeEndian.PutID(idb[:], id)
		_, _, err = c.Get(key, idb[:], engine.GetBoth)
		if errors.Is(err, engine.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	var e schema.Entry
	if err := b.readEntry(txn, id, &e, dec); err != nil {
		return false, err
	}
	return b.entryOfClass(&e, oc), nil
}

// entryOfClass reports whether e has class oc or a subclass of it, as the
// objectClass index (which keys superclasses too) decides; false for a
// nil oc (a class the schema lacks).
func (b *Backend) entryOfClass(e *schema.Entry, oc *schema.ObjectClass) bool {
	for i := range e.Attrs {
		if a := &e.Attrs[i]; a.Type != nil && a.Type == b.ocAttr && b.namesClass(a.Values, oc) {
			return true
		}
	}
	return false
}

// namesClass reports whether objectClass values name oc or a subclass of
// it; false for a nil oc.
func (b *Backend) namesClass(classes [][]byte, oc *schema.ObjectClass) bool {
	if oc == nil {
		return false
	}
	for _, v := range classes {
		if c := b.reg.ObjectClass(string(v)); c != nil && c.IsSubclassOf(oc) {
			return true
		}
	}
	return false
}

// classIndexKey returns the objectClass equality index key of class oc,
// or nil when there is no such index or class.
func (b *Backend) classIndexKey(oc *schema.ObjectClass) []byte {
	d := b.ixByTyp[b.ocAttr]
	if d == nil || oc == nil || d.kinds&index.Equality == 0 || b.ocAttr.Equality == nil {
		return nil
	}
	nv, err := b.ocAttr.Equality.Normalize(nil, []byte(oc.OID))
	if err != nil {
		return nil
	}
	return d.keyer.AppendEquality(nil, nv)
}

// checkAliasedName fails with objectClassViolation when e holds
// aliasedObjectName without being an alias. e's attribute types need
// not be resolved.
func (b *Backend) checkAliasedName(e *schema.Entry) error {
	if b.aliasAttr == nil || b.aliasClass == nil {
		return nil
	}
	has, alias := false, false
	for i := range e.Attrs {
		a := &e.Attrs[i]
		switch at := b.reg.AttributeType(attrType(a.Desc)); {
		case at == nil:
		case at.IsSubtypeOf(b.aliasAttr):
			has = has || len(a.Values) > 0
		case at == b.ocAttr:
			alias = alias || b.namesClass(a.Values, b.aliasClass)
		}
	}
	if has && !alias {
		return ldapErr(ldapserver.ObjectClassViolation, "aliasedObjectName is only allowed in alias entries")
	}
	return nil
}
