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
//   - BER booleans other than 0x00/0xFF are rewritten to 0xFF, and long-form
//     lengths are re-encoded minimally (berNormalize);
//   - goldap panics on some malformed input (an empty BOOLEAN), so decoding runs
//     under recover and a panic becomes ErrMalformed;
//   - a few fields have no accessor (bind version and SASL credentials, ModifyDN
//     fields); they are read by reflection on the pinned structs;
//   - search requests never reach goldap: they are the hot path, and goldap
//     requires the optional dnAttributes of an extensible match filter and
//     rejects the subordinate scope (3); decode_search.go and filter.go read them;
//   - the increment modification (RFC 4525) is added to goldap's enumeration
//     table, which otherwise rejects it.

func init() {
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

// frame is one decoded request: the message ID, the protocolOp (a search in our own
// type, anything else as goldap's, converted by the op handlers right away) and the
// raw controls (copied out of the read buffer).
type frame struct {
	id       int32
	kind     opKind
	op       message.ProtocolOp // nil for a search
	search   searchFields       // search requests only
	controls []rawControl
}

// decodeFrame decodes one complete LDAPMessage PDU. scratch is reused between calls
// to hold the message goldap decodes. Any error wraps ErrMalformed and calls for a
// Notice of Disconnection. Nothing in the frame aliases pdu.
func decodeFrame(pdu []byte, scratch *[]byte) (f frame, err error) {
	env, err := splitEnvelope(pdu)
	if err != nil {
		return f, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	f.id, f.controls = env.id, env.controls
	if env.op.Tag == tagSearchRequest {
		f.kind = opSearch
		if err := berNormalize(env.op.Content, 0, nil); err != nil {
			return f, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if f.search, err = decodeSearch(env.op.Content); err != nil {
			return f, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		return f, nil
	}
	// goldap reads the message without its controls (see above).
	var w berBuf
	w.b = (*scratch)[:0]
	m := w.begin(berSequence)
	if err := berNormalize(env.idTLV, 0, &w); err != nil {
		return f, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := berNormalize(env.opTLV, 0, &w); err != nil {
		return f, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	w.end(m)
	*scratch = w.b
	msg, err := goldapRead(w.b)
	if err != nil {
		return f, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	f.op = msg.ProtocolOp()
	if f.kind = kindOf(f.op); f.kind == 0 {
		return f, fmt.Errorf("%w: protocolOp tag %#x is not a request", ErrMalformed, env.op.Tag)
	}
	return f, nil
}

// envelope is an LDAPMessage split by our own BER reader.
type envelope struct {
	id       int32
	idTLV    []byte // the messageID element, aliasing the PDU
	op       berElem
	opTLV    []byte       // the protocolOp element, aliasing the PDU
	controls []rawControl // values copied out of the PDU
}

// splitEnvelope checks the LDAPMessage SEQUENCE, reads the message ID and
// decodes the controls (decodeFrame normalizes the protocolOp).
func splitEnvelope(pdu []byte) (env envelope, err error) {
	r := berReader{buf: pdu}
	seq, err := r.expect(berSequence)
	if err != nil {
		return env, err
	}
	if r.more() {
		return env, fmt.Errorf("data after the message")
	}
	er := berReader{buf: seq.Content}
	idElem, err := er.expect(berInteger)
	if err != nil {
		return env, fmt.Errorf("message ID: %v", err)
	}
	id, err := berInt(idElem.Content)
	if err != nil || id < 0 {
		return env, fmt.Errorf("invalid message ID")
	}
	env.id, env.idTLV = int32(id), seq.Content[:er.off]
	opStart := er.off
	if env.op, err = er.next(); err != nil {
		return env, fmt.Errorf("protocolOp: %v", err)
	}
	env.opTLV = seq.Content[opStart:er.off]
	if !er.more() {
		return env, nil
	}
	c, err := er.expect(tagControls)
	if err != nil {
		return env, fmt.Errorf("controls: %v", err)
	}
	if env.controls, err = parseControls(c.Content); err != nil {
		return env, fmt.Errorf("controls: %v", err)
	}
	for i := range env.controls {
		if v := env.controls[i].Value; v != nil {
			env.controls[i].Value = append(make([]byte, 0, len(v)), v...)
		}
	}
	if er.more() {
		return env, fmt.Errorf("data after the controls")
	}
	return env, nil
}

// kindOf classifies a goldap protocolOp; 0 means it is not a request.
func kindOf(op message.ProtocolOp) opKind {
	switch op.(type) {
	case message.BindRequest:
		return opBind
	case message.UnbindRequest:
		return opUnbind
	case message.ModifyRequest:
		return opModify
	case message.AddRequest:
		return opAdd
	case message.DelRequest:
		return opDelete
	case message.ModifyDNRequest:
		return opModifyDN
	case message.CompareRequest:
		return opCompare
	case message.AbandonRequest:
		return opAbandon
	case message.ExtendedRequest:
		return opExtended
	}
	return 0
}

// tagSearchRequest is the SearchRequest protocolOp tag.
const tagSearchRequest = berClassApplication | berConstructed | 3

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
