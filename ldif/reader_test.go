package ldif

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readAll reads every record of s, stopping at the first error.
func readAll(s string, opts ReaderOptions) ([]Record, error) {
	r := NewReader(strings.NewReader(s), opts)
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

func vals(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// TestReader_Next_constructs: every RFC 2849 construct decodes to the
// expected records, with the line where each record and attribute starts.
func TestReader_Next_constructs(t *testing.T) {
	dir := t.TempDir()
	photo := filepath.Join(dir, "photo bin")
	if err := os.WriteFile(photo, []byte{0, 1, 2, 0xff}, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want []Record
	}{
		{"simple", "dn: cn=a,dc=x\ncn: a\nobjectClass: top\n",
			[]Record{&Entry{DN: "cn=a,dc=x", Line: 1, Attrs: []Attr{
				{Desc: "cn", Values: vals("a"), Line: 2}, {Desc: "objectClass", Values: vals("top"), Line: 3}}}}},
		{"version line then record", "version: 1\ndn: cn=a\ncn: a\n",
			[]Record{&Entry{DN: "cn=a", Line: 2, Attrs: []Attr{{Desc: "cn", Values: vals("a"), Line: 3}}}}},
		{"version line alone then blank", "version: 1\n\n\ndn: cn=a\ncn: a\n",
			[]Record{&Entry{DN: "cn=a", Line: 4, Attrs: []Attr{{Desc: "cn", Values: vals("a"), Line: 5}}}}},
		{"two records, extra blank lines", "\n\ndn: cn=a\ncn: a\n\n\n\ndn: cn=b\ncn: b\n\n",
			[]Record{
				&Entry{DN: "cn=a", Line: 3, Attrs: []Attr{{Desc: "cn", Values: vals("a"), Line: 4}}},
				&Entry{DN: "cn=b", Line: 8, Attrs: []Attr{{Desc: "cn", Values: vals("b"), Line: 9}}}}},
		{"comments and folded comment", "# hello\n  folded comment\ndn: cn=a\n# inside\n continued comment\ncn: a\n",
			[]Record{&Entry{DN: "cn=a", Line: 3, Attrs: []Attr{{Desc: "cn", Values: vals("a"), Line: 6}}}}},
		{"folded value and DN", "dn: cn=ab\n c,dc=x\ndescription: hel\n lo wor\n  ld\ncn: x\n",
			[]Record{&Entry{DN: "cn=abc,dc=x", Line: 1, Attrs: []Attr{
				{Desc: "description", Values: vals("hello wor ld"), Line: 3}, {Desc: "cn", Values: vals("x"), Line: 6}}}}},
		{"base64 value and dn", "dn:: Y249w6k=\ncn:: IGxlYWRpbmc=\nsn::\n",
			[]Record{&Entry{DN: "cn=é", Line: 1, Attrs: []Attr{
				{Desc: "cn", Values: vals(" leading"), Line: 2}, {Desc: "sn", Values: vals(""), Line: 3}}}}},
		{"folded base64", "dn: cn=a\ncn:: aGVs\n bG8=\n",
			[]Record{&Entry{DN: "cn=a", Line: 1, Attrs: []Attr{{Desc: "cn", Values: vals("hello"), Line: 2}}}}},
		{"fill spaces dropped, trailing kept, empty value", "dn:    cn=a\ncn:   a  \nsn:\n",
			[]Record{&Entry{DN: "cn=a", Line: 1, Attrs: []Attr{
				{Desc: "cn", Values: vals("a  "), Line: 2}, {Desc: "sn", Values: vals(""), Line: 3}}}}},
		{"options, grouping ignoring case, file order", "dn: cn=a\ncn: 1\ncn;lang-de: 2\nsn: 3\nCN: 4\ncn;LANG-DE: 5\n2.5.4.3: 6\n",
			[]Record{&Entry{DN: "cn=a", Line: 1, Attrs: []Attr{
				{Desc: "cn", Values: vals("1", "4"), Line: 2}, {Desc: "cn;lang-de", Values: vals("2", "5"), Line: 3},
				{Desc: "sn", Values: vals("3"), Line: 4}, {Desc: "2.5.4.3", Values: vals("6"), Line: 7}}}}},
		{"CRLF line endings with folding", "dn: cn=a\r\ncn: x\r\n y\r\n\r\ndn: cn=b\r\ncn: b",
			[]Record{
				&Entry{DN: "cn=a", Line: 1, Attrs: []Attr{{Desc: "cn", Values: vals("xy"), Line: 2}}},
				&Entry{DN: "cn=b", Line: 5, Attrs: []Attr{{Desc: "cn", Values: vals("b"), Line: 6}}}}},
		{"raw UTF-8 plain value", "dn: cn=Ärger\ncn: Ärger\n",
			[]Record{&Entry{DN: "cn=Ärger", Line: 1, Attrs: []Attr{{Desc: "cn", Values: vals("Ärger"), Line: 2}}}}},
		{"file URL", "dn: cn=a\njpegPhoto:< file://" + strings.ReplaceAll(photo, " ", "%20") + "\n",
			[]Record{&Entry{DN: "cn=a", Line: 1, Attrs: []Attr{{Desc: "jpegPhoto", Values: [][]byte{{0, 1, 2, 0xff}}, Line: 2}}}}},
		{"root DSE-like empty dn", "dn:\nobjectClass: top\n",
			[]Record{&Entry{DN: "", Line: 1, Attrs: []Attr{{Desc: "objectClass", Values: vals("top"), Line: 2}}}}},
		{"changetype add", "dn: cn=a\nchangetype: add\ncn: a\ncn: b\n",
			[]Record{&ChangeRecord{DN: "cn=a", Line: 1, Type: ChangeAdd, Attrs: []Attr{{Desc: "cn", Values: vals("a", "b"), Line: 3}}}}},
		{"changetype delete with controls", "dn: cn=a\ncontrol: 1.2.840.113556.1.4.805 true\ncontrol: 1.2.3 false:: AAE=\ncontrol: 1.2.4: v\nchangetype: delete\n",
			[]Record{&ChangeRecord{DN: "cn=a", Line: 1, Type: ChangeDelete, Controls: []Control{
				{OID: "1.2.840.113556.1.4.805", Critical: true},
				{OID: "1.2.3", HasValue: true, Value: []byte{0, 1}},
				{OID: "1.2.4", HasValue: true, Value: []byte("v")}}}}},
		{"changetype modify, every op, last dash omitted", "dn: cn=a\nchangetype: modify\nadd: mail\nmail: a@x\nmail: b@x\n-\ndelete: sn\n-\ndelete: cn\ncn: x\n-\nreplace: description\n-\nreplace: l\nl: here\n-  \nincrement: uidNumber\nuidNumber: 5\n",
			[]Record{&ChangeRecord{DN: "cn=a", Line: 1, Type: ChangeModify, Mods: []Mod{
				{Op: ModAdd, Attr: Attr{Desc: "mail", Values: vals("a@x", "b@x"), Line: 3}},
				{Op: ModDelete, Attr: Attr{Desc: "sn", Line: 7}},
				{Op: ModDelete, Attr: Attr{Desc: "cn", Values: vals("x"), Line: 9}},
				{Op: ModReplace, Attr: Attr{Desc: "description", Line: 12}},
				{Op: ModReplace, Attr: Attr{Desc: "l", Values: vals("here"), Line: 14}},
				{Op: ModIncrement, Attr: Attr{Desc: "uidNumber", Values: vals("5"), Line: 17}}}}}},
		{"modify with no groups", "dn: cn=a\nchangetype: modify\n",
			[]Record{&ChangeRecord{DN: "cn=a", Line: 1, Type: ChangeModify}}},
		{"modrdn", "dn: cn=a,dc=x\nchangetype: modrdn\nnewrdn: cn=b\ndeleteoldrdn: 1\n",
			[]Record{&ChangeRecord{DN: "cn=a,dc=x", Line: 1, Type: ChangeModRDN, NewRDN: "cn=b", DeleteOldRDN: true}}},
		{"moddn with newsuperior (base64 newrdn)", "dn: cn=a,dc=x\nchangetype: moddn\nnewrdn:: Y249w6k=\ndeleteoldrdn: 0\nnewsuperior: ou=y,dc=x\n",
			[]Record{&ChangeRecord{DN: "cn=a,dc=x", Line: 1, Type: ChangeModRDN, NewRDN: "cn=é", NewSuperior: "ou=y,dc=x", HasNewSuperior: true}}},
		{"mixed content and change records", "dn: cn=a\ncn: a\n\ndn: cn=b\nchangetype: delete\n",
			[]Record{
				&Entry{DN: "cn=a", Line: 1, Attrs: []Attr{{Desc: "cn", Values: vals("a"), Line: 2}}},
				&ChangeRecord{DN: "cn=b", Line: 4, Type: ChangeDelete}}},
		{"empty input", "", nil},
		{"only comments and blanks", "# x\n\n# y\n  z\n\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(tt.in, ReaderOptions{})
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("records differ\n got: %s\nwant: %s", dump(got), dump(tt.want))
			}
		})
	}
}

// TestReader_Next_errors: each broken rule gives an *Error naming the line
// where the offending line starts and wrapping the right sentinel.
func TestReader_Next_errors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		line     int
		msg      string
		sentinel error
	}{
		{"no dn", "cn: a\nsn: b\n", 1, `missing "dn:" at the start of a record`, ErrSyntax},
		{"no dn in second record", "dn: cn=a\ncn: a\n\n# c\ncn: b\n", 5, `missing "dn:"`, ErrSyntax},
		{"continuation at file start", " cn: a\n", 1, "continuation line", ErrSyntax},
		{"continuation after blank", "dn: cn=a\ncn: a\n\n x\n", 4, "continuation line", ErrSyntax},
		{"no colon", "dn: cn=a\ncn a\n", 2, `missing ":"`, ErrSyntax},
		{"dash in content record", "dn: cn=a\ncn: a\n-\n", 3, `missing ":"`, ErrSyntax},
		{"bad description", "dn: cn=a\nc n: a\n", 2, "invalid attribute description", ErrSyntax},
		{"bad option", "dn: cn=a\ncn;: a\n", 2, "invalid attribute description", ErrSyntax},
		{"bad oid description", "dn: cn=a\n2.05.4: a\n", 2, "invalid attribute description", ErrSyntax},
		{"empty description", "dn: cn=a\n: a\n", 2, "invalid attribute description", ErrSyntax},
		{"bad base64", "dn: cn=a\ncn: a\n\ndn: cn=b\ncn: b\nsn:: !!!notbase64\n", 6, "attribute value is not valid base64", ErrSyntax},
		{"bad base64 folded reports first line", "dn: cn=a\nsn:: QUJD\n RA\n", 2, "not valid base64", ErrSyntax},
		{"bad base64 dn", "dn:: ***\ncn: a\n", 1, "not valid base64", ErrSyntax},
		{"dn not utf8", "dn:: /w==\ncn: a\n", 1, "DN is not valid UTF-8", ErrSyntax},
		{"NUL in plain value", "dn: cn=a\ncn: a\x00b\n", 2, "NUL byte", ErrSyntax},
		{"version 2", "version: 2\ndn: cn=a\ncn: a\n", 1, `unsupported LDIF version "2"`, ErrSyntax},
		{"no attributes", "dn: cn=a\n\n", 1, "has no attributes", ErrSyntax},
		{"second dn without blank line", "dn: cn=a\ncn: a\ndn: cn=b\ncn: b\n", 3, `"dn:" line inside a record`, ErrSyntax},
		{"http URL", "dn: cn=a\njpegPhoto:< http://example.com/x.jpg\n", 2, `URL scheme "http" is not supported`, ErrURL},
		{"relative URL", "dn: cn=a\njpegPhoto:< photo.jpg\n", 2, "invalid URL", ErrURL},
		{"file URL with host", "dn: cn=a\njpegPhoto:< file://otherhost/x\n", 2, "file:///absolute/path", ErrURL},
		{"missing file", "dn: cn=a\njpegPhoto:< file:///nonexistent/lightdir/x\n", 2, "cannot read /nonexistent/lightdir/x", ErrURL},
		{"unknown changetype", "dn: cn=a\nchangetype: frob\n", 2, `unknown changetype "frob"`, ErrSyntax},
		{"control without changetype", "dn: cn=a\ncontrol: 1.2.3\ncn: a\n", 1, `"control:" lines must be followed by a "changetype:"`, ErrSyntax},
		{"control bad oid", "dn: cn=a\ncontrol: foo\nchangetype: delete\n", 2, "not a numeric OID", ErrSyntax},
		{"control bad criticality", "dn: cn=a\ncontrol: 1.2.3 maybe\nchangetype: delete\n", 2, `criticality must be "true" or "false"`, ErrSyntax},
		{"control bad value", "dn: cn=a\ncontrol: 1.2.3 true:: %%%\nchangetype: delete\n", 2, "not valid base64", ErrSyntax},
		{"delete with lines", "dn: cn=a\nchangetype: delete\ncn: a\n", 3, "delete change record must end", ErrSyntax},
		{"add without attrs", "dn: cn=a\nchangetype: add\n", 2, "add change record has no attributes", ErrSyntax},
		{"modify bad op", "dn: cn=a\nchangetype: modify\nfrob: cn\n", 3, `expected "add:", "delete:", "replace:" or "increment:"`, ErrSyntax},
		{"modify missing dash", "dn: cn=a\nchangetype: modify\nadd: cn\ncn: a\nreplace: sn\nsn: b\n", 5, `missing "-" line?`, ErrSyntax},
		{"modify wrong attr", "dn: cn=a\nchangetype: modify\nreplace: cn\ncn: a\nsn: b\n-\n", 5, `attribute "sn" inside the "replace: cn" group`, ErrSyntax},
		{"modify bad desc", "dn: cn=a\nchangetype: modify\nadd: c n\ncn: a\n-\n", 3, "invalid attribute description", ErrSyntax},
		{"modify add without values", "dn: cn=a\nchangetype: modify\nadd: cn\n-\n", 3, `"add: cn" group has no values`, ErrSyntax},
		{"increment two values", "dn: cn=a\nchangetype: modify\nincrement: n\nn: 1\nn: 2\n-\n", 3, "exactly one value", ErrSyntax},
		{"modrdn missing newrdn", "dn: cn=a\nchangetype: modrdn\n", 2, `missing "newrdn:"`, ErrSyntax},
		{"modrdn wrong order", "dn: cn=a\nchangetype: modrdn\ndeleteoldrdn: 1\nnewrdn: cn=b\n", 3, `expected "newrdn:"`, ErrSyntax},
		{"modrdn empty newrdn", "dn: cn=a\nchangetype: modrdn\nnewrdn:\ndeleteoldrdn: 1\n", 3, `"newrdn:" is empty`, ErrSyntax},
		{"modrdn missing deleteoldrdn", "dn: cn=a\nchangetype: modrdn\nnewrdn: cn=b\n", 3, `missing "deleteoldrdn:"`, ErrSyntax},
		{"modrdn bad deleteoldrdn", "dn: cn=a\nchangetype: modrdn\nnewrdn: cn=b\ndeleteoldrdn: yes\n", 4, "must be 0 or 1", ErrSyntax},
		{"modrdn extra line", "dn: cn=a\nchangetype: modrdn\nnewrdn: cn=b\ndeleteoldrdn: 1\nnewsuperior: dc=x\ncn: a\n", 6, "unexpected line after", ErrSyntax},
		{"modrdn newrdn not utf8", "dn: cn=a\nchangetype: modrdn\nnewrdn:: /w==\ndeleteoldrdn: 1\n", 3, "newrdn is not valid UTF-8", ErrSyntax},
		{"CRLF line numbers", "dn: cn=a\r\ncn: a\r\n\r\ndn: cn=b\r\ncn:: ?\r\n", 5, "not valid base64", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(tt.in, ReaderOptions{})
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("want *Error, got %v", err)
			}
			if le.Line != tt.line || !strings.Contains(le.Msg, tt.msg) {
				t.Fatalf("got line %d %q, want line %d containing %q", le.Line, le.Msg, tt.line, tt.msg)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("error %v does not wrap %v", err, tt.sentinel)
			}
			if want := "ldif: line "; !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("message %q lacks prefix %q", err.Error(), want)
			}
		})
	}
}

// TestReader_Next_resumesAfterError: a syntax error skips only the bad
// record; the following records are still returned.
func TestReader_Next_resumesAfterError(t *testing.T) {
	in := "dn: cn=a\ncn: a\n\ndn: cn=bad\ncn:: !!\nsn: x\n\n continuation\nmore\n\ndn: cn=c\ncn: c\n"
	r := NewReader(strings.NewReader(in), ReaderOptions{})
	var dns []string
	var lines []int
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var le *Error
		if errors.As(err, &le) {
			lines = append(lines, le.Line)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		dns = append(dns, rec.(*Entry).DN)
	}
	if !reflect.DeepEqual(dns, []string{"cn=a", "cn=c"}) || !reflect.DeepEqual(lines, []int{5, 8}) {
		t.Fatalf("got entries %v errors at %v", dns, lines)
	}
}

// TestReader_NextEntry_refusesChanges: NextEntry returns ErrChangeRecord
// with the record's line for a change record.
func TestReader_NextEntry_refusesChanges(t *testing.T) {
	r := NewReader(strings.NewReader("dn: cn=a\ncn: a\n\ndn: cn=b\nchangetype: modify\nreplace: cn\ncn: x\n-\n"), ReaderOptions{})
	if e, err := r.NextEntry(); err != nil || e.DN != "cn=a" {
		t.Fatalf("first: %v %v", e, err)
	}
	_, err := r.NextEntry()
	var le *Error
	if !errors.As(err, &le) || !errors.Is(err, ErrChangeRecord) || le.Line != 4 || !strings.Contains(le.Msg, "changetype: modify") {
		t.Fatalf("got %v", err)
	}
	if _, err := r.NextEntry(); err != io.EOF {
		t.Fatalf("want EOF, got %v", err)
	}
}

// TestReader_Next_limits: records and single lines beyond MaxRecordSize
// are refused with ErrRecordTooLarge; lines longer than the read buffer
// are otherwise fine.
func TestReader_Next_limits(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	recs, err := readAll("dn: cn=a\ndescription: "+long+"\n", ReaderOptions{})
	if err != nil || string(recs[0].(*Entry).Attrs[0].Values[0]) != long {
		t.Fatalf("long line: %v", err)
	}
	_, err = readAll("dn: cn=a\ndescription: "+long+"\n", ReaderOptions{MaxRecordSize: 100 << 10})
	if !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("long line over limit: %v", err)
	}
	many := "dn: cn=a\n" + strings.Repeat("cn: 0123456789\n", 1000)
	_, err = readAll(many, ReaderOptions{MaxRecordSize: 4000})
	var le *Error
	if !errors.As(err, &le) || !errors.Is(err, ErrRecordTooLarge) || le.Line != 1 {
		t.Fatalf("big record: %v", err)
	}
}

// TestReader_Next_readFileHook: ReaderOptions.ReadFile decides how file
// URLs are read, and can refuse them.
func TestReader_Next_readFileHook(t *testing.T) {
	refuse := errors.New("no files here")
	opts := ReaderOptions{ReadFile: func(string) ([]byte, error) { return nil, refuse }}
	_, err := readAll("dn: cn=a\njpegPhoto:< file:///x\n", opts)
	if !errors.Is(err, refuse) || !errors.Is(err, ErrURL) {
		t.Fatalf("got %v", err)
	}
}

// errReader fails after returning its data.
type errReader struct {
	data string
	err  error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.data == "" {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

// TestReader_Next_ioErrorSticky: an I/O error is returned unchanged and
// repeats.
func TestReader_Next_ioErrorSticky(t *testing.T) {
	boom := errors.New("disk on fire")
	r := NewReader(&errReader{data: "dn: cn=a\ncn: a\n", err: boom}, ReaderOptions{})
	for i := 0; i < 2; i++ {
		if _, err := r.Next(); err != boom {
			t.Fatalf("call %d: got %v", i, err)
		}
	}
}

// TestReader_Next_manyDescriptions: a record with more distinct attribute
// descriptions than the scan handles (interleaved, in mixed case) groups
// exactly as few descriptions do: each group in order of first appearance,
// with its values in order and the line of its first value.
func TestReader_Next_manyDescriptions(t *testing.T) {
	for _, n := range []int{3, manyDescs, manyDescs + 1, 500} {
		var b strings.Builder
		b.WriteString("dn: cn=a\n")
		type group struct {
			desc string
			line int
			vals []string
		}
		var want []group
		line := 2
		for round := 0; round < 3; round++ {
			for i := 0; i < n; i++ {
				desc := fmt.Sprintf("x-attr%d", i)
				written := desc
				if round == 1 {
					written = strings.ToUpper(desc)
				}
				v := fmt.Sprintf("v%d-%d", i, round)
				fmt.Fprintf(&b, "%s: %s\n", written, v)
				if round == 0 {
					want = append(want, group{desc: desc, line: line})
				}
				want[i].vals = append(want[i].vals, v)
				line++
			}
		}
		recs, err := readAll(b.String(), ReaderOptions{})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		attrs := recs[0].(*Entry).Attrs
		if len(attrs) != n {
			t.Fatalf("n=%d: %d groups", n, len(attrs))
		}
		for i, a := range attrs {
			if a.Desc != want[i].desc || a.Line != want[i].line || !reflect.DeepEqual(a.Values, vals(want[i].vals...)) {
				t.Fatalf("n=%d: group %d = %s line %d %q, want %+v", n, i, a.Desc, a.Line, a.Values, want[i])
			}
		}
	}
}
