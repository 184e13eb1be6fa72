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
//     fields, extensible match); they are read by reflection on the pinned structs;
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
	w.b = append(w.b, berSequence)
	w.length(opEnd)
	w.b = append(w.b, env.Content[:opEnd]...)
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

// convertFilter turns a goldap filter into a schema.Filter.
func convertFilter(f message.Filter, depth int) (*schema.Filter, error) {
	if depth > 100 {
		return nil, fmt.Errorf("filter nested too deeply")
	}
	switch v := f.(type) {
	case message.FilterAnd:
		return convertFilterSet(schema.FilterAnd, v, depth)
	case message.FilterOr:
		return convertFilterSet(schema.FilterOr, v, depth)
	case message.FilterNot:
		c, err := convertFilter(v.Filter, depth+1)
		if err != nil {
			return nil, err
		}
		return &schema.Filter{Op: schema.FilterNot, Children: []*schema.Filter{c}}, nil
	case message.FilterEqualityMatch:
		return &schema.Filter{Op: schema.FilterEquality, Attr: string(v.AttributeDesc()), Value: []byte(v.AssertionValue())}, nil
	case message.FilterGreaterOrEqual:
		return &schema.Filter{Op: schema.FilterGreaterOrEqual, Attr: string(v.AttributeDesc()), Value: []byte(v.AssertionValue())}, nil
	case message.FilterLessOrEqual:
		return &schema.Filter{Op: schema.FilterLessOrEqual, Attr: string(v.AttributeDesc()), Value: []byte(v.AssertionValue())}, nil
	case message.FilterApproxMatch:
		return &schema.Filter{Op: schema.FilterApprox, Attr: string(v.AttributeDesc()), Value: []byte(v.AssertionValue())}, nil
	case message.FilterPresent:
		return &schema.Filter{Op: schema.FilterPresent, Attr: string(v)}, nil
	case message.FilterSubstrings:
		out := &schema.Filter{Op: schema.FilterSubstrings, Attr: string(v.Type_())}
		for _, s := range v.Substrings() {
			switch s := s.(type) {
			case message.SubstringInitial:
				out.Initial = []byte(s)
			case message.SubstringAny:
				out.Any = append(out.Any, []byte(s))
			case message.SubstringFinal:
				out.Final = []byte(s)
			}
		}
		return out, nil
	case message.FilterExtensibleMatch:
		out := &schema.Filter{Op: schema.FilterExtensible}
		out.MatchingRule, _ = optString(field(v, "matchingRule"))
		out.Attr, _ = optString(field(v, "type_"))
		out.Value = []byte(field(v, "matchValue").String())
		out.DNAttributes = field(v, "dnAttributes").Bool()
		if out.MatchingRule == "" && out.Attr == "" {
			return nil, fmt.Errorf("extensible match without type or matching rule")
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown filter %T", f)
}

func convertFilterSet(op schema.FilterOp, set []message.Filter, depth int) (*schema.Filter, error) {
	out := &schema.Filter{Op: op, Children: make([]*schema.Filter, 0, len(set))}
	for _, c := range set {
		cf, err := convertFilter(c, depth+1)
		if err != nil {
			return nil, err
		}
		out.Children = append(out.Children, cf)
	}
	return out, nil
}

// decodeFilterBER decodes one BER Filter (the assertion control's value) by wrapping
// it in a minimal SearchRequest for goldap, whose filter reader is not exported.
func decodeFilterBER(v []byte) (*schema.Filter, error) {
	r := berReader{buf: v}
	if _, err := r.next(); err != nil || r.more() {
		return nil, fmt.Errorf("value is not one filter")
	}
	var op berBuf
	s := op.begin(berClassApplication | berConstructed | 3)
	op.string(berOctetString, "")
	op.int(berEnumerated, 0)
	op.int(berEnumerated, 0)
	op.int(berInteger, 0)
	op.int(berInteger, 0)
	op.bool(berBoolean, false)
	op.b = append(op.b, v...)
	op.b = append(op.b, berSequence, 0)
	op.end(s)
	var msg berBuf
	m := msg.begin(berSequence)
	msg.int(berInteger, 1)
	msg.b = append(msg.b, op.b...)
	msg.end(m)
	lm, err := goldapRead(msg.b)
	if err != nil {
		return nil, fmt.Errorf("invalid filter")
	}
	sr, ok := lm.ProtocolOp().(message.SearchRequest)
	if !ok {
		return nil, fmt.Errorf("invalid filter")
	}
	return convertFilter(sr.Filter(), 0)
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
