package ldif

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultWidth is the default WriterOptions.Width. slapcat (OpenLDAP 2.5)
// folds so that no physical line exceeds 78 bytes, continuation lines
// included (one space plus 77 bytes); matching it lets our export be
// compared byte for byte with slapcat's.
const DefaultWidth = 78

// WriterOptions configures a Writer. The zero value gives the defaults.
type WriterOptions struct {
	// Width is the longest physical line in bytes, the leading space of a
	// continuation line included. 0 means DefaultWidth; a negative value
	// disables folding. Values below 2 are raised to 2.
	Width int
	// Version writes "version: 1" and a blank line before the first record.
	// Leave it off for files meant for slapadd: OpenLDAP 2.5's slapadd
	// refuses any version line ("entry -1 has no dn"); ldapadd accepts it.
	Version bool
}

// Writer writes records as LDIF that this package's Reader, slapadd and
// ldapadd all accept: "dn:" first, one line per value, base64 for values
// that are not RFC 2849 SAFE-STRINGs and for userPassword, folded long
// lines, and a blank line after every record. Re-writing slapcat's output
// reproduces it byte for byte (checked by the interop test on text,
// binary and userPassword values).
//
// Output is buffered; call Flush at the end. A Writer is not safe for
// concurrent use. After a write error every later call returns it.
type Writer struct {
	bw      *bufio.Writer
	width   int
	version bool
	started bool
	err     error
	buf     []byte // the logical line being built
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	width := opts.Width
	switch {
	case width == 0:
		width = DefaultWidth
	case width > 0 && width < 2:
		width = 2
	}
	return &Writer{bw: bufio.NewWriterSize(w, 64<<10), width: width, version: opts.Version}
}

// Flush writes buffered output to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.bw.Flush()
	return w.err
}

// WriteEntry writes e. It returns an error wrapping ErrInvalidRecord
// (nothing written) if e cannot be read back identically: an invalid
// attribute description, a DN that is not UTF-8, an attribute without
// values, or no attributes at all.
func (w *Writer) WriteEntry(e *Entry) error {
	if err := checkEntry(e); err != nil {
		return err
	}
	if !w.begin() {
		return w.err
	}
	w.line("dn", []byte(e.DN))
	w.attrs(entryOrder(e.Attrs))
	return w.end()
}

// changeKeyword reports whether a line "desc: ..." right after "dn:"
// would make a reader take the record for a change record (RFC 2849:
// "control:" and "changetype:" lines).
func changeKeyword(desc string) bool {
	return equalFold(desc, "changetype") || equalFold(desc, "control")
}

// entryOrder returns attrs with a first attribute that cannot be taken for
// a "changetype:" or "control:" line: an attribute so named (changeType of
// the changelog schema) moves behind the first one that is not. The order
// of attributes carries no meaning in LDAP.
func entryOrder(attrs []Attr) []Attr {
	if !changeKeyword(attrs[0].Desc) {
		return attrs
	}
	for k := 1; k < len(attrs); k++ {
		if !changeKeyword(attrs[k].Desc) {
			out := make([]Attr, 0, len(attrs))
			out = append(out, attrs[k])
			out = append(out, attrs[:k]...)
			return append(out, attrs[k+1:]...)
		}
	}
	return attrs // checkEntry refused this
}

// WriteChange writes c as a change record. It returns an error wrapping
// ErrInvalidRecord (nothing written) for an unknown change type, invalid
// descriptions or OIDs, or text fields that are not UTF-8.
func (w *Writer) WriteChange(c *ChangeRecord) error {
	if err := checkChange(c); err != nil {
		return err
	}
	if !w.begin() {
		return w.err
	}
	w.line("dn", []byte(c.DN))
	for _, ctl := range c.Controls {
		w.control(ctl)
	}
	w.line("changetype", []byte(c.Type.String()))
	switch c.Type {
	case ChangeAdd:
		w.attrs(c.Attrs)
	case ChangeModify:
		for _, m := range c.Mods {
			w.line(m.Op.String(), []byte(m.Attr.Desc))
			for _, v := range m.Attr.Values {
				w.line(m.Attr.Desc, v)
			}
			w.raw("-")
		}
	case ChangeModRDN:
		w.line("newrdn", []byte(c.NewRDN))
		w.line("deleteoldrdn", []byte(strconv.Itoa(b2i(c.DeleteOldRDN))))
		if c.HasNewSuperior {
			w.line("newsuperior", []byte(c.NewSuperior))
		}
	}
	return w.end()
}

// begin writes what precedes a record; false means a sticky error.
func (w *Writer) begin() bool {
	if w.err != nil {
		return false
	}
	if !w.started && w.version {
		w.raw("version: 1")
		w.raw("")
	}
	w.started = true
	return true
}

// end writes the blank line that closes every record.
func (w *Writer) end() error {
	w.raw("")
	return w.err
}

func (w *Writer) attrs(attrs []Attr) {
	for _, a := range attrs {
		if isPassword(a.Desc) {
			for _, v := range a.Values {
				w.buf = append(w.buf[:0], a.Desc...)
				w.buf = appendBase64(w.buf, v)
				w.emit()
			}
			continue
		}
		for _, v := range a.Values {
			w.line(a.Desc, v)
		}
	}
}

// isPassword reports whether desc is userPassword (by name or OID, with
// any options). slapcat always base64-encodes its values, so they are not
// readable at a glance; we do the same so exports compare equal.
func isPassword(desc string) bool {
	if i := strings.IndexByte(desc, ';'); i >= 0 {
		desc = desc[:i]
	}
	return equalFold(desc, "userPassword") || desc == "2.5.4.35"
}

// appendBase64 appends ":: base64", or ":" for an empty value.
func appendBase64(b, v []byte) []byte {
	if len(v) == 0 {
		return append(b, ':')
	}
	b = append(b, ":: "...)
	return base64.StdEncoding.AppendEncode(b, v)
}

// control writes "control: OID true|false[: value]". The criticality is
// always written so the value separator cannot be mistaken for part of it.
func (w *Writer) control(c Control) {
	w.buf = append(w.buf[:0], "control: "...)
	w.buf = append(w.buf, c.OID...)
	w.buf = append(w.buf, ' ')
	w.buf = strconv.AppendBool(w.buf, c.Critical)
	if c.HasValue {
		w.buf = appendValue(w.buf, c.Value)
	}
	w.emit()
}

// line writes "name: value" or "name:: base64", folded.
func (w *Writer) line(name string, v []byte) {
	w.buf = append(w.buf[:0], name...)
	w.buf = appendValue(w.buf, v)
	w.emit()
}

// appendValue appends ": value", "::base64" form or ":" for an empty value.
func appendValue(b, v []byte) []byte {
	switch {
	case len(v) == 0:
		return append(b, ':')
	case needsBase64(v):
		return appendBase64(b, v)
	}
	b = append(b, ": "...)
	return append(b, v...)
}

// raw writes s as one unfolded line.
func (w *Writer) raw(s string) {
	w.buf = append(w.buf[:0], s...)
	w.emit()
}

// emit writes w.buf folded to the width: the first physical line holds up
// to width bytes, each continuation a space plus width-1 bytes. Folding
// may split anywhere; readers join the pieces before parsing.
func (w *Writer) emit() {
	if w.err != nil {
		return
	}
	b := w.buf
	if w.width > 0 && len(b) > w.width {
		w.bw.Write(b[:w.width])
		b = b[w.width:]
		for len(b) > 0 {
			n := min(len(b), w.width-1)
			w.bw.WriteString("\n ")
			w.bw.Write(b[:n])
			b = b[n:]
		}
	} else {
		w.bw.Write(b)
	}
	_, w.err = w.bw.WriteString("\n")
}

// needsBase64 reports whether v is not an RFC 2849 SAFE-STRING or would be
// changed by reading it back: it starts with a space, ":" or "<", ends
// with a space, or holds NUL, CR, LF, another control character, DEL or a
// non-ASCII byte.
func needsBase64(v []byte) bool {
	switch v[0] {
	case ' ', ':', '<':
		return true
	}
	if v[len(v)-1] == ' ' {
		return true
	}
	for _, c := range v {
		if c < 0x20 || c >= 0x7f {
			return true
		}
	}
	return false
}

func checkEntry(e *Entry) error {
	if !utf8.ValidString(e.DN) {
		return fmt.Errorf("%w: DN is not valid UTF-8", ErrInvalidRecord)
	}
	if len(e.Attrs) == 0 {
		return fmt.Errorf("%w: entry %q has no attributes", ErrInvalidRecord, e.DN)
	}
	if !slices.ContainsFunc(e.Attrs, func(a Attr) bool { return !changeKeyword(a.Desc) }) {
		return fmt.Errorf("%w: entry %q has only changetype/control attributes, which would read as a change record", ErrInvalidRecord, e.DN)
	}
	return checkAttrs(e.Attrs, true)
}

func checkAttrs(attrs []Attr, needValues bool) error {
	for _, a := range attrs {
		if !validDesc([]byte(a.Desc)) || equalFold(a.Desc, "dn") {
			return fmt.Errorf("%w: invalid attribute description %q", ErrInvalidRecord, a.Desc)
		}
		if needValues && len(a.Values) == 0 {
			return fmt.Errorf("%w: attribute %q has no values", ErrInvalidRecord, a.Desc)
		}
	}
	return nil
}

func checkChange(c *ChangeRecord) error {
	if !utf8.ValidString(c.DN) {
		return fmt.Errorf("%w: DN is not valid UTF-8", ErrInvalidRecord)
	}
	for _, ctl := range c.Controls {
		if !validOID([]byte(ctl.OID)) {
			return fmt.Errorf("%w: control type %q is not a numeric OID", ErrInvalidRecord, ctl.OID)
		}
	}
	switch c.Type {
	case ChangeAdd:
		if len(c.Attrs) == 0 {
			return fmt.Errorf("%w: add change record has no attributes", ErrInvalidRecord)
		}
		return checkAttrs(c.Attrs, true)
	case ChangeDelete:
		return nil
	case ChangeModify:
		return checkMods(c.Mods)
	case ChangeModRDN:
		if c.NewRDN == "" || !utf8.ValidString(c.NewRDN) || !utf8.ValidString(c.NewSuperior) {
			return fmt.Errorf("%w: newrdn must be non-empty UTF-8 and newsuperior UTF-8", ErrInvalidRecord)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown change type %d", ErrInvalidRecord, c.Type)
}

func checkMods(mods []Mod) error {
	for _, m := range mods {
		if m.Op < ModAdd || m.Op > ModIncrement {
			return fmt.Errorf("%w: unknown modify operation %d", ErrInvalidRecord, m.Op)
		}
		if err := checkAttrs([]Attr{m.Attr}, false); err != nil {
			return err
		}
		if (m.Op == ModAdd && len(m.Attr.Values) == 0) || (m.Op == ModIncrement && len(m.Attr.Values) != 1) {
			return fmt.Errorf("%w: %q group for %q has %d values", ErrInvalidRecord, m.Op, m.Attr.Desc, len(m.Attr.Values))
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
