package ldapserver

import (
	"github.com/lor00x/goldap/message"

	"lightdir/schema"
)

// doCompare runs a compare (RFC 4511 §4.10).
func (c *conn) doCompare(op *operation, f frame) {
	req := f.op.(message.CompareRequest)
	op.dn = string(req.Entry())
	cs, dn, ok := op.target(f, scCompare)
	if !ok {
		return
	}
	ava := req.Ava()
	if len(dn) == 0 {
		c.compareRootDSE(op, cs, string(ava.AttributeDesc()), []byte(ava.AssertionValue()))
		return
	}
	match, err := c.srv.backend.Compare(op.ctx, &CompareRequest{Header: op.header(cs), DN: dn, RawDN: op.dn,
		Attr: string(ava.AttributeDesc()), Value: []byte(ava.AssertionValue())})
	if err != nil {
		op.replyErr(err)
		return
	}
	code := CompareFalse
	if match {
		code = CompareTrue
	}
	op.reply(&Result{Code: code}, nil, nil)
}

// doAdd runs an add (RFC 4511 §4.7).
func (c *conn) doAdd(op *operation, f frame) {
	req := f.op.(message.AddRequest)
	op.dn = string(req.Entry())
	cs, dn, ok := op.target(f, scAdd)
	if !ok {
		return
	}
	ar := &AddRequest{Header: op.header(cs), DN: dn, RawDN: op.dn}
	// goldap has already rejected attributes without values (RFC 4511 §4.7).
	for _, a := range req.Attributes() {
		ar.Attributes = append(ar.Attributes, convertAttribute(a.Type_(), a.Vals()))
	}
	res, err := c.srv.backend.Add(op.ctx, ar)
	op.finishWrite(cs, res, err)
}

// doDelete runs a delete (RFC 4511 §4.8).
func (c *conn) doDelete(op *operation, f frame) {
	op.dn = string(f.op.(message.DelRequest))
	cs, dn, ok := op.target(f, scDelete)
	if !ok {
		return
	}
	res, err := c.srv.backend.Delete(op.ctx, &DeleteRequest{Header: op.header(cs), DN: dn, RawDN: op.dn})
	op.finishWrite(cs, res, err)
}

// doModify runs a modify (RFC 4511 §4.6).
func (c *conn) doModify(op *operation, f frame) {
	req := f.op.(message.ModifyRequest)
	op.dn = string(req.Object())
	cs, dn, ok := op.target(f, scModify)
	if !ok {
		return
	}
	mr := &ModifyRequest{Header: op.header(cs), DN: dn, RawDN: op.dn}
	for _, ch := range req.Changes() {
		m := ch.Modification()
		mr.Changes = append(mr.Changes, Change{Op: ModOp(ch.Operation()), Attribute: convertAttribute(m.Type_(), m.Vals())})
	}
	res, err := c.srv.backend.Modify(op.ctx, mr)
	op.finishWrite(cs, res, err)
}

// doModifyDN runs a modify DN (RFC 4511 §4.9).
func (c *conn) doModifyDN(op *operation, f frame) {
	req := f.op.(message.ModifyDNRequest)
	op.dn = field(req, "entry").String()
	cs, dn, ok := op.target(f, scModifyDN)
	if !ok {
		return
	}
	rawRDN := field(req, "newrdn").String()
	rdn, err := schema.ParseRDN(rawRDN)
	if err != nil {
		op.reply(&Result{Code: InvalidDNSyntax, Message: "invalid new RDN"}, nil, nil)
		return
	}
	mr := &ModifyDNRequest{Header: op.header(cs), DN: dn, RawDN: op.dn, NewRDN: rdn, RawNewRDN: rawRDN,
		DeleteOldRDN: field(req, "deleteoldrdn").Bool()}
	if sup, ok := optString(field(req, "newSuperior")); ok {
		if mr.NewSuperior, err = parseDN(sup); err != nil {
			op.replyErr(err)
			return
		}
		if mr.NewSuperior == nil {
			mr.NewSuperior = schema.DN{}
		}
		mr.RawNewSuperior = &sup
	}
	res, err := c.srv.backend.ModifyDN(op.ctx, mr)
	op.finishWrite(cs, res, err)
}

// target decodes the request's controls and parses its target DN (op.dn),
// answering the client itself when either is bad.
func (op *operation) target(f frame, sc controlScope) (Controls, schema.DN, bool) {
	cs, ok := op.controls(f, sc)
	if !ok {
		return cs, nil, false
	}
	dn, err := parseDN(op.dn)
	if err != nil {
		op.replyErr(err)
		return cs, nil, false
	}
	return cs, dn, true
}
