package ldapserver

import (
	"net"
	"time"

	"lightdir/schema"
)

// Session describes the connection an operation arrives on, as the backend needs it
// for access control. It is a snapshot taken when the operation starts.
type Session struct {
	ConnID uint64
	// Identity is the authorization identity (RFC 4514 string); empty when anonymous.
	Identity string
	// IdentityDN is Identity parsed (nil when anonymous). It is shared by every
	// request of the connection: read it, never modify it.
	IdentityDN schema.DN
	// AuthMethod is "" (anonymous), "simple" or "EXTERNAL".
	AuthMethod string
	// TLS reports whether the connection is protected by TLS (ldaps or StartTLS).
	TLS bool
	// Local reports an ldapi:// connection.
	Local      bool
	RemoteAddr net.Addr
}

// Header is common to every request passed to a Backend.
type Header struct {
	MessageID int32
	Session   Session
	Controls  Controls
}

// Scope is a search scope (RFC 4511 §4.5.1.2; subordinate from RFC 4512 drafts as
// slapd sends it).
type Scope uint8

// Search scopes.
const (
	ScopeBase        Scope = 0
	ScopeOne         Scope = 1
	ScopeSubtree     Scope = 2
	ScopeSubordinate Scope = 3
)

var scopeNames = [...]string{"base", "one", "sub", "children"}

func (s Scope) String() string {
	if int(s) < len(scopeNames) {
		return scopeNames[s]
	}
	return "invalid"
}

// DerefAliases is the derefAliases field of a search.
type DerefAliases uint8

// Alias dereferencing modes.
const (
	NeverDerefAliases   DerefAliases = 0
	DerefInSearching    DerefAliases = 1
	DerefFindingBaseObj DerefAliases = 2
	DerefAlways         DerefAliases = 3
)

// BindRequest is a simple bind with a non-empty name and password.
type BindRequest struct {
	Header
	DN       schema.DN
	RawDN    string
	Password []byte // never log it
}

// SearchRequest is a search (RFC 4511 §4.5.1).
type SearchRequest struct {
	Header
	// Base is RawBase parsed. It is shared with other searches on the same base:
	// read it, never modify it.
	Base      schema.DN
	RawBase   string
	Scope     Scope
	Deref     DerefAliases
	SizeLimit int // effective limit: 0 means unlimited
	// TimeLimit is the effective limit; the operation context carries it as a
	// deadline too. 0 means unlimited.
	TimeLimit  time.Duration
	TypesOnly  bool
	Filter     *schema.Filter
	Attributes []string // as requested; empty means all user attributes
}

// CompareRequest is a compare (RFC 4511 §4.10).
type CompareRequest struct {
	Header
	DN    schema.DN
	RawDN string
	Attr  string
	Value []byte
}

// AddRequest is an add (RFC 4511 §4.7).
type AddRequest struct {
	Header
	DN         schema.DN
	RawDN      string
	Attributes []Attribute
}

// DeleteRequest is a delete (RFC 4511 §4.8).
type DeleteRequest struct {
	Header
	DN    schema.DN
	RawDN string
}

// ModOp is the operation of one modification (RFC 4511 §4.6; increment from RFC 4525).
type ModOp uint8

// Modification operations.
const (
	ModAdd       ModOp = 0
	ModDelete    ModOp = 1
	ModReplace   ModOp = 2
	ModIncrement ModOp = 3
)

// Change is one modification of a ModifyRequest.
type Change struct {
	Op        ModOp
	Attribute Attribute
}

// ModifyRequest is a modify (RFC 4511 §4.6).
type ModifyRequest struct {
	Header
	DN      schema.DN
	RawDN   string
	Changes []Change
}

// ModifyDNRequest is a modify DN (RFC 4511 §4.9).
type ModifyDNRequest struct {
	Header
	DN           schema.DN
	RawDN        string
	NewRDN       schema.RDN
	RawNewRDN    string
	DeleteOldRDN bool
	NewSuperior  schema.DN // nil when absent
	// RawNewSuperior is nil when the request has no newSuperior.
	RawNewSuperior *string
}

// PasswordModifyRequest is an RFC 3062 Password Modify extended request. When
// UserIdentity is empty the target is the connection's own identity (Session).
type PasswordModifyRequest struct {
	Header
	UserIdentity string
	OldPassword  []byte // never log it
	NewPassword  []byte // never log it; empty asks the backend to generate one
}

// ExtendedRequest is an extended operation the server passes to the backend.
type ExtendedRequest struct {
	Header
	OID   string
	Value []byte // nil when absent
}
