package backend

import (
	"context"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// Delete implements ldapserver.Backend: leaves only (notAllowedOnNonLeaf),
// unless the subtree delete control asks for the whole subtree, which then
// goes in the same transaction.
func (b *Backend) Delete(ctx context.Context, req *ldapserver.DeleteRequest) (*ldapserver.WriteResult, error) {
	who, ndn, err := b.writeTarget(&req.Header, req.DN)
	if err != nil {
		return nil, err
	}
	var res ldapserver.WriteResult
	err = b.write(ctx, req.Controls.NoOp, func(w *writer) error {
		id, e, err := w.target(ndn, req.DN, req.Controls.ManageDsaIT)
		if err != nil {
			return err
		}
		if err := b.beforeChange(w, id, e, req.DN, &req.Controls, who, &res); err != nil {
			return err
		}
		ids := []uint64{id}
		has, err := b.hasChildren(w.txn, id)
		if err != nil {
			return err
		}
		if has {
			if !req.Controls.SubtreeDelete {
				return ldapErr(ldapserver.NotAllowedOnNonLeaf, "subordinate objects must be deleted first")
			}
			if ids, err = b.subtreeIDs(w.txn, id); err != nil {
				return err
			}
		}
		// Deepest first (subtreeIDs lists parents before children); the
		// target's copy is read already.
		for i := len(ids) - 1; i > 0; i-- {
			if err := w.remove(ids[i], nil); err != nil {
				return err
			}
		}
		return w.remove(id, e)
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// subtreeIDs lists id and all its descendants, parents before children.
func (b *Backend) subtreeIDs(t *engine.Txn, id uint64) ([]uint64, error) {
	cs := childScan{b: b, txn: t} // one cursor for the whole walk
	defer cs.close()
	out := []uint64{id}
	for i := 0; i < len(out); i++ {
		if err := cs.each(out[i], func(c uint64) bool { out = append(out, c); return true }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// remove deletes entry id (e: its private copy, nil to read it): index
// keys, DN records and blob.
func (w *writer) remove(id uint64, e *schema.Entry) error {
	if e == nil {
		var err error
		if e, err = w.getEntry(id, nil); err != nil {
			return err
		}
	}
	if err := w.b.updateIndexes(w.txn, id, e, nil, &w.s); err != nil {
		return err
	}
	if err := w.b.unlinkDN(w.txn, id); err != nil {
		return err
	}
	var kb [8]byte
	return w.txn.Del(w.b.db.id2entry, idKey(&kb, id), nil)
}
