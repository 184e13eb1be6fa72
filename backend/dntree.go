package backend

import (
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
	below, ok := b.inSuffix(ndn)
	if !ok {
		return 0, 0, false, nil
	}
	var kb [128]byte
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
		v, err := txn.Get(b.db.dn2id, dnKey(kb[:0], id, ndn[i].String()))
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
	var buf [8]byte
	v, err := txn.Get(b.db.id2dn, idKey(&buf, id))
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
	var buf [8]byte
	v, err := txn.Get(b.db.id2dn, idKey(&buf, id))
	if err != nil {
		return 0, fmt.Errorf("backend: parent of entry %d: %w", id, err)
	}
	if len(v) < 8 {
		return 0, ErrCorrupted
	}
	return binary.BigEndian.Uint64(v), nil
}

// children calls fn for each child ID of parent, in normalized-RDN order,
// until fn returns false.
func (b *Backend) children(txn *engine.Txn, parent uint64, fn func(id uint64) bool) error {
	c, err := txn.OpenCursor(b.db.dn2id)
	if err != nil {
		return err
	}
	defer c.Close()
	var pfx [8]byte
	binary.BigEndian.PutUint64(pfx[:], parent)
	k, v, err := c.Get(pfx[:], nil, engine.SetRange)
	for ; err == nil; k, v, err = c.Get(nil, nil, engine.Next) {
		if len(k) < 8 || binary.BigEndian.Uint64(k) != parent {
			return nil
		}
		if len(v) != 8 {
			return ErrCorrupted
		}
		if !fn(binary.BigEndian.Uint64(v)) {
			return nil
		}
	}
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

// hasChildren reports whether id has at least one child.
func (b *Backend) hasChildren(txn *engine.Txn, id uint64) (bool, error) {
	has := false
	err := b.children(txn, id, func(uint64) bool { has = true; return false })
	return has, err
}

// countChildren returns the number of children of id.
func (b *Backend) countChildren(txn *engine.Txn, id uint64) (int, error) {
	n := 0
	err := b.children(txn, id, func(uint64) bool { n++; return true })
	return n, err
}

// linkDN stores the DN records of id: parent|nrdn -> id and id -> parent,
// rdn, nrdn. For the suffix entry, parent is rootID and rdn/nrdn are the
// whole suffix DN. Fails with ErrKeyExists when the name is taken.
func (b *Backend) linkDN(txn *engine.Txn, id, parent uint64, rdn, nrdn string) error {
	var ib [8]byte
	binary.BigEndian.PutUint64(ib[:], id)
	if err := txn.Put(b.db.dn2id, dnKey(nil, parent, nrdn), ib[:], engine.NoOverwrite); err != nil {
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
