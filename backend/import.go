package backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"lightdir/engine"
	"lightdir/ldif"
	"lightdir/schema"
)

// ImportOptions configure Import.
type ImportOptions struct {
	// Progress receives progress reports (nil: none). When it is a terminal
	// it gets a one-line bar with entries/s (and percentage and ETA when
	// the input is a regular file); otherwise a line every 100,000 entries.
	Progress io.Writer
	// Size is the input's size in bytes for percentage and ETA (0: unknown;
	// taken from the file when the reader is an *os.File).
	Size int64
	// BatchBytes bounds the memory of collected index keys before they are
	// sorted and written (default 256 MiB).
	BatchBytes int
	// TxnEntries is how many entries go into one engine transaction of the
	// temporary database (default 50,000).
	TxnEntries int
}

// ImportStats describes a finished import.
type ImportStats struct {
	Entries int
	Elapsed time.Duration
}

// Import loads LDIF entries (RFC 2849; change records are refused) into
// the database of opts, which must be empty or missing and not open
// elsewhere: the slapadd -q analogue. Entries are written in ID order with
// the engine's append mode and index keys are sorted and written in large
// batches. The load runs in a temporary database next to opts.Dir that
// replaces the data file only once everything is in, so on any error
// (reported with its LDIF line, wrapping ErrBadEntry or an ldif error)
// the database is left exactly as it was. Errors: ErrNotEmpty, ErrBadEntry,
// *ldif.Error, engine errors.
func Import(opts Options, r io.Reader, io ImportOptions) (ImportStats, error) {
	start := time.Now()
	if err := checkImportTarget(opts); err != nil {
		return ImportStats{}, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(opts.Dir)), ".lightdir-import-")
	if err != nil {
		return ImportStats{}, fmt.Errorf("backend: %w", err)
	}
	defer os.RemoveAll(tmp)
	topts := opts
	topts.Dir, topts.Durability, topts.ReadOnly = tmp, engine.NoSync, false
	im, err := newImporter(topts, io)
	if err != nil {
		return ImportStats{}, err
	}
	n, err := im.run(r)
	if cerr := im.close(err == nil); err == nil {
		err = cerr
	}
	if err != nil {
		return ImportStats{}, err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return ImportStats{}, fmt.Errorf("backend: %w", err)
	}
	if err := os.Rename(filepath.Join(tmp, "data.mdb"), filepath.Join(opts.Dir, "data.mdb")); err != nil {
		return ImportStats{}, fmt.Errorf("backend: install imported database: %w", err)
	}
	return ImportStats{Entries: n, Elapsed: time.Since(start)}, nil
}

// checkImportTarget refuses a database that holds entries (or is in use).
func checkImportTarget(opts Options) error {
	if _, err := os.Stat(filepath.Join(opts.Dir, "data.mdb")); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	b, err := Open(opts)
	if err != nil {
		return err
	}
	defer b.Close()
	var empty bool
	err = b.env.View(func(txn *engine.Txn) error {
		var err error
		empty, err = b.isEmpty(txn)
		return err
	})
	if err == nil && !empty {
		err = fmt.Errorf("%w: %s", ErrNotEmpty, opts.Dir)
	}
	return err
}

// importer is the state of one import.
type importer struct {
	b       *Backend
	opts    ImportOptions
	w       *writer
	inTxn   int
	batch   []keyBatch // per index, parallel to b.ix
	bytes   int
	prog    *progress
	now     time.Time
	idBuf   [8]byte
	entries int
}

// keyBatch collects (key, ID) pairs of one index.
type keyBatch struct {
	arena []byte
	pairs []keyPair
}

type keyPair struct {
	off, n uint32
	id     uint64
}

func newImporter(opts Options, io ImportOptions) (*importer, error) {
	if io.BatchBytes <= 0 {
		io.BatchBytes = 256 << 20
	}
	if io.TxnEntries <= 0 {
		io.TxnEntries = 50000
	}
	b, err := Open(opts)
	if err != nil {
		return nil, err
	}
	im := &importer{b: b, opts: io, batch: make([]keyBatch, len(b.ix)), now: time.Now()}
	im.prog = newProgress(io.Progress, io.Size)
	return im, nil
}

func (im *importer) run(r io.Reader) (int, error) {
	if f, ok := r.(*os.File); ok && im.opts.Size == 0 {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			im.prog.total = st.Size()
		}
	}
	cr := &countingReader{r: r}
	im.prog.read = &cr.n
	batches := make(chan []prepared, 4)
	stop := make(chan struct{})
	defer close(stop)
	go im.prepareAll(ldif.NewReader(cr, ldif.ReaderOptions{}), batches, stop)
	for batch := range batches {
		for i := range batch {
			p := &batch[i]
			if p.err != nil {
				return im.entries, p.err
			}
			if err := im.store(p); err != nil {
				return im.entries, fmt.Errorf("ldif: line %d: dn %q: %w", p.line, p.e.DN.String(), err)
			}
			im.entries++
			im.prog.tick(im.entries)
		}
	}
	if err := im.flushKeys(); err != nil {
		return im.entries, err
	}
	im.prog.done(im.entries)
	return im.entries, nil
}

// prepared is an LDIF entry parsed, checked and normalized, ready to be
// stored; err ends the import.
type prepared struct {
	line int
	e    *schema.Entry
	ndn  schema.DN
	err  error
}

// prepareAll parses and checks entries on its own goroutine, so that the
// CPU-heavy part (LDIF, schema checks, normalization) overlaps the writes.
// Batches go out in input order; the first error is the last item sent.
func (im *importer) prepareAll(lr *ldif.Reader, out chan<- []prepared, stop <-chan struct{}) {
	defer close(out)
	const batchSize = 256
	batch := make([]prepared, 0, batchSize)
	send := func() bool {
		select {
		case out <- batch:
			batch = make([]prepared, 0, batchSize)
			return true
		case <-stop:
			return false
		}
	}
	for {
		le, err := lr.NextEntry()
		if errors.Is(err, io.EOF) {
			if len(batch) > 0 {
				send()
			}
			return
		}
		p := prepared{err: err}
		if err == nil {
			p = im.prepare(le)
		}
		batch = append(batch, p)
		if p.err != nil {
			send()
			return
		}
		if len(batch) == batchSize && !send() {
			return
		}
	}
}

// prepare turns one LDIF entry into a checked, stamped, normalized entry.
// It runs concurrently with the writer and touches no shared state but
// the read-only registry and the entry-CSN clock.
func (im *importer) prepare(le *ldif.Entry) prepared {
	p := prepared{line: le.Line}
	fail := func(err error) prepared {
		p.err = fmt.Errorf("ldif: line %d: dn %q: %w: %w", le.Line, le.DN, ErrBadEntry, err)
		return p
	}
	dn, err := schema.ParseDN(le.DN)
	if err != nil {
		return fail(err)
	}
	e := &schema.Entry{DN: dn, Attrs: make([]schema.Attribute, len(le.Attrs))}
	for i, a := range le.Attrs {
		e.Attrs[i] = schema.Attribute{Desc: a.Desc, Values: a.Values}
	}
	if err := im.b.reg.CheckEntry(e, schema.CheckOptions{Internal: true}); err != nil {
		return fail(err)
	}
	if p.ndn, err = im.b.reg.NormalizeDN(dn); err != nil {
		return fail(err)
	}
	if _, ok := im.b.inSuffix(p.ndn); !ok {
		return fail(fmt.Errorf("not within suffix %q", im.b.suffix.String()))
	}
	im.b.stampCreate(e, im.b.opts.RootDN, im.now)
	im.b.reg.PrepareEntry(e)
	p.e = e
	return p
}

// store writes one prepared entry.
func (im *importer) store(p *prepared) error {
	if err := im.begin(); err != nil {
		return err
	}
	id, err := im.place(p.e, p.ndn)
	if err != nil {
		return err
	}
	return im.collectKeys(id, p.e)
}

// begin opens the next transaction when needed.
func (im *importer) begin() error {
	if im.w != nil && im.inTxn < im.opts.TxnEntries {
		im.inTxn++
		return nil
	}
	if err := im.commit(); err != nil {
		return err
	}
	txn, err := im.b.env.BeginWrite()
	if err != nil {
		return err
	}
	im.w, im.inTxn = &writer{b: im.b, txn: txn}, 1
	return nil
}

func (im *importer) commit() error {
	if im.w == nil {
		return nil
	}
	err := im.w.txn.Commit()
	im.w = nil
	im.b.ads.settle(err == nil)
	return err
}

// place links the entry into the DN tree and appends its blob.
func (im *importer) place(e *schema.Entry, ndn schema.DN) (uint64, error) {
	b, w := im.b, im.w
	below, _ := b.inSuffix(ndn)
	parent, rdn, nrdn := rootID, e.DN.String(), b.nsuffix
	if below > 0 {
		pid, _, found, err := b.lookup(w.txn, ndn[1:])
		if err != nil {
			return 0, err
		}
		if !found {
			return 0, fmt.Errorf("%w: parent %q does not exist (parents must come first)", ErrBadEntry, e.DN[1:].String())
		}
		parent, rdn, nrdn = pid, e.DN[0].String(), ndn[0].String()
	}
	id := b.nextID
	b.nextID++
	if err := b.linkDN(w.txn, id, parent, rdn, nrdn); err != nil {
		if errors.Is(err, engine.ErrKeyExists) {
			return 0, fmt.Errorf("%w: entry already exists", ErrBadEntry)
		}
		return 0, err
	}
	var err error
	w.buf, err = encodeEntry(w.buf[:0], e, func(desc string) (uint32, error) {
		return b.ads.intern(w.txn, b.db.attrs, desc)
	})
	if err != nil {
		return 0, err
	}
	return id, w.txn.Put(b.db.id2entry, idKey(&im.idBuf, id), w.buf, engine.Append)
}

// collectKeys adds the entry's index keys to the batches, flushing them
// when they grow past the memory bound.
func (im *importer) collectKeys(id uint64, e *schema.Entry) error {
	for i, d := range im.b.ix {
		d.keysFor(im.b.reg, e, &im.w.s.new, &im.w.s.norms)
		kb := &im.batch[i]
		for j := 0; j < im.w.s.new.Len(); j++ {
			k := im.w.s.new.Key(j)
			kb.pairs = append(kb.pairs, keyPair{off: uint32(len(kb.arena)), n: uint32(len(k)), id: id})
			kb.arena = append(kb.arena, k...)
			im.bytes += len(k) + 16
		}
	}
	if im.bytes >= im.opts.BatchBytes || im.bytes >= 1<<31 {
		return im.flushKeys()
	}
	return nil
}

// flushKeys sorts each batch by key then ID and writes it. IDs of a later
// batch are all larger, so every put lands at the end of its key's IDs.
func (im *importer) flushKeys() error {
	if err := im.commit(); err != nil {
		return err
	}
	txn, err := im.b.env.BeginWrite()
	if err != nil {
		return err
	}
	defer txn.Abort()
	var idb [8]byte
	for i, d := range im.b.ix {
		kb := &im.batch[i]
		key := func(p keyPair) []byte { return kb.arena[p.off : p.off+p.n] }
		slices.SortFunc(kb.pairs, func(x, y keyPair) int {
			if c := bytes.Compare(key(x), key(y)); c != 0 {
				return c
			}
			return compareIDs(x.id, y.id)
		})
		for _, p := range kb.pairs {
			putNative(idb[:], p.id)
			if err := txn.Put(d.dbi, key(p), idb[:], engine.AppendDup); err != nil {
				if !errors.Is(err, engine.ErrKeyExists) {
					return fmt.Errorf("backend: index %s: %w", d.typ.Name(), err)
				}
				if err := txn.Put(d.dbi, key(p), idb[:], 0); err != nil {
					return fmt.Errorf("backend: index %s: %w", d.typ.Name(), err)
				}
			}
		}
		kb.arena, kb.pairs = kb.arena[:0], kb.pairs[:0]
	}
	im.bytes = 0
	return txn.Commit()
}

func compareIDs(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// close finishes the temporary database: the ID counter, then a sync.
func (im *importer) close(ok bool) error {
	defer im.b.Close()
	if im.w != nil {
		if !ok {
			im.w.txn.Abort()
			im.w = nil
		} else if err := im.commit(); err != nil {
			return err
		}
	}
	if !ok {
		return nil
	}
	err := im.b.write(context.Background(), false, func(w *writer) error {
		w.b.nextID-- // allocID below re-stores the current counter
		_, err := w.allocID()
		return err
	})
	if err != nil {
		return err
	}
	return im.b.env.Sync(true)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
