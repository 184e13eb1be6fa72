package integration

// Side-by-side benchmark over the wire: the same telco subscriber LDIF is
// loaded into lightdir (lightdir import) and into slapd 2.5 back-mdb
// (slapadd -q), with the same equality indices, and the same searches are
// sent to both servers by the same raw LDAP client:
//
//	go test -run XXX -bench Wire -benchtime 20000x -count 3 ./tests/integration/ -wire.subscribers 100000
//
// Each sub-benchmark reports searches/s and the p50 and p99 latency seen by
// the client (request written to SearchResultDone read). Every search must
// return exactly the one subscriber asked for, so the benchmark also checks
// both servers' answers.

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lightdir/tests/subscribers"
)

var (
	wireSubscribers = flag.Int("wire.subscribers", 10_000, "subscribers in the wire benchmark's database (3 entries each)")
	wireClients     = flag.Int("wire.clients", 4, "connections in the wire benchmark, each with one request outstanding")
)

// wireServers is set up once per process: both servers, loaded.
var wireServers struct {
	once sync.Once
	urls [][2]string // name, ldap URL
}

func BenchmarkWire(b *testing.B) {
	wireServers.once.Do(func() { wireServers.urls = startWireServers(b) })
	if wireServers.urls == nil {
		b.Fatal("servers not started (see the first failure)")
	}
	workloads := []struct {
		name string
		req  func(id int32, i int) []byte
	}{
		// What a telco front end sends when a phone attaches: find the
		// subscriber by MSISDN anywhere under the suffix.
		{"telephoneNumber", func(id int32, i int) []byte {
			return searchPDU(id, subscribers.Suffix, 2, berTLV(0xa3, berString(0x04, "telephoneNumber"), berString(0x04, subscribers.MSISDN(i))))
		}},
		// Read one subscriber entry by DN.
		{"base", func(id int32, i int) []byte {
			return searchPDU(id, subscribers.DN(i), 0, berString(0x87, "objectClass"))
		}},
	}
	for _, wl := range workloads {
		for _, srv := range wireServers.urls {
			b.Run(wl.name+"/"+srv[0], func(b *testing.B) { runWire(b, srv[1], wl.req) })
		}
	}
}

// startWireServers writes the LDIF, loads it into both servers and starts
// them; it returns their names and URLs.
func startWireServers(b *testing.B) [][2]string {
	dir := b.TempDir()
	ldifPath := filepath.Join(dir, "subscribers.ldif")
	if err := subscribers.WriteFile(ldifPath, *wireSubscribers); err != nil {
		b.Fatal(err)
	}
	// Both servers: equality indices on the attributes a telco looks up, no
	// per-operation logging, no size limit getting in the way.
	slapdURL := startSlapd(b, ldifPath, []string{"core", "cosine", "inetorgperson"},
		"maxsize 68719476736\nindex objectClass eq\nindex uid eq\nindex telephoneNumber eq\nindex mail eq\nindex cn eq\n")
	conf := filepath.Join(dir, "lightdir.toml")
	writeFile(b, conf, `[[database]]
suffix = "dc=example,dc=com"
directory = "db"
root_dn = "cn=admin,dc=example,dc=com"
max_size = "64GiB"

[database.indices]
uid = ["eq"]
telephoneNumber = ["eq"]
mail = ["eq"]
cn = ["eq"]
`)
	if code, _, errOut := lightdir(b, dir, "import", "-c", conf, "-q", ldifPath); code != 0 {
		b.Fatalf("lightdir import: %s", errOut)
	}
	s := startServer(b, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-c", conf, "-l", "ldap://127.0.0.1:0")
	return [][2]string{{"lightdir", s.url("ldap")}, {"slapd", slapdURL}}
}

// runWire sends b.N searches from *wireClients connections, each waiting
// for one answer before its next request.
func runWire(b *testing.B, url string, req func(id int32, i int) []byte) {
	addr := strings.TrimPrefix(url, "ldap://")
	clients := max(1, *wireClients)
	conns := make([]net.Conn, clients)
	for k := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		conns[k] = c
	}
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	for k, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(k), 1))
			r := bufio.NewReaderSize(c, 64<<10)
			for id := int32(1); next.Add(1) <= int64(b.N); id++ {
				i := rng.IntN(*wireSubscribers)
				start := time.Now()
				if _, err := c.Write(req(id, i)); err != nil {
					errs[k] = err
					return
				}
				if err := readSearchResult(r, id, subscribers.DN(i)); err != nil {
					errs[k] = fmt.Errorf("subscriber %d: %w", i, err)
					return
				}
				lat[k] = append(lat[k], time.Since(start))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "searches/s")
	b.ReportMetric(float64(all[len(all)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(all[len(all)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// readSearchResult reads the answer to search id: exactly one entry, named
// dn (compared ignoring case), then a successful SearchResultDone.
func readSearchResult(r *bufio.Reader, id int32, dn string) error {
	entries := 0
	for {
		msgID, op, body, err := readLDAPMessage(r)
		if err != nil {
			return err
		}
		if msgID != id {
			return fmt.Errorf("answer to message %d while waiting for %d", msgID, id)
		}
		switch op {
		case 0x64: // SearchResultEntry: objectName first
			name, _, err := berElement(body)
			if err != nil {
				return err
			}
			if !strings.EqualFold(string(name), dn) {
				return fmt.Errorf("entry %q, want %q", name, dn)
			}
			entries++
		case 0x65: // SearchResultDone: resultCode first
			code, _, err := berElement(body)
			if err != nil {
				return err
			}
			if len(code) != 1 || code[0] != 0 {
				return fmt.Errorf("result code % x", code)
			}
			if entries != 1 {
				return fmt.Errorf("%d entries, want 1", entries)
			}
			return nil
		default:
			return fmt.Errorf("unexpected operation tag %#x", op)
		}
	}
}

// readLDAPMessage reads one LDAPMessage and returns its message ID, its
// protocolOp's tag and the protocolOp's content.
func readLDAPMessage(r *bufio.Reader) (id int32, op byte, body []byte, err error) {
	tag, err := r.ReadByte()
	if err != nil {
		return 0, 0, nil, err
	}
	if tag != 0x30 {
		return 0, 0, nil, fmt.Errorf("message tag %#x", tag)
	}
	n, err := berLength(r)
	if err != nil {
		return 0, 0, nil, err
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return 0, 0, nil, err
	}
	idBytes, rest, err := berElement(msg)
	if err != nil {
		return 0, 0, nil, err
	}
	for _, c := range idBytes {
		id = id<<8 | int32(c)
	}
	if len(rest) == 0 {
		return 0, 0, nil, errors.New("message without an operation")
	}
	op = rest[0]
	body, _, err = berElement(rest)
	return id, op, body, err
}

// berLength reads a BER length (short or long form) from r.
func berLength(r *bufio.Reader) (int, error) {
	c, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	if c < 0x80 {
		return int(c), nil
	}
	if c == 0x80 || c > 0x84 {
		return 0, fmt.Errorf("length form %#x", c)
	}
	n := 0
	for range int(c & 0x7f) {
		d, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		n = n<<8 | int(d)
	}
	return n, nil
}

// berElement splits the first element off b: its content and what follows.
func berElement(b []byte) (content, rest []byte, err error) {
	if len(b) < 2 {
		return nil, nil, errors.New("short element")
	}
	n, h := int(b[1]), 2
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < 2+k {
			return nil, nil, errors.New("bad element length")
		}
		n = 0
		for _, d := range b[2 : 2+k] {
			n = n<<8 | int(d)
		}
		h += k
	}
	if len(b)-h < n {
		return nil, nil, errors.New("element past its message")
	}
	return b[h : h+n], b[h+n:], nil
}

// berTLV encodes one element with a definite length.
func berTLV(tag byte, content ...[]byte) []byte {
	n := 0
	for _, c := range content {
		n += len(c)
	}
	out := []byte{tag}
	switch {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	for _, c := range content {
		out = append(out, c...)
	}
	return out
}

func berString(tag byte, s string) []byte { return berTLV(tag, []byte(s)) }

// berInt encodes a non-negative INTEGER in its minimal form.
func berInt(tag byte, v int32) []byte {
	b := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	for len(b) > 1 && b[0] == 0 && b[1] < 0x80 {
		b = b[1:]
	}
	return berTLV(tag, b)
}

// searchPDU encodes a SearchRequest for all user attributes, with no limits
// and no alias dereferencing.
func searchPDU(id int32, base string, scope byte, filter []byte) []byte {
	return berTLV(0x30, berInt(0x02, id), berTLV(0x63,
		berString(0x04, base),
		[]byte{0x0a, 1, scope}, // scope
		[]byte{0x0a, 1, 0},     // derefAliases: never
		[]byte{0x02, 1, 0},     // sizeLimit
		[]byte{0x02, 1, 0},     // timeLimit
		[]byte{0x01, 1, 0},     // typesOnly
		filter,
		[]byte{0x30, 0}, // attributes: all user attributes
	))
}

// TestWireClient_encoding: the benchmark's hand-made requests decode as
// the searches they claim to be, and its reader accepts a real server's
// answer (so a broken client cannot make either server look fast).
func TestWireClient_encoding(t *testing.T) {
	dir := t.TempDir()
	ldifPath := filepath.Join(dir, "s.ldif")
	if err := subscribers.WriteFile(ldifPath, 3); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := lightdir(t, dir, "import", "-q", "-b", subscribers.Suffix, "-d", "lightdir-data", "-i", "telephoneNumber:eq", ldifPath); code != 0 {
		t.Fatalf("lightdir import: %s", errOut)
	}
	s := startServer(t, dir, []string{"LIGHTDIR_ROOTPW=secret"}, "-l", "ldap://127.0.0.1:0")
	c, err := net.Dial("tcp", strings.TrimPrefix(s.url("ldap"), "ldap://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	eq := berTLV(0xa3, berString(0x04, "telephoneNumber"), berString(0x04, subscribers.MSISDN(2)))
	for _, id := range []int32{1, 127, 128, 255, 256, 70000, 1 << 24} {
		if _, err := c.Write(searchPDU(id, subscribers.Suffix, 2, eq)); err != nil {
			t.Fatal(err)
		}
		if err := readSearchResult(r, id, subscribers.DN(2)); err != nil {
			t.Fatalf("message %d: %v", id, err)
		}
	}
	// No match: zero entries is an error for the benchmark.
	none := berTLV(0xa3, berString(0x04, "telephoneNumber"), berString(0x04, "0"))
	if _, err := c.Write(searchPDU(9, subscribers.Suffix, 2, none)); err != nil {
		t.Fatal(err)
	}
	if err := readSearchResult(r, 9, subscribers.DN(1)); err == nil || !strings.Contains(err.Error(), "0 entries") {
		t.Fatalf("no match: %v", err)
	}
	// A search for another subscriber's number names the wrong entry.
	if _, err := c.Write(searchPDU(10, subscribers.Suffix, 2, eq)); err != nil {
		t.Fatal(err)
	}
	if err := readSearchResult(r, 10, subscribers.DN(1)); err == nil {
		t.Fatal("reader accepted the wrong entry")
	}
}
