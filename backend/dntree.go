package backend

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// normalizeDN returns dn normalized, with an *ldapserver-ready error
// (invalidDNSyntax) when it cannot be.
func (b *Backend) normalizeDN(dn schema.DN) (schema.DN, error) {
	ndn, err := b.reg.NormalizeDN(dn)
	if err != nil {
		return nil, ldapErr(ldapserver.InvalidDNSyntax, "invalid DN: %v", err)
	}
	return ndn, nil
}

// inSuffix reports whether the normalized ndn is the suffix or below it,
// and how many RDNs it has below the suffix.
func (b *Backend) inSuffix(ndn schema.DN) (below int, ok bool) {
	ns := len(b.suffixN)
	if len(ndn) < ns {
		return 0, false
	}
	tail := ndn[len(ndn)-ns:]
	if !tail.Equal(b.suffixN) {
		return 0, false
	}
	return len(ndn) - ns, true
}

// lookup resolves a normalized DN to its ID. When it is missing, found is
// false and matched is the number of trailing RDNs of ndn that exist (0:
// not even the suffix), for the matchedDN of the error.
func (b *Backend) lookup(txn *engine.Txn, ndn schema.DN) (id uint64, matched int, found bool, err error) {
	var kb [128]byte
	return b.lookupWith(txn, ndn, nil, &kb)
}

// lookupWith is lookup with the normalized RDN strings (rdns[i] is
// ndn[i].String(); nil: computed here) and a caller-owned key buffer.
func (b *Backend) lookupWith(txn *engine.Txn, ndn schema.DN, rdns []string, kb *[128]byte) (id uint64, matched int, found bool, err error) {
	below, ok := b.inSuffix(ndn)
	if !ok {
		return 0, 0, false, nil
	}
	v, err := txn.Get(b.db.dn2id, dnKey(kb[:0], rootID, b.nsuffix))
	if errors.Is(err, engine.ErrNotFound) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, err
	}
	id = binary.BigEndian.Uint64(v)
	matched = len(b.suffixN)
	for i := below - 1; i >= 0; i-- {
		var rdn string
		if rdns != nil {
			rdn = rdns[i]
		} else {
			rdn = ndn[i].String()
		}
		v, err := txn.Get(b.db.dn2id, dnKey(kb[:0], id, rdn))
		if errors.Is(err, engine.ErrNotFound) {
			return id, matched, false, nil
		}
		if err != nil {
			return 0, 0, false, err
		}
		id = binary.BigEndian.Uint64(v)
		matched++
	}
	return id, matched, true, nil
}

// dnOf returns the DN of id as stored (user spelling), walking up the DN
// tree. cache, when not nil, remembers the DNs of the ancestors it builds
// (not of id itself), so siblings cost one record read each.
func (b *Backend) dnOf(txn *engine.Txn, id uint64, cache map[uint64]string) (string, error) {
	var kb [8]byte
	v, err := txn.Get(b.db.id2dn, idKey(&kb, id))
	if err != nil {
		return "", fmt.Errorf("backend: DN of entry %d: %w", id, err)
	}
	rec, err := decodeID2DN(v)
	if err != nil {
		return "", err
	}
	if rec.parent == rootID {
		return string(rec.rdn), nil
	}
	pdn, ok := cache[rec.parent]
	if !ok {
		if pdn, err = b.dnOf(txn, rec.parent, cache); err != nil {
			return "", err
		}
		if cache != nil {
			if len(cache) >= 1<<14 {
				clear(cache)
			}
			cache[rec.parent] = pdn
		}
	}
	return string(rec.rdn) + "," + pdn, nil
}

// parentOf returns the parent ID of id.
func (b *Backend) parentOf(txn *engine.Txn, id uint64) (uint64, error) {
	var kb [8]byte
	v, err := txn.Get(b.db.id2dn, idKey(&kb, id))
	if err != nil {
		return 0, fmt.Errorf("backend: parent of entry %d: %w", id, err)
	}
	if len(v) < 8 {
		return 0, ErrCorrupted
	}
	return binary.BigEndian.Uint64(v), nil
}

// hasChildren reports whether id has at least one child.
func (b *Backend) hasChildren(txn *engine.Txn, id uint64) (bool, error) {
	cs := childScan{b: b, txn: txn}
	defer cs.close()
	return cs.has(id)
}

// childScan reads children from dn2id through one cursor kept across
// calls, so a search that asks about many entries opens (and allocates)
// it once. Valid in txn only; close it before txn ends.
type childScan struct {
	b   *Backend
	txn *engine.Txn
	c   *engine.Cursor
	pfx [8]byte // the SetRange key
	k   []byte  // the dn2id key of the child last found
}

func (cs *childScan) close() {
	if cs.c != nil {
		cs.c.Close()
		cs.c = nil
	}
}

// first positions on the first child of parent; id is 0 when there is none.
func (cs *childScan) first(parent uint64) (uint64, error) {
	if cs.c == nil {
		c, err := cs.txn.OpenCursor(cs.b.db.dn2id)
		if err != nil {
			return 0, err
		}
		cs.c = c
	}
	binary.BigEndian.PutUint64(cs.pfx[:], parent)
	k, v, err := cs.c.Get(cs.pfx[:], nil, engine.SetRange)
	return cs.child(parent, k, v, err)
}

// next moves to the next child of parent; 0 when there is none.
func (cs *childScan) next(parent uint64) (uint64, error) {
	k, v, err := cs.c.Get(nil, nil, engine.Next)
	return cs.child(parent, k, v, err)
}

// after moves to the child of parent that follows the one whose dn2id key
// is k (from key), wherever the cursor went meanwhile; 0 when there is none.
func (cs *childScan) after(parent uint64, k []byte) (uint64, error) {
	ck, v, err := cs.c.Get(k, nil, engine.SetRange)
	if err == nil && bytes.Equal(ck, k) {
		ck, v, err = cs.c.Get(nil, nil, engine.Next)
	}
	return cs.child(parent, ck, v, err)
}

// key returns the dn2id key of the child the scan last found (valid until
// the scan moves).
func (cs *childScan) key() []byte { return cs.k }

func (cs *childScan) child(parent uint64, k, v []byte, err error) (uint64, error) {
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	case len(k) < 8 || binary.BigEndian.Uint64(k) != parent:
		return 0, nil
	case len(v) != 8:
		return 0, ErrCorrupted
	}
	cs.k = k
	return binary.BigEndian.Uint64(v), nil
}

// each calls fn for each child ID of parent, in normalized-RDN order,
// until fn returns false.
func (cs *childScan) each(parent uint64, fn func(id uint64) bool) error {
	id, err := cs.first(parent)
	for ; err == nil && id != 0; id, err = cs.next(parent) {
		if !fn(id) {
			return nil
		}
	}
	return err
}

// has reports whether id has a child.
func (cs *childScan) has(id uint64) (bool, error) {
	c, err := cs.first(id)
	return c != 0, err
}

// count returns the number of children of id.
func (cs *childScan) count(id uint64) (int, error) {
	n := 0
	c, err := cs.first(id)
	for ; err == nil && c != 0; c, err = cs.next(id) {
		n++
	}
	return n, err
}

// linkDN stores the DN records of id: parent|nrdn -> id and id -> parent,
// rdn, nrdn. For the suffix entry, parent is rootID and rdn/nrdn are the
// whole suffix DN. Fails with entryAlreadyExists when the name is taken and
// unwillingToPerform when the RDN is too long for a key.
func (b *Backend) linkDN(txn *engine.Txn, id, parent uint64, rdn, nrdn string) error {
	var ib [8]byte
	binary.BigEndian.PutUint64(ib[:], id)
	switch err := txn.Put(b.db.dn2id, dnKey(nil, parent, nrdn), ib[:], engine.NoOverwrite); {
	case errors.Is(err, engine.ErrKeyExists):
		return ldapErr(ldapserver.EntryAlreadyExists, "entry already exists")
	case errors.Is(err, engine.ErrBadValSize):
		return ldapErr(ldapserver.UnwillingToPerform, "RDN too long")
	case err != nil:
		return err
	}
	var kb [8]byte
	return txn.Put(b.db.id2dn, idKey(&kb, id), encodeID2DN(nil, parent, rdn, nrdn), 0)
}

// unlinkDN removes both DN records of id.
func (b *Backend) unlinkDN(txn *engine.Txn, id uint64) error {
	var kb [8]byte
	v, err := txn.Get(b.db.id2dn, idKey(&kb, id))
	if err != nil {
		return fmt.Errorf("backend: DN record of entry %d: %w", id, err)
	}
	rec, err := decodeID2DN(v)
	if err != nil {
		return err
	}
	key := dnKey(nil, rec.parent, string(rec.nrdn)) // copy before the map changes
	if err := txn.Del(b.db.dn2id, key, nil); err != nil {
		return fmt.Errorf("backend: dn2id record of entry %d: %w", id, err)
	}
	return txn.Del(b.db.id2dn, idKey(&kb, id), nil)
}
