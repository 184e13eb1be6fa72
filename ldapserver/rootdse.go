package ldapserver

import (
	"bytes"
	"slices"
	"strings"

	"lightdir/schema"
)

// Extended operation and feature OIDs advertised in the Root DSE.
const (
	OIDStartTLS       = "1.3.6.1.4.1.1466.20037"  // RFC 4511 §4.14
	OIDWhoAmI         = "1.3.6.1.4.1.4203.1.11.3" // RFC 4532
	OIDPasswordModify = "1.3.6.1.4.1.4203.1.11.1" // RFC 3062
	OIDCancel         = "1.3.6.1.1.8"             // RFC 3909

	oidFeatureAllOperational = "1.3.6.1.4.1.4203.1.5.1" // "+" (RFC 3673)
	oidFeatureAbsoluteFilter = "1.3.6.1.4.1.4203.1.5.3" // (&) and (|) (RFC 4526)
	oidFeatureModIncrement   = "1.3.6.1.1.14"           // RFC 4525
)

// rootDSE builds the Root DSE entry with every attribute.
func (s *Server) rootDSE() *Entry {
	vals := func(ss ...string) [][]byte {
		out := make([][]byte, 0, len(ss))
		for _, v := range ss {
			if v != "" {
				out = append(out, []byte(v))
			}
		}
		return out
	}
	exts := []string{OIDCancel, OIDPasswordModify, OIDWhoAmI}
	if s.opts.TLSConfig != nil {
		exts = append(exts, OIDStartTLS)
	}
	if el, ok := s.backend.(ExtensionLister); ok {
		exts = append(exts, el.SupportedExtensions()...)
	}
	e := &Entry{Attributes: []Attribute{
		{Type: "objectClass", Values: vals("top", "extensibleObject")},
		{Type: "namingContexts", Values: vals(s.backend.NamingContexts()...)},
		{Type: "supportedLDAPVersion", Values: vals("3")},
		{Type: "supportedControl", Values: vals(supportedControls...)},
		{Type: "supportedExtension", Values: vals(exts...)},
		{Type: "supportedFeatures", Values: vals(oidFeatureAllOperational, oidFeatureAbsoluteFilter, oidFeatureModIncrement)},
		{Type: "supportedSASLMechanisms", Values: vals(saslExternal)},
		{Type: "subschemaSubentry", Values: vals(s.opts.SubschemaSubentry)},
		{Type: "vendorName", Values: vals(s.opts.VendorName)},
		{Type: "vendorVersion", Values: vals(s.opts.VendorVersion)},
	}}
	kept := e.Attributes[:0]
	for _, a := range e.Attributes {
		if len(a.Values) > 0 {
			kept = append(kept, a)
		}
	}
	e.Attributes = kept
	return e
}

// searchRootDSE answers a base search on "" (RFC 4512 §5.1). objectClass is the only
// user attribute; the others are operational and returned when asked for by name
// or with "+". An assertion control (RFC 4528) is checked against the Root DSE.
func (c *conn) searchRootDSE(op *operation, w *searchSender, cs Controls, f *schema.Filter, attrs []string) {
	full := c.rootDSE()
	if cs.Assertion != nil && !matchDSE(cs.Assertion, full) {
		op.reply(&Result{Code: AssertionFailed, Message: "assertion control failed"}, nil, nil)
		return
	}
	if matchDSE(f, full) {
		e := &Entry{DN: ""}
		for _, a := range full.Attributes {
			if selected(a.Type, a.Type == "objectClass", attrs) {
				e.Attributes = append(e.Attributes, a)
			}
		}
		if err := w.SendEntry(e); err != nil {
			op.replyErr(err)
			return
		}
	}
	op.reply(&Result{Code: Success}, nil, nil)
}

// rootDSE is the Root DSE as this connection sees it.
func (c *conn) rootDSE() *Entry {
	full := c.srv.rootDSE()
	c.mu.Lock()
	external := c.external != ""
	c.mu.Unlock()
	if !external {
		// SASL EXTERNAL, the one mechanism, needs an identity from the
		// transport (ldapi peer credentials or a TLS client certificate):
		// elsewhere nothing is offered, as slapd does.
		full = &Entry{DN: full.DN, Attributes: slices.DeleteFunc(slices.Clone(full.Attributes),
			func(a Attribute) bool { return a.Type == "supportedSASLMechanisms" })}
	}
	return full
}

// compareRootDSE answers a compare of "" from the Root DSE, as slapd does: the
// entry exists, so an attribute it lacks is noSuchAttribute, and values match
// as they do in Root DSE search filters (case-insensitively).
func (c *conn) compareRootDSE(op *operation, cs Controls, attr string, value []byte) {
	full := c.rootDSE()
	if cs.Assertion != nil && !matchDSE(cs.Assertion, full) {
		op.reply(&Result{Code: AssertionFailed, Message: "assertion control failed"}, nil, nil)
		return
	}
	if !matchDSE(&schema.Filter{Op: schema.FilterPresent, Attr: attr}, full) {
		op.reply(&Result{Code: NoSuchAttribute}, nil, nil)
		return
	}
	code := CompareFalse
	if matchDSE(&schema.Filter{Op: schema.FilterEquality, Attr: attr, Value: value}, full) {
		code = CompareTrue
	}
	op.reply(&Result{Code: code}, nil, nil)
}

// selected applies an attribute selection (RFC 4511 §4.5.1.8, RFC 3673).
func selected(name string, user bool, attrs []string) bool {
	if len(attrs) == 0 {
		return user
	}
	for _, a := range attrs {
		switch {
		case a == "*" && user, a == "+" && !user, strings.EqualFold(a, name):
			return true
		}
	}
	return false
}

// matchDSE evaluates a filter against the Root DSE: presence, equality (case-
// insensitive) and the boolean operators; anything else does not match.
func matchDSE(f *schema.Filter, e *Entry) bool {
	switch f.Op {
	case schema.FilterAnd:
		for _, c := range f.Children {
			if !matchDSE(c, e) {
				return false
			}
		}
		return true
	case schema.FilterOr:
		for _, c := range f.Children {
			if matchDSE(c, e) {
				return true
			}
		}
		return false
	case schema.FilterNot:
		return !matchDSE(f.Children[0], e)
	case schema.FilterPresent, schema.FilterEquality:
		for _, a := range e.Attributes {
			if !strings.EqualFold(a.Type, f.Attr) {
				continue
			}
			if f.Op == schema.FilterPresent {
				return true
			}
			for _, v := range a.Values {
				if bytes.EqualFold(v, f.Value) {
					return true
				}
			}
		}
	}
	return false
}
