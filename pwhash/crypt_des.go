package pwhash

// Traditional crypt(3), as Seventh Edition Unix defined it and as
// `slappasswd -h {CRYPT}` still writes by default: 2 salt characters and 11
// hash characters. The key is the low 7 bits of the first 8 password bytes;
// a zero block is DES-encrypted 25 times with an E expansion modified by the
// 12 salt bits; the 64 result bits (padded to 66) are written six at a time,
// most significant first.
//
// It is verify-only: 8 significant characters and a 12-bit salt make it
// unfit for new passwords. The DES here is bit-at-a-time for clarity; one
// check takes tens of microseconds.

const desCryptLen = 13

// The tables of FIPS 46-3, 1-based bit positions as the standard prints them.
var (
	desIP = [64]uint8{
		58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
		62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
		57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
		61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
	}
	desFP = [64]uint8{
		40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
		38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
		36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
		34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
	}
	desE = [48]uint8{
		32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9,
		8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
		16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25,
		24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
	}
	desP = [32]uint8{
		16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
		2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
	}
	desPC1 = [56]uint8{
		57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
		10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
		63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
		14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
	}
	desPC2 = [48]uint8{
		14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10,
		23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
		41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
		44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
	}
	desShifts = [16]uint8{1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1}
	// desS holds the eight S-boxes, each 4 rows of 16.
	desS = [8][64]uint8{
		{14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
			0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
			4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
			15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13},
		{15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
			3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
			0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
			13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9},
		{10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
			13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
			13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
			1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12},
		{7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
			13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
			10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
			3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14},
		{2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
			14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
			4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
			11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3},
		{12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
			10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
			9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
			4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13},
		{4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
			13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
			1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
			6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12},
		{13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
			1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
			7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
			2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11},
	}
)

// desBits is a block, key or half as one bit per byte, most significant
// (bit 1 of the standard) first.
type desBits []uint8

func bitsOf(v uint64, n int) desBits {
	b := make(desBits, n)
	for i := range b {
		b[i] = uint8(v>>(n-1-i)) & 1
	}
	return b
}

func (b desBits) uint64() uint64 {
	var v uint64
	for _, bit := range b {
		v = v<<1 | uint64(bit)
	}
	return v
}

// permute returns in[table[i]-1] for each i.
func permute(in desBits, table []uint8) desBits {
	out := make(desBits, len(table))
	for i, p := range table {
		out[i] = in[p-1]
	}
	return out
}

// desSubkeys derives the 16 round keys of a 64-bit key.
func desSubkeys(key uint64) [16]desBits {
	cd := permute(bitsOf(key, 64), desPC1[:])
	var ks [16]desBits
	for r := range ks {
		// Rotate the two 28-bit halves C and D left, each on its own.
		for range desShifts[r] {
			c0, d0 := cd[0], cd[28]
			copy(cd[0:27], cd[1:28])
			copy(cd[28:55], cd[29:56])
			cd[27], cd[55] = c0, d0
		}
		ks[r] = permute(cd, desPC2[:])
	}
	return ks
}

// desEncrypt encrypts one block with subkeys and expansion table e (the
// standard E, or crypt's salted variant).
func desEncrypt(block uint64, ks *[16]desBits, e *[48]uint8) uint64 {
	lr := permute(bitsOf(block, 64), desIP[:])
	l, r := lr[:32], lr[32:]
	for round := range 16 {
		x := permute(r, e[:])
		for i := range x {
			x[i] ^= ks[round][i]
		}
		f := make(desBits, 0, 32)
		for s := range 8 {
			six := x[6*s : 6*s+6]
			row := six[0]<<1 | six[5]
			col := six[1]<<3 | six[2]<<2 | six[3]<<1 | six[4]
			f = append(f, bitsOf(uint64(desS[s][16*row+col]), 4)...)
		}
		f = permute(f, desP[:])
		next := make(desBits, 32)
		for i := range next {
			next[i] = l[i] ^ f[i]
		}
		l, r = r, next
	}
	// The last round's halves are output swapped: R16 then L16.
	return permute(append(append(desBits{}, r...), l...), desFP[:]).uint64()
}

// cryptIndex maps a cryptAlphabet character to its 6-bit value.
func cryptIndex(c byte) uint8 {
	switch {
	case c >= 'a':
		return c - 'a' + 38
	case c >= 'A':
		return c - 'A' + 12
	default:
		return c - '.'
	}
}

// desCrypt returns the 13-character crypt(3) string of password under the
// two salt characters, which must be in cryptAlphabet.
func desCrypt(password []byte, salt [2]byte) []byte {
	// Salt bit j of character i swaps E outputs 6i+j and 6i+j+24.
	e := desE
	for i, c := range salt {
		v := cryptIndex(c)
		for j := range 6 {
			if v>>j&1 != 0 {
				a := 6*i + j
				e[a], e[a+24] = e[a+24], e[a]
			}
		}
	}
	var key uint64
	for i := range 8 {
		var c byte
		if i < len(password) {
			c = password[i]
		}
		key = key<<8 | uint64(c<<1)
	}
	ks := desSubkeys(key)
	var block uint64
	for range 25 {
		block = desEncrypt(block, &ks, &e)
	}
	out := []byte{salt[0], salt[1]}
	// 64 bits plus two zero bits make 11 characters.
	for i := range 11 {
		shift := 58 - 6*i
		var v uint64
		if shift >= 0 {
			v = block >> shift
		} else {
			v = block << -shift
		}
		out = append(out, cryptAlphabet[v&63])
	}
	return out
}

// verifyDESCrypt checks password against a 13-character crypt(3) string.
func verifyDESCrypt(s, password []byte) bool {
	return equalFixed(desCrypt(password, [2]byte{s[0], s[1]}), s)
}

// isBigCrypt reports whether s has the shape of a bigcrypt string: the salt
// and two or more 11-character segments.
func isBigCrypt(s []byte) bool {
	return len(s) > desCryptLen && (len(s)-2)%11 == 0 && isCryptText(s)
}

// verifyBigCrypt checks password against a bigcrypt string, the extension
// of DES crypt to long passwords that libxcrypt's crypt() applies when the
// setting is 14 characters or longer (as slappasswd -h {CRYPT} passes it).
// Each further 8 bytes of the password are DES-crypted under a salt made of
// the first two characters of the previous segment, and each segment adds
// 11 characters.
func verifyBigCrypt(s, password []byte) bool {
	segments := (len(s) - 2) / 11
	if max(1, (len(password)+7)/8) != segments {
		return false
	}
	out := make([]byte, 0, len(s))
	salt := [2]byte{s[0], s[1]}
	for i := range segments {
		seg := desCrypt(password[min(len(password), 8*i):min(len(password), 8*i+8)], salt)
		if i == 0 {
			out = append(out, seg...)
		} else {
			out = append(out, seg[2:]...)
		}
		salt = [2]byte{seg[2], seg[3]}
	}
	return equalFixed(out, s)
}
