package mdbtool

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"lightdir/engine"
)

// LoadOptions are mdb_load's switches.
type LoadOptions struct {
	// Append loads with engine.Append (-a): keys must come in database order.
	Append bool
	// Name loads into this named database (-s NAME) unless a database= header
	// line names another; "" is the main DB.
	Name string
	// NoOverwrite keeps existing keys (-N): pairs whose key (or, in a DupSort
	// database, whose key and value) exist are skipped.
	NoOverwrite bool
	// Text reads plain text (-T): no header, one key line then one value line,
	// each in the print encoding without the leading space.
	Text bool
	// NoSubdir: the path is the data file itself (-n).
	NoSubdir bool
	// Batch is the number of records per transaction (default 100, as mdb_load).
	Batch int
	// Warnings receives header lines that are ignored (nil: discarded).
	Warnings io.Writer
}

// Load reads mdb_dump output (or plain text) from r into the environment at
// path, creating its files if needed (not the directory, which must exist as
// for mdb_load); the first header's mapsize becomes the map size of a new
// environment. Input errors wrap ErrBadInput and name the line; a failed
// section's open transaction is aborted (earlier batches stay).
func Load(r io.Reader, path string, opts LoadOptions) error {
	l := newLoader(r, opts)
	var hdr header
	empty := false // no input at all: the environment is still created, as mdb_load does
	if !opts.Text {
		var ok bool
		var err error
		if hdr, ok, err = l.readHeader(); err != nil {
			return err
		}
		empty = !ok
	}
	if !opts.NoSubdir {
		// mdb_env_open does not create the directory (the engine would).
		if st, err := os.Stat(path); err != nil {
			return fmt.Errorf("mdbtool: %w", err)
		} else if !st.IsDir() {
			return fmt.Errorf("mdbtool: %s: %w", path, syscall.ENOTDIR)
		}
	}
	env, err := engine.Open(path, &engine.Options{MapSize: hdr.mapSize, NoSubdir: opts.NoSubdir, MaxDBs: maxDBs,
		Durability: engine.NoMetaSync})
	if err != nil {
		return err
	}
	if !empty {
		err = l.run(env, &hdr)
	} else {
		err = l.createNamed(env)
	}
	if cerr := env.Close(); err == nil {
		err = cerr
	}
	return err
}

// LoadEnv is Load into an open environment (header map sizes are ignored).
func LoadEnv(r io.Reader, env *engine.Env, opts LoadOptions) error {
	l := newLoader(r, opts)
	if opts.Text {
		return l.run(env, &header{})
	}
	hdr, ok, err := l.readHeader()
	if err != nil {
		return err
	}
	if !ok {
		return l.createNamed(env)
	}
	return l.run(env, &hdr)
}

// createNamed handles an input without any header: mdb_load still opens the
// database with MDB_CREATE before it finds no data, so -s NAME leaves an
// empty named database.
func (l *loader) createNamed(env *engine.Env) error {
	if l.name == "" {
		return nil
	}
	return env.Update(func(txn *engine.Txn) error {
		if _, err := txn.OpenDB(l.name, engine.Create); err != nil {
			return fmt.Errorf("database %q: %w", l.name, err)
		}
		return nil
	})
}

type loader struct {
	r    *bufio.Reader
	opts LoadOptions
	line int
	name string // database of the current section
}

// header is one section's header.
type header struct {
	print   bool
	flags   engine.DBFlags
	mapSize int64
}

func newLoader(r io.Reader, opts LoadOptions) *loader {
	if opts.Batch <= 0 {
		opts.Batch = 100
	}
	return &loader{r: bufio.NewReaderSize(r, 64<<10), opts: opts, name: opts.Name}
}

func (l *loader) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrBadInput, l.line, fmt.Sprintf(format, args...))
}

// readLine returns the next line without its newline; ok is false at the end.
func (l *loader) readLine() (line []byte, ok bool, err error) {
	b, err := l.r.ReadBytes('\n')
	if len(b) == 0 && errors.Is(err, io.EOF) {
		return nil, false, nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	l.line++
	return bytes.TrimSuffix(b, []byte("\n")), true, nil
}

// run loads the section whose header was read, and every following one.
func (l *loader) run(env *engine.Env, hdr *header) error {
	for {
		if err := l.section(env, hdr); err != nil {
			return err
		}
		if l.opts.Text {
			return nil
		}
		h, ok, err := l.readHeader()
		if err != nil || !ok {
			return err
		}
		*hdr = h
	}
}

// readHeader reads header lines up to HEADER=END. ok is false at a clean end
// of input before any header line.
func (l *loader) readHeader() (header, bool, error) {
	var h header
	started := false
	for {
		b, ok, err := l.readLine()
		if err != nil {
			return h, false, err
		}
		if !ok {
			if started {
				return h, false, l.errorf("unexpected end of input in the header")
			}
			return h, false, nil
		}
		started = true
		line := string(b)
		if line == "HEADER=END" {
			return h, true, nil
		}
		if err := l.headerLine(&h, line); err != nil {
			return h, false, err
		}
	}
}

func (l *loader) headerLine(h *header, line string) error {
	if strings.HasSuffix(line, "\r") {
		return l.errorf("line ends with CR (CRLF line endings): convert the input to LF line endings")
	}
	key, val, found := strings.Cut(line, "=")
	if !found {
		return l.errorf("unexpected format: %q", line)
	}
	switch key {
	case "VERSION":
		if v, err := strconv.Atoi(val); err != nil || v > 3 {
			return l.errorf("unsupported VERSION %q", val)
		}
	case "format":
		switch val {
		case "print":
			h.print = true
		case "bytevalue":
			h.print = false
		default:
			return l.errorf("unsupported format %q", val)
		}
	case "database":
		if val == "" {
			// mdb_dbi_open refuses a name of 0 bytes (MDB_BAD_VALSIZE);
			// it does not mean the main DB.
			return l.errorf("empty database name")
		}
		l.name = val
	case "type":
		if val != "btree" {
			return l.errorf("unsupported type %q", val)
		}
	case "mapsize":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n < 0 {
			return l.errorf("invalid mapsize %q", val)
		}
		h.mapSize = n
	case "maxreaders", "db_pagesize":
		// Properties of the dumping environment, not of the data; still
		// numbers, as mdb_load checks.
		if n, err := strconv.ParseUint(val, 10, 32); err != nil || n == 0 {
			return l.errorf("invalid %s %q", key, val)
		}
	case "mapaddr":
		if _, err := strconv.ParseUint(strings.TrimPrefix(val, "0x"), 16, 64); err != nil && val != "(nil)" {
			return l.errorf("invalid mapaddr %q", val)
		}
	case "duplicates":
	default:
		for _, f := range dbFlagNames {
			if key == f.name {
				h.flags |= f.flag
				return nil
			}
		}
		if l.opts.Warnings != nil {
			fmt.Fprintf(l.opts.Warnings, "line %d: unrecognized keyword ignored: %s\n", l.line, key)
		}
	}
	return nil
}

// section loads pairs up to DATA=END (plain text: up to the end of input),
// committing every Batch records.
func (l *loader) section(env *engine.Env, hdr *header) error {
	txn, err := env.BeginWrite()
	if err != nil {
		return err
	}
	defer func() { txn.Abort() }()
	dbi, err := txn.OpenDB(l.name, hdr.flags|engine.Create)
	if err != nil {
		return fmt.Errorf("database %q: %w", l.name, err)
	}
	dups := hdr.flags&engine.DupSort != 0
	if f, err := txn.Flags(dbi); err == nil {
		dups = f&engine.DupSort != 0
	}
	var putFlags engine.PutFlags
	if l.opts.NoOverwrite {
		putFlags = engine.NoOverwrite
		if dups {
			putFlags |= engine.NoDupData
		}
	}
	var prevKey []byte
	batch := 0
	for {
		key, val, ok, err := l.readPair(hdr.print || l.opts.Text)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		fl := putFlags
		if l.opts.Append {
			fl |= engine.Append
			if dups && prevKey != nil && bytes.Equal(prevKey, key) {
				fl |= engine.AppendDup
			}
			prevKey = append(prevKey[:0], key...)
		}
		err = txn.Put(dbi, key, val, fl)
		if errors.Is(err, engine.ErrKeyExists) && putFlags != 0 {
			continue
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", l.line, err)
		}
		if batch++; batch == l.opts.Batch {
			if err := txn.Commit(); err != nil {
				return err
			}
			if txn, err = env.BeginWrite(); err != nil {
				return err
			}
			batch = 0
		}
	}
	return txn.Commit()
}

// readPair reads a key line and a value line. ok is false at DATA=END (or,
// for plain text, at the end of input).
func (l *loader) readPair(print bool) (key, val []byte, ok bool, err error) {
	key, ok, err = l.readItem(print)
	if err != nil || !ok {
		return nil, nil, false, err
	}
	key = bytes.Clone(key)
	val, ok, err = l.readItem(print)
	if err != nil {
		return nil, nil, false, err
	}
	if !ok {
		return nil, nil, false, l.errorf("key without a value")
	}
	return key, val, true, nil
}

// readItem reads and decodes one data line.
func (l *loader) readItem(print bool) ([]byte, bool, error) {
	b, ok, err := l.readLine()
	if err != nil {
		return nil, false, err
	}
	if !l.opts.Text {
		switch {
		case !ok:
			return nil, false, l.errorf("unexpected end of input: DATA=END missing")
		case string(b) == "DATA=END":
			return nil, false, nil
		case len(b) == 0 || b[0] != ' ':
			return nil, false, l.errorf("expected a data line (starting with a space) or DATA=END")
		}
		b = b[1:]
	} else if !ok {
		return nil, false, nil
	}
	if print {
		return l.decodePrint(b)
	}
	return l.decodeHex(b)
}

// decodeHex decodes in place: pairs of hex digits.
func (l *loader) decodeHex(b []byte) ([]byte, bool, error) {
	if len(b)%2 != 0 {
		return nil, false, l.errorf("odd number of hex digits")
	}
	n, err := hex.Decode(b, b)
	if err != nil {
		// n pairs decoded before the bad one.
		return nil, false, l.errorf("invalid hex digit at column %d", 2*n+2)
	}
	return b[:n], true, nil
}

// decodePrint decodes in place: bytes as they are, "\\" a backslash, "\hh" a byte.
func (l *loader) decodePrint(b []byte) ([]byte, bool, error) {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 < len(b) && b[i+1] == '\\' {
			out = append(out, '\\')
			i++
			continue
		}
		if i+2 >= len(b) {
			return nil, false, l.errorf("incomplete escape at column %d", i+2)
		}
		hi, ok1 := unhex(b[i+1])
		lo, ok2 := unhex(b[i+2])
		if !ok1 || !ok2 {
			return nil, false, l.errorf("invalid escape at column %d", i+2)
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return out, true, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
