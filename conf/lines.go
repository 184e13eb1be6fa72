package conf

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// lineIndex maps key paths to the line that sets them, so that messages about
// values (which the TOML decoder does not position) can name the line. Paths
// carry array-of-tables indices: "database[1].suffix", "tls.cert"; a table
// header is recorded under the table's path ("database[1]", "tls").
type lineIndex map[string]int

// indexLines scans TOML text for table headers and key/value lines. It does
// not validate: the decoder has accepted the text already. Keys inside inline
// tables and multi-line values are attributed to the line of their outer key.
func indexLines(data []byte) lineIndex {
	idx := lineIndex{}
	arrays := map[string]int{} // array-of-tables path -> index of its last element
	table := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n := 0
	var open valueState // an unfinished multi-line value
	for sc.Scan() {
		n++
		line := sc.Text()
		if open.pending() {
			open.feed(line)
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#':
		case strings.HasPrefix(t, "[["):
			table = arrayHeader(arrays, splitKey(strings.TrimSuffix(cutComment(t[2:]), "]]")))
			idx.set(table, n)
		case t[0] == '[':
			table = tableHeader(arrays, splitKey(strings.TrimSuffix(cutComment(t[1:]), "]")))
			idx.set(table, n)
		default:
			k, v, ok := cutKeyValue(t)
			if !ok {
				continue
			}
			idx.set(joinPath(table, strings.Join(splitKey(k), ".")), n)
			open = valueState{}
			open.feed(v)
		}
	}
	return idx
}

func (idx lineIndex) set(path string, line int) {
	if _, ok := idx[path]; !ok {
		idx[path] = line
	}
}

// line returns the line of path, or of its nearest enclosing key or table; 0 if
// none is known.
func (idx lineIndex) line(path string) int {
	for path != "" {
		if n, ok := idx[path]; ok {
			return n
		}
		// A table set only through dotted keys (tls.cert = ...) has no
		// header line: its first key positions it.
		if n := idx.firstUnder(path); n > 0 {
			return n
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// firstUnder returns the first line of a key below path, or 0.
func (idx lineIndex) firstUnder(path string) int {
	best := 0
	for p, n := range idx {
		if strings.HasPrefix(p, path+".") && (best == 0 || n < best) {
			best = n
		}
	}
	return best
}

// lineOfKey returns the first line setting a key path given without array
// indices (as the decoder reports undecoded keys), e.g. "database.sufix".
func (idx lineIndex) lineOfKey(key string) int {
	best := 0
	for p, n := range idx {
		if stripIndices(p) == key && (best == 0 || n < best) {
			best = n
		}
	}
	if best == 0 {
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			return idx.lineOfKey(key[:i])
		}
	}
	return best
}

func stripIndices(p string) string {
	var b strings.Builder
	depth := 0
	for _, r := range p {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// tableHeader resolves [a.b]: every part that names an array of tables refers to
// its last element.
func tableHeader(arrays map[string]int, parts []string) string {
	p := ""
	for _, part := range parts {
		p = joinPath(p, part)
		if i, ok := arrays[p]; ok {
			p += "[" + strconv.Itoa(i) + "]"
		}
	}
	return p
}

// arrayHeader resolves [[a.b]] and starts a new element of a.b.
func arrayHeader(arrays map[string]int, parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	p := tableHeader(arrays, parts[:len(parts)-1])
	p = joinPath(p, parts[len(parts)-1])
	i, ok := arrays[p]
	if ok {
		i++
	}
	arrays[p] = i
	return p + "[" + strconv.Itoa(i) + "]"
}

// splitKey splits a dotted key, honouring quoted parts.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			if c == '\\' && quote == '"' && i+1 < len(s) {
				i++
				c = s[i]
			}
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

// cutKeyValue splits "key = value" at the first '=' outside quotes.
func cutKeyValue(t string) (key, value string, ok bool) {
	quote := byte(0)
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:]), true
		}
	}
	return "", "", false
}

func cutComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 && !strings.ContainsAny(s[:i], `"'`) {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// valueState follows a value across lines: open brackets of arrays and inline
// tables, and multi-line strings.
type valueState struct {
	depth     int
	multiline string // `"""` or `'''` while inside a multi-line string
}

func (v *valueState) pending() bool { return v.depth > 0 || v.multiline != "" }

func (v *valueState) feed(s string) {
	for i := 0; i < len(s); i++ {
		if v.multiline != "" {
			j := strings.Index(s[i:], v.multiline)
			if j < 0 {
				return
			}
			i += j + 2
			v.multiline = ""
			continue
		}
		switch c := s[i]; c {
		case '#':
			return
		case '[', '{':
			v.depth++
		case ']', '}':
			v.depth--
		case '"', '\'':
			if strings.HasPrefix(s[i:], `"""`) || strings.HasPrefix(s[i:], `'''`) {
				v.multiline = s[i : i+3]
				i += 2
				continue
			}
			j := i + 1
			for j < len(s) && s[j] != c {
				if c == '"' && s[j] == '\\' {
					j++
				}
				j++
			}
			i = j
		}
	}
}
