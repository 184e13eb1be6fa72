package ldapserver

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/lor00x/goldap/message"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"lightdir/schema"
)

// operation is one request in progress.
type operation struct {
	c     *conn
	id    int32
	num   uint64 // per-connection operation number, for logs
	kind  opKind
	start time.Time

	ctx    context.Context
	cancel context.CancelCauseFunc
	// abandoned suppresses every further response (Abandon, RFC 4511 §4.11).
	abandoned atomic.Bool
	// cancelRequested is set by the first Cancel of this operation; a second
	// one is refused rather than waiting and reporting the same outcome.
	cancelRequested atomic.Bool
	// registered operations are in conn.ops, where Abandon and Cancel find them;
	// Bind, StartTLS and refused requests are not.
	registered bool
	done       chan struct{}
	replied    bool
	code       ResultCode // final result code; read by Cancel after done

	// Log details, filled by the handler.
	dn      string
	filter  *schema.Filter
	scope   Scope
	oid     string
	entries int
}

// dispatch handles one decoded request. It returns false when the connection must
// end (Unbind, failed StartTLS).
func (c *conn) dispatch(f frame) bool {
	if ce := c.log.Check(zapcore.DebugLevel, "request"); ce != nil {
		oids := make([]string, len(f.controls))
		for i, rc := range f.controls {
			oids[i] = rc.OID
			if rc.Critical {
				oids[i] = "!" + rc.OID
			}
		}
		ce.Write(zap.Int32("msgid", f.id), zap.Stringer("type", f.kind), zap.Strings("controls", oids))
	}
	switch f.kind {
	case opUnbind:
		c.logSimple(f.id, "UNBIND")
		return false
	case opAbandon:
		target := int32(f.op.(message.AbandonRequest))
		found := c.abandon(target)
		c.logSimple(f.id, "ABANDON", zap.Int32("target", target), zap.Bool("found", found))
		return true
	case opBind:
		// RFC 4511 §4.2.1: no operation may run concurrently with a bind.
		c.opWG.Wait()
		op := c.newOp(f, false)
		op.run(f)
		return true
	case opExtended:
		if string(extOID(f)) == OIDStartTLS {
			return c.startTLS(f)
		}
	}
	c.mu.Lock()
	_, dup := c.ops[f.id]
	busy := len(c.ops) >= c.srv.opts.MaxOpsPerConn
	c.mu.Unlock()
	if dup || busy {
		op := c.newOp(f, false)
		if dup {
			op.reply(&Result{Code: ProtocolError, Message: "message ID already in use"}, nil, nil)
		} else {
			op.reply(&Result{Code: Busy, Message: "too many outstanding operations"}, nil, nil)
		}
		op.end()
		return true
	}
	op := c.newOp(f, true)
	c.srv.workers.run(func() { op.run(f) })
	return true
}

func extOID(f frame) message.LDAPOID {
	r := f.op.(message.ExtendedRequest)
	return r.RequestName()
}

// newOp creates an operation; registered ones can be abandoned and cancelled.
func (c *conn) newOp(f frame, register bool) *operation {
	op := &operation{c: c, id: f.id, kind: f.kind, start: time.Now(), done: make(chan struct{}),
		registered: register}
	if f.kind == opExtended {
		// Set before the operation is visible in c.ops: Cancel reads it.
		op.oid = string(extOID(f))
	}
	op.ctx, op.cancel = context.WithCancelCause(c.ctx)
	c.mu.Lock()
	c.opSeq++
	op.num = c.opSeq
	if register {
		c.ops[f.id] = op
		c.opWG.Add(1)
	}
	c.mu.Unlock()
	return op
}

// abandon cancels the operation with message ID id and silences it.
func (c *conn) abandon(id int32) bool {
	c.mu.Lock()
	op := c.ops[id]
	c.mu.Unlock()
	if op == nil {
		return false
	}
	op.abandoned.Store(true)
	op.cancel(errAbandoned)
	return true
}

// run executes the operation, recovering a panic into an `other` response.
func (op *operation) run(f frame) {
	defer op.end()
	defer func() {
		if p := recover(); p != nil {
			op.c.log.Error("panic in operation", zap.Uint64("op", op.num), zap.Stringer("type", op.kind),
				zap.Any("panic", p), zap.Stack("stack"))
			if !op.replied {
				op.reply(&Result{Code: Other, Message: "internal error"}, nil, nil)
			}
		}
	}()
	switch f.kind {
	case opBind:
		op.c.doBind(op, f)
	case opSearch:
		op.c.doSearch(op, f)
	case opCompare:
		op.c.doCompare(op, f)
	case opAdd:
		op.c.doAdd(op, f)
	case opDelete:
		op.c.doDelete(op, f)
	case opModify:
		op.c.doModify(op, f)
	case opModifyDN:
		op.c.doModifyDN(op, f)
	case opExtended:
		op.c.doExtended(op, f)
	default:
		panic(fmt.Sprintf("ldapserver: no handler for %v", f.kind))
	}
	if !op.replied {
		panic("ldapserver: operation finished without a response")
	}
}

func (op *operation) end() {
	op.cancel(errAbandoned)
	if op.registered {
		op.unregister()
		close(op.done)
		op.c.opWG.Done()
	} else {
		close(op.done)
	}
}

// unregister removes a registered operation from conn.ops. reply calls it before
// the final response is queued: once the client has that response it may reuse
// the message ID (RFC 4511 §4.1.1.1), send StartTLS or more requests. A later
// operation may already have taken the ID, so only this one is removed.
func (op *operation) unregister() {
	if !op.registered {
		return
	}
	op.c.mu.Lock()
	if op.c.ops[op.id] == op {
		delete(op.c.ops, op.id)
	}
	op.c.lastDone = time.Now()
	op.c.mu.Unlock()
}

// header builds the common request header with decoded controls.
func (op *operation) header(cs Controls) Header {
	return Header{MessageID: op.id, Session: op.c.session(), Controls: cs}
}

var respTags = [...]byte{
	opBind: tagBindResponse, opSearch: tagSearchDone, opModify: tagModifyResponse,
	opAdd: tagAddResponse, opDelete: tagDelResponse, opModifyDN: tagModDNResponse,
	opCompare: tagCompareResponse, opExtended: tagExtendedResponse,
}

// replyErr answers with the result for err (see resultFor), taking the context's
// cause into account so abandoned, cancelled and timed-out operations are told apart.
func (op *operation) replyErr(err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if cause := context.Cause(op.ctx); cause != nil && !errors.Is(err, cause) {
			err = cause
		}
	}
	if errors.Is(err, errConnClosed) {
		// A response could not be sent: the client is gone or its connection
		// was cut. The operation is abandoned, no server failure.
		op.abandoned.Store(true)
		err = errAbandoned
	}
	r := resultFor(err)
	if r.Code == Other {
		op.c.log.Warn("operation failed", zap.Uint64("op", op.num), zap.Stringer("type", op.kind), zap.Error(err))
	}
	op.reply(&r, nil, nil)
}

// reply sends the final response and logs the operation. Abandoned operations send
// nothing (RFC 4511 §4.11).
func (op *operation) reply(r *Result, ext *extFields, ctrls []respControl) {
	op.replied = true
	op.code = r.Code
	op.unregister()
	if !op.abandoned.Load() {
		b := getBuf()
		*b = appendResponse(*b, op.id, respTags[op.kind], r, ext, ctrls)
		// An error means the connection is gone; the line below still logs the op.
		_ = op.c.send(b)
	}
	op.log(r)
}

// AccessLogMessage is the message of the one info line logged per
// operation, so that a log sink can treat these lines (the access log) apart.
const AccessLogMessage = "operation"

// log writes the one info line per operation.
func (op *operation) log(r *Result) {
	ce := op.c.log.Check(zapcore.InfoLevel, AccessLogMessage)
	if ce == nil {
		return
	}
	fields := make([]zap.Field, 0, 12)
	fields = append(fields, zap.Uint64("op", op.num), zap.Int32("msgid", op.id),
		zap.Stringer("type", op.kind), zap.String("dn", op.dn))
	switch op.kind {
	case opSearch:
		fields = append(fields, zap.Stringer("scope", op.scope), zap.Stringer("filter", op.filter),
			zap.Int("entries", op.entries))
	case opExtended:
		fields = append(fields, zap.String("oid", op.oid))
	}
	fields = append(fields, zap.Int("result", int(r.Code)), zap.Stringer("code", r.Code))
	if op.abandoned.Load() {
		fields = append(fields, zap.Bool("abandoned", true))
	}
	fields = append(fields, zap.Duration("elapsed", time.Since(op.start)))
	ce.Write(fields...)
	if r.Message != "" && r.Code != Success {
		op.c.log.Debug("operation diagnostic", zap.Uint64("op", op.num), zap.String("message", r.Message))
	}
}

// logSimple logs an operation without a response (Unbind, Abandon).
func (c *conn) logSimple(id int32, typ string, extra ...zap.Field) {
	c.mu.Lock()
	c.opSeq++
	num := c.opSeq
	c.mu.Unlock()
	ce := c.log.Check(zapcore.InfoLevel, AccessLogMessage)
	if ce == nil {
		return
	}
	ce.Write(append([]zap.Field{zap.Uint64("op", num), zap.Int32("msgid", id), zap.String("type", typ)}, extra...)...)
}

// controls decodes the operation's controls for scope sc; on failure it answers and
// returns false.
func (op *operation) controls(f frame, sc controlScope) (Controls, bool) {
	cs, err := decodeControls(f.controls, sc)
	if err != nil {
		op.replyErr(err)
		return cs, false
	}
	return cs, true
}

// writeControls turns a WriteResult into response controls.
func writeControls(res *WriteResult) []respControl {
	if res == nil {
		return nil
	}
	var out []respControl
	if res.PreRead != nil {
		out = append(out, respControl{OID: OIDPreRead, Value: encodeEntryValue(res.PreRead)})
	}
	if res.PostRead != nil {
		out = append(out, respControl{OID: OIDPostRead, Value: encodeEntryValue(res.PostRead)})
	}
	return out
}

// finishWrite answers an update operation.
func (op *operation) finishWrite(cs Controls, res *WriteResult, err error) {
	if err != nil {
		op.replyErr(err)
		return
	}
	r := Result{Code: Success}
	if cs.NoOp {
		r.Code = NoOperation
	}
	op.reply(&r, nil, writeControls(res))
}
