package ldapserver

import (
	"context"
	"time"
)

// doSearch runs a search (RFC 4511 §4.5): the Root DSE itself, anything else through
// the backend with the effective size and time limits.
func (c *conn) doSearch(op *operation, f frame) {
	req := &f.search
	op.dn, op.scope, op.filter = req.base, req.scope, req.filter
	if req.invalid != "" {
		op.reply(&Result{Code: ProtocolError, Message: req.invalid}, nil, nil)
		return
	}
	cs, ok := op.controls(f, scSearch)
	if !ok {
		return
	}
	sizeLimit := effectiveLimit(req.sizeLimit, c.srv.opts.SizeLimit)
	timeLimit := effectiveLimit(time.Duration(req.timeLimit)*time.Second, c.srv.opts.TimeLimit)
	w := &searchSender{op: op, ctx: op.ctx, typesOnly: req.typesOnly, sizeLimit: sizeLimit}

	if op.dn == "" && op.scope == ScopeBase {
		c.searchRootDSE(op, w, cs, req.filter, req.attrs)
		return
	}
	base, err := c.srv.bases.parse(op.dn)
	if err != nil {
		op.replyErr(err)
		return
	}
	ctx := op.ctx
	if timeLimit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, op.start.Add(timeLimit))
		defer cancel()
		w.ctx = ctx
	}
	sr := &SearchRequest{Header: op.header(cs), Base: base, RawBase: op.dn, Scope: op.scope,
		Deref: req.deref, SizeLimit: sizeLimit, TimeLimit: timeLimit,
		TypesOnly: req.typesOnly, Filter: req.filter, Attributes: req.attrs}
	res, err := c.srv.backend.Search(ctx, sr, w)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded && op.ctx.Err() == nil {
			err = context.DeadlineExceeded
		}
		op.replyErr(err)
		return
	}
	r := Result{Code: Success}
	var ctrls []respControl
	if res != nil {
		if len(res.Referral) > 0 {
			r = Result{Code: Referral, Referral: res.Referral}
		}
		if res.Paged != nil {
			ctrls = append(ctrls, respControl{OID: OIDPagedResults, Value: encodePagedValue(res.Paged)})
		}
		if res.Sort != nil {
			ctrls = append(ctrls, respControl{OID: OIDSortResponse, Value: encodeSortValue(res.Sort)})
		}
	}
	op.reply(&r, nil, ctrls)
}

// effectiveLimit combines a client's limit with the server's: the smaller non-zero
// one wins; 0 means unlimited (a negative server limit is unlimited too).
func effectiveLimit[T int | time.Duration](client, server T) T {
	if server < 0 {
		server = 0
	}
	switch {
	case client <= 0:
		return server
	case server == 0:
		return client
	default:
		return min(client, server)
	}
}

// searchSender is the SearchWriter handed to the backend.
type searchSender struct {
	op        *operation
	ctx       context.Context // the operation's context, with the time limit
	typesOnly bool
	sizeLimit int
}

var errSizeLimit = &Error{Code: SizeLimitExceeded, Message: "size limit exceeded"}

// SendEntry implements SearchWriter.
func (w *searchSender) SendEntry(e *Entry) error {
	op := w.op
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if w.sizeLimit > 0 && op.entries >= w.sizeLimit {
		return errSizeLimit
	}
	b := getBuf()
	*b = appendEntryMessage(*b, op.id, e, w.typesOnly)
	if err := op.c.send(b); err != nil {
		return err
	}
	op.entries++
	return nil
}

// SendReference implements SearchWriter.
func (w *searchSender) SendReference(urls []string) error {
	op := w.op
	if err := w.ctx.Err(); err != nil {
		return err
	}
	b := getBuf()
	*b = appendReferenceMessage(*b, op.id, urls)
	return op.c.send(b)
}
