package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
)

// Kind is the byte that starts every index key (after Keyer.Prefix). Key
// layout, following shared/docs/backend-design.md §10.2.3:
//
//	kind  name            payload
//	'+'   presence        none
//	'='   equality        the normalized value itself, when at most MaxExact bytes
//	'#'   equality-hashed 16 bytes of SHA-256(len(Attr) as 2 BE bytes | Attr | '#' | value)
//	'^'   substr-initial  the raw leading bytes (InitialMin..InitialMax of them)
//	'*'   substr-any      a raw window of AnyLen bytes
//	'$'   substr-final    the raw trailing bytes (InitialMin..InitialMax of them)
//	'~'   approx          one word of the approx-normalized value (a phonetic code)
//	'<'   ordered         8 bytes: int64 big-endian with the sign bit flipped
//
// Short values (telco identifiers: IMSI, MSISDN) therefore get exact keys:
// no collisions, no false candidates, and prefix searches are key range
// scans over '=' keys. Only values longer than MaxExact are hashed; the
// hash is SHA-256 (standard library, hardware-accelerated on amd64/arm64,
// and collision resistant, so nobody can pile crafted values onto one key)
// truncated to 16 bytes, keyed with the attribute so that several
// attributes could share one database. Distinct kind bytes keep the kinds
// from colliding with each other. Substring chunks are short, so hashing
// them would gain nothing.
type Kind byte

// The key kinds.
const (
	KindPresence   Kind = '+'
	KindEqual      Kind = '='
	KindEqualHash  Kind = '#'
	KindSubInitial Kind = '^'
	KindSubAny     Kind = '*'
	KindSubFinal   Kind = '$'
	KindApprox     Kind = '~'
	KindOrdered    Kind = '<'
)

// Kinds is a set of index kinds, as configured per attribute
// ("cn eq,sub").
type Kinds uint8

// Index kinds. Substring is the three substring refinements together.
const (
	Presence Kinds = 1 << iota
	Equality
	SubInitial
	SubAny
	SubFinal
	Approx
	Substring = SubInitial | SubAny | SubFinal
)

// Has reports whether keys of kind belong to the kinds k (an ordered key to
// none: ordered keys are not part of any configured kind).
func (k Kinds) Has(kind Kind) bool {
	switch kind {
	case KindPresence:
		return k&Presence != 0
	case KindEqual, KindEqualHash:
		return k&Equality != 0
	case KindSubInitial:
		return k&SubInitial != 0
	case KindSubAny:
		return k&SubAny != 0
	case KindSubFinal:
		return k&SubFinal != 0
	case KindApprox:
		return k&Approx != 0
	}
	return false
}

// String lists the kinds as the configuration spells them: "eq,sub".
// Substring refinements alone are "subinitial", "subany", "subfinal".
func (k Kinds) String() string {
	var out []string
	add := func(has bool, name string) {
		if has {
			out = append(out, name)
		}
	}
	add(k&Equality != 0, "eq")
	add(k&Presence != 0, "pres")
	if k&Substring == Substring {
		add(true, "sub")
	} else {
		add(k&SubInitial != 0, "subinitial")
		add(k&SubAny != 0, "subany")
		add(k&SubFinal != 0, "subfinal")
	}
	add(k&Approx != 0, "approx")
	return strings.Join(out, ",")
}

// Defaults of Keyer.
const (
	DefaultMaxExact   = 64
	DefaultInitialMin = 2
	DefaultInitialMax = 4
	DefaultAnyLen     = 4
	DefaultAnyStep    = 2
	// HashSize is the payload size of a KindEqualHash key.
	HashSize = 16
)

// Keyer computes the index keys of one indexed attribute. The zero value
// of every numeric field means its default. A Keyer is read-only once in
// use and safe for concurrent use; changing MaxExact or the substring
// lengths changes the keys, so the index must be rebuilt.
type Keyer struct {
	// Attr is the attribute's canonical name or OID; it keys the equality
	// hash. The same attribute must always use the same spelling.
	Attr string
	// Prefix is prepended to every key. Leave it empty for one database per
	// attribute (the planned layout); set it (e.g. to an attribute number)
	// when several attributes share a database.
	Prefix []byte
	// MaxExact is the longest value stored verbatim in an equality key
	// (default 64); longer values are hashed.
	MaxExact int
	// InitialMin and InitialMax bound the lengths, in bytes, of indexed
	// prefixes and suffixes (defaults 2 and 4); values shorter than
	// InitialMin get no initial or final keys. AnyLen is the window length of
	// substr-any keys (default 4); AnyStep the stride between the windows
	// an assertion uses (default 2; indexing uses every offset).
	InitialMin, InitialMax, AnyLen, AnyStep int
}

func orDefault(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// AppendPresence appends the presence key to dst.
func (k *Keyer) AppendPresence(dst []byte) []byte {
	return append(append(dst, k.Prefix...), byte(KindPresence))
}

// AppendEquality appends the equality key of the normalized value nv to
// dst. It allocates nothing if dst has room, so a search can build its
// key in a reused buffer.
func (k *Keyer) AppendEquality(dst, nv []byte) []byte {
	dst = append(dst, k.Prefix...)
	if len(nv) <= orDefault(k.MaxExact, DefaultMaxExact) {
		return append(append(dst, byte(KindEqual)), nv...)
	}
	// Build the hash input in dst's spare room, hash it, then overwrite it
	// with the key: no allocation once dst has grown.
	start := len(dst)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(k.Attr)))
	dst = append(dst, k.Attr...)
	dst = append(dst, byte(KindEqualHash))
	dst = append(dst, nv...)
	sum := sha256.Sum256(dst[start:])
	dst = append(dst[:start], byte(KindEqualHash))
	return append(dst, sum[:HashSize]...)
}

// appendKey appends Prefix|kind|payload as a new key of ks.
func (k *Keyer) appendKey(ks *Keys, kind Kind, payload []byte) {
	ks.buf = append(ks.buf, k.Prefix...)
	ks.buf = append(ks.buf, byte(kind))
	ks.buf = append(ks.buf, payload...)
	ks.ends = append(ks.ends, len(ks.buf))
}

// ValueKeys adds to ks every key that an attribute with the normalized
// values nvals contributes to an index of the given kinds: the presence
// key once, then per value its equality, substring and approx keys. Use
// SortUnique on the result before diffing key sets (see Diff).
//
// nvals must be normalized by the rule each kind serves. When the
// equality, substrings and approximate rules normalize differently (the
// approx rule always does), call ValueKeys once per kind with that kind's
// form.
func (k *Keyer) ValueKeys(ks *Keys, kinds Kinds, nvals [][]byte) {
	if len(nvals) == 0 {
		return
	}
	if kinds&Presence != 0 {
		k.appendKey(ks, KindPresence, nil)
	}
	for _, nv := range nvals {
		if kinds&Equality != 0 {
			ks.buf = k.AppendEquality(ks.buf, nv)
			ks.ends = append(ks.ends, len(ks.buf))
		}
		if kinds&Substring != 0 {
			k.substringValue(ks, kinds, nv)
		}
		if kinds&Approx != 0 {
			k.ApproxKeys(ks, nv)
		}
	}
}

// substringValue adds the substring keys of one value: prefixes and
// suffixes of lengths InitialMin..InitialMax, and every AnyLen window.
func (k *Keyer) substringValue(ks *Keys, kinds Kinds, nv []byte) {
	imin := orDefault(k.InitialMin, DefaultInitialMin)
	imax := max(orDefault(k.InitialMax, DefaultInitialMax), imin)
	alen := orDefault(k.AnyLen, DefaultAnyLen)
	// Prefixes and suffixes need InitialMin bytes; windows are indexed
	// whatever the value's length, because an assertion's window can occur
	// in a value shorter than InitialMin when AnyLen < InitialMin.
	for n := imin; n <= min(imax, len(nv)); n++ {
		if kinds&SubInitial != 0 {
			k.appendKey(ks, KindSubInitial, nv[:n])
		}
		if kinds&SubFinal != 0 {
			k.appendKey(ks, KindSubFinal, nv[len(nv)-n:])
		}
	}
	if kinds&SubAny != 0 {
		for s := 0; s+alen <= len(nv); s++ {
			k.appendKey(ks, KindSubAny, nv[s:s+alen])
		}
	}
}

// SubstringKeys adds to ks the keys for a substring assertion
// (initial*any*...*final, each normalized; nil initial or final means
// absent). Every key it adds was produced by ValueKeys for every value
// that matches the assertion, so intersecting the keys' ID lists gives a
// candidate superset. No keys means the assertion cannot use the index
// (too short, or its kinds are not indexed): scan instead.
func (k *Keyer) SubstringKeys(ks *Keys, kinds Kinds, initial []byte, any [][]byte, final []byte) {
	imin := orDefault(k.InitialMin, DefaultInitialMin)
	imax := max(orDefault(k.InitialMax, DefaultInitialMax), imin)
	alen := orDefault(k.AnyLen, DefaultAnyLen)
	step := orDefault(k.AnyStep, DefaultAnyStep)
	useAny := kinds&SubAny != 0

	if n := len(initial); n > 0 {
		covered := 0 // initial[:covered] is implied by the initial key
		if kinds&SubInitial != 0 && n >= imin {
			covered = min(n, imax)
			k.appendKey(ks, KindSubInitial, initial[:covered])
		}
		if useAny && covered < n {
			k.windows(ks, initial, max(0, covered-alen+1), n, alen, step)
		}
	}
	if useAny {
		for _, a := range any {
			k.windows(ks, a, 0, len(a), alen, step)
		}
	}
	if n := len(final); n > 0 {
		covered := 0 // final[n-covered:] is implied by the final key
		if kinds&SubFinal != 0 && n >= imin {
			covered = min(n, imax)
			k.appendKey(ks, KindSubFinal, final[n-covered:])
		}
		if useAny && covered < n {
			k.windows(ks, final, 0, min(n, n-covered+alen-1), alen, step)
		}
	}
}

// windows adds substr-any keys for the windows of v starting at from,
// from+step, ..., plus the last window so the tail is covered; v[:end]
// is the part considered.
func (k *Keyer) windows(ks *Keys, v []byte, from, end, alen, step int) {
	if end-from < alen {
		return
	}
	last := -1
	for s := from; s+alen <= end; s += step {
		k.appendKey(ks, KindSubAny, v[s:s+alen])
		last = s
	}
	if tail := end - alen; tail > last {
		k.appendKey(ks, KindSubAny, v[tail:end])
	}
}

// ApproxKeys adds the approx keys of nv, a value (or assertion) normalized
// by the attribute's approximate rule. Package schema's approx normalizer
// already reduces every word to a phonetic code and its matcher requires
// each assertion word to equal a value word, so the keys are the words
// themselves ('~' | word, cut to MaxExact bytes): equal words give equal
// keys, and an assertion intersects the lists of its words' keys. Hashing
// or re-encoding the codes would only add collisions.
func (k *Keyer) ApproxKeys(ks *Keys, nv []byte) {
	maxLen := orDefault(k.MaxExact, DefaultMaxExact)
	for w := range bytes.FieldsSeq(nv) {
		k.appendKey(ks, KindApprox, w[:min(len(w), maxLen)])
	}
}

// OrderedIntKey adds the ordered key of a decimal integer (the normalized
// form of integerMatch): '<' then the value as int64, big-endian with the
// sign bit flipped, so byte order is numeric order and one database serves
// >= and <= scans. Values beyond the int64 range saturate, which only adds
// candidates. It returns ErrBadInteger for anything but [-]digits.
func (k *Keyer) OrderedIntKey(ks *Keys, decimal []byte) error {
	v, err := parseSaturating(decimal)
	if err != nil {
		return err
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v)^(1<<63))
	k.appendKey(ks, KindOrdered, b[:])
	return nil
}

func parseSaturating(s []byte) (int64, error) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, ErrBadInteger
	}
	var u uint64
	const limit = 1 << 63
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, ErrBadInteger
		}
		if u <= limit {
			// Past limit/10 the next digit passes limit: saturate before
			// multiplying, since u*10 could wrap around 2^64.
			if u > limit/10 {
				u = limit + 1
				continue
			}
			u = u*10 + uint64(c-'0')
			if u > limit {
				u = limit + 1
			}
		}
	}
	switch {
	case neg && u >= limit:
		return -1 << 63, nil
	case neg:
		return -int64(u), nil
	case u >= limit:
		return 1<<63 - 1, nil
	}
	return int64(u), nil
}

// Keys is a list of keys packed into one buffer, so computing the keys of
// an entry allocates nothing once the buffers have grown. Reuse a Keys
// across entries with Reset. Key slices are valid until the next change.
type Keys struct {
	buf  []byte
	ends []int
	// scratch for SortUnique
	spare []byte
	order [][2]int
}

// Reset empties ks, keeping its storage.
func (ks *Keys) Reset() { ks.buf, ks.ends = ks.buf[:0], ks.ends[:0] }

// Len returns the number of keys.
func (ks *Keys) Len() int { return len(ks.ends) }

// Key returns the i-th key.
func (ks *Keys) Key(i int) []byte {
	start := 0
	if i > 0 {
		start = ks.ends[i-1]
	}
	return ks.buf[start:ks.ends[i]:ks.ends[i]]
}

// SortUnique sorts the keys bytewise and drops duplicates.
func (ks *Keys) SortUnique() {
	ks.order = ks.order[:0]
	start := 0
	for _, end := range ks.ends {
		ks.order = append(ks.order, [2]int{start, end})
		start = end
	}
	slices.SortFunc(ks.order, func(a, b [2]int) int {
		return bytes.Compare(ks.buf[a[0]:a[1]], ks.buf[b[0]:b[1]])
	})
	ks.spare, ks.ends = ks.spare[:0], ks.ends[:0]
	var prev []byte
	for i, r := range ks.order {
		key := ks.buf[r[0]:r[1]]
		if i > 0 && bytes.Equal(key, prev) {
			continue
		}
		ks.spare = append(ks.spare, key...)
		ks.ends = append(ks.ends, len(ks.spare))
		prev = key
	}
	ks.buf, ks.spare = ks.spare, ks.buf
}

// Diff calls fn for every key in exactly one of old and new (both sorted
// and unique): added is true for keys only in new. This is the index
// maintenance of a modify: delete the entry's ID under the removed keys,
// add it under the added ones, touch nothing else. It is correct with
// hashed keys and with several attributes feeding one index, because it
// compares key sets, not values.
func Diff(old, new *Keys, fn func(key []byte, added bool)) {
	i, j := 0, 0
	for i < old.Len() || j < new.Len() {
		switch {
		case j == new.Len():
			fn(old.Key(i), false)
			i++
		case i == old.Len():
			fn(new.Key(j), true)
			j++
		default:
			switch c := bytes.Compare(old.Key(i), new.Key(j)); {
			case c < 0:
				fn(old.Key(i), false)
				i++
			case c > 0:
				fn(new.Key(j), true)
				j++
			default:
				i++
				j++
			}
		}
	}
}
