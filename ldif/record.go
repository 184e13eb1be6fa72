package ldif

// Record is one LDIF record: either an *Entry (a content record) or a
// *ChangeRecord (a record with a "changetype:" line).
type Record interface {
	// StartLine is the 1-based physical line of the record's "dn:" line.
	StartLine() int
}

// Attr is one attribute description with its values, in file order.
// Values are raw bytes, exactly as decoded (base64 and URL values included).
type Attr struct {
	// Desc is the attribute description as first spelled in the input,
	// options included ("cn;lang-de"). Lines whose descriptions are equal
	// ignoring case are grouped into one Attr.
	Desc string
	// Values holds at least one value for entries; a modify group may have
	// none (e.g. "delete: cn" deletes the whole attribute).
	Values [][]byte
	// Line is where the attribute first appeared (0 for values built in
	// code). The Writer ignores it.
	Line int
}

// Entry is a content record: a DN and its attributes in file order.
type Entry struct {
	// DN is the distinguished name as given (decoded from base64 when
	// "dn::" was used). It is not parsed or normalized here; it is valid
	// UTF-8.
	DN    string
	Attrs []Attr
	// Line is the line of the "dn:" line (0 for entries built in code).
	Line int
}

// StartLine returns e.Line.
func (e *Entry) StartLine() int { return e.Line }

// Get returns the values of the first attribute whose description equals
// desc ignoring case, or nil.
func (e *Entry) Get(desc string) [][]byte {
	for i := range e.Attrs {
		if equalFold(e.Attrs[i].Desc, desc) {
			return e.Attrs[i].Values
		}
	}
	return nil
}

// ChangeType is the kind of a change record.
type ChangeType uint8

// Change types. ChangeModRDN covers both "modrdn" and "moddn".
const (
	ChangeAdd ChangeType = iota + 1
	ChangeDelete
	ChangeModify
	ChangeModRDN
)

// String returns the changetype keyword ("add", "delete", "modify",
// "modrdn").
func (t ChangeType) String() string {
	switch t {
	case ChangeAdd:
		return "add"
	case ChangeDelete:
		return "delete"
	case ChangeModify:
		return "modify"
	case ChangeModRDN:
		return "modrdn"
	}
	return "unknown"
}

// ModOp is the operation of one modify group.
type ModOp uint8

// Modify operations (RFC 2849 mod-spec, plus increment from RFC 4525).
const (
	ModAdd ModOp = iota + 1
	ModDelete
	ModReplace
	ModIncrement
)

// String returns the keyword used in LDIF ("add", "delete", "replace",
// "increment").
func (op ModOp) String() string {
	switch op {
	case ModAdd:
		return "add"
	case ModDelete:
		return "delete"
	case ModReplace:
		return "replace"
	case ModIncrement:
		return "increment"
	}
	return "unknown"
}

// Mod is one modify group: "add: cn", its value lines, then "-".
type Mod struct {
	Op ModOp
	// Attr.Desc is the description named on the group's first line;
	// Attr.Values may be empty (delete or replace of the whole attribute).
	Attr Attr
}

// Control is one "control:" line of a change record.
type Control struct {
	OID      string
	Critical bool
	// HasValue tells an absent value from an empty one.
	HasValue bool
	Value    []byte
}

// ChangeRecord is a record with a "changetype:" line.
type ChangeRecord struct {
	DN       string
	Line     int
	Controls []Control
	Type     ChangeType
	// Attrs holds the attributes of an add.
	Attrs []Attr
	// Mods holds the groups of a modify, in order.
	Mods []Mod
	// NewRDN, DeleteOldRDN and NewSuperior describe a modrdn/moddn.
	// HasNewSuperior tells an absent newsuperior from an empty one (an
	// empty newsuperior moves the entry under the root).
	NewRDN         string
	DeleteOldRDN   bool
	NewSuperior    string
	HasNewSuperior bool
}

// StartLine returns c.Line.
func (c *ChangeRecord) StartLine() int { return c.Line }

// equalFold compares ASCII case-insensitively; attribute descriptions and
// keywords are ASCII by grammar.
func equalFold[A, B string | []byte](a A, b B) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ValidDescription reports whether desc is an attribute description that
// LDIF can carry (RFC 2849 AttributeDescription): a descr (a letter, then
// letters, digits and hyphens) or a numeric OID, then ";"-separated options
// of letters, digits and hyphens. The Writer refuses records with other
// descriptions and the Reader does not read them.
func ValidDescription(desc string) bool { return validDesc([]byte(desc)) }

// validDesc reports whether d is an RFC 2849 AttributeDescription: a
// descriptor (ALPHA then ALPHA/DIGIT/"-") or a numeric OID, followed by
// ";"-separated options made of ALPHA/DIGIT/"-".
func validDesc(d []byte) bool {
	typ := d
	var opts []byte
	for i, c := range d {
		if c == ';' {
			typ, opts = d[:i], d[i:]
			break
		}
	}
	if !validType(typ) {
		return false
	}
	for len(opts) > 0 {
		opts = opts[1:] // the ';'
		n := 0
		for n < len(opts) && opts[n] != ';' {
			if !isKeyChar(opts[n]) {
				return false
			}
			n++
		}
		if n == 0 {
			return false
		}
		opts = opts[n:]
	}
	return true
}

func validType(t []byte) bool {
	if len(t) == 0 {
		return false
	}
	if isAlpha(t[0]) {
		for _, c := range t[1:] {
			if !isKeyChar(c) {
				return false
			}
		}
		return true
	}
	return validOID(t)
}

// validOID reports whether t is a numeric OID: number *("." number), where
// a number has no leading zero unless it is "0".
func validOID(t []byte) bool {
	if len(t) == 0 {
		return false
	}
	start := 0
	for i := 0; i <= len(t); i++ {
		if i == len(t) || t[i] == '.' {
			n := t[start:i]
			if len(n) == 0 || (len(n) > 1 && n[0] == '0') {
				return false
			}
			start = i + 1
			continue
		}
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func isKeyChar(c byte) bool { return isAlpha(c) || ('0' <= c && c <= '9') || c == '-' }
