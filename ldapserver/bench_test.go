package ldapserver

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
)

// benchBackend answers every search with one fixed entry, so the benchmark measures
// the protocol layer only.
type benchBackend struct {
	*memBackend
	entry Entry
}

func (b *benchBackend) Search(ctx context.Context, req *SearchRequest, w SearchWriter) (*SearchResult, error) {
	if err := w.SendEntry(&b.entry); err != nil {
		return nil, err
	}
	return nil, nil
}

// benchConn is an in-memory net.Conn: reads produce n search requests with distinct
// message IDs, at most benchWindow outstanding at a time (so none is answered busy);
// writes are parsed just enough to count SearchResultDone messages and their
// result codes.
type benchConn struct {
	req    []byte // request template; message ID is 4 bytes at idOff
	idOff  int
	n      int
	sent   int
	pend   []byte
	window chan struct{} // one token per request sent and not yet answered

	mu     sync.Mutex
	out    []byte
	done   int
	failed int // SearchResultDone messages with a code other than success
	allIn  chan struct{}
	closed chan struct{}
	once   sync.Once
}

// benchWindow is how many requests the benchmark client keeps outstanding: well
// below DefaultMaxOpsPerConn, so the server runs every one.
const benchWindow = DefaultMaxOpsPerConn / 4

func (c *benchConn) Read(p []byte) (int, error) {
	if c.sent == c.n && len(c.pend) == 0 {
		<-c.closed
		return 0, io.EOF
	}
	for len(c.pend) < len(p) && c.sent < c.n && c.take(len(c.pend) == 0) {
		c.sent++
		id := c.sent
		c.req[c.idOff], c.req[c.idOff+1], c.req[c.idOff+2], c.req[c.idOff+3] = byte(id>>24), byte(id>>16), byte(id>>8), byte(id)
		c.pend = append(c.pend, c.req...)
	}
	if len(c.pend) == 0 {
		return 0, io.EOF // closed while waiting for a slot
	}
	n := copy(p, c.pend)
	c.pend = c.pend[:copy(c.pend, c.pend[n:])]
	return n, nil
}

// take reserves a window slot for one more request. It waits for one only when
// wait is set (the reader has nothing else to return) and fails once closed.
func (c *benchConn) take(wait bool) bool {
	if !wait {
		select {
		case c.window <- struct{}{}:
			return true
		default:
			return false
		}
	}
	select {
	case c.window <- struct{}{}:
		return true
	case <-c.closed:
		return false
	}
}

func (c *benchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = append(c.out, p...)
	for len(c.out) >= 6 || (len(c.out) >= 2 && c.out[1] < 0x80) {
		_, length, hlen, err := berHeader(c.out)
		if err != nil || len(c.out) < hlen+length {
			break
		}
		// LDAPMessage: skip the message ID TLV, look at the protocolOp tag and, in a
		// SearchResultDone (short-form length), at its resultCode value.
		idLen := int(c.out[hlen+1])
		if op := hlen + 2 + idLen; c.out[op] == tagSearchDone {
			if c.out[op+2] != berEnumerated || c.out[op+4] != byte(Success) {
				c.failed++
			}
			<-c.window
			c.done++
			if c.done == c.n {
				close(c.allIn)
			}
		}
		c.out = c.out[:copy(c.out, c.out[hlen+length:])]
	}
	return len(p), nil
}

func (c *benchConn) Close() error                     { c.once.Do(func() { close(c.closed) }); return nil }
func (c *benchConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *benchConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *benchConn) SetDeadline(time.Time) error      { return nil }
func (c *benchConn) SetReadDeadline(time.Time) error  { return nil }
func (c *benchConn) SetWriteDeadline(time.Time) error { return nil }

// BenchmarkProtocol_searchOneEntry measures decode -> dispatch -> in-memory backend ->
// encode -> write for a search returning one entry, through a real connection
// handler (reader, operation and writer goroutines) with logging disabled.
func BenchmarkProtocol_searchOneEntry(b *testing.B) {
	benchProtocol(b, zap.NewNop())
}

func benchProtocol(b *testing.B, log *zap.Logger) {
	be := &benchBackend{memBackend: newMemBackend(), entry: Entry{DN: aliceDN, Attributes: []Attribute{
		{Type: "objectClass", Values: [][]byte{[]byte("top"), []byte("inetOrgPerson")}},
		{Type: "uid", Values: [][]byte{[]byte("alice")}},
		{Type: "cn", Values: [][]byte{[]byte("Alice Liddell")}},
		{Type: "mail", Values: [][]byte{[]byte("alice@example.com")}},
	}}}
	srv := New(be, Options{Logger: log})
	var eq berBuf
	s := eq.begin(tagFilterEquality)
	eq.string(berOctetString, "uid")
	eq.string(berOctetString, "alice")
	eq.end(s)
	// Message ID as a fixed 4-byte INTEGER (0x02 0x04 ....) so it can be patched.
	var w berBuf
	m := w.begin(berSequence)
	w.b = append(w.b, berInteger, 4, 0, 0, 0, 1)
	w.b = append(w.b, searchOp("ou=people,"+testSuffix, 2, eq.b, "cn", "mail")...)
	w.end(m)
	idOff := 4
	if w.b[1]&0x80 != 0 {
		idOff += int(w.b[1] & 0x7f)
	}
	bc := &benchConn{req: w.b, idOff: idOff, n: b.N, window: make(chan struct{}, benchWindow),
		allIn: make(chan struct{}), closed: make(chan struct{})}
	c := srv.newConn(bc, false)
	b.ReportAllocs()
	b.ResetTimer()
	go c.serve()
	<-bc.allIn
	b.StopTimer()
	c.abort(errAbandoned)
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.failed > 0 {
		b.Fatalf("%d of %d searches failed", bc.failed, b.N)
	}
}

// BenchmarkDecodeFrame measures decoding one search request.
func BenchmarkDecodeFrame(b *testing.B) {
	pdu := msg(7, searchOp("ou=people,"+testSuffix, 2, presentFilter("uid"), "cn", "mail"))
	var scratch []byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := decodeFrame(pdu, &scratch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeEntry measures encoding one SearchResultEntry message.
func BenchmarkEncodeEntry(b *testing.B) {
	e := &Entry{DN: aliceDN, Attributes: []Attribute{{Type: "cn", Values: [][]byte{[]byte("Alice Liddell")}},
		{Type: "mail", Values: [][]byte{[]byte("alice@example.com")}}}}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = appendEntryMessage(buf[:0], 7, e, false)
	}
}
