package ldapserver

import (
	"fmt"
	"reflect"

	"github.com/lor00x/goldap/message"

	"lightdir/schema"
)

// The goldap boundary. goldap decodes the LDAPMessage; everything it returns is
// converted here into the server's own types and goes no further. Where the pinned
// goldap falls short it is handled here:
//   - controls are split off before goldap sees the message and decoded by
//     parseControls, since goldap rejects an explicit criticality FALSE (valid BER)
//     and leaves control values opaque anyway;
//   - BER booleans other than 0x00/0xFF are rewritten to 0xFF (berNormalize);
//   - goldap panics on some malformed input (an empty BOOLEAN), so decoding runs
//     under recover and a panic becomes ErrMalformed;
//   - a few fields have no accessor (bind version and SASL credentials, ModifyDN
//     fields); they are read by reflection on the pinned structs;
//   - search filters are decoded by filter.go (goldap requires the optional
//     dnAttributes of an extensible match); goldap sees a placeholder filter;
//   - the subordinate search scope (3) and the increment modification (RFC 4525)
//     are added to goldap's enumeration tables, which otherwise reject them.

func init() {
	message.EnumeratedSearchRequestScope[3] = "subordinateSubtree"
	message.EnumeratedModifyRequestChangeOperation[3] = "increment"
}

// opKind is the protocolOp of a request.
type opKind uint8

const (
	opBind opKind = iota + 1
	opUnbind
	opSearch
	opModify
	opAdd
	opDelete
	opModifyDN
	opCompare
	opAbandon
	opExtended
)

var opNames = [...]string{"", "BIND", "UNBIND", "SRCH", "MOD", "ADD", "DEL", "MODRDN", "CMP", "ABANDON", "EXT"}

func (k opKind) String() string { return opNames[k] }

// frame is one decoded request: the message ID, the goldap protocolOp (converted by
// the op handlers right away) and the raw controls (copied out of the read buffer).
type frame struct {
	id       int32
	kind     opKind
	op       message.ProtocolOp
	controls []rawControl
	filter   *schema.Filter // search requests only
}

// decodeFrame decodes one complete LDAPMessage PDU. scratch is reused between calls
// to hold the control-less message goldap decodes. Any error wraps ErrMalformed and
// calls for a Notice of Disconnection.
func decodeFrame(pdu []byte, scratch *[]byte) (f frame, err error) {
	r := berReader{buf: pdu}
	env, err := r.expect(berSequence)
	if err != nil {
		return f, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if r.more() {
		return f, fmt.Errorf("%w: data after the message", ErrMalformed)
	}
	er := berReader{buf: env.Content}
	idElem, err := er.expect(berInteger)
	if err != nil {
		return f, fmt.Errorf("%w: message ID: %v", ErrMalformed, err)
	}
	id, err := berInt(idElem.Content)
	if err != nil || id < 0 {
		return f, fmt.Errorf("%w: invalid message ID", ErrMalformed)
	}
	opStart := er.off
	opElem, err := er.next()
	if err != nil {
		return f, fmt.Errorf("%w: protocolOp: %v", ErrMalformed, err)
	}
	opEnd := er.off
	if opElem.constructed() {
		if err := berNormalize(opElem.Content, 0); err != nil {
			return f, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	if er.more() {
		c, err := er.expect(berClassContext | berConstructed | 0)
		if err != nil {
			return f, fmt.Errorf("%w: controls: %v", ErrMalformed, err)
		}
		if f.controls, err = parseControls(c.Content); err != nil {
			return f, fmt.Errorf("%w: controls: %v", ErrMalformed, err)
		}
		for i := range f.controls {
			if v := f.controls[i].Value; v != nil {
				f.controls[i].Value = append(make([]byte, 0, len(v)), v...)
			}
		}
		if er.more() {
			return f, fmt.Errorf("%w: data after the controls", ErrMalformed)
		}
	}
	var w berBuf
	w.b = (*scratch)[:0]
	m := w.begin(berSequence)
	w.b = append(w.b, env.Content[:opStart]...)
	if opElem.Tag == tagSearchRequest {
		if f.filter, err = splitSearchFilter(&w, opElem.Content); err != nil {
			return f, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	} else {
		w.b = append(w.b, env.Content[opStart:opEnd]...)
	}
	w.end(m)
	*scratch = w.b
	msg, err := goldapRead(w.b)
	if err != nil {
		return f, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	f.id = int32(id)
	f.op = msg.ProtocolOp()
	switch f.op.(type) {
	case message.BindRequest:
		f.kind = opBind
	case message.UnbindRequest:
		f.kind = opUnbind
	case message.SearchRequest:
		f.kind = opSearch
	case message.ModifyRequest:
		f.kind = opModify
	case message.AddRequest:
		f.kind = opAdd
	case message.DelRequest:
		f.kind = opDelete
	case message.ModifyDNRequest:
		f.kind = opModifyDN
	case message.CompareRequest:
		f.kind = opCompare
	case message.AbandonRequest:
		f.kind = opAbandon
	case message.ExtendedRequest:
		f.kind = opExtended
	default:
		return f, fmt.Errorf("%w: protocolOp tag %#x is not a request", ErrMalformed, opElem.Tag)
	}
	return f, nil
}

// tagSearchRequest is the SearchRequest protocolOp tag.
const tagSearchRequest = berClassApplication | berConstructed | 3

// placeholderFilter is (objectClass=*), what goldap sees instead of the real filter.
var placeholderFilter = []byte{tagFilterPresent, 11, 'o', 'b', 'j', 'e', 'c', 't', 'C', 'l', 'a', 's', 's'}

// splitSearchFilter appends the SearchRequest to w with its filter replaced by the
// placeholder, and decodes the real filter.
func splitSearchFilter(w *berBuf, content []byte) (*schema.Filter, error) {
	r := berReader{buf: content}
	for i := 0; i < 6; i++ { // baseObject, scope, derefAliases, sizeLimit, timeLimit, typesOnly
		if _, err := r.next(); err != nil {
			return nil, err
		}
	}
	filterStart := r.off
	fe, err := r.next()
	if err != nil {
		return nil, err
	}
	filter, err := decodeFilter(fe, 0)
	if err != nil {
		return nil, err
	}
	s := w.begin(tagSearchRequest)
	w.b = append(w.b, content[:filterStart]...)
	w.b = append(w.b, placeholderFilter...)
	w.b = append(w.b, content[r.off:]...)
	w.end(s)
	return filter, nil
}

// goldapRead runs goldap's decoder, turning its panics on hostile input into errors.
func goldapRead(b []byte) (msg message.LDAPMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("goldap: %v", p)
		}
	}()
	return message.ReadLDAPMessage(message.NewBytes(0, b))
}

// field reads an unexported field of a goldap struct (see the file comment).
func field(v any, name string) reflect.Value {
	return reflect.ValueOf(v).FieldByName(name)
}

// optString reads a pointer-to-string field: "" and false when nil.
func optString(v reflect.Value) (string, bool) {
	if v.IsNil() {
		return "", false
	}
	return v.Elem().String(), true
}

// convertAttributes turns goldap attribute lists into ours.
func convertAttribute(typ message.AttributeDescription, vals []message.AttributeValue) Attribute {
	a := Attribute{Type: string(typ), Values: make([][]byte, len(vals))}
	for i, v := range vals {
		a.Values[i] = []byte(v)
	}
	return a
}

// parseDN parses a DN from the wire, answering invalidDNSyntax on failure.
func parseDN(s string) (schema.DN, error) {
	dn, err := schema.ParseDN(s)
	if err != nil {
		return nil, &Error{Code: InvalidDNSyntax, Message: "invalid DN"}
	}
	return dn, nil
}
