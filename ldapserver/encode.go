package ldapserver

// Response encoding. Every response is appended to a byte slice as a complete
// LDAPMessage; the writer goroutine sends the slices in order.

// Response protocolOp tags (RFC 4511 Appendix B).
const (
	tagBindResponse     = berClassApplication | berConstructed | 1
	tagSearchEntry      = berClassApplication | berConstructed | 4
	tagSearchDone       = berClassApplication | berConstructed | 5
	tagSearchReference  = berClassApplication | berConstructed | 19
	tagModifyResponse   = berClassApplication | berConstructed | 7
	tagAddResponse      = berClassApplication | berConstructed | 9
	tagDelResponse      = berClassApplication | berConstructed | 11
	tagModDNResponse    = berClassApplication | berConstructed | 13
	tagCompareResponse  = berClassApplication | berConstructed | 15
	tagExtendedResponse = berClassApplication | berConstructed | 24

	tagReferral        = berClassContext | berConstructed | 3
	tagServerSASLCreds = berClassContext | 7
	tagExtRespName     = berClassContext | 10
	tagExtRespValue    = berClassContext | 11
	tagControls        = berClassContext | berConstructed | 0
)

// OIDNoticeOfDisconnection is the responseName of the unsolicited notification sent
// before the server closes a connection (RFC 4511 §4.4.1).
const OIDNoticeOfDisconnection = "1.3.6.1.4.1.1466.20036"

// respControl is one response control, value already encoded.
type respControl struct {
	OID   string
	Value []byte
}

// extFields are the optional trailing fields of a Bind or Extended response.
type extFields struct {
	saslCreds []byte // BindResponse serverSaslCreds; nil when absent
	name      string // ExtendedResponse responseName
	value     []byte // ExtendedResponse responseValue; nil when absent
}

// appendResponse appends an LDAPMessage carrying an LDAPResult-based response.
func appendResponse(b []byte, id int32, tag byte, r *Result, ext *extFields, ctrls []respControl) []byte {
	w := berBuf{b: b}
	m := w.begin(berSequence)
	w.int(berInteger, int64(id))
	op := w.begin(tag)
	w.int(berEnumerated, int64(r.Code))
	w.string(berOctetString, r.MatchedDN)
	w.string(berOctetString, r.Message)
	if len(r.Referral) > 0 {
		s := w.begin(tagReferral)
		for _, u := range r.Referral {
			w.string(berOctetString, u)
		}
		w.end(s)
	}
	if ext != nil {
		if ext.saslCreds != nil {
			w.bytes(tagServerSASLCreds, ext.saslCreds)
		}
		if ext.name != "" {
			w.string(tagExtRespName, ext.name)
		}
		if ext.value != nil {
			w.bytes(tagExtRespValue, ext.value)
		}
	}
	w.end(op)
	appendControls(&w, ctrls)
	w.end(m)
	return w.b
}

func appendControls(w *berBuf, ctrls []respControl) {
	if len(ctrls) == 0 {
		return
	}
	c := w.begin(tagControls)
	for _, rc := range ctrls {
		appendControl(w, rc.OID, rc.Value)
	}
	w.end(c)
}

// appendEntryMessage appends an LDAPMessage holding a SearchResultEntry.
func appendEntryMessage(b []byte, id int32, e *Entry, typesOnly bool) []byte {
	w := berBuf{b: b}
	m := w.begin(berSequence)
	w.int(berInteger, int64(id))
	appendEntry(&w, e, typesOnly)
	w.end(m)
	return w.b
}

// appendEntry appends a SearchResultEntry protocolOp.
func appendEntry(w *berBuf, e *Entry, typesOnly bool) {
	op := w.begin(tagSearchEntry)
	w.string(berOctetString, e.DN)
	attrs := w.begin(berSequence)
	for i := range e.Attributes {
		a := &e.Attributes[i]
		s := w.begin(berSequence)
		w.string(berOctetString, a.Type)
		vals := w.begin(berSet)
		if !typesOnly {
			for _, v := range a.Values {
				w.bytes(berOctetString, v)
			}
		}
		w.end(vals)
		w.end(s)
	}
	w.end(attrs)
	w.end(op)
}

// appendReferenceMessage appends an LDAPMessage holding a SearchResultReference.
func appendReferenceMessage(b []byte, id int32, urls []string) []byte {
	w := berBuf{b: b}
	m := w.begin(berSequence)
	w.int(berInteger, int64(id))
	op := w.begin(tagSearchReference)
	for _, u := range urls {
		w.string(berOctetString, u)
	}
	w.end(op)
	w.end(m)
	return w.b
}

// appendNotice appends a Notice of Disconnection (message ID 0).
func appendNotice(b []byte, code ResultCode, msg string) []byte {
	return appendResponse(b, 0, tagExtendedResponse, &Result{Code: code, Message: msg},
		&extFields{name: OIDNoticeOfDisconnection}, nil)
}
