package ldapserver

import (
	"fmt"

	"lightdir/schema"
)

// Control OIDs the server understands.
const (
	OIDPagedResults     = "1.2.840.113556.1.4.319"   // RFC 2696
	OIDManageDsaIT      = "2.16.840.1.113730.3.4.2"  // RFC 3296
	OIDAssertion        = "1.3.6.1.1.12"             // RFC 4528
	OIDPreRead          = "1.3.6.1.1.13.1"           // RFC 4527
	OIDPostRead         = "1.3.6.1.1.13.2"           // RFC 4527
	OIDSubtreeDelete    = "1.2.840.113556.1.4.805"   // draft-armijo-ldap-treedelete
	OIDSortRequest      = "1.2.840.113556.1.4.473"   // RFC 2891
	OIDSortResponse     = "1.2.840.113556.1.4.474"   // RFC 2891
	OIDProxiedAuthz     = "2.16.840.1.113730.3.4.18" // RFC 4370
	OIDPermissiveModify = "1.2.840.113556.1.4.1413"
	OIDNoOp             = "1.3.6.1.4.1.4203.1.10.2"
	// OIDNoOpOpenLDAP is the no-op OID libldap and slapd use; both are accepted.
	OIDNoOpOpenLDAP = "1.3.6.1.4.1.4203.666.5.2"
)

// Controls are the request controls the server decoded, in our own types. A nil or
// false field means the control was absent. Critical flags are kept where the
// backend's behaviour depends on them (RFC 2891 sort).
type Controls struct {
	ManageDsaIT bool
	Paged       *PagedResults
	// Assertion is the RFC 4528 filter the target entry must match; when it does
	// not, the backend returns AssertionFailed.
	Assertion        *schema.Filter
	PreRead          *ReadControl
	PostRead         *ReadControl
	SubtreeDelete    bool
	Sort             *SortRequest
	ProxiedAuthz     *ProxiedAuthz
	PermissiveModify bool
	// NoOp asks the backend to run the update without committing it; the server
	// answers a successful no-op with NoOperation.
	NoOp bool
}

// PagedResults is the RFC 2696 control value, in a request and in a response.
// Cookies are opaque to the server: the backend keeps whatever state it needs
// (keyed by cookie and Session.ConnID), releases it when a request with Size 0
// arrives (the client abandons the paged search) and, through ConnObserver, when
// the connection ends.
type PagedResults struct {
	Size   int    // page size in a request; size estimate (0 = unknown) in a response
	Cookie []byte // empty on the first request and in the last response
}

// ReadControl lists the attributes a pre-read or post-read control asks for; an empty
// list means all user attributes.
type ReadControl struct {
	Attributes []string
}

// SortRequest is an RFC 2891 server-side sort request.
type SortRequest struct {
	Keys     []SortKey
	Critical bool // when the backend cannot sort, a critical request fails the search
}

// SortKey is one key of a SortRequest.
type SortKey struct {
	Attr         string
	OrderingRule string
	Reverse      bool
}

// SortResult is the RFC 2891 response control.
type SortResult struct {
	Code ResultCode // success, or why sorting failed
	Attr string     // the attribute that caused the failure, optional
}

// ProxiedAuthz is an RFC 4370 proxied authorization request. The backend decides
// whether the session may assume AuthzID; if not it returns AuthorizationDenied.
type ProxiedAuthz struct {
	// AuthzID is as sent: "dn:<dn>", "u:<user>" or "" (anonymous).
	AuthzID string
}

// controlScope says which operations a control applies to, for the rule that a
// critical control not applicable to an operation is unavailableCriticalExtension.
type controlScope uint16

const (
	scBind controlScope = 1 << iota
	scSearch
	scCompare
	scAdd
	scDelete
	scModify
	scModifyDN
	scExtended

	scUpdates = scAdd | scDelete | scModify | scModifyDN
	scAll     = scBind | scSearch | scCompare | scUpdates | scExtended
)

var controlScopes = map[string]controlScope{
	OIDPagedResults:     scSearch,
	OIDManageDsaIT:      scSearch | scCompare | scUpdates,
	OIDAssertion:        scSearch | scCompare | scUpdates,
	OIDPreRead:          scDelete | scModify | scModifyDN,
	OIDPostRead:         scAdd | scModify | scModifyDN,
	OIDSubtreeDelete:    scDelete,
	OIDSortRequest:      scSearch,
	OIDProxiedAuthz:     scSearch | scCompare | scUpdates | scExtended,
	OIDPermissiveModify: scModify,
	OIDNoOp:             scUpdates,
	OIDNoOpOpenLDAP:     scUpdates,
}

// supportedControls is what the Root DSE advertises, in a stable order.
var supportedControls = []string{
	OIDAssertion, OIDManageDsaIT, OIDNoOp, OIDNoOpOpenLDAP, OIDPagedResults, OIDPermissiveModify,
	OIDPostRead, OIDPreRead, OIDProxiedAuthz, OIDSortRequest, OIDSubtreeDelete,
}

// rawControl is one control of an LDAPMessage before interpretation.
type rawControl struct {
	OID      string
	Critical bool
	Value    []byte // nil when absent; aliases the PDU buffer
}

// parseControls splits the content of the [0] Controls element.
func parseControls(content []byte) ([]rawControl, error) {
	var out []rawControl
	r := berReader{buf: content}
	for r.more() {
		seq, err := r.expect(berSequence)
		if err != nil {
			return nil, err
		}
		cr := berReader{buf: seq.Content}
		oid, err := cr.expect(berOctetString)
		if err != nil {
			return nil, err
		}
		c := rawControl{OID: string(oid.Content)}
		if cr.peekTag() == berBoolean {
			b, err := cr.next()
			if err != nil {
				return nil, err
			}
			// Explicit FALSE is not DER but is valid BER; accept it.
			if c.Critical, err = berBool(b.Content); err != nil {
				return nil, err
			}
		}
		if cr.more() {
			v, err := cr.expect(berOctetString)
			if err != nil {
				return nil, err
			}
			c.Value = v.Content
			if c.Value == nil {
				c.Value = []byte{}
			}
		}
		if cr.more() {
			return nil, fmt.Errorf("%w: trailing data in control", errBER)
		}
		out = append(out, c)
	}
	return out, nil
}

// decodeControls interprets the raw controls of an operation of kind sc. A failure
// is an *Error to answer the operation with: unavailableCriticalExtension for an
// unknown or inapplicable critical control, protocolError for a malformed value
// or a control given twice (as slapd). Unknown non-critical controls are ignored.
func decodeControls(raw []rawControl, sc controlScope) (Controls, error) {
	var cs Controls
	for i, c := range raw {
		scope, known := controlScopes[c.OID]
		if !known || scope&sc == 0 {
			if c.Critical {
				return cs, &Error{Code: UnavailableCriticalExtension,
					Message: fmt.Sprintf("critical control %s is not supported for this operation", c.OID)}
			}
			continue
		}
		for _, d := range raw[:i] {
			if d.OID == c.OID {
				return cs, &Error{Code: ProtocolError, Message: fmt.Sprintf("control %s specified more than once", c.OID)}
			}
		}
		if err := cs.decodeOne(c); err != nil {
			return cs, &Error{Code: ProtocolError, Message: fmt.Sprintf("control %s: %v", c.OID, err)}
		}
	}
	return cs, nil
}

func (cs *Controls) decodeOne(c rawControl) error {
	var err error
	switch c.OID {
	case OIDManageDsaIT:
		cs.ManageDsaIT, err = true, noValue(c)
	case OIDSubtreeDelete:
		cs.SubtreeDelete, err = true, noValue(c)
	case OIDPermissiveModify:
		cs.PermissiveModify, err = true, noValue(c)
	case OIDNoOp, OIDNoOpOpenLDAP:
		cs.NoOp, err = true, noValue(c)
	case OIDPagedResults:
		cs.Paged, err = decodePaged(c.Value)
	case OIDAssertion:
		if c.Value == nil {
			return fmt.Errorf("missing value")
		}
		cs.Assertion, err = decodeFilterBER(c.Value)
	case OIDPreRead:
		cs.PreRead, err = decodeReadControl(c.Value)
	case OIDPostRead:
		cs.PostRead, err = decodeReadControl(c.Value)
	case OIDSortRequest:
		cs.Sort, err = decodeSort(c.Value)
		if cs.Sort != nil {
			cs.Sort.Critical = c.Critical
		}
	case OIDProxiedAuthz:
		// RFC 4370 §3: the control must be critical and its value is the authzId.
		if !c.Critical {
			return fmt.Errorf("proxied authorization must be critical")
		}
		if c.Value == nil {
			return fmt.Errorf("missing value")
		}
		cs.ProxiedAuthz = &ProxiedAuthz{AuthzID: string(c.Value)}
	}
	return err
}

func noValue(c rawControl) error {
	if c.Value != nil && len(c.Value) != 0 {
		return fmt.Errorf("unexpected value")
	}
	return nil
}

// decodePaged reads realSearchControlValue ::= SEQUENCE { size INTEGER, cookie OCTET STRING }.
func decodePaged(v []byte) (*PagedResults, error) {
	r := berReader{buf: v}
	seq, err := r.expect(berSequence)
	if err != nil {
		return nil, err
	}
	sr := berReader{buf: seq.Content}
	size, err := sr.expect(berInteger)
	if err != nil {
		return nil, err
	}
	n, err := berInt(size.Content)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("negative page size")
	}
	cookie, err := sr.expect(berOctetString)
	if err != nil {
		return nil, err
	}
	if sr.more() || r.more() {
		return nil, fmt.Errorf("trailing data")
	}
	return &PagedResults{Size: int(n), Cookie: append([]byte(nil), cookie.Content...)}, nil
}

// decodeReadControl reads AttributeSelection ::= SEQUENCE OF selector LDAPString.
func decodeReadControl(v []byte) (*ReadControl, error) {
	r := berReader{buf: v}
	seq, err := r.expect(berSequence)
	if err != nil {
		return nil, err
	}
	rc := &ReadControl{}
	sr := berReader{buf: seq.Content}
	for sr.more() {
		a, err := sr.expect(berOctetString)
		if err != nil {
			return nil, err
		}
		rc.Attributes = append(rc.Attributes, string(a.Content))
	}
	if r.more() {
		return nil, fmt.Errorf("trailing data")
	}
	return rc, nil
}

// decodeSort reads SortKeyList ::= SEQUENCE OF SEQUENCE { attributeType,
// orderingRule [0] OPTIONAL, reverseOrder [1] BOOLEAN DEFAULT FALSE }.
func decodeSort(v []byte) (*SortRequest, error) {
	r := berReader{buf: v}
	seq, err := r.expect(berSequence)
	if err != nil {
		return nil, err
	}
	s := &SortRequest{}
	sr := berReader{buf: seq.Content}
	for sr.more() {
		k, err := sr.expect(berSequence)
		if err != nil {
			return nil, err
		}
		kr := berReader{buf: k.Content}
		a, err := kr.expect(berOctetString)
		if err != nil {
			return nil, err
		}
		key := SortKey{Attr: string(a.Content)}
		if kr.peekTag() == berClassContext|0 {
			e, _ := kr.next()
			key.OrderingRule = string(e.Content)
		}
		if kr.peekTag() == berClassContext|1 {
			e, _ := kr.next()
			if key.Reverse, err = berBool(e.Content); err != nil {
				return nil, err
			}
		}
		if kr.more() {
			return nil, fmt.Errorf("trailing data in sort key")
		}
		s.Keys = append(s.Keys, key)
	}
	if len(s.Keys) == 0 {
		return nil, fmt.Errorf("no sort keys")
	}
	return s, nil
}

// appendControl encodes one response control.
func appendControl(w *berBuf, oid string, value []byte) {
	s := w.begin(berSequence)
	w.string(berOctetString, oid)
	w.bytes(berOctetString, value)
	w.end(s)
}

func encodePagedValue(p *PagedResults) []byte {
	var w berBuf
	s := w.begin(berSequence)
	w.int(berInteger, int64(p.Size))
	w.bytes(berOctetString, p.Cookie)
	w.end(s)
	return w.b
}

func encodeSortValue(r *SortResult) []byte {
	var w berBuf
	s := w.begin(berSequence)
	w.int(berEnumerated, int64(r.Code))
	if r.Attr != "" {
		w.string(berClassContext|0, r.Attr)
	}
	w.end(s)
	return w.b
}

// encodeEntryValue encodes a SearchResultEntry, the value of pre/post-read controls.
func encodeEntryValue(e *Entry) []byte {
	var w berBuf
	appendEntry(&w, e, false)
	return w.b
}
