package ldif

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReader: the Reader never panics; every error it returns is an *Error
// whose line lies inside the input; and every record it accepts survives a
// Writer -> Reader round trip unchanged.
func FuzzReader(f *testing.F) {
	seeds := []string{
		"version: 1\ndn: cn=a\ncn: a\n",
		"dn:: Y249w6k=\ncn:: IGxlYWRpbmc=\n\n# c\n  d\ndn: cn=b\ncn;lang-de: x\n y\n",
		"dn: cn=a\r\ncontrol: 1.2.3 true:: AAE=\r\nchangetype: modify\r\nadd: cn\r\ncn: x\r\n-\r\ndelete: sn\r\n-\r\n",
		"dn: cn=a\nchangetype: modrdn\nnewrdn: cn=b\ndeleteoldrdn: 1\nnewsuperior: dc=x\n",
		"dn: cn=a\nchangetype: delete\n\ndn: cn=b\nchangetype: add\ncn: b\n",
		"dn: cn=a\njpegPhoto:< file:///x\n",
		" x\n\ndn: cn=a\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := ReaderOptions{
			MaxRecordSize: 1 << 20,
			ReadFile:      func(string) ([]byte, error) { return []byte("file"), nil },
		}
		lines := bytes.Count(in, []byte("\n")) + 1
		r := NewReader(bytes.NewReader(in), opts)
		var recs []Record
		for range 10000 {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var le *Error
				if !errors.As(err, &le) || le.Line < 1 || le.Line > lines {
					t.Fatalf("error %v: not an *Error with a line in 1..%d", err, lines)
				}
				if errors.Is(err, ErrRecordTooLarge) {
					break
				}
				continue
			}
			recs = append(recs, rec)
		}
		var out bytes.Buffer
		w := NewWriter(&out, WriterOptions{})
		for _, rec := range recs {
			var err error
			switch rec := rec.(type) {
			case *Entry:
				err = w.WriteEntry(rec)
			case *ChangeRecord:
				err = w.WriteChange(rec)
			}
			if err != nil {
				t.Fatalf("writer refused a record the reader accepted: %v\n%s", err, dump([]Record{rec}))
			}
		}
		w.Flush()
		back, err := readAll(out.String(), opts)
		if err != nil || !sameRecords(back, recs) {
			t.Fatalf("round trip failed: %v\nfirst:%s\nsecond:%s", err, dump(recs), dump(back))
		}
	})
}
