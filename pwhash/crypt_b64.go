package pwhash

// crypt(3) hashes are written in cryptAlphabet, least significant six bits
// first, three bytes at a time. MD5-crypt and SHA-crypt take those bytes in
// a shuffled order; each table below lists the digest indexes in the order
// the specification feeds them, every group of three being (high, middle,
// low) of one 24-bit word. A trailing partial group is handled by the
// table's tail.
type cryptLayout struct {
	groups [][3]int
	// tail lists the indexes of the last, partial word (high to low);
	// tailChars is how many characters it yields.
	tail      []int
	tailChars int
}

// encodedLen is the number of characters the layout produces.
func (l *cryptLayout) encodedLen() int { return 4*len(l.groups) + l.tailChars }

// encode writes digest in crypt's base64 with the layout's byte order.
func (l *cryptLayout) encode(digest []byte) []byte {
	out := make([]byte, 0, l.encodedLen())
	put := func(w uint32, n int) {
		for range n {
			out = append(out, cryptAlphabet[w&63])
			w >>= 6
		}
	}
	for _, g := range l.groups {
		put(uint32(digest[g[0]])<<16|uint32(digest[g[1]])<<8|uint32(digest[g[2]]), 4)
	}
	var w uint32
	for _, i := range l.tail {
		w = w<<8 | uint32(digest[i])
	}
	put(w, l.tailChars)
	return out
}

// md5CryptLayout is the output order of MD5-crypt ($1$): 22 characters.
var md5CryptLayout = &cryptLayout{
	groups:    [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}},
	tail:      []int{11},
	tailChars: 2,
}

// sha256CryptLayout is the output order of SHA-256 crypt ($5$): 43 characters.
var sha256CryptLayout = &cryptLayout{
	groups: [][3]int{
		{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14},
		{15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29},
	},
	tail:      []int{31, 30},
	tailChars: 3,
}

// sha512CryptLayout is the output order of SHA-512 crypt ($6$): 86 characters.
var sha512CryptLayout = &cryptLayout{
	groups: [][3]int{
		{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4},
		{47, 5, 26}, {6, 27, 48}, {28, 49, 7}, {50, 8, 29}, {9, 30, 51},
		{31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13}, {56, 14, 35},
		{15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19},
		{62, 20, 41},
	},
	tail:      []int{63},
	tailChars: 2,
}

// isCryptText reports whether every byte of s is in cryptAlphabet.
func isCryptText(s []byte) bool {
	for _, c := range s {
		if !(c == '.' || c == '/' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
