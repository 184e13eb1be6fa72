package backend

import (
	"context"
	"time"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// ModifyDN implements ldapserver.Backend: renames an entry and optionally
// moves it under newSuperior, which must exist and not be an alias. Only the entry's own DN records and blob are
// rewritten; descendants refer to it by ID and are untouched.
func (b *Backend) ModifyDN(ctx context.Context, req *ldapserver.ModifyDNRequest) (*ldapserver.WriteResult, error) {
	who, ndn, err := b.writeTarget(&req.Header, req.DN)
	if err != nil {
		return nil, err
	}
	parentDN := req.DN.Parent()
	if req.NewSuperior != nil {
		parentDN = req.NewSuperior
	}
	newDN := append(schema.DN{req.NewRDN}, parentDN...)
	nnew, err := b.normalizeDN(newDN)
	if err != nil {
		return nil, err
	}
	if _, ok := b.inSuffix(nnew); !ok {
		// slapd: the new DN belongs to no (or another) database; this
		// comes first, also when the entry is the suffix.
		return nil, ldapErr(ldapserver.AffectsMultipleDSAs, "cannot rename between DSAs")
	}
	if below, ok := b.inSuffix(ndn); ok && below == 0 {
		return nil, ldapErr(ldapserver.UnwillingToPerform, "cannot rename the suffix entry")
	}
	// As slapd, a new superior at or below the entry is refused by name,
	// before either is looked up (the entry, or the new superior, may not
	// exist: the answer is still unwillingToPerform, not noSuchObject).
	if np := nnew[1:]; req.NewSuperior != nil && (np.Equal(ndn) || np.IsDescendantOf(ndn)) {
		return nil, ldapErr(ldapserver.UnwillingToPerform, "cannot move an entry below itself")
	}
	if ndn.IsDescendantOf(nnew) {
		// The new name is one of the entry's ancestors (slapd answers so by
		// name too, not entryAlreadyExists, nor noSuchObject when the entry
		// is not there).
		return nil, ldapErr(ldapserver.UnwillingToPerform, "cannot place an entry above itself")
	}
	var res ldapserver.WriteResult
	err = b.write(ctx, req.Controls.NoOp, func(w *writer) error {
		id, old, err := w.target(ndn, req.DN, req.Controls.ManageDsaIT)
		if err != nil {
			return err
		}
		pid, err := b.newParent(w, id, nnew[1:], req.NewSuperior != nil, req.Controls.ManageDsaIT)
		if err != nil {
			return err
		}
		if err := b.checkNotBelow(w.txn, pid, id); err != nil {
			return err
		}
		if other, _, exists, err := b.lookup(w.txn, nnew); err != nil {
			return err
		} else if exists && other != id {
			return ldapErr(ldapserver.EntryAlreadyExists, "entry already exists")
		}
		if err := b.beforeChange(w, id, old, req.DN, &req.Controls, who, &res); err != nil {
			return err
		}
		updated := cloneEntry(old)
		updated.DN = newDN
		if err := b.renameValues(updated, req.DN[0], req.NewRDN, req.DeleteOldRDN); err != nil {
			return err
		}
		if err := asLDAP(b.reg.CheckEntry(updated, schema.CheckOptions{Internal: true})); err != nil {
			return err
		}
		stampModify(updated, who.raw, time.Now())
		if err := b.unlinkDN(w.txn, id); err != nil {
			return err
		}
		if err := b.linkDN(w.txn, id, pid, b.reg.PrettyRDN(req.NewRDN), nnew[0].String()); err != nil {
			return err
		}
		if err := w.replace(id, old, updated); err != nil {
			return err
		}
		if req.Controls.PostRead != nil {
			res.PostRead, err = b.readBack(w.txn, id, newDN.String(), req.Controls.PostRead, who)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// newParent resolves the normalized parent DN of a renamed entry id. A
// new superior (moved) must exist, answered as slapd does without a
// matched DN, and must not be an alias unless it is the current parent,
// nor a referral object without manage (ManageDsaIT).
func (b *Backend) newParent(w *writer, id uint64, nparent schema.DN, moved, manage bool) (uint64, error) {
	pid, _, found, err := b.lookup(w.txn, nparent)
	if err != nil {
		return 0, err
	}
	if !found {
		return 0, ldapErr(ldapserver.NoSuchObject, "new superior not found")
	}
	if !moved {
		return pid, nil
	}
	if cur, err := b.parentOf(w.txn, id); err != nil || cur == pid {
		return pid, err
	}
	if !manage {
		if err := w.refuseReferralSuperior(pid); err != nil {
			return 0, err
		}
	}
	return pid, w.refuseAliasParent(pid, "new superior is an alias")
}

// checkNotBelow fails when newParent is id or one of its descendants.
func (b *Backend) checkNotBelow(txn *engine.Txn, newParent, id uint64) error {
	for cur := newParent; cur != rootID; {
		if cur == id {
			return ldapErr(ldapserver.UnwillingToPerform, "cannot move an entry below itself")
		}
		p, err := b.parentOf(txn, cur)
		if err != nil {
			return err
		}
		cur = p
	}
	return nil
}

// renameValues removes the old RDN's values (deleteOld), then adds the new
// RDN's values the entry lacks.
func (b *Backend) renameValues(e *schema.Entry, oldRDN, newRDN schema.RDN, deleteOld bool) error {
	if deleteOld {
		// Like slapd: every old RDN value goes, then the new RDN's values
		// are added, so a value the new RDN keeps takes its new spelling.
		for _, ava := range oldRDN {
			at := b.reg.AttributeType(ava.Type)
			if at == nil {
				continue
			}
			idx := findAttr(b.reg, e, ava.Type)
			if err := b.deleteValues(e, idx, ava.Type, at, [][]byte{[]byte(ava.Value)}, true); err != nil {
				return err
			}
		}
	}
	for _, ava := range newRDN {
		at := b.reg.AttributeType(ava.Type)
		if at == nil {
			return ldapErr(ldapserver.UndefinedAttributeType, "%s: attribute type undefined", ava.Type)
		}
		if err := b.addAVA(e, ava, at); err != nil {
			return err
		}
	}
	return nil
}
