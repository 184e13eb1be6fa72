package backend

import (
	"strings"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// peercredRoot is the identity of a local (ldapi) client running as root.
const peercredRoot = "gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth"

// actor is who an operation runs as, after proxied authorization.
type actor struct {
	dn    string // normalized identity DN; "" when anonymous
	raw   string // identity as the session carries it
	root  bool
	known bool // a valid DN of this database, or a root identity
}

// actorOf returns the effective identity of h: the session's, or the
// proxied authorization identity when a root session asked for one
// (RFC 4370; other identities may not proxy: authorizationDenied). An
// identity the backend does not know (no DN, or a DN outside the database)
// is authorizationDenied too (RFC 4370 §4), as in slapd, where a root DN
// may assume the identities of its own database only.
func (b *Backend) actorOf(h *ldapserver.Header) (actor, error) {
	a := b.identity(h.Session.Identity)
	p := h.Controls.ProxiedAuthz
	if p == nil {
		return a, nil
	}
	if !a.root {
		return actor{}, ldapErr(ldapserver.AuthorizationDenied, "not authorized to use proxied authorization")
	}
	id := p.AuthzID
	switch {
	case id == "":
		return actor{}, nil
	case strings.HasPrefix(strings.ToLower(id), "dn:"):
		pa := b.identity(id[3:])
		if pa.dn != "" && !pa.known {
			return actor{}, ldapErr(ldapserver.AuthorizationDenied, "not authorized to assume identity %q", id)
		}
		return pa, nil
	}
	return actor{}, ldapErr(ldapserver.AuthorizationDenied, "unsupported authorization identity %q", id)
}

// identity classifies an RFC 4514 identity string. Every operation of a
// bound session asks about the same string, so the answers are cached.
func (b *Backend) identity(raw string) actor {
	if raw == "" {
		return actor{}
	}
	if a, ok := b.idCache.load(raw); ok {
		return a
	}
	a := actor{raw: raw}
	dn, err := schema.ParseDN(raw)
	var ndn schema.DN
	if err == nil {
		ndn, err = b.reg.NormalizeDN(dn)
	}
	if err != nil {
		a.dn = strings.ToLower(raw)
	} else {
		n := ndn.String()
		a.dn, a.root = n, (b.rootDN != "" && n == b.rootDN) || n == b.peercred
		_, inside := b.inSuffix(ndn)
		a.known = a.root || (inside && len(ndn) > 0)
	}
	b.idCache.store(raw, a)
	return a
}

// mayRead checks the read policy for searches and compares.
func (b *Backend) mayRead(a actor) error {
	if b.opts.ReadRequiresAuth && a.dn == "" {
		return ldapErr(ldapserver.StrongerAuthRequired, "authentication required")
	}
	return nil
}

// mayWrite checks the write policy: only the root identities write.
func (b *Backend) mayWrite(a actor, what string) error {
	if !a.root {
		return ldapErr(ldapserver.InsufficientAccessRights, "no write access to %s", what)
	}
	return nil
}

// writeTarget is the first step of every change to an existing entry: who is
// asking, whether they may write at all, and the normalized DN of the target.
func (b *Backend) writeTarget(h *ldapserver.Header, dn schema.DN) (actor, schema.DN, error) {
	who, err := b.actorOf(h)
	if err != nil {
		return actor{}, nil, err
	}
	if err := b.mayWrite(who, "entry"); err != nil {
		return actor{}, nil, err
	}
	ndn, err := b.normalizeDN(dn)
	if err != nil {
		return actor{}, nil, err
	}
	if _, ok := b.inSuffix(ndn); !ok {
		// As slapd answers an update outside every naming context (and as Add does).
		return actor{}, nil, ldapErr(ldapserver.UnwillingToPerform, "no global superior knowledge")
	}
	return who, ndn, nil
}
