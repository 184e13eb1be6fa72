package ldapserver

import (
	"context"
)

// Backend is what the server calls to run directory operations. The server owns the
// protocol (framing, decoding, controls, limits, authentication state, StartTLS,
// Root DSE, logging); a Backend owns entries, access control and storage.
//
// Methods are called concurrently, from one goroutine per operation. ctx is cancelled
// when the client abandons or cancels the operation, when the connection closes and,
// for Search, when the time limit passes; long operations should check it and return
// ctx.Err() (or any error wrapping it).
//
// Errors: return an *Error (possibly wrapped) to choose the resultCode, matchedDN and
// diagnostic message; any other error is answered with `other` and logged. Requests,
// and everything they point to, belong to the backend for the duration of the call
// only unless documented otherwise.
type Backend interface {
	// NamingContexts returns the suffixes the backend holds, as RFC 4514 strings,
	// for the Root DSE's namingContexts.
	NamingContexts() []string

	// Bind checks a simple bind (non-empty DN and password; anonymous and
	// unauthenticated binds never reach the backend) and returns the identity the
	// connection becomes, normally req.DN. Wrong DN or password: InvalidCredentials.
	Bind(ctx context.Context, req *BindRequest) (*BindResult, error)

	// Search sends the entries matching req through w and returns the response
	// controls of the SearchResultDone. When w returns an error the backend stops and
	// returns that error. The server enforces req.SizeLimit in w and req.TimeLimit on
	// ctx and drops values when req.TypesOnly is set; the backend applies attribute
	// selection (req.Attributes), sorting and paging.
	Search(ctx context.Context, req *SearchRequest, w SearchWriter) (*SearchResult, error)

	// Compare reports whether the entry holds the asserted value.
	Compare(ctx context.Context, req *CompareRequest) (bool, error)

	// Add, Delete, Modify and ModifyDN change the directory. The result carries the
	// pre-read/post-read entries when the request asked for them.
	Add(ctx context.Context, req *AddRequest) (*WriteResult, error)
	Delete(ctx context.Context, req *DeleteRequest) (*WriteResult, error)
	Modify(ctx context.Context, req *ModifyRequest) (*WriteResult, error)
	ModifyDN(ctx context.Context, req *ModifyDNRequest) (*WriteResult, error)

	// PasswordModify runs an RFC 3062 Password Modify request that the server has
	// already decoded. When req.NewPassword is empty the backend generates one and
	// returns it in the result.
	PasswordModify(ctx context.Context, req *PasswordModifyRequest) (*PasswordModifyResult, error)

	// Extended runs any extended operation the server does not implement itself
	// (StartTLS, WhoAmI, Cancel and Password Modify are the server's). A backend that
	// does not know req.OID returns an *Error with ProtocolError (RFC 4511 §4.12).
	Extended(ctx context.Context, req *ExtendedRequest) (*ExtendedResult, error)
}

// ExtensionLister is an optional interface of a Backend that implements extended
// operations of its own: their OIDs are added to the Root DSE's supportedExtension.
type ExtensionLister interface {
	SupportedExtensions() []string
}

// ConnObserver is an optional interface of a Backend that keeps per-connection
// state, such as paged-results cursors: ConnClosed is called once when a
// connection ends, after its last operation has returned.
type ConnObserver interface {
	ConnClosed(connID uint64)
}

// SearchWriter receives the results of a search. Methods must be called from the
// goroutine running Search, one at a time.
type SearchWriter interface {
	// SendEntry queues one SearchResultEntry. It returns an *Error with
	// SizeLimitExceeded once the size limit is reached, or the context's error when
	// the operation was abandoned, cancelled or timed out; the backend then stops and
	// returns that error. The server encodes e before returning, so the backend may
	// reuse e and its slices afterwards.
	SendEntry(e *Entry) error
	// SendReference queues one SearchResultReference with the given LDAP URLs.
	SendReference(urls []string) error
}

// BindResult is a successful simple bind.
type BindResult struct {
	// Identity is the authorization identity of the connection from now on, an RFC
	// 4514 string (normally the bind DN as the backend stores it).
	Identity string
}

// SearchResult completes a successful search.
type SearchResult struct {
	// Paged answers a paged-results request: the cookie for the next page (empty on
	// the last page) and an optional size estimate.
	Paged *PagedResults
	// Sort answers a server-side sort request (RFC 2891).
	Sort *SortResult
	// Referral, when not empty, makes the result code Referral with these URLs.
	Referral []string
}

// WriteResult completes a successful Add, Delete, Modify or ModifyDN.
type WriteResult struct {
	PreRead  *Entry // the entry before the change, when req.Controls.PreRead was set
	PostRead *Entry // the entry after the change, when req.Controls.PostRead was set
}

// PasswordModifyResult completes a Password Modify request.
type PasswordModifyResult struct {
	GeneratedPassword []byte // set only when the backend generated the password
}

// ExtendedResult completes an extended operation run by the backend.
type ExtendedResult struct {
	OID   string // responseName; may be empty
	Value []byte // responseValue; nil when absent
}

// Entry is a search result or a pre/post-read entry.
type Entry struct {
	DN         string // RFC 4514 string as it goes on the wire
	Attributes []Attribute
}

// Attribute is one attribute description and its values.
type Attribute struct {
	Type   string
	Values [][]byte
}
