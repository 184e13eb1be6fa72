package ldif

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// DefaultMaxRecordSize is the default ReaderOptions.MaxRecordSize: large
// enough for a group with a million members or a big photo, small enough
// that a file without newlines cannot exhaust memory.
const DefaultMaxRecordSize = 256 << 20

// ReaderOptions configures a Reader. The zero value gives the defaults.
type ReaderOptions struct {
	// MaxRecordSize bounds the bytes of one record after unfolding
	// (0 means DefaultMaxRecordSize). Exceeding it is ErrRecordTooLarge.
	MaxRecordSize int
	// ReadFile resolves "attr:< file:///path" values; nil means os.ReadFile.
	// Set it to a function returning an error to refuse URL values.
	ReadFile func(path string) ([]byte, error)
}

// logLine is one logical line of the current record: rec[start:end], with
// the physical line number where it starts.
type logLine struct {
	start, end int
	num        int
}

// Reader reads LDIF records from a stream, one record at a time; it never
// holds more than the current record in memory.
//
// A Reader is not safe for concurrent use. Records it returns are owned by
// the caller and stay valid after later calls.
type Reader struct {
	br   *bufio.Reader
	opts ReaderOptions

	phys  int   // physical lines read so far
	ioErr error // sticky read error, io.EOF at the end

	rec   []byte    // unfolded logical lines of the current record
	lines []logLine // their positions in rec
	long  []byte    // scratch for physical lines longer than the buffer

	started bool // the version line has been looked for
	skip    bool // skip the rest of a record after a read-level error

	intern map[string]string // attribute descriptions seen so far

	// Scratch for parser.attrs, reused across records.
	split          []line
	group          []int
	firsts, counts []int
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader, opts ReaderOptions) *Reader {
	if opts.MaxRecordSize <= 0 {
		opts.MaxRecordSize = DefaultMaxRecordSize
	}
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	return &Reader{
		br:     bufio.NewReaderSize(r, 64<<10),
		opts:   opts,
		intern: make(map[string]string),
	}
}

// Line returns the number of physical lines consumed so far.
func (r *Reader) Line() int { return r.phys }

// Next returns the next record, an *Entry or a *ChangeRecord, or io.EOF
// after the last one. A syntax error is an *Error naming the line; the
// reader then continues with the record after the bad one, so a caller may
// report and go on. An I/O error from the underlying reader is returned
// as is and repeats on every later call.
func (r *Reader) Next() (Record, error) {
	for {
		if err := r.readRecord(); err != nil {
			return nil, err
		}
		if !r.started {
			r.started = true
			if done, err := r.takeVersion(); err != nil || done {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		return r.parseRecord()
	}
}

// NextEntry is Next for callers that accept only entries (import): a change
// record is an *Error wrapping ErrChangeRecord.
func (r *Reader) NextEntry() (*Entry, error) {
	rec, err := r.Next()
	if err != nil {
		return nil, err
	}
	switch rec := rec.(type) {
	case *Entry:
		return rec, nil
	case *ChangeRecord:
		return nil, &Error{Line: rec.Line, Err: ErrChangeRecord,
			Msg: fmt.Sprintf("change record (changetype: %s) not accepted here; only entries can be loaded", rec.Type)}
	}
	panic("ldif: unknown record type")
}

// takeVersion consumes a leading "version: 1" line. done reports that the
// record held nothing else (the version line stood alone).
func (r *Reader) takeVersion() (done bool, err error) {
	first := r.lines[0]
	l := r.rec[first.start:first.end]
	if len(l) < 8 || !equalFold(l[:8], "version:") {
		return false, nil
	}
	v := bytes.Trim(l[8:], " ")
	if string(v) != "1" {
		return true, syntaxErr(first.num, "unsupported LDIF version %q (only 1)", v)
	}
	r.lines = r.lines[1:]
	return len(r.lines) == 0, nil
}

// readRecord collects the logical lines of the next record into r.rec and
// r.lines: comments dropped, continuation lines joined, up to a blank line
// or the end of input. It returns io.EOF when no record is left.
func (r *Reader) readRecord() error {
	r.rec, r.lines = r.rec[:0], r.lines[:0]
	if r.skip {
		if err := r.skipRecord(); err != nil {
			return err
		}
	}
	inComment := false
	for {
		l, err := r.physical()
		if err != nil {
			if err == io.EOF && len(r.lines) > 0 {
				return nil
			}
			return err
		}
		switch {
		case len(l) == 0: // a blank line ends a started record
			inComment = false
			if len(r.lines) > 0 {
				return nil
			}
		case l[0] == '#':
			inComment = true
		case l[0] == ' ':
			if inComment {
				continue
			}
			if len(r.lines) == 0 {
				r.skip = true
				return syntaxErr(r.phys, "continuation line (starting with a space) with no line to continue")
			}
			r.rec = append(r.rec, l[1:]...)
			r.lines[len(r.lines)-1].end = len(r.rec)
		default:
			inComment = false
			start := len(r.rec)
			r.rec = append(r.rec, l...)
			r.lines = append(r.lines, logLine{start: start, end: len(r.rec), num: r.phys})
		}
		if len(r.rec) > r.opts.MaxRecordSize {
			r.skip = true
			return &Error{Line: r.lines[0].num, Err: ErrRecordTooLarge,
				Msg: fmt.Sprintf("record larger than %d bytes", r.opts.MaxRecordSize)}
		}
	}
}

// skipRecord drops physical lines up to and including the next blank line.
func (r *Reader) skipRecord() error {
	r.skip = false
	for {
		l, err := r.physical()
		if err != nil {
			return err
		}
		if len(l) == 0 {
			return nil
		}
	}
}

// physical returns the next physical line without its line ending (LF or
// CRLF). The slice is valid until the next call. At the end of input it
// returns io.EOF; other read errors are sticky.
func (r *Reader) physical() ([]byte, error) {
	if r.ioErr != nil {
		return nil, r.ioErr
	}
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		b, err = r.longLine(b)
	}
	if err != nil {
		if err != io.EOF {
			r.ioErr = err
			return nil, err
		}
		if len(b) == 0 {
			r.ioErr = io.EOF
			return nil, io.EOF
		}
		// The last line has no newline; serve it, then EOF next time.
		r.ioErr = io.EOF
		err = nil
	}
	r.phys++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	// A line at EOF must still be served even though ioErr is now set.
	return b, nil
}

// longLine accumulates a physical line longer than the read buffer.
func (r *Reader) longLine(first []byte) ([]byte, error) {
	r.long = append(r.long[:0], first...)
	for {
		b, err := r.br.ReadSlice('\n')
		r.long = append(r.long, b...)
		if len(r.long) > r.opts.MaxRecordSize {
			return nil, &Error{Line: r.phys + 1, Err: ErrRecordTooLarge,
				Msg: fmt.Sprintf("line longer than %d bytes", r.opts.MaxRecordSize)}
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return r.long, err
		}
	}
}
