package index

// Phonetic appends to dst a sound-alike code of word, at most maxLen
// letters, for approximate matching ("Smith" and "Smyth" both give SM0).
// It is a compact variant of the Metaphone rules: only ASCII letters count
// (case is ignored, other bytes are skipped), vowels are kept only in
// first position, doubled letters count once (except C), and consonant
// groups map to one sound (PH->F, CH->X, TH->0, DGE->J, silent GH, KN-,
// GN-, WR-, ...). A word without ASCII letters gives nothing.
func Phonetic(dst, word []byte, maxLen int) []byte {
	var buf [64]byte
	s := buf[:0]
	for _, c := range word {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if 'A' <= c && c <= 'Z' && len(s) < len(buf) {
			s = append(s, c)
		}
	}
	if len(s) == 0 {
		return dst
	}
	p := phon{s: s, out: dst, start: len(dst), max: maxLen}
	p.run()
	return p.out
}

// phon is the state of one Phonetic call.
type phon struct {
	s          []byte
	out        []byte
	start, max int
}

func (p *phon) at(i int) byte {
	if i < 0 || i >= len(p.s) {
		return 0
	}
	return p.s[i]
}

func (p *phon) emit(cs ...byte) {
	for _, c := range cs {
		if len(p.out)-p.start < p.max {
			p.out = append(p.out, c)
		}
	}
}

func isVowel(c byte) bool { return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' }

func isFront(c byte) bool { return c == 'E' || c == 'I' || c == 'Y' }

// run applies the initial-letter exceptions, then the letter rules.
func (p *phon) run() {
	i, first := 0, 0 // first: where a vowel still counts as initial
	switch two := string(p.s[:min(2, len(p.s))]); {
	case two == "AE" || two == "GN" || two == "KN" || two == "PN" || two == "WR":
		i, first = 1, 1
	case p.s[0] == 'X':
		p.emit('S')
		i, first = 1, -1
	case two == "WH":
		p.emit('W')
		i, first = 2, -1
	}
	for ; i < len(p.s) && len(p.out)-p.start < p.max; i++ {
		c := p.s[i]
		if c != 'C' && i > first && p.at(i-1) == c {
			continue
		}
		i += p.letter(i, c, i == first)
	}
}

// letter emits the sound of s[i] and returns how many following letters
// it consumed.
func (p *phon) letter(i int, c byte, first bool) int {
	prev, next, next2 := p.at(i-1), p.at(i+1), p.at(i+2)
	switch c {
	case 'A', 'E', 'I', 'O', 'U':
		if first {
			p.emit(c)
		}
	case 'B':
		if !(prev == 'M' && i == len(p.s)-1) {
			p.emit('B')
		}
	case 'C':
		switch {
		case next == 'I' && next2 == 'A':
			p.emit('X')
		case next == 'H':
			if prev == 'S' {
				p.emit('K')
			} else {
				p.emit('X')
			}
			return 1
		case isFront(next):
			if prev != 'S' {
				p.emit('S')
			}
		default:
			p.emit('K')
		}
	case 'D':
		if next == 'G' && isFront(next2) {
			p.emit('J')
			return 1
		}
		p.emit('T')
	case 'G':
		switch {
		case next == 'H':
			if next2 != 0 && !isVowel(next2) {
				return 1 // silent, as in "night"
			}
			p.emit('K')
			return 1
		case next == 'N' && (i+2 == len(p.s) || (next2 == 'E' && p.at(i+3) == 'D' && i+4 == len(p.s))):
			// silent, as in "sign", "signed"
		case isFront(next) && prev != 'G':
			p.emit('J')
		default:
			p.emit('K')
		}
	case 'H':
		if isVowel(next) && !isVowel(prev) && !isSoftener(prev) {
			p.emit('H')
		} else if first && isVowel(next) {
			p.emit('H')
		}
	case 'K':
		if prev != 'C' {
			p.emit('K')
		}
	case 'P':
		if next == 'H' {
			p.emit('F')
			return 1
		}
		p.emit('P')
	case 'Q':
		p.emit('K')
	case 'S':
		switch {
		case next == 'H':
			p.emit('X')
			return 1
		case next == 'I' && (next2 == 'O' || next2 == 'A'):
			p.emit('X')
		default:
			p.emit('S')
		}
	case 'T':
		switch {
		case next == 'I' && (next2 == 'O' || next2 == 'A'):
			p.emit('X')
		case next == 'H':
			p.emit('0')
			return 1
		case next == 'C' && next2 == 'H':
			// silent, as in "match"
		default:
			p.emit('T')
		}
	case 'V':
		p.emit('F')
	case 'W', 'Y':
		if isVowel(next) {
			p.emit(c)
		}
	case 'X':
		p.emit('K', 'S')
	case 'Z':
		p.emit('S')
	default: // F J L M N R
		p.emit(c)
	}
	return 0
}

// isSoftener reports letters after which H is part of a digraph.
func isSoftener(c byte) bool { return c == 'C' || c == 'G' || c == 'P' || c == 'S' || c == 'T' }
