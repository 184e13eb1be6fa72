package ldif

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var (
	seedFlag  = flag.Uint64("ldif.seed", 0, "seed for randomized tests (0: time-based)")
	itersFlag = flag.Int("ldif.iters", 300, "records per randomized test")
)

func testSeed(t *testing.T) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -ldif.seed=%d)", s, s)
	return s
}

// randBytes returns a value mixing the bytes that matter to LDIF: spaces,
// colons, '<', CR, LF, NUL, high bytes, and long runs that need folding.
func randBytes(rng *rand.Rand) []byte {
	const specials = " :<\r\n\x00#-\t\x7f"
	n := rng.IntN(8)
	switch rng.IntN(5) {
	case 0:
		n = 0
	case 1:
		n = 60 + rng.IntN(300)
	}
	b := make([]byte, n)
	for i := range b {
		switch rng.IntN(6) {
		case 0:
			b[i] = specials[rng.IntN(len(specials))]
		case 1:
			b[i] = byte(rng.IntN(256))
		default:
			b[i] = byte('a' + rng.IntN(26))
		}
	}
	return b
}

// randUTF8 returns a valid UTF-8 string (DNs, RDNs).
func randUTF8(rng *rand.Rand) string {
	runes := []rune("abcXYZ=,+ :<é€\U0001F600\t")
	n := rng.IntN(12)
	if rng.IntN(8) == 0 {
		n = 100
	}
	var sb strings.Builder
	for range n {
		sb.WriteRune(runes[rng.IntN(len(runes))])
	}
	return sb.String()
}

// randDesc returns a valid attribute description, sometimes an OID or
// with options.
func randDesc(rng *rand.Rand) string {
	names := []string{"cn", "sn", "description", "jpegPhoto", "userPassword", "x-Attr-9", "2.5.4.3", "objectClass", "a"}
	d := names[rng.IntN(len(names))]
	for range rng.IntN(3) {
		d += ";" + []string{"binary", "lang-de", "x-1"}[rng.IntN(3)]
	}
	return d
}

// randAttrs returns attributes with distinct descriptions (ignoring case),
// as the Reader groups them.
func randAttrs(rng *rand.Rand, min int) []Attr {
	var attrs []Attr
	seen := map[string]bool{}
	for range min + rng.IntN(6) {
		d := randDesc(rng)
		if seen[strings.ToLower(d)] {
			continue
		}
		seen[strings.ToLower(d)] = true
		a := Attr{Desc: d}
		for range 1 + rng.IntN(3) {
			a.Values = append(a.Values, randBytes(rng))
		}
		attrs = append(attrs, a)
	}
	return attrs
}

func randRecord(rng *rand.Rand) Record {
	if rng.IntN(3) > 0 {
		return &Entry{DN: randUTF8(rng), Attrs: randAttrs(rng, 1)}
	}
	c := &ChangeRecord{DN: randUTF8(rng)}
	for range rng.IntN(3) {
		ctl := Control{OID: fmt.Sprintf("1.%d.%d", rng.IntN(100), rng.IntN(3)), Critical: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			ctl.HasValue, ctl.Value = true, randBytes(rng)
		}
		c.Controls = append(c.Controls, ctl)
	}
	c.Type = ChangeType(1 + rng.IntN(4))
	switch c.Type {
	case ChangeAdd:
		c.Attrs = randAttrs(rng, 1)
	case ChangeModify:
		for range rng.IntN(4) {
			m := Mod{Op: ModOp(1 + rng.IntN(4)), Attr: Attr{Desc: randDesc(rng)}}
			n := rng.IntN(3)
			switch m.Op {
			case ModAdd:
				n = 1 + n
			case ModIncrement:
				n = 1
			}
			for range n {
				m.Attr.Values = append(m.Attr.Values, randBytes(rng))
			}
			c.Mods = append(c.Mods, m)
		}
	case ChangeModRDN:
		c.NewRDN = "cn=" + randUTF8(rng)
		c.DeleteOldRDN = rng.IntN(2) == 0
		if rng.IntN(2) == 0 {
			c.HasNewSuperior, c.NewSuperior = true, randUTF8(rng)
		}
	}
	return c
}

// TestWriter_roundTrip_random: whatever the Writer writes, at any width,
// the Reader returns unchanged (property test over random records).
func TestWriter_roundTrip_random(t *testing.T) {
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for round := range 10 {
		opts := WriterOptions{Width: []int{0, -1, 2, 3, 40, 76}[rng.IntN(6)], Version: rng.IntN(2) == 0}
		recs := make([]Record, *itersFlag/10)
		for i := range recs {
			recs[i] = randRecord(rng)
		}
		out := writeString(t, opts, recs...)
		if opts.Width > 0 {
			for i, l := range strings.Split(out, "\n") {
				if len(l) > opts.Width {
					t.Fatalf("round %d: line %d has %d bytes > width %d", round, i+1, len(l), opts.Width)
				}
			}
		}
		back, err := readAll(out, ReaderOptions{})
		if err != nil {
			t.Fatalf("round %d: reading back: %v\n%s", round, err, out)
		}
		if !sameRecords(back, recs) {
			for i := range recs {
				if i >= len(back) || !sameRecords(back[i:i+1], recs[i:i+1]) {
					t.Fatalf("round %d record %d differs\nwrote:%s\nread:%s", round, i, dump(recs[i:i+1]), dump(back[i:min(i+1, len(back))]))
				}
			}
			t.Fatalf("round %d: %d records written, %d read", round, len(recs), len(back))
		}
		// The reader must also accept the output with CRLF line endings.
		crlf := bytes.ReplaceAll([]byte(out), []byte("\n"), []byte("\r\n"))
		back, err = readAll(string(crlf), ReaderOptions{})
		if err != nil || !sameRecords(back, recs) {
			t.Fatalf("round %d: CRLF variant: %v", round, err)
		}
	}
}
