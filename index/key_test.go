package index

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"testing"
)

func keyStrings(ks *Keys) []string {
	out := make([]string, ks.Len())
	for i := range out {
		out[i] = string(ks.Key(i))
	}
	return out
}

// TestKeyer_ValueKeys_golden: the documented layout for each kind, and
// the key count of a 13-byte MSISDN (3 initial + 3 final + 10 any).
func TestKeyer_ValueKeys_golden(t *testing.T) {
	k := &Keyer{Attr: "telephoneNumber"}
	var ks Keys
	k.ValueKeys(&ks, Presence|Equality|Substring, [][]byte{[]byte("+491700004242")})
	want := []string{"+", "=+491700004242",
		"^+4", "$42", "^+49", "$242", "^+491", "$4242",
		"*+491", "*4917", "*9170", "*1700", "*7000", "*0000", "*0004", "*0042", "*0424", "*4242"}
	if got := keyStrings(&ks); !slices.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	ks.Reset()
	pk := &Keyer{Attr: "cn", Prefix: []byte{0, 7}}
	pk.ValueKeys(&ks, Presence|Equality, [][]byte{[]byte("a"), []byte("")})
	if got := keyStrings(&ks); !slices.Equal(got, []string{"\x00\x07+", "\x00\x07=a", "\x00\x07="}) {
		t.Fatalf("prefixed: %q", got)
	}
	ks.Reset()
	k.ValueKeys(&ks, Substring, [][]byte{[]byte("x")}) // shorter than InitialMin
	k.ValueKeys(&ks, Equality, nil)                    // no values, not even presence
	if ks.Len() != 0 {
		t.Fatalf("short value: %q", keyStrings(&ks))
	}
}

// TestKeyer_AppendEquality_hashed: values up to MaxExact are verbatim;
// longer ones hash to 16 bytes keyed by the attribute, deterministically.
func TestKeyer_AppendEquality_hashed(t *testing.T) {
	k := &Keyer{Attr: "description", MaxExact: 8}
	if got := string(k.AppendEquality(nil, []byte("12345678"))); got != "=12345678" {
		t.Fatalf("exact: %q", got)
	}
	long := []byte("123456789")
	h1 := k.AppendEquality(nil, long)
	if len(h1) != 1+HashSize || h1[0] != byte(KindEqualHash) {
		t.Fatalf("hashed key %x", h1)
	}
	if h2 := k.AppendEquality([]byte("pre"), long); !bytes.Equal(h2[3:], h1) {
		t.Fatal("not deterministic, or depends on dst")
	}
	other := &Keyer{Attr: "cn", MaxExact: 8}
	if bytes.Equal(other.AppendEquality(nil, long), h1) {
		t.Fatal("hash not keyed by the attribute")
	}
	if bytes.Equal(k.AppendEquality(nil, []byte("123456780")), h1) {
		t.Fatal("different values, same hash")
	}
	buf := make([]byte, 0, 128)
	if a := testing.AllocsPerRun(50, func() { buf = k.AppendEquality(buf[:0], long) }); a != 0 {
		t.Fatalf("AppendEquality allocates %v", a)
	}
}

// TestKeyer_SubstringKeys_model: for random values, configurations and
// matching assertions carved out of the value, every assertion key is one
// of the value's keys (no false negatives), and the design's example
// (*0004242) uses final 4242 plus any 0004 and 0424.
func TestKeyer_SubstringKeys_model(t *testing.T) {
	k := &Keyer{Attr: "mobile"}
	var ks Keys
	k.SubstringKeys(&ks, Substring, nil, nil, []byte("0004242"))
	if got := keyStrings(&ks); !slices.Equal(got, []string{"$4242", "*0004", "*0424"}) {
		t.Fatalf("example: %q", got)
	}
	rng := newRand(t)
	var vk, ak Keys
	for range *itersFlag {
		k := &Keyer{Attr: "x", InitialMin: 1 + rng.IntN(3), InitialMax: 1 + rng.IntN(6), AnyLen: 1 + rng.IntN(5), AnyStep: 1 + rng.IntN(4)}
		kinds := Kinds(rng.IntN(8)) << 2 & Substring
		v := make([]byte, rng.IntN(20))
		for i := range v {
			v[i] = "ab0 "[rng.IntN(4)]
		}
		// Carve initial, any chunks and final out of v, in order.
		cuts := []int{0, len(v)}
		for range rng.IntN(6) {
			cuts = append(cuts, rng.IntN(len(v)+1))
		}
		sort.Ints(cuts)
		var initial, final []byte
		var any [][]byte
		if rng.IntN(2) == 0 {
			initial = v[:cuts[1]]
		}
		if rng.IntN(2) == 0 {
			final = v[cuts[len(cuts)-2]:]
		}
		for i := 1; i+2 < len(cuts); i += 2 {
			any = append(any, v[cuts[i]:cuts[i+1]])
		}
		vk.Reset()
		ak.Reset()
		k.ValueKeys(&vk, kinds, [][]byte{v})
		k.SubstringKeys(&ak, kinds, initial, any, final)
		have := map[string]bool{}
		for _, s := range keyStrings(&vk) {
			have[s] = true
		}
		for _, s := range keyStrings(&ak) {
			if !have[s] {
				t.Fatalf("%+v kinds %b value %q assertion %q*%q*%q: key %q not indexed for the value (value keys %q)",
					*k, kinds, v, initial, any, final, s, keyStrings(&vk))
			}
		}
	}
}

// TestKeyer_SubstringKeys_useful: long enough assertions do produce keys
// (the index is not silently unused), short ones produce none.
func TestKeyer_SubstringKeys_useful(t *testing.T) {
	k := &Keyer{Attr: "cn"}
	cases := []struct {
		initial string
		any     []string
		final   string
		want    int
	}{
		{"a", nil, "", 0},
		{"ab", nil, "", 1},
		{"", []string{"abc"}, "", 0},
		{"", []string{"abcd"}, "", 1},
		{"", []string{"abcdefg"}, "", 3}, // offsets 0, 2 and the tail at 3
		{"abcdefgh", nil, "", 4},         // ^abcd, *bcde *defg *efgh
		{"", nil, "z", 0},
	}
	for _, c := range cases {
		var ks Keys
		var any [][]byte
		for _, a := range c.any {
			any = append(any, []byte(a))
		}
		k.SubstringKeys(&ks, Substring, []byte(c.initial), any, []byte(c.final))
		if ks.Len() != c.want {
			t.Errorf("%q*%q*%q: %d keys %q, want %d", c.initial, c.any, c.final, ks.Len(), keyStrings(&ks), c.want)
		}
	}
}

// TestKeyer_ApproxKeys: one key per word of the approx-normalized value,
// the word itself, cut to MaxExact bytes.
func TestKeyer_ApproxKeys(t *testing.T) {
	var ks Keys
	(&Keyer{MaxExact: 5}).ApproxKeys(&ks, []byte(" jn  smt 42 abcdefgh"))
	if got := keyStrings(&ks); !slices.Equal(got, []string{"~jn", "~smt", "~42", "~abcde"}) {
		t.Errorf("approx keys %q", got)
	}
}

// TestKeyer_OrderedIntKey: keys sort bytewise in numeric order, saturate
// beyond int64, and refuse non-integers.
func TestKeyer_OrderedIntKey(t *testing.T) {
	k := &Keyer{}
	rng := newRand(t)
	nums := []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 10, -10}
	for range 300 {
		nums = append(nums, int64(rng.Uint64()), rng.Int64N(1000)-500)
	}
	slices.Sort(nums)
	var prev []byte
	for _, n := range slices.Compact(nums) {
		var ks Keys
		if err := k.OrderedIntKey(&ks, []byte(strconv.FormatInt(n, 10))); err != nil {
			t.Fatal(err)
		}
		key := slices.Clone(ks.Key(0))
		if len(key) != 9 || key[0] != byte(KindOrdered) || (prev != nil && bytes.Compare(prev, key) >= 0) {
			t.Fatalf("key of %d = %x after %x", n, key, prev)
		}
		prev = key
	}
	var big, max Keys
	k.OrderedIntKey(&big, []byte("99999999999999999999999"))
	k.OrderedIntKey(&max, []byte(strconv.FormatInt(math.MaxInt64, 10)))
	if !bytes.Equal(big.Key(0), max.Key(0)) {
		t.Fatal("no saturation above int64")
	}
	k.OrderedIntKey(&big, []byte("-99999999999999999999999"))
	k.OrderedIntKey(&max, []byte(strconv.FormatInt(math.MinInt64, 10)))
	if !bytes.Equal(big.Key(1), max.Key(1)) {
		t.Fatal("no saturation below int64")
	}
	for _, bad := range []string{"", "-", "1a", "+1", " 1"} {
		var ks Keys
		if err := k.OrderedIntKey(&ks, []byte(bad)); !errors.Is(err, ErrBadInteger) || ks.Len() != 0 {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestKeys_SortUnique_Diff_model: SortUnique and Diff agree with map-based
// sets.
func TestKeys_SortUnique_Diff_model(t *testing.T) {
	rng := newRand(t)
	k := &Keyer{Attr: "cn"}
	var oldK, newK Keys
	for range 300 {
		oldK.Reset()
		newK.Reset()
		oldSet, newSet := map[string]bool{}, map[string]bool{}
		for _, side := range []struct {
			ks  *Keys
			set map[string]bool
		}{{&oldK, oldSet}, {&newK, newSet}} {
			for range rng.IntN(10) {
				v := []byte(fmt.Sprint(rng.IntN(15)))
				side.ks.buf = k.AppendEquality(side.ks.buf, v)
				side.ks.ends = append(side.ks.ends, len(side.ks.buf))
				side.set["="+string(v)] = true
			}
			side.ks.SortUnique()
			got := keyStrings(side.ks)
			if !slices.IsSorted(got) || len(got) != len(side.set) {
				t.Fatalf("SortUnique: %q for %v", got, side.set)
			}
		}
		added, removed := map[string]bool{}, map[string]bool{}
		Diff(&oldK, &newK, func(key []byte, add bool) {
			if add {
				added[string(key)] = true
			} else {
				removed[string(key)] = true
			}
		})
		for s := range newSet {
			if added[s] == oldSet[s] {
				t.Fatalf("key %q: added=%v but in old=%v", s, added[s], oldSet[s])
			}
		}
		for s := range oldSet {
			if removed[s] == newSet[s] {
				t.Fatalf("key %q: removed=%v but in new=%v", s, removed[s], newSet[s])
			}
		}
		if len(added)+len(removed) > len(oldSet)+len(newSet) {
			t.Fatal("Diff reported keys in neither set")
		}
	}
}

// TestKeyer_OrderedIntKey_saturatesPastUint64Wrap: a decimal above the
// int64 range whose last step would overflow uint64 (2e19: 2e18*10 wraps
// past 2^64) must still saturate to MaxInt64's key, never wrap to a
// smaller number: a wrapped key sorts among small values and a ">="
// range scan would miss the entry.
func TestKeyer_OrderedIntKey_saturatesPastUint64Wrap(t *testing.T) {
	k := &Keyer{}
	var want Keys
	k.OrderedIntKey(&want, []byte(strconv.FormatInt(math.MaxInt64, 10)))
	for _, s := range []string{"20000000000000000000", "19000000000000000000", "27000000000000000001", "9223372036854775808"} {
		var got Keys
		if err := k.OrderedIntKey(&got, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Key(0), want.Key(0)) {
			t.Errorf("key of %s = %x, want the saturated %x", s, got.Key(0), want.Key(0))
		}
	}
	var neg, min Keys
	k.OrderedIntKey(&neg, []byte("-20000000000000000000"))
	k.OrderedIntKey(&min, []byte(strconv.FormatInt(math.MinInt64, 10)))
	if !bytes.Equal(neg.Key(0), min.Key(0)) {
		t.Errorf("key of -2e19 = %x, want the saturated %x", neg.Key(0), min.Key(0))
	}
}

func TestKinds_String(t *testing.T) {
	for k, want := range map[Kinds]string{Equality: "eq", Equality | Substring: "eq,sub", Presence | Approx: "pres,approx",
		SubInitial | SubFinal: "subinitial,subfinal", 0: ""} {
		if got := k.String(); got != want {
			t.Errorf("%d: %q, want %q", k, got, want)
		}
	}
}

// TestKinds_Has: every key a Keyer makes for a set of kinds belongs to it,
// and to no other kind (an online build clears keys by their kind byte).
func TestKinds_Has(t *testing.T) {
	k := &Keyer{Attr: "cn"}
	long := bytes.Repeat([]byte("v"), DefaultMaxExact+1)
	for _, kinds := range []Kinds{Presence, Equality, SubInitial, SubAny, SubFinal, Approx} {
		var ks Keys
		k.ValueKeys(&ks, kinds, [][]byte{[]byte("some value"), long})
		if ks.Len() == 0 {
			t.Fatalf("%v: no keys", kinds)
		}
		for i := 0; i < ks.Len(); i++ {
			kind := Kind(ks.Key(i)[0])
			for _, other := range []Kinds{Presence, Equality, SubInitial, SubAny, SubFinal, Approx} {
				if other.Has(kind) != (other == kinds) {
					t.Errorf("key %q of %v: %v.Has = %v", ks.Key(i), kinds, other, other.Has(kind))
				}
			}
		}
	}
}
