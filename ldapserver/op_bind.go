package ldapserver

import (
	"slices"
	"strings"

	"github.com/lor00x/goldap/message"

	"lightdir/schema"
)

// SASL mechanisms the server implements itself.
const saslExternal = "EXTERNAL"

// doBind authenticates the connection (RFC 4511 §4.2, RFC 4513). Whatever the
// outcome, the connection's previous authentication is dropped first.
func (c *conn) doBind(op *operation, f frame) {
	req := f.op.(message.BindRequest)
	op.dn = string(req.Name())
	c.setAuth("", "")
	if _, ok := op.controls(f, scBind); !ok {
		return
	}
	if v := field(req, "version").Int(); v != 3 {
		op.reply(&Result{Code: ProtocolError, Message: "only LDAPv3 is supported"}, nil, nil)
		return
	}
	switch auth := req.Authentication().(type) {
	case message.OCTETSTRING:
		c.bindSimple(op, req, []byte(auth))
	case message.SaslCredentials:
		mech := field(auth, "mechanism").String()
		creds, hasCreds := optString(field(auth, "credentials"))
		c.bindSASL(op, mech, creds, hasCreds)
	default:
		op.reply(&Result{Code: AuthMethodNotSupported, Message: "unsupported authentication method"}, nil, nil)
	}
}

func (c *conn) bindSimple(op *operation, req message.BindRequest, password []byte) {
	name := string(req.Name())
	switch {
	case name == "" && len(password) == 0:
		op.reply(&Result{Code: Success}, nil, nil) // anonymous
		return
	case len(password) == 0:
		// RFC 4513 §5.1.2: unauthenticated binds are refused.
		op.reply(&Result{Code: UnwillingToPerform, Message: "unauthenticated bind (DN with no password) disallowed"}, nil, nil)
		return
	case name == "":
		op.reply(&Result{Code: InvalidCredentials, Message: "password given without a DN"}, nil, nil)
		return
	}
	dn, err := parseDN(name)
	if err != nil {
		op.replyErr(err)
		return
	}
	res, err := c.srv.backend.Bind(op.ctx, &BindRequest{
		Header: op.header(Controls{}), DN: dn, RawDN: name, Password: password})
	if err != nil {
		op.replyErr(err)
		return
	}
	id := name
	if res != nil && res.Identity != "" {
		id = res.Identity
	}
	c.setAuth(id, "simple")
	op.reply(&Result{Code: Success}, nil, nil)
}

func (c *conn) bindSASL(op *operation, mech, creds string, hasCreds bool) {
	if !strings.EqualFold(mech, saslExternal) {
		op.reply(&Result{Code: AuthMethodNotSupported, Message: "SASL mechanism not supported: " + mech}, nil, nil)
		return
	}
	c.mu.Lock()
	ext := c.external
	c.mu.Unlock()
	if ext == "" {
		op.reply(&Result{Code: InappropriateAuthentication,
			Message: "SASL EXTERNAL needs ldapi:// or a TLS client certificate"}, nil, nil)
		return
	}
	// An authorization identity other than the authenticated one would need proxy
	// rights, which this server does not grant through SASL.
	if hasCreds && creds != "" && !sameAuthzDN(creds, ext) {
		op.reply(&Result{Code: InvalidCredentials, Message: "SASL EXTERNAL authorization identity not permitted"}, nil, nil)
		return
	}
	c.setAuth(ext, saslExternal)
	op.reply(&Result{Code: Success}, nil, nil)
}

func (c *conn) setAuth(identity, method string) {
	var dn schema.DN
	if identity != "" {
		dn, _ = schema.ParseDN(identity) // nil if the backend returned something odd
	}
	c.mu.Lock()
	c.identity, c.identityDN, c.method = identity, dn, method
	c.mu.Unlock()
}

// sameAuthzDN reports whether the authorization identity authzid ("dn:<dn>") names
// the DN ext, allowing for the differences RFC 4514 permits between two strings of
// one DN: spaces around separators, the case of attribute types, the order of the
// AVAs of a multi-valued RDN. Values are compared case-insensitively; the connection
// takes ext as its identity in any case, so leniency grants nothing.
func sameAuthzDN(authzid, ext string) bool {
	if strings.EqualFold(authzid, "dn:"+ext) {
		return true
	}
	if len(authzid) < 3 || !strings.EqualFold(authzid[:3], "dn:") {
		return false
	}
	a, err := schema.ParseDN(authzid[3:])
	if err != nil {
		return false
	}
	b, err := schema.ParseDN(ext)
	if err != nil || len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) || !avasIn(a[i], b[i]) || !avasIn(b[i], a[i]) {
			return false
		}
	}
	return true
}

// avasIn reports whether every AVA of r is in s (types and values compared
// case-insensitively).
func avasIn(r, s schema.RDN) bool {
	for _, x := range r {
		if !slices.ContainsFunc(s, func(y schema.AVA) bool {
			return strings.EqualFold(x.Type, y.Type) && strings.EqualFold(x.Value, y.Value)
		}) {
			return false
		}
	}
	return true
}
