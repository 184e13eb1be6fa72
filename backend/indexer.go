package backend

import (
	"errors"
	"fmt"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/schema"
)

// keysFor appends to ks every key of index d that entry e produces, sorted
// and unique. Values of d's type and of its subtypes (tagged or not) feed
// the index, each normalized by d's own rules so that the keys agree with
// the assertion values of filters on d's type. objectClass values feed
// with their superclasses, so (objectClass=person) finds inetOrgPerson
// entries whatever the matcher's view of subclasses: candidates are
// always re-tested.
func (d *indexDef) keysFor(reg *schema.Registry, e *schema.Entry, ks *index.Keys, scratch *[][]byte) {
	d.kindKeys(reg, e, d.kinds, ks, scratch)
}

// kindKeys is keysFor limited to the given kinds (an online build adding
// kinds to an index computes only theirs).
func (d *indexDef) kindKeys(reg *schema.Registry, e *schema.Entry, kinds index.Kinds, ks *index.Keys, scratch *[][]byte) {
	ks.Reset()
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if a.Type == nil || !a.Type.IsSubtypeOf(d.typ) || len(a.Values) == 0 {
			continue
		}
		vals := a.Values
		if n := d.typ.Name(); n == "objectClass" || n == "structuralObjectClass" {
			vals = reg.ObjectClassClosure(vals)
		}
		if kinds&index.Presence != 0 {
			d.keyer.ValueKeys(ks, index.Presence, vals[:1])
		}
		if kinds&index.Equality != 0 {
			norms := (*scratch)[:0]
			if a.Type == d.typ && a.Norm != nil && len(vals) == len(a.Norm) && &vals[0] == &a.Values[0] {
				for _, n := range a.Norm {
					if n != nil {
						norms = append(norms, n)
					}
				}
			} else {
				norms = normalizeAll(norms, d.typ.Equality, vals)
			}
			d.keyer.ValueKeys(ks, index.Equality, norms)
			*scratch = norms
		}
		if kinds&index.Substring != 0 {
			norms := normalizeAll((*scratch)[:0], d.typ.Substr, vals)
			d.keyer.ValueKeys(ks, kinds&index.Substring, norms)
			*scratch = norms
		}
		if kinds&index.Approx != 0 {
			norms := normalizeAll((*scratch)[:0], d.typ.Approx, vals)
			d.keyer.ValueKeys(ks, index.Approx, norms)
			*scratch = norms
		}
	}
	ks.SortUnique()
}

// normalizeAll appends the values that rule normalizes (others are
// skipped: they match no assertion either).
func normalizeAll(dst [][]byte, rule *schema.MatchingRule, vals [][]byte) [][]byte {
	if rule == nil {
		return dst
	}
	for _, v := range vals {
		if n, err := rule.Normalize(nil, v); err == nil {
			dst = append(dst, n)
		}
	}
	return dst
}

// indexScratch holds per-writer buffers.
type indexScratch struct {
	old, new index.Keys
	norms    [][]byte
	id       [8]byte
}

// updateIndexes moves id's index entries from the keys of old to those of
// updated (either may be nil): only the difference is written, so an
// unchanged value costs nothing. INVARIANT: afterwards every index holds
// id under exactly the keys updated produces.
func (b *Backend) updateIndexes(txn *engine.Txn, id uint64, old, updated *schema.Entry, s *indexScratch) error {
	index.NativeEndian.PutID(s.id[:], id)
	for _, d := range b.ix {
		s.old.Reset()
		s.new.Reset()
		if old != nil {
			d.keysFor(b.reg, old, &s.old, &s.norms)
		}
		if updated != nil {
			d.keysFor(b.reg, updated, &s.new, &s.norms)
		}
		var err error
		index.Diff(&s.old, &s.new, func(key []byte, added bool) {
			if err != nil {
				return
			}
			if added {
				err = txn.Put(d.dbi, key, s.id[:], 0)
			} else if e := txn.Del(d.dbi, key, s.id[:]); e != nil && !errors.Is(e, engine.ErrNotFound) {
				err = e
			}
		})
		if err != nil {
			return fmt.Errorf("backend: index %s: %w", d.typ.Name(), err)
		}
	}
	return nil
}
