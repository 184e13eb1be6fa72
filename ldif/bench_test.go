package ldif

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"
)

// subscriberLDIF builds n telco-subscriber-like entries as LDIF, written by
// our Writer (so one value per line, base64 where needed, folding).
func subscriberLDIF(n int) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{Version: true})
	for i := range n {
		imsi := fmt.Sprintf("262%012d", i)
		msisdn := fmt.Sprintf("+4917%08d", i)
		e := &Entry{
			DN: "uid=" + imsi + ",ou=subscribers,dc=example,dc=com",
			Attrs: []Attr{
				{Desc: "objectClass", Values: vals("top", "person", "organizationalPerson", "inetOrgPerson")},
				{Desc: "uid", Values: vals(imsi)},
				{Desc: "cn", Values: vals(fmt.Sprintf("Subscriber %d", i))},
				{Desc: "sn", Values: vals(fmt.Sprintf("Müller %d", i))},
				{Desc: "telephoneNumber", Values: vals(msisdn)},
				{Desc: "mail", Values: vals(fmt.Sprintf("s%d@example.com", i))},
				{Desc: "description", Values: vals(fmt.Sprintf("customer since 20%02d, tariff %d, a line long enough to be folded at the slapcat width", i%25, i%7))},
			},
		}
		if err := w.WriteEntry(e); err != nil {
			panic(err)
		}
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

var (
	benchOnce sync.Once
	benchData []byte
)

// BenchmarkReader_100k reads a 100,000-entry LDIF; it reports MB/s and
// entries/s.
func BenchmarkReader_100k(b *testing.B) {
	const n = 100_000
	benchOnce.Do(func() { benchData = subscriberLDIF(n) })
	b.SetBytes(int64(len(benchData)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r := NewReader(bytes.NewReader(benchData), ReaderOptions{})
		count := 0
		for {
			_, err := r.NextEntry()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatalf("read %d entries", count)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkReader_manyDescriptions reads one record of 20,000 lines, each
// with its own attribute description (as a record of many language tags or
// x- attributes would have): grouping must not cost a scan per line.
func BenchmarkReader_manyDescriptions(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("dn: cn=a\n")
	for i := range 20_000 {
		fmt.Fprintf(&buf, "description;x-tag%d: v\n", i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, err := NewReader(bytes.NewReader(data), ReaderOptions{}).NextEntry(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriter_100k writes the same 100,000 entries.
func BenchmarkWriter_100k(b *testing.B) {
	const n = 100_000
	benchOnce.Do(func() { benchData = subscriberLDIF(n) })
	var entries []*Entry
	r := NewReader(bytes.NewReader(benchData), ReaderOptions{})
	for {
		e, err := r.NextEntry()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, e)
	}
	b.SetBytes(int64(len(benchData)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := NewWriter(io.Discard, WriterOptions{})
		for _, e := range entries {
			if err := w.WriteEntry(e); err != nil {
				b.Fatal(err)
			}
		}
		w.Flush()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
