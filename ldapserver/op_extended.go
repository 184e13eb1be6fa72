package ldapserver

import (
	"fmt"

	"github.com/lor00x/goldap/message"
	"go.uber.org/zap"
)

// doExtended runs an extended operation other than StartTLS (RFC 4511 §4.12).
func (c *conn) doExtended(op *operation, f frame) {
	req := f.op.(message.ExtendedRequest)
	var value []byte
	if v := req.RequestValue(); v != nil {
		value = []byte(*v)
	}
	cs, ok := op.controls(f, scExtended)
	if !ok {
		return
	}
	switch op.oid {
	case OIDWhoAmI:
		c.whoAmI(op, cs, value)
	case OIDCancel:
		c.cancelOp(op, value)
	case OIDPasswordModify:
		c.passwordModify(op, cs, value)
	default:
		res, err := c.srv.backend.Extended(op.ctx, &ExtendedRequest{Header: op.header(cs), OID: op.oid, Value: value})
		if err != nil {
			op.replyErr(err)
			return
		}
		ext := &extFields{}
		if res != nil {
			ext.name, ext.value = res.OID, res.Value
		}
		op.reply(&Result{Code: Success}, ext, nil)
	}
}

// whoAmI answers RFC 4532: "dn:<identity>", or empty for anonymous.
func (c *conn) whoAmI(op *operation, cs Controls, value []byte) {
	switch {
	case value != nil:
		op.reply(&Result{Code: ProtocolError, Message: "WhoAmI takes no request value"}, nil, nil)
		return
	case cs.ProxiedAuthz != nil:
		op.reply(&Result{Code: UnavailableCriticalExtension, Message: "proxied authorization is not supported with WhoAmI"}, nil, nil)
		return
	}
	id := c.session().Identity
	authz := []byte{}
	if id != "" {
		authz = []byte("dn:" + id)
	}
	op.reply(&Result{Code: Success}, &extFields{value: authz}, nil)
}

// cancelOp implements RFC 3909: cancel the target, wait for it to end, and report
// whether it was cancelled (success) or had already finished its work (tooLate).
func (c *conn) cancelOp(op *operation, value []byte) {
	target, err := decodeCancel(value)
	if err != nil {
		op.reply(&Result{Code: ProtocolError, Message: err.Error()}, nil, nil)
		return
	}
	c.mu.Lock()
	t := c.ops[target]
	c.mu.Unlock()
	switch {
	case t == nil || t == op:
		op.reply(&Result{Code: NoSuchOperation, Message: fmt.Sprintf("no outstanding operation %d", target)}, nil, nil)
		return
	case t.kind == opExtended && (t.oid == OIDCancel || t.oid == OIDStartTLS):
		op.reply(&Result{Code: CannotCancel, Message: "operation cannot be cancelled"}, nil, nil)
		return
	case !t.cancelRequested.CompareAndSwap(false, true):
		// As slapd answers it; RFC 3909 names no code for this case.
		op.reply(&Result{Code: ProtocolError, Message: fmt.Sprintf("operation %d is already being cancelled", target)}, nil, nil)
		return
	}
	t.cancel(errCanceled)
	select {
	case <-t.done:
	case <-op.ctx.Done():
		op.replyErr(op.ctx.Err())
		return
	}
	if t.code == Canceled {
		op.reply(&Result{Code: Success}, nil, nil)
	} else {
		op.reply(&Result{Code: TooLate, Message: "operation completed before it could be cancelled"}, nil, nil)
	}
}

func decodeCancel(v []byte) (int32, error) {
	r := berReader{buf: v}
	seq, err := r.expect(berSequence)
	if err != nil || r.more() {
		return 0, fmt.Errorf("invalid cancel request value")
	}
	sr := berReader{buf: seq.Content}
	id, err := sr.expect(berInteger)
	if err != nil || sr.more() {
		return 0, fmt.Errorf("invalid cancel request value")
	}
	n, err := berInt(id.Content)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid cancel request value")
	}
	return int32(n), nil
}

// passwordModify decodes an RFC 3062 request and passes it to the backend.
func (c *conn) passwordModify(op *operation, cs Controls, value []byte) {
	req := &PasswordModifyRequest{Header: op.header(cs)}
	if err := decodePasswordModify(value, req); err != nil {
		op.reply(&Result{Code: ProtocolError, Message: err.Error()}, nil, nil)
		return
	}
	op.dn = req.UserIdentity
	if req.Session.Identity == "" {
		// As slapd: anonymous clients change no password, named or not.
		op.reply(&Result{Code: StrongerAuthRequired, Message: "only authenticated users may change passwords"}, nil, nil)
		return
	}
	res, err := c.srv.backend.PasswordModify(op.ctx, req)
	if err != nil {
		op.replyErr(err)
		return
	}
	var ext *extFields
	if res != nil && res.GeneratedPassword != nil {
		var w berBuf
		s := w.begin(berSequence)
		w.bytes(berClassContext|0, res.GeneratedPassword)
		w.end(s)
		ext = &extFields{value: w.b}
	}
	op.reply(&Result{Code: Success}, ext, nil)
}

// decodePasswordModify reads PasswdModifyRequestValue ::= SEQUENCE {
// userIdentity [0] OPTIONAL, oldPasswd [1] OPTIONAL, newPasswd [2] OPTIONAL }.
// An absent value is an empty request.
func decodePasswordModify(v []byte, req *PasswordModifyRequest) error {
	if v == nil {
		return nil
	}
	r := berReader{buf: v}
	seq, err := r.expect(berSequence)
	if err != nil || r.more() {
		return fmt.Errorf("invalid password modify request value")
	}
	sr := berReader{buf: seq.Content}
	last := -1
	for sr.more() {
		e, err := sr.next()
		if err != nil {
			return fmt.Errorf("invalid password modify request value")
		}
		n := int(e.Tag) - berClassContext
		if n <= last || n > 2 {
			return fmt.Errorf("invalid password modify request value")
		}
		last = n
		switch n {
		case 0:
			req.UserIdentity = string(e.Content)
		case 1:
			req.OldPassword = append([]byte{}, e.Content...)
		case 2:
			req.NewPassword = append([]byte{}, e.Content...)
		}
	}
	return nil
}

// startTLS runs the StartTLS extended operation in the read loop (RFC 4511 §4.14,
// RFC 4513 §3): refuse while other operations are outstanding, otherwise answer,
// flush, and upgrade the transport under the handshake timeout; the session is
// anonymous afterwards. It returns false when the connection must close.
func (c *conn) startTLS(f frame) bool {
	op := c.newOp(f, false)
	defer op.end()
	if _, ok := op.controls(f, scExtended); !ok {
		return true
	}
	req := f.op.(message.ExtendedRequest)
	c.mu.Lock()
	already := c.tls
	c.mu.Unlock()
	switch {
	case req.RequestValue() != nil:
		// RFC 4511 §4.14.1: the requestValue is absent (slapd: protocolError).
		op.reply(&Result{Code: ProtocolError, Message: "StartTLS takes no request value"}, nil, nil)
		return true
	case c.srv.opts.TLSConfig == nil:
		op.reply(&Result{Code: ProtocolError, Message: "StartTLS is not configured"}, nil, nil)
		return true
	case already:
		op.reply(&Result{Code: OperationsError, Message: "TLS is already established"}, nil, nil)
		return true
	case c.outstanding() > 0:
		op.reply(&Result{Code: OperationsError, Message: "other operations are outstanding"}, nil, nil)
		return true
	}
	r := &Result{Code: Success}
	b := getBuf()
	*b = appendResponse(*b, op.id, tagExtendedResponse, r, &extFields{name: OIDStartTLS}, nil)
	op.replied, op.code = true, Success
	op.log(r)
	resume := make(chan struct{})
	defer close(resume)
	if err := c.sendFlushed(b, resume); err != nil {
		return false
	}
	if c.br.Buffered() > 0 {
		c.log.Info("client sent data before the TLS handshake; closing")
		return false
	}
	if err := c.handshake(); err != nil {
		c.log.Info("starttls handshake failed", zap.Error(err))
		return false
	}
	// A bind made in the clear does not carry over into the TLS session
	// (RFC 4513 §4; slapd's default, "STARTTLS anonymous"): a man in the
	// middle could have injected it before the client's StartTLS.
	c.setAuth("", "")
	c.br.Reset(c.rwc)
	return true
}
