package ldapserver

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata exchanges")

// TestExchanges replays the protocol exchanges in testdata/*.txt. Each case is
//
//	exchange|hexdump <title>
//	<request lines>
//	----
//	<responses, one per line>
//
// followed by a blank line. Requests are written in a small notation (see
// runRequest); "exchange" prints responses decoded, "hexdump" prints them as hex so
// recorded transcripts are compared byte for byte. Run with -rewrite to update.
func TestExchanges(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if len(files) == 0 {
		t.Fatal("no testdata exchanges")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			for _, c := range parseCases(t, string(data)) {
				got := runCase(t, c)
				if !*rewrite && got != c.expected {
					t.Errorf("%s:%d %s %s:\ngot:\n%s\nwant:\n%s", file, c.line, c.command, c.title, got, c.expected)
				}
				fmt.Fprintf(&out, "%s%s %s\n%s----\n%s\n\n", c.comments, c.command, c.title, c.input, got)
			}
			if *rewrite {
				os.WriteFile(file, []byte(out.String()), 0o644)
			}
		})
	}
}

type exchangeCase struct {
	line                    int
	comments                string
	command, title          string
	input, expected         string
	inputLines, expectLines []string
}

func parseCases(t *testing.T, data string) []exchangeCase {
	var cases []exchangeCase
	lines := strings.Split(data, "\n")
	var comments strings.Builder
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "" {
			if strings.HasPrefix(l, "#") {
				comments.WriteString(l + "\n")
			} else if comments.Len() > 0 {
				comments.WriteString("\n")
			}
			continue
		}
		c := exchangeCase{line: i + 1, comments: comments.String()}
		comments.Reset()
		c.command, c.title, _ = strings.Cut(l, " ")
		for i++; i < len(lines) && lines[i] != "----"; i++ {
			c.inputLines = append(c.inputLines, lines[i])
			c.input += lines[i] + "\n"
		}
		for i++; i < len(lines) && lines[i] != ""; i++ {
			c.expectLines = append(c.expectLines, lines[i])
		}
		c.expected = strings.Join(c.expectLines, "\n")
		cases = append(cases, c)
	}
	return cases
}

// runCase sends each request on one fresh connection and renders the responses.
func runCase(t *testing.T, c exchangeCase) string {
	ts := startServer(t, Options{MaxPDUSize: 1 << 12})
	rc := dialRaw(t, ts.addr)
	var out []string
	for _, req := range c.inputLines {
		wait, pdu := buildRequest(t, req)
		rc.write(pdu)
		if wait < 0 {
			continue
		}
		for {
			m, raw, ok := rc.readRaw()
			if !ok {
				out = append(out, "closed")
				return strings.Join(out, "\n")
			}
			if c.command == "hexdump" {
				out = append(out, hex.EncodeToString(raw))
			} else {
				out = append(out, renderMsg(m))
			}
			final := m.tag != tagSearchEntry && m.tag != tagSearchReference
			if final && (wait == anyID || m.id == int64(wait) || m.id == 0) {
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// readRaw is read, also returning the raw message bytes.
func (rc *rawClient) readRaw() (rawMsg, []byte, bool) {
	hdr := make([]byte, 2)
	if _, err := readFull(rc, hdr); err != nil {
		return rawMsg{}, nil, false
	}
	if hdr[1]&0x80 != 0 {
		ext := make([]byte, hdr[1]&0x7f)
		if _, err := readFull(rc, ext); err != nil {
			return rawMsg{}, nil, false
		}
		hdr = append(hdr, ext...)
	}
	_, length, _, err := berHeader(hdr)
	if err != nil {
		return rawMsg{}, nil, false
	}
	body := make([]byte, length)
	if _, err := readFull(rc, body); err != nil {
		return rawMsg{}, nil, false
	}
	raw := append(hdr, body...)
	return parseRawMsg(rc.t, raw), raw, true
}

var opNamesByTag = map[byte]string{
	tagBindResponse: "bind", tagSearchEntry: "entry", tagSearchDone: "done", tagSearchReference: "ref",
	tagModifyResponse: "modify", tagAddResponse: "add", tagDelResponse: "delete", tagModDNResponse: "modrdn",
	tagCompareResponse: "compare", tagExtendedResponse: "extended",
}

func renderMsg(m rawMsg) string {
	s := fmt.Sprintf("%d %s", m.id, opNamesByTag[m.tag])
	if m.tag == tagSearchEntry {
		r := berReader{buf: m.content}
		dn, _ := r.next()
		s += " " + string(dn.Content)
		attrs, _ := r.next()
		ar := berReader{buf: attrs.Content}
		for ar.more() {
			a, _ := ar.next()
			pr := berReader{buf: a.Content}
			typ, _ := pr.next()
			vals, _ := pr.next()
			vr := berReader{buf: vals.Content}
			for vr.more() {
				v, _ := vr.next()
				s += fmt.Sprintf(" %s=%s", typ.Content, v.Content)
			}
		}
		return s
	}
	s += " " + m.code.String()
	r := berReader{buf: m.content}
	r.next()
	if md, _ := r.next(); len(md.Content) > 0 {
		s += fmt.Sprintf(" matched=%q", md.Content)
	}
	if m.diag != "" {
		s += fmt.Sprintf(" msg=%q", m.diag)
	}
	for _, u := range m.refs {
		s += " ref=" + u
	}
	if m.oid != "" {
		s += " oid=" + m.oid
	}
	if m.value != nil {
		s += fmt.Sprintf(" value=%q", m.value)
	}
	for _, c := range m.ctrls {
		s += " control=" + c.OID
	}
	return s
}

// anyID makes runCase wait for any final response, or the connection closing.
const anyID = 1 << 31

// buildRequest turns one request line into a PDU. wait is the message ID whose final
// response ends the request, or -1 when none is expected (abandon, unbind). Forms:
//
//	bind <id> <dn> <password>           ("-" for empty)
//	search <id> <base> <scope> <filter> [attr...]   (base "-" for the Root DSE)
//	compare <id> <dn> <attr> <value>
//	delete <id> <dn>
//	ext <id> <oid> [value]
//	abandon <id> <target>
//	unbind <id>
//	hex <hex bytes>                     (waits for any final response or close)
func buildRequest(t *testing.T, line string) (int, []byte) {
	t.Helper()
	f := strings.Fields(line)
	arg := func(i int) string {
		if f[i] == "-" {
			return ""
		}
		return f[i]
	}
	id := 0
	if len(f) > 1 && f[0] != "hex" {
		id, _ = strconv.Atoi(f[1])
	}
	switch f[0] {
	case "bind":
		return id, msg(int64(id), bindOp(arg(2), arg(3)))
	case "search":
		scope := map[string]int{"base": 0, "one": 1, "sub": 2, "children": 3}[f[3]]
		p, err := ldap.CompileFilter(f[4])
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return id, msg(int64(id), searchOp(arg(2), scope, p.Bytes(), f[5:]...))
	case "compare":
		var w berBuf
		s := w.begin(berClassApplication | berConstructed | 14)
		w.string(berOctetString, f[2])
		a := w.begin(berSequence)
		w.string(berOctetString, f[3])
		w.string(berOctetString, f[4])
		w.end(a)
		w.end(s)
		return id, msg(int64(id), w.b)
	case "delete":
		var w berBuf
		w.string(berClassApplication|10, f[2])
		return id, msg(int64(id), w.b)
	case "ext":
		var v []byte
		if len(f) > 3 {
			v = []byte(f[3])
		}
		return id, msg(int64(id), extOp(f[2], v))
	case "abandon":
		target, _ := strconv.Atoi(f[2])
		return -1, msg(int64(id), abandonOp(int64(target)))
	case "unbind":
		return anyID, msg(int64(id), unbindOp())
	case "hex":
		b, err := hex.DecodeString(strings.Join(f[1:], ""))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return anyID, b
	}
	t.Fatalf("unknown request %q", line)
	return 0, nil
}
