package main

import (
	"context"
	"errors"
	"strings"

	"lightdir/ldapserver"
	"lightdir/schema"
)

// subschemaBackend answers searches of the subschema subentry that the Root
// DSE names (subschemaSubentry: cn=Subschema, RFC 4512 §4.2 and §5.1) from
// the registry, as slapd does, and refuses to add it or the Root DSE; every
// other operation goes to the wrapped backend.
type subschemaBackend struct {
	ldapserver.Backend
	reg *schema.Registry
	dn  schema.DN // cn=Subschema, as parsed
	ndn schema.DN // normalized
}

func newSubschemaBackend(reg *schema.Registry, b ldapserver.Backend) (*subschemaBackend, error) {
	dn, err := schema.ParseDN(schema.SubschemaDN)
	if err != nil {
		return nil, err
	}
	ndn, err := reg.NormalizeDN(dn)
	if err != nil {
		return nil, err
	}
	return &subschemaBackend{Backend: b, reg: reg, dn: dn, ndn: ndn}, nil
}

// isSubschema reports whether dn names the subschema subentry. Only a DN
// of its shape is normalized: every search passes here, and the backend
// caches its own normalized bases.
func (s *subschemaBackend) isSubschema(dn schema.DN) bool {
	if len(dn) != len(s.ndn) || len(dn[0]) != len(s.ndn[0]) {
		return false
	}
	n, err := s.reg.NormalizeDN(dn)
	return err == nil && n.Equal(s.ndn)
}

func (s *subschemaBackend) Search(ctx context.Context, req *ldapserver.SearchRequest, w ldapserver.SearchWriter) (*ldapserver.SearchResult, error) {
	if !s.isSubschema(req.Base) {
		return s.Backend.Search(ctx, req, w)
	}
	e := s.reg.SubschemaEntry(s.dn)
	if a := req.Controls.Assertion; a != nil && s.reg.Match(a, e) != schema.True {
		return nil, ldapserver.Errorf(ldapserver.AssertionFailed, "assertion control failed")
	}
	if req.Scope == ldapserver.ScopeOne || req.Scope == ldapserver.ScopeSubordinate || s.reg.Match(req.Filter, e) != schema.True {
		return &ldapserver.SearchResult{}, nil
	}
	out := &ldapserver.Entry{DN: schema.SubschemaDN}
	for _, a := range e.Attrs {
		if s.selected(a.Desc, req.Attributes) {
			out.Attributes = append(out.Attributes, ldapserver.Attribute{Type: a.Desc, Values: a.Values})
		}
	}
	if err := w.SendEntry(out); err != nil {
		return nil, err
	}
	return &ldapserver.SearchResult{}, nil
}

// Compare answers a compare of the subschema subentry from the registry, as
// slapd does; any other entry's compare goes to the wrapped backend.
func (s *subschemaBackend) Compare(ctx context.Context, req *ldapserver.CompareRequest) (bool, error) {
	if !s.isSubschema(req.DN) {
		return s.Backend.Compare(ctx, req)
	}
	ad, err := s.reg.ParseAttributeDescription(req.Attr)
	if err != nil {
		return false, ldapserver.Errorf(ldapserver.UndefinedAttributeType, "%s: attribute type undefined", req.Attr)
	}
	if ad.Type.Equality == nil || !ad.Type.Equality.Implemented() {
		return false, ldapserver.Errorf(ldapserver.InappropriateMatching, "%s has no equality matching rule", req.Attr)
	}
	f := &schema.Filter{Op: schema.FilterEquality, Attr: req.Attr, Value: req.Value}
	if _, err := s.reg.Assertion(f); errors.Is(err, schema.ErrInvalidSyntax) {
		return false, ldapserver.Errorf(ldapserver.InvalidAttributeSyntax, "%s: value invalid per syntax", req.Attr)
	}
	e := s.reg.SubschemaEntry(s.dn)
	if a := req.Controls.Assertion; a != nil && s.reg.Match(a, e) != schema.True {
		return false, ldapserver.Errorf(ldapserver.AssertionFailed, "assertion control failed")
	}
	has := false
	for _, a := range e.Attrs {
		if at := s.reg.AttributeType(a.Desc); at != nil && at.IsSubtypeOf(ad.Type) && schema.HasOptions(a.Desc, schema.TagOptions(req.Attr)) {
			has = true
		}
	}
	if !has {
		return false, ldapserver.Errorf(ldapserver.NoSuchAttribute, "")
	}
	return s.reg.Match(f, e) == schema.True, nil
}

// selected applies an attribute list (RFC 4511 §4.5.1.8) to one of the
// subentry's attributes: objectClass and cn are user attributes, the schema
// descriptions operational.
func (s *subschemaBackend) selected(desc string, attrs []string) bool {
	at := s.reg.AttributeType(desc)
	user := at == nil || !at.IsOperational()
	if len(attrs) == 0 {
		return user
	}
	for _, a := range attrs {
		switch a {
		case "*":
			if user {
				return true
			}
		case "+":
			if !user {
				return true
			}
		default:
			typ, _, _ := strings.Cut(a, ";")
			if want := s.reg.AttributeType(typ); want != nil && at != nil && at.IsSubtypeOf(want) {
				return true
			}
		}
	}
	return false
}

// SupportedExtensions and ConnClosed pass the wrapped backend's optional
// interfaces through.
func (s *subschemaBackend) SupportedExtensions() []string {
	if l, ok := s.Backend.(ldapserver.ExtensionLister); ok {
		return l.SupportedExtensions()
	}
	return nil
}

func (s *subschemaBackend) ConnClosed(connID uint64) {
	if o, ok := s.Backend.(ldapserver.ConnObserver); ok {
		o.ConnClosed(connID)
	}
}

var (
	_ ldapserver.ExtensionLister = (*subschemaBackend)(nil)
	_ ldapserver.ConnObserver    = (*subschemaBackend)(nil)
)

// Add refuses, as slapd does, to add the two entries the server itself
// holds: the Root DSE and the subschema subentry already exist.
func (s *subschemaBackend) Add(ctx context.Context, req *ldapserver.AddRequest) (*ldapserver.WriteResult, error) {
	if len(req.DN) == 0 {
		return nil, ldapserver.Errorf(ldapserver.EntryAlreadyExists, "root DSE already exists")
	}
	if s.isSubschema(req.DN) {
		return nil, ldapserver.Errorf(ldapserver.EntryAlreadyExists, "subschema subentry already exists")
	}
	return s.Backend.Add(ctx, req)
}
