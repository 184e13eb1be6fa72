package backend

import (
	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// Updates and compares around referral objects (RFC 3296 §5), as back-mdb
// answers them. Without ManageDsaIT:
//   - an operation whose target is a referral object, or lies below one,
//     ends with a referral result: the referral object as matched DN and
//     its ref URLs with the target's DN in place of the object's (no
//     scope); an add looks at the new entry's parent;
//   - a rename whose new superior is a referral object would put the
//     entry in another server's part of the tree: affectsMultipleDSAs
//     (slapd answers other).
// With ManageDsaIT a referral object is an ordinary entry.

// referralAt is the referral result for an operation on dn when entry id,
// which holds the trailing matched RDNs of dn, is a referral object (e:
// that entry when the caller has read it, else nil); nil otherwise.
func (b *Backend) referralAt(txn *engine.Txn, dec *decoder, id uint64, e *schema.Entry, dn schema.DN, matched int) error {
	if b.referralClass == nil || id == rootID || matched <= 0 || matched > len(dn) {
		return nil
	}
	if e == nil {
		if ok, err := b.hasClass(txn, dec, id, b.referralKey, b.referralClass); err != nil || !ok {
			return err
		}
		e = &schema.Entry{}
		if err := b.readEntry(txn, id, e, dec); err != nil {
			return err
		}
	}
	refs := b.refsOf(e)
	if refs == nil {
		return nil
	}
	return referralResult(refs, dn[len(dn)-matched:].String(), dn[:len(dn)-matched].String(), "")
}

// refuseReferralSuperior fails with affectsMultipleDSAs when entry id, a
// rename's new superior, is a referral object.
func (w *writer) refuseReferralSuperior(id uint64) error {
	if w.b.referralClass == nil || id == rootID {
		return nil
	}
	ok, err := w.b.hasClass(w.txn, &w.dec, id, w.b.referralKey, w.b.referralClass)
	if err != nil || !ok {
		return err
	}
	return ldapErr(ldapserver.AffectsMultipleDSAs, "new superior is a referral object")
}
