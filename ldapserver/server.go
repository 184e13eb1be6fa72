package ldapserver

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultMaxPDUSize          = 4 << 20
	DefaultMaxPDUSizeAnonymous = 256 << 10
	DefaultMaxConns            = 4096
	DefaultMaxOpsPerConn       = 128
	DefaultIdleTimeout         = 15 * time.Minute
	DefaultWriteTimeout        = 30 * time.Second
	DefaultTLSHandshakeTimeout = 10 * time.Second
	DefaultSizeLimit           = 500
	DefaultTimeLimit           = time.Hour
	DefaultSubschemaSubentry   = "cn=Subschema"
	DefaultVendorName          = "lightdir"
)

// Options configure a Server. The zero value of each field selects the documented
// default; a negative value disables a limit where that is allowed.
type Options struct {
	// Logger receives one info line per operation and details at debug. nil: no logs.
	Logger *zap.Logger
	// TLSConfig is used for ldaps:// listeners and StartTLS. nil disables both. Set
	// ClientAuth to VerifyClientCertIfGiven (with ClientCAs) to allow SASL EXTERNAL
	// with client certificates.
	TLSConfig *tls.Config

	// MaxPDUSize bounds one request PDU in bytes; a larger request gets a Notice of
	// Disconnection. Default DefaultMaxPDUSize.
	MaxPDUSize int
	// MaxPDUSizeAnonymous is the bound while the connection is not authenticated,
	// so that unauthenticated clients cannot make the server buffer large requests.
	// Default DefaultMaxPDUSizeAnonymous, capped at MaxPDUSize.
	MaxPDUSizeAnonymous int
	// MaxConns bounds concurrent connections; extra ones are closed at once.
	// Default DefaultMaxConns; negative: unlimited.
	MaxConns int
	// MaxOpsPerConn bounds concurrent operations on one connection; extra requests
	// are answered busy. Default DefaultMaxOpsPerConn.
	MaxOpsPerConn int
	// IdleTimeout closes a connection with no outstanding operation that sends
	// nothing for this long. Default DefaultIdleTimeout; negative: never.
	IdleTimeout time.Duration
	// WriteTimeout bounds each write to a client, so a client that stops reading
	// cannot hold an operation forever; the connection is closed when it passes.
	// Default DefaultWriteTimeout; negative: no deadline.
	WriteTimeout time.Duration
	// TLSHandshakeTimeout bounds the ldaps and StartTLS handshakes.
	// Default DefaultTLSHandshakeTimeout.
	TLSHandshakeTimeout time.Duration
	// SizeLimit is the most entries one search returns; a client may ask for fewer.
	// Default DefaultSizeLimit; negative: unlimited.
	SizeLimit int
	// TimeLimit is the longest one search runs; a client may ask for less.
	// Default DefaultTimeLimit; negative: unlimited.
	TimeLimit time.Duration

	// Root DSE values. Defaults: DefaultVendorName, "" and DefaultSubschemaSubentry.
	VendorName        string
	VendorVersion     string
	SubschemaSubentry string
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.MaxPDUSize, DefaultMaxPDUSize)
	def(&o.MaxPDUSizeAnonymous, DefaultMaxPDUSizeAnonymous)
	o.MaxPDUSizeAnonymous = min(o.MaxPDUSizeAnonymous, o.MaxPDUSize)
	def(&o.MaxConns, DefaultMaxConns)
	def(&o.MaxOpsPerConn, DefaultMaxOpsPerConn)
	def(&o.SizeLimit, DefaultSizeLimit)
	defD(&o.IdleTimeout, DefaultIdleTimeout)
	defD(&o.WriteTimeout, DefaultWriteTimeout)
	defD(&o.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	defD(&o.TimeLimit, DefaultTimeLimit)
	if o.VendorName == "" {
		o.VendorName = DefaultVendorName
	}
	if o.SubschemaSubentry == "" {
		o.SubschemaSubentry = DefaultSubschemaSubentry
	}
}

// Server serves LDAPv3 on any number of listeners. Its methods are safe for
// concurrent use.
type Server struct {
	opts    Options
	backend Backend
	log     *zap.Logger

	closing  atomic.Bool
	nextConn atomic.Uint64
	bases    baseCache // parsed search bases
	workers  *workers  // goroutines that run operations

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	connWG    sync.WaitGroup
}

// New returns a Server for b. opts is copied; zero fields take their defaults.
func New(b Backend, opts Options) *Server {
	opts.setDefaults()
	return &Server{
		opts:      opts,
		backend:   b,
		log:       opts.Logger,
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*conn]struct{}),
		workers:   newWorkers(),
	}
}

// ListenAndServe listens on an ldap://, ldaps:// or ldapi:// URL and serves it until
// Shutdown or Close, returning ErrServerClosed then.
func (s *Server) ListenAndServe(rawURL string) error {
	l, err := Listen(rawURL, s.opts.TLSConfig)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve accepts connections on l until Shutdown or Close and returns
// ErrServerClosed then, or the listener's error. Connections from a listener made
// by Listen for ldaps:// start with a TLS handshake; connections on a Unix socket
// carry the peer's credentials as their SASL EXTERNAL identity.
func (s *Server) Serve(l net.Listener) error {
	if !s.trackListener(l, true) {
		l.Close()
		return ErrServerClosed
	}
	defer s.trackListener(l, false)
	_, useTLS := l.(*tlsListener)
	if useTLS && s.opts.TLSConfig == nil {
		return ErrNoTLSConfig
	}
	var backoff time.Duration
	for {
		rw, err := l.Accept()
		if err != nil {
			if s.closing.Load() {
				return ErrServerClosed
			}
			if !errors.Is(err, net.ErrClosed) {
				// EMFILE and friends: wait for resources rather than give up.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("accept failed; retrying", zap.Error(err), zap.Duration("delay", backoff))
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		c := s.newConn(rw, useTLS)
		if c == nil {
			continue
		}
		go c.serve()
	}
}

// ServeTLS is Serve for a plain listener whose connections speak ldaps (TLS first).
func (s *Server) ServeTLS(l net.Listener) error {
	return s.Serve(&tlsListener{l})
}

func (s *Server) trackListener(l net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.closing.Load() {
			return false
		}
		s.listeners[l] = struct{}{}
	} else {
		delete(s.listeners, l)
	}
	return true
}

// newConn registers a connection, or refuses it when the server is closing or full.
func (s *Server) newConn(rw net.Conn, useTLS bool) *conn {
	s.mu.Lock()
	if s.closing.Load() || (s.opts.MaxConns > 0 && len(s.conns) >= s.opts.MaxConns) {
		full := !s.closing.Load()
		s.mu.Unlock()
		if full {
			s.log.Warn("connection refused: too many connections", zap.Stringer("remote", rw.RemoteAddr()))
		}
		if !full || useTLS { // an ldaps client could not read a plain notice
			rw.Close()
			return nil
		}
		go func() { // off the accept loop: the client may be slow to read
			rw.SetWriteDeadline(time.Now().Add(time.Second))
			rw.Write(appendNotice(nil, Busy, "too many connections"))
			rw.Close()
		}()
		return nil
	}
	c := newConn(s, rw, useTLS)
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	s.mu.Unlock()
	return c
}

func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.connWG.Done()
}

// Shutdown stops the server gracefully: it closes the listeners, stops reading new
// requests, lets in-flight operations finish, then sends each client a Notice of
// Disconnection (unavailable) and closes the connection. When ctx ends first, the
// remaining operations are cancelled, their connections closed, and ctx's error
// returned. Serve returns ErrServerClosed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	for l := range s.listeners {
		l.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.drain()
	}
	done := make(chan struct{})
	go func() {
		s.connWG.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close closes the listeners and every connection at once, cancelling in-flight
// operations. Serve returns ErrServerClosed.
func (s *Server) Close() error {
	s.closing.Store(true)
	s.mu.Lock()
	for l := range s.listeners {
		l.Close()
	}
	s.mu.Unlock()
	s.closeConns()
	s.connWG.Wait()
	return nil
}

func (s *Server) closeConns() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.abort(ErrServerClosed)
	}
}
