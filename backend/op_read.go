package backend

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/pwhash"
	"lightdir/schema"
)

// Bind implements ldapserver.Backend: the root DN checks Options.RootPW,
// any DN the userPassword values of its entry (the root DN too, when its
// password does not match: as slapd's back-mdb, ITS#4962). Alias and
// referral entries never bind (as mdb_bind). Every failure but an invalid
// DN is invalidCredentials, so a client cannot tell a missing entry from a
// wrong password.
func (b *Backend) Bind(ctx context.Context, req *ldapserver.BindRequest) (*ldapserver.BindResult, error) {
	bad := ldapErr(ldapserver.InvalidCredentials, "")
	ndn, err := b.reg.NormalizeDN(req.DN)
	if err != nil {
		// An undefined type in the DN (slapd: invalidDNSyntax too).
		return nil, ldapErr(ldapserver.InvalidDNSyntax, "invalid DN: %v", err)
	}
	if b.rootDN != "" && ndn.String() == b.rootDN {
		if ok, _ := pwhash.Verify(b.opts.RootPW, req.Password); ok && len(b.opts.RootPW) > 0 {
			return &ldapserver.BindResult{Identity: req.DN.String()}, nil
		}
		// Not the root password: an entry at the root DN may still
		// authenticate with its own userPassword.
	}
	var identity string
	err = b.view(ctx, func(txn *engine.Txn) error {
		id, _, found, err := b.lookup(txn, ndn)
		if err != nil || !found {
			return err
		}
		var e schema.Entry
		var dec decoder
		if err := b.readEntry(txn, id, &e, &dec); err != nil {
			return err
		}
		if b.isAliasEntry(&e) || b.refsOf(&e) != nil {
			return nil
		}
		if b.checkPassword(&e, req.Password) {
			identity, err = b.dnOf(txn, id, nil)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if identity == "" {
		return nil, bad
	}
	return &ldapserver.BindResult{Identity: identity}, nil
}

// Compare implements ldapserver.Backend. userPassword may be compared by
// the root identities only (insufficientAccessRights otherwise).
func (b *Backend) Compare(ctx context.Context, req *ldapserver.CompareRequest) (bool, error) {
	who, err := b.actorOf(&req.Header)
	if err != nil {
		return false, err
	}
	if err := b.mayRead(who); err != nil {
		return false, err
	}
	ad, err := b.reg.ParseAttributeDescription(req.Attr)
	if err != nil {
		return false, ldapErr(ldapserver.UndefinedAttributeType, "%s: attribute type undefined", req.Attr)
	}
	if !who.root && b.pwAttr != nil && ad.Type.IsSubtypeOf(b.pwAttr) {
		return false, ldapErr(ldapserver.InsufficientAccessRights, "no compare access to %s", req.Attr)
	}
	if ad.Type.Equality == nil || !ad.Type.Equality.Implemented() {
		return false, ldapErr(ldapserver.InappropriateMatching, "%s has no equality matching rule", req.Attr)
	}
	// An assertion value its syntax refuses is invalidAttributeSyntax, as in
	// slapd, not compareFalse.
	f := &schema.Filter{Op: schema.FilterEquality, Attr: req.Attr, Value: req.Value}
	if _, err := b.reg.Assertion(f); errors.Is(err, schema.ErrInvalidSyntax) {
		return false, ldapErr(ldapserver.InvalidAttributeSyntax, "%s: value invalid per syntax", req.Attr)
	}
	ndn, err := b.normalizeDN(req.DN)
	if err != nil {
		return false, err
	}
	var result bool
	err = b.view(ctx, func(txn *engine.Txn) error {
		id, matched, found, err := b.lookup(txn, ndn)
		if err != nil {
			return err
		}
		if !found {
			if !req.Controls.ManageDsaIT {
				var dec decoder
				if err := b.referralAt(txn, &dec, id, nil, req.DN, matched); err != nil {
					return err
				}
			}
			return b.noSuchObjectAt(txn, id, req.DN, matched)
		}
		e, err := b.fullEntry(txn, id, req.DN, who)
		if err != nil {
			return err
		}
		if !req.Controls.ManageDsaIT {
			if err := b.referralAt(txn, nil, id, e, req.DN, len(req.DN)); err != nil {
				return err
			}
		}
		if err := b.checkAssertion(req.Controls.Assertion, e); err != nil {
			return err
		}
		if !b.hasType(e, ad.Type, schema.TagOptions(req.Attr)) {
			return ldapErr(ldapserver.NoSuchAttribute, "")
		}
		result = b.reg.Compile(f).Match(e) == schema.True
		return nil
	})
	return result, err
}

// hasType reports whether e holds a value of at or a subtype, under a
// description with every tag option in tags (RFC 4512 §2.5.2: as slapd,
// comparing "cn;lang-de" on an entry without such values is noSuchAttribute,
// not compareFalse).
func (b *Backend) hasType(e *schema.Entry, at *schema.AttributeType, tags []string) bool {
	for i := range e.Attrs {
		if t := e.Attrs[i].Type; t != nil && t.IsSubtypeOf(at) && schema.HasOptions(e.Attrs[i].Desc, tags) {
			return true
		}
	}
	return false
}

// fullEntry returns entry id decoded (views into txn) plus the computed
// operational attributes, for compare and assertion tests.
func (b *Backend) fullEntry(txn *engine.Txn, id uint64, dn schema.DN, who actor) (*schema.Entry, error) {
	e := &schema.Entry{}
	var dec decoder
	if err := b.readEntry(txn, id, e, &dec); err != nil {
		return nil, err
	}
	if !who.root {
		e.Attrs = b.withoutPasswords(e.Attrs)
	}
	if err := b.addComputed(txn, id, e, dn); err != nil {
		return nil, err
	}
	return e, nil
}

// addComputed gives e, entry id, its DN and computed operational
// attributes (entryDN, hasSubordinates, subschemaSubentry).
func (b *Backend) addComputed(txn *engine.Txn, id uint64, e *schema.Entry, dn schema.DN) error {
	has, err := b.hasChildren(txn, id)
	if err != nil {
		return err
	}
	e.DN = dn
	b.appendComputed(e, dn.String(), has)
	return nil
}

// PasswordModify implements ldapserver.Backend (RFC 3062). The root
// identities may set any entry's password; other users only their own,
// and must give the current one when they do.
func (b *Backend) PasswordModify(ctx context.Context, req *ldapserver.PasswordModifyRequest) (*ldapserver.PasswordModifyResult, error) {
	who, err := b.actorOf(&req.Header)
	if err != nil {
		return nil, err
	}
	target := req.UserIdentity
	if strings.HasPrefix(strings.ToLower(target), "dn:") {
		target = target[3:]
	}
	if target == "" {
		target = who.raw
	}
	if target == "" {
		return nil, ldapErr(ldapserver.UnwillingToPerform, "anonymous password modify needs a user identity")
	}
	dn, err := schema.ParseDN(target)
	if err != nil {
		return nil, ldapErr(ldapserver.InvalidDNSyntax, "invalid user identity")
	}
	ndn, err := b.normalizeDN(dn)
	if err != nil {
		return nil, err
	}
	self := who.dn != "" && who.dn == ndn.String()
	if !who.root && !self {
		return nil, ldapErr(ldapserver.InsufficientAccessRights, "no write access to userPassword")
	}
	if !who.root && len(req.OldPassword) == 0 {
		return nil, ldapErr(ldapserver.UnwillingToPerform, "the current password is required")
	}
	res := &ldapserver.PasswordModifyResult{}
	newPW := req.NewPassword
	if len(newPW) == 0 {
		var raw [9]byte
		_, _ = rand.Read(raw[:])
		newPW = []byte(base64.RawURLEncoding.EncodeToString(raw[:]))
		res.GeneratedPassword = newPW
	}
	hashed, err := pwhash.Hash("", newPW)
	if err != nil {
		return nil, ldapErr(ldapserver.ConstraintViolation, "%v", err)
	}
	err = b.write(ctx, req.Controls.NoOp, func(w *writer) error {
		id, old, err := w.target(ndn, dn, true)
		if err != nil {
			return err
		}
		if len(req.OldPassword) > 0 && !b.checkPassword(old, req.OldPassword) {
			return ldapErr(ldapserver.UnwillingToPerform, "the current password is wrong")
		}
		updated := cloneEntry(old)
		setAttr(updated, "userPassword", hashed)
		// slapd runs the change as a modify: the result must pass the
		// schema (objectClassViolation when the classes lack userPassword).
		if err := asLDAP(b.reg.CheckModify(old, updated, schema.CheckOptions{Internal: true})); err != nil {
			return err
		}
		stampModify(updated, who.raw, time.Now())
		return w.replace(id, old, updated)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// checkPassword reports whether pw matches a value of e's userPassword.
// As in slapd, only userPassword itself counts: values under tagging
// options (userPassword;lang-en) or of subtypes are not credentials.
func (b *Backend) checkPassword(e *schema.Entry, pw []byte) bool {
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if a.Type == nil || a.Type != b.pwAttr {
			continue
		}
		// ";binary" is a transfer option (RFC 4522), not a tag.
		if _, opts, tagged := strings.Cut(a.Desc, ";"); tagged && !strings.EqualFold(opts, "binary") {
			continue
		}
		for _, v := range a.Values {
			if ok, _ := pwhash.Verify(v, pw); ok {
				return true
			}
		}
	}
	return false
}

// Extended implements ldapserver.Backend: this backend has no extended
// operations of its own.
func (b *Backend) Extended(ctx context.Context, req *ldapserver.ExtendedRequest) (*ldapserver.ExtendedResult, error) {
	return nil, ldapErr(ldapserver.ProtocolError, "unsupported extended operation %s", req.OID)
}
