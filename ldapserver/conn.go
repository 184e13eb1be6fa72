package ldapserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"lightdir/schema"
)

// outMsg is one encoded response on its way to the writer goroutine.
type outMsg struct {
	b *[]byte // pooled; the writer returns it to bufPool
	// flushed, when set, is closed once the message has been flushed to the socket.
	flushed chan struct{}
	// resume, when set, holds the writer after flushing until the reader has
	// replaced the transport (StartTLS).
	resume chan struct{}
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) <= 64<<10 {
		*b = (*b)[:0]
		bufPool.Put(b)
	}
}

// conn is one client connection. One reader goroutine (serve) reads and decodes
// requests and dispatches them; operations run in their own goroutines; one writer
// goroutine (writeLoop) owns writes to the socket.
type conn struct {
	srv    *Server
	id     uint64
	log    *zap.Logger
	remote net.Addr
	tlsNow bool // ldaps: handshake before anything else

	// rwc is the transport. The reader owns it; it is replaced only during
	// StartTLS, while the writer is parked on a resume channel.
	rwc     net.Conn
	br      *bufio.Reader
	rbuf    []byte
	scratch []byte

	ctx        context.Context // cancelled when the connection ends
	cancel     context.CancelCauseFunc
	out        chan outMsg
	dead       chan struct{} // closed once the connection is being torn down
	deadOnce   sync.Once
	writerDone chan struct{}
	draining   atomic.Bool
	opWG       sync.WaitGroup
	// writing is set while the writer holds responses it has not flushed, and
	// lastWrite is when it last flushed them to the transport (UnixNano): a
	// connection whose client is receiving results is not idle.
	writing   atomic.Bool
	lastWrite atomic.Int64

	mu         sync.Mutex // guards everything below
	ops        map[int32]*operation
	lastDone   time.Time // when an operation last finished (guarded by mu)
	opSeq      uint64
	identity   string    // authorization identity; "" = anonymous
	identityDN schema.DN // identity parsed once at bind time; shared, read-only
	method     string
	tls        bool
	local      bool
	external   string // SASL EXTERNAL identity offered by the transport
}

func newConn(s *Server, rw net.Conn, useTLS bool) *conn {
	c := &conn{
		srv:        s,
		id:         s.nextConn.Add(1),
		remote:     rw.RemoteAddr(),
		tlsNow:     useTLS,
		rwc:        rw,
		out:        make(chan outMsg, 64),
		dead:       make(chan struct{}),
		writerDone: make(chan struct{}),
		ops:        make(map[int32]*operation),
	}
	c.log = s.log.With(zap.Uint64("conn", c.id))
	c.ctx, c.cancel = context.WithCancelCause(context.Background())
	return c
}

// serve runs the connection: handshake and identification, then the read loop.
func (c *conn) serve() {
	defer c.finish()
	defer func() {
		// Last resort for a bug in the read loop (operations recover their own
		// panics): log it and close this connection only.
		if p := recover(); p != nil {
			c.log.Error("panic in connection", zap.Any("panic", p), zap.Stack("stack"))
			c.abort(errAbandoned)
		}
	}()
	if c.tlsNow {
		if err := c.handshake(); err != nil {
			c.log.Info("tls handshake failed", zap.Error(err))
			return
		}
	}
	c.identifyPeer()
	c.log.Info("connection accepted", zap.Stringer("remote", c.remote), zap.Bool("tls", c.tls),
		zap.String("external", c.external))
	c.br = bufio.NewReaderSize(c.rwc, 16<<10)
	go c.writeLoop()
	for {
		pdu, err := c.readPDU()
		if err != nil {
			c.readFailed(err)
			return
		}
		f, err := decodeFrame(pdu, &c.scratch)
		if len(c.rbuf) > 64<<10 {
			c.rbuf = nil
		}
		if cap(c.scratch) > 64<<10 {
			c.scratch = nil
		}
		if err != nil {
			c.log.Info("malformed request; disconnecting", zap.Error(err))
			c.noticeAndClose(ProtocolError, "malformed request")
			return
		}
		if !c.dispatch(f) {
			return
		}
	}
}

// readFailed ends the read loop after a read error, telling the client why when the
// protocol asks for it.
func (c *conn) readFailed(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, errDraining):
		c.opWG.Wait()
		c.noticeAndClose(Unavailable, "server shutting down")
	case errors.Is(err, ErrPDUTooLarge), errors.Is(err, ErrMalformed):
		c.log.Info("bad request framing; disconnecting", zap.Error(err))
		c.noticeAndClose(ProtocolError, strings.TrimPrefix(err.Error(), "ldapserver: "))
	case errors.As(err, &ne) && ne.Timeout():
		c.log.Info("idle timeout; closing")
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), errors.Is(err, io.ErrUnexpectedEOF):
		c.log.Debug("connection closed by peer or server", zap.Error(err))
	default:
		c.log.Info("read failed", zap.Error(err))
	}
}

// readPDU reads one complete LDAPMessage, at most MaxPDUSize bytes. The returned
// slice is valid until the next call.
func (c *conn) readPDU() ([]byte, error) {
	o := &c.srv.opts
	for {
		c.setReadDeadline(o.IdleTimeout)
		if c.draining.Load() {
			return nil, errDraining
		}
		_, err := c.br.Peek(1)
		if err == nil {
			break
		}
		if c.draining.Load() {
			return nil, errDraining
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() && c.busySince(o.IdleTimeout) {
			continue // not idle: operations are running or just finished
		}
		return nil, err
	}
	// A started PDU must arrive in full within another idle period. This may
	// replace the deadline drain set, hence the check after it.
	c.setReadDeadline(o.IdleTimeout)
	if c.draining.Load() {
		return nil, errDraining
	}
	hdr, err := c.br.Peek(2)
	if err != nil {
		return nil, c.readErr(err)
	}
	if hdr[0] != berSequence {
		return nil, fmt.Errorf("%w: tag %#x where an LDAPMessage starts", ErrMalformed, hdr[0])
	}
	hlen := 2
	if hdr[1] > 0x80 && hdr[1] <= 0x84 {
		hlen += int(hdr[1] & 0x7f)
	}
	if hdr, err = c.br.Peek(hlen); err != nil {
		return nil, c.readErr(err)
	}
	_, length, hlen, err := berHeader(hdr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	total := hlen + length
	limit := o.MaxPDUSize
	if c.session().Identity == "" {
		limit = o.MaxPDUSizeAnonymous
	}
	if total > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrPDUTooLarge, total, limit)
	}
	// Grow the buffer as data arrives rather than trusting the announced length, so
	// a client cannot make the server allocate MaxPDUSize per connection for free.
	buf := c.rbuf[:0]
	for len(buf) < total {
		chunk := min(total-len(buf), max(len(buf), 64<<10))
		buf = slices.Grow(buf, chunk)
		n, err := io.ReadFull(c.br, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+n]
		if err != nil {
			return nil, c.readErr(err)
		}
	}
	c.rbuf = buf
	return buf, nil
}

// readErr reports a read that Shutdown interrupted (drain moved the deadline) as
// errDraining, so that in-flight operations are answered and a notice is sent
// rather than the connection being dropped as idle.
func (c *conn) readErr(err error) error {
	if c.draining.Load() {
		return errDraining
	}
	return err
}

func (c *conn) setReadDeadline(d time.Duration) {
	if d > 0 {
		c.rwc.SetReadDeadline(time.Now().Add(d))
	} else {
		c.rwc.SetReadDeadline(time.Time{})
	}
}

// writeLoop is the connection's only writer. It flushes whenever its queue is empty,
// so bursts of responses (search entries) go out in few system calls.
func (c *conn) writeLoop() {
	defer close(c.writerDone)
	defer func() {
		if p := recover(); p != nil { // last resort, as in serve
			c.log.Error("panic in connection writer", zap.Any("panic", p), zap.Stack("stack"))
			c.abort(errAbandoned)
		}
	}()
	wc := c.rwc
	bw := bufio.NewWriterSize(wc, 32<<10)
	wt := c.srv.opts.WriteTimeout
	for {
		var m outMsg
		select {
		case m = <-c.out:
		case <-c.dead:
			return
		}
		c.writing.Store(true)
		if wt > 0 {
			wc.SetWriteDeadline(time.Now().Add(wt))
		}
		_, err := bw.Write(*m.b)
		putBuf(m.b)
		flushed := false
		if err == nil && (len(c.out) == 0 || m.flushed != nil) {
			err, flushed = bw.Flush(), true
		}
		if err != nil {
			c.log.Info("write failed; closing", zap.Error(err))
			c.abort(err)
			return
		}
		if flushed {
			// While writing is set the connection counts as busy anyway:
			// the time matters from the flush on.
			c.lastWrite.Store(time.Now().UnixNano())
			c.writing.Store(false)
		}
		if m.flushed != nil {
			close(m.flushed)
		}
		if m.resume != nil {
			select {
			case <-m.resume:
			case <-c.dead:
				return
			}
			wc = c.rwc // replaced by StartTLS; published by closing resume
			bw.Reset(wc)
		}
	}
}

// send queues an encoded message for the writer. It takes ownership of b.
func (c *conn) send(b *[]byte) error {
	select {
	case c.out <- outMsg{b: b}:
		return nil
	case <-c.dead:
		putBuf(b)
		return errConnClosed
	}
}

// sendFlushed queues b and waits until it has been flushed (or the connection died).
// With resume set, the writer then waits for resume to be closed.
func (c *conn) sendFlushed(b *[]byte, resume chan struct{}) error {
	m := outMsg{b: b, flushed: make(chan struct{}), resume: resume}
	select {
	case c.out <- m:
	case <-c.dead:
		putBuf(b)
		return errConnClosed
	}
	select {
	case <-m.flushed:
		return nil
	case <-c.dead:
		return errConnClosed
	}
}

// noticeAndClose sends a Notice of Disconnection, waits for it to be flushed, and
// tears the connection down.
func (c *conn) noticeAndClose(code ResultCode, msg string) {
	b := getBuf()
	*b = appendNotice(*b, code, msg)
	c.sendFlushed(b, nil)
	c.abort(errAbandoned)
}

// abort tears the connection down now: operations are cancelled, the writer stops,
// the socket closes. cause is for the debug log; callers log anything more
// important themselves. Safe to call from any goroutine, more than once.
func (c *conn) abort(cause error) {
	c.log.Debug("connection aborted", zap.Error(cause))
	c.cancel(errAbandoned)
	c.deadOnce.Do(func() {
		close(c.dead)
		c.transport().Close()
	})
}

// drain asks the connection to stop reading requests (Shutdown). The read loop then
// waits for in-flight operations and says goodbye with a Notice of Disconnection.
func (c *conn) drain() {
	c.draining.Store(true)
	c.transport().SetReadDeadline(time.Now())
}

// transport returns the current transport for use outside the read loop.
func (c *conn) transport() net.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rwc
}

// finish runs when the read loop ends. Operations still running are abandoned: the
// client is gone or has unbound, so they send nothing more.
func (c *conn) finish() {
	c.mu.Lock()
	for _, op := range c.ops {
		op.abandoned.Store(true)
	}
	c.mu.Unlock()
	c.cancel(errAbandoned)
	c.opWG.Wait()
	c.abort(errAbandoned)
	if c.br != nil { // the writer was started
		<-c.writerDone
	}
	if o, ok := c.srv.backend.(ConnObserver); ok {
		o.ConnClosed(c.id)
	}
	c.srv.removeConn(c)
	c.log.Info("connection closed")
}

// busySince reports whether an operation is running or finished within d, or
// responses are still being sent or were within d: a connection is idle only
// after d with nothing outstanding and nothing sent, so a response that was
// just queued is never cut off by an idle close, nor are the queued results of
// finished operations that a slow client is still receiving (a client that
// stops reading is for the write timeout to close).
func (c *conn) busySince(d time.Duration) bool {
	if len(c.out) > 0 || c.writing.Load() || time.Since(time.Unix(0, c.lastWrite.Load())) < d {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ops) > 0 || time.Since(c.lastDone) < d
}

func (c *conn) outstanding() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ops)
}

// session returns a snapshot of the connection's authentication state.
func (c *conn) session() Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Session{ConnID: c.id, Identity: c.identity, IdentityDN: c.identityDN, AuthMethod: c.method, TLS: c.tls,
		Local: c.local, RemoteAddr: c.remote}
}

// handshake runs a server-side TLS handshake on c.rwc under the handshake timeout and
// makes the TLS connection the transport.
func (c *conn) handshake() error {
	tc := tls.Server(c.rwc, c.srv.opts.TLSConfig)
	ctx, cancel := context.WithTimeout(c.ctx, c.srv.opts.TLSHandshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		return err
	}
	c.mu.Lock()
	c.rwc = tc
	c.tls = true
	if certs := tc.ConnectionState().PeerCertificates; len(certs) > 0 {
		c.external = certSubjectDN(certs[0])
	}
	c.mu.Unlock()
	return nil
}

// identifyPeer records the peer credentials of an ldapi connection.
func (c *conn) identifyPeer() {
	uc, ok := c.rwc.(*net.UnixConn)
	if !ok {
		return
	}
	id, err := peerCred(uc)
	c.mu.Lock()
	c.local = true
	if err == nil {
		c.external = id
	}
	c.mu.Unlock()
	if err != nil {
		c.log.Info("peer credentials unavailable", zap.Error(err))
	}
}
