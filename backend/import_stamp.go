package backend

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"lightdir/schema"
)

// Operational attributes of imported entries. Backend.stampCreate formats
// them one entry at a time; the import computes the constant ones (names
// and timestamps: every entry of an import gets the same) once, reserves
// entryCSN counters a batch at a time and formats UUIDs and CSNs into
// reused buffers, with the same results.

// stampKind says where a stamped attribute's value comes from.
type stampKind uint8

const (
	stampFixed      stampKind = iota // the same value for every entry
	stampStructural                  // the entry's structural object class
	stampUUID                        // a new random UUID
	stampCSN                         // a new entryCSN
)

// stampAttr is one operational attribute that import adds.
type stampAttr struct {
	desc string
	kind stampKind
	at   *schema.AttributeType
	ad   uint32
	val  []byte // stampFixed: the value
	norm []byte // stampFixed: its normalized form (see prepareNorm)
	rule bool   // stampFixed: the type has an equality rule
}

// importStamps describes the stamping of one import; read-only once
// built, except for the CSN counter it reserves from.
type importStamps struct {
	attrs    []stampAttr // in stampCreate's order; attrs[0] is structuralObjectClass
	csnTime  string      // entryCSN timestamp part
	csnStart time.Time   // the time it shows
	csnNext  uint64      // the next CSN counter (guarded by csnClock)
	// classCache: no stamped attribute is an objectClass subtype, so an
	// entry's object class values alone determine its objectClass index
	// keys (the workers cache them).
	classCache bool
	// allOperational: every stamped type is operational, so an entry
	// without operational attributes has none of them yet.
	allOperational bool
	feeds          uint64 // bit i: a stamped type feeds index i
}

func (st *importStamps) init(b *Backend, now time.Time, ads *importADs) error {
	who := []byte(b.opts.RootDN)
	ts := []byte(generalizedTime(now))
	list := []struct {
		desc string
		kind stampKind
		val  []byte
	}{
		{atStructuralOC, stampStructural, nil},
		{atEntryUUID, stampUUID, nil},
		{atCreatorsName, stampFixed, who},
		{atCreateTimestamp, stampFixed, ts},
		{atEntryCSN, stampCSN, nil},
		{atModifiersName, stampFixed, who},
		{atModifyTimestamp, stampFixed, ts},
	}
	st.classCache, st.allOperational = true, true
	for _, s := range list {
		at := b.reg.AttributeType(s.desc)
		if at == nil {
			return fmt.Errorf("backend: schema lacks operational attribute %s", s.desc)
		}
		sa := stampAttr{desc: s.desc, kind: s.kind, at: at, ad: ads.number(s.desc), val: s.val}
		if s.kind == stampFixed {
			sa.norm, sa.rule = prepareNorm(at, s.val)
		}
		if at.IsSubtypeOf(b.ocAttr) {
			st.classCache = false
		}
		st.allOperational = st.allOperational && at.IsOperational()
		for i, d := range b.ix {
			if i < 64 && at.IsSubtypeOf(d.typ) {
				st.feeds |= 1 << i
			}
		}
		st.attrs = append(st.attrs, sa)
	}
	st.csnTime, st.csnStart = now.UTC().Format("20060102150405.000000Z"), now
	return nil
}

// csnRange is a block of entryCSN counters reserved for one job.
type csnRange struct{ first uint64 }

// csnCountMax is the largest change count a CSN holds (six hex digits).
// An import stamps every entry with its start time; counter c is the
// count c mod 2^24 at c / 2^24 µs after it, so an import of more than
// 16,777,216 entries still makes well-formed CSNs, each after the last.
const csnCountMax = 1<<24 - 1

// reserveCSNs takes n consecutive counters from the process-wide CSN
// clock, exactly as n calls of newCSN at the import's time would.
func (st *importStamps) reserveCSNs(n int) csnRange {
	if n == 0 {
		return csnRange{}
	}
	csnClock.Lock()
	defer csnClock.Unlock()
	if st.csnNext == 0 && csnClock.last == st.csnTime {
		st.csnNext = uint64(csnClock.count) + 1
	}
	first := st.csnNext
	st.csnNext += uint64(n)
	last := st.csnNext - 1
	csnClock.last, csnClock.count = st.csnTimeAt(last>>24), int(last&csnCountMax)
	return csnRange{first: first}
}

// csnTimeAt is the timestamp part of the CSNs off µs after the import's.
func (st *importStamps) csnTimeAt(off uint64) string {
	if off == 0 {
		return st.csnTime
	}
	return st.csnStart.Add(time.Duration(off) * time.Microsecond).UTC().Format("20060102150405.000000Z")
}

// appendCSN appends the entryCSN with counter c (newCSN's format).
func (st *importStamps) appendCSN(dst []byte, c uint64) []byte {
	dst = append(dst, st.csnTimeAt(c>>24)...)
	dst = append(dst, '#')
	var hx [16]byte
	h := strconv.AppendUint(hx[:0], c&csnCountMax, 16)
	for i := len(h); i < 6; i++ {
		dst = append(dst, '0')
	}
	dst = append(dst, h...)
	return append(dst, "#000#000000"...)
}

// appendUUID appends the version-4 UUID made of 16 random bytes r in
// newUUID's format (lower-case hex, dashes after bytes 4, 6, 8 and 10).
func appendUUID(dst, r []byte) []byte {
	var u [16]byte
	copy(u[:], r)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	for i, part := range [][]byte{u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]} {
		if i > 0 {
			dst = append(dst, '-')
		}
		dst = hex.AppendEncode(dst, part)
	}
	return dst
}

// importADs numbers attribute descriptions for the workers, who encode
// entries before the storing goroutine registers the descriptions in the
// database: numbers are handed out here, in the order the workers first
// meet them, and the storing goroutine stores every number handed out
// before it stores an entry of a later batch (see importer.syncADs).
// Safe for concurrent use.
type importADs struct {
	mu     sync.Mutex
	byKey  map[string]uint32 // lower-cased canonical description -> number
	list   []string          // canonical descriptions by number
	stored int               // numbers registered in the database (storing goroutine only)
	reg    *schema.Registry
}

// init starts from the descriptions the database already has.
func (t *importADs) init(b *Backend) {
	t.reg, t.byKey = b.reg, map[string]uint32{}
	for i, ad := range b.ads.snapshot() {
		t.list = append(t.list, ad.desc)
		t.byKey[strings.ToLower(ad.desc)] = uint32(i)
	}
	t.stored = len(t.list)
}

// number returns the number of desc, handing out the next one when it
// is new.
func (t *importADs) number(desc string) uint32 {
	canon, _ := canonicalDesc(t.reg, desc)
	key := strings.ToLower(canon)
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.byKey[key]; ok {
		return n
	}
	n := uint32(len(t.list))
	t.list = append(t.list, canon)
	t.byKey[key] = n
	return n
}

// pending returns the descriptions numbered but not yet stored.
func (t *importADs) pending() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.list[t.stored:len(t.list):len(t.list)]
}
