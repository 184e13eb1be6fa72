package main

import (
	"context"
	"slices"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// router is the ldapserver.Backend of a server with several databases: it sends
// each operation to the database whose suffix holds the operation's DN (the
// longest suffix wins, so a database may sit below another's suffix).
type router struct {
	reg *schema.Registry
	dbs []routed // longest suffix first
}

type routed struct {
	db     database
	suffix schema.DN // normalized
}

// newRouter returns a router over dbs; suffixes must parse and differ.
func newRouter(reg *schema.Registry, dbs []database) (*router, error) {
	r := &router{reg: reg}
	for _, db := range dbs {
		dn, err := schema.ParseDN(db.Suffix())
		if err != nil {
			return nil, err
		}
		n, err := reg.NormalizeDN(dn)
		if err != nil {
			return nil, err
		}
		r.dbs = append(r.dbs, routed{db: db, suffix: n})
	}
	slices.SortStableFunc(r.dbs, func(a, b routed) int { return len(b.suffix) - len(a.suffix) })
	return r, nil
}

// route returns the database holding dn, or nil. A DN that does not
// normalize (an undefined attribute type, a value its syntax refuses) is
// invalidDNSyntax, as one database (and slapd) answers it.
func (r *router) route(dn schema.DN) (database, error) {
	n, err := r.reg.NormalizeDN(dn)
	if err != nil {
		return nil, ldapserver.Errorf(ldapserver.InvalidDNSyntax, "invalid DN: %v", err)
	}
	return r.routeNormalized(n), nil
}

// routeNormalized is route for a normalized DN.
func (r *router) routeNormalized(n schema.DN) database {
	for _, d := range r.dbs {
		if n.Equal(d.suffix) || n.IsDescendantOf(d.suffix) {
			return d.db
		}
	}
	return nil
}

func noSuchObject(dn string) error {
	return ldapserver.Errorf(ldapserver.NoSuchObject, "no database holds %q", dn)
}

// updated returns the database an update of dn goes to. As slapd: an
// invalid DN is invalidDNSyntax, a DN outside every database
// unwillingToPerform (no global superior knowledge).
func (r *router) updated(dn schema.DN) (database, error) {
	db, err := r.route(dn)
	if err != nil {
		return nil, err
	}
	if db != nil {
		return db, nil
	}
	return nil, ldapserver.Errorf(ldapserver.UnwillingToPerform, "no global superior knowledge")
}

// NamingContexts lists every database's suffix.
func (r *router) NamingContexts() []string {
	var out []string
	for _, d := range r.dbs {
		out = append(out, d.db.NamingContexts()...)
	}
	return out
}

func (r *router) Bind(ctx context.Context, req *ldapserver.BindRequest) (*ldapserver.BindResult, error) {
	db, err := r.route(req.DN)
	if err != nil {
		return nil, err
	}
	if db != nil {
		return db.Bind(ctx, req)
	}
	return nil, &ldapserver.Error{Code: ldapserver.InvalidCredentials}
}

func (r *router) Search(ctx context.Context, req *ldapserver.SearchRequest, w ldapserver.SearchWriter) (*ldapserver.SearchResult, error) {
	db, err := r.route(req.Base)
	if err != nil {
		return nil, err
	}
	if db != nil {
		return db.Search(ctx, req, w)
	}
	return nil, noSuchObject(req.RawBase)
}

func (r *router) Compare(ctx context.Context, req *ldapserver.CompareRequest) (bool, error) {
	db, err := r.route(req.DN)
	if err != nil {
		return false, err
	}
	if db != nil {
		return db.Compare(ctx, req)
	}
	return false, noSuchObject(req.RawDN)
}

func (r *router) Add(ctx context.Context, req *ldapserver.AddRequest) (*ldapserver.WriteResult, error) {
	db, err := r.updated(req.DN)
	if err != nil {
		return nil, err
	}
	return db.Add(ctx, req)
}

func (r *router) Delete(ctx context.Context, req *ldapserver.DeleteRequest) (*ldapserver.WriteResult, error) {
	db, err := r.updated(req.DN)
	if err != nil {
		return nil, err
	}
	return db.Delete(ctx, req)
}

func (r *router) Modify(ctx context.Context, req *ldapserver.ModifyRequest) (*ldapserver.WriteResult, error) {
	db, err := r.updated(req.DN)
	if err != nil {
		return nil, err
	}
	return db.Modify(ctx, req)
}

// ModifyDN refuses moves between databases (affectsMultipleDSAs): the new
// DN, not only the new superior, must be in the entry's database, since a
// rename in place may give an entry of the upper database the DN of a nested
// database's suffix (slapd: "cannot rename between DSAs").
func (r *router) ModifyDN(ctx context.Context, req *ldapserver.ModifyDNRequest) (*ldapserver.WriteResult, error) {
	db, err := r.updated(req.DN)
	if err != nil {
		return nil, err
	}
	parent := req.NewSuperior
	if parent == nil && len(req.DN) > 0 {
		parent = req.DN[1:]
	}
	if req.NewSuperior != nil {
		to, err := r.route(req.NewSuperior)
		if err != nil {
			return nil, err
		}
		if to != db {
			return nil, ldapserver.Errorf(ldapserver.AffectsMultipleDSAs, "cannot move an entry to another database")
		}
	}
	// An invalid new RDN is the database's to report: it is not a move.
	if to, err := r.route(append(schema.DN{req.NewRDN}, parent...)); err == nil && to != db {
		return nil, ldapserver.Errorf(ldapserver.AffectsMultipleDSAs, "cannot move an entry to another database")
	}
	return db.ModifyDN(ctx, req)
}

// PasswordModify goes to the database of the target: the user identity, or the
// connection's identity when the request names none.
func (r *router) PasswordModify(ctx context.Context, req *ldapserver.PasswordModifyRequest) (*ldapserver.PasswordModifyResult, error) {
	target := req.Session.IdentityDN
	if req.UserIdentity != "" {
		raw := req.UserIdentity
		if len(raw) > 3 && (raw[:3] == "dn:" || raw[:3] == "DN:") {
			raw = raw[3:]
		}
		dn, err := schema.ParseDN(raw)
		if err != nil {
			return nil, ldapserver.Errorf(ldapserver.NoSuchObject, "user identity is not a DN")
		}
		target = dn
	}
	if db, _ := r.route(target); db != nil && len(target) > 0 {
		return db.PasswordModify(ctx, req)
	}
	return nil, ldapserver.Errorf(ldapserver.UnwillingToPerform, "no database holds the user")
}

// Extended goes to the first database that lists the OID.
func (r *router) Extended(ctx context.Context, req *ldapserver.ExtendedRequest) (*ldapserver.ExtendedResult, error) {
	for _, d := range r.dbs {
		if l, ok := d.db.(ldapserver.ExtensionLister); ok && slices.Contains(l.SupportedExtensions(), req.OID) {
			return d.db.Extended(ctx, req)
		}
	}
	return nil, ldapserver.Errorf(ldapserver.ProtocolError, "unsupported extended operation %s", req.OID)
}

// SupportedExtensions is the union of the databases' extensions.
func (r *router) SupportedExtensions() []string {
	var out []string
	for _, d := range r.dbs {
		if l, ok := d.db.(ldapserver.ExtensionLister); ok {
			for _, oid := range l.SupportedExtensions() {
				if !slices.Contains(out, oid) {
					out = append(out, oid)
				}
			}
		}
	}
	return out
}

// ConnClosed tells every database that keeps per-connection state.
func (r *router) ConnClosed(connID uint64) {
	for _, d := range r.dbs {
		if o, ok := d.db.(ldapserver.ConnObserver); ok {
			o.ConnClosed(connID)
		}
	}
}

var (
	_ ldapserver.Backend         = (*router)(nil)
	_ ldapserver.ExtensionLister = (*router)(nil)
	_ ldapserver.ConnObserver    = (*router)(nil)
)
