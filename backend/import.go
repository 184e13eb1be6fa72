package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"lightdir/engine"
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
	// Workers is how many goroutines check and encode entries in parallel
	// (default GOMAXPROCS).
	Workers int
	// OtherSuffixes are the suffixes of the server's other databases. An
	// entry at or below one of them that lies below this database's suffix
	// belongs to that database (the server routes its DN there) and is
	// refused, as slapadd refuses an entry another database holds.
	OtherSuffixes []string
}

// ImportStats describes a finished import.
type ImportStats struct {
	Entries int
	Elapsed time.Duration
	// KeysElapsed is the part of Elapsed spent sorting and writing index
	// keys (the rest reads, checks and stores entries).
	KeysElapsed time.Duration
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
//
// The work runs as a pipeline (see import_pipeline.go): one goroutine
// parses LDIF, Workers goroutines check, stamp, normalize and encode
// entries and compute their index keys, and the calling goroutine stores
// the results in input order. Memory stays bounded: a few batches of
// entries are in flight, plus at most BatchBytes of index keys.
func Import(opts Options, r io.Reader, io ImportOptions) (ImportStats, error) {
	start := time.Now()
	// Hold the target like an open environment until the result is in
	// place: a server (or another import) started meanwhile is refused
	// instead of serving a data file that the rename below would replace
	// under it, losing every write it acknowledged.
	target, err := lockImportTarget(opts.Dir)
	if err != nil {
		return ImportStats{}, err
	}
	done := false
	defer func() { target.release(!done) }()
	if err := checkImportTarget(opts); err != nil {
		return ImportStats{}, err
	}
	// Opening an existing target to check it dropped the lock (closing any
	// descriptor of a file drops the process's fcntl locks on it).
	if err := target.lock(); err != nil {
		return ImportStats{}, err
	}
	parent := filepath.Dir(filepath.Clean(opts.Dir))
	removeStaleImports(parent)
	tmp, err := os.MkdirTemp(parent, importTempPrefix)
	if err != nil {
		return ImportStats{}, fmt.Errorf("backend: %w", err)
	}
	defer os.RemoveAll(tmp)
	// The lock tells a later import that this directory is in use; the
	// kernel drops it when this process ends, however it ends.
	if lock, err := os.Open(tmp); err == nil {
		defer lock.Close()
		_ = unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	}
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
		return ImportStats{}, withMapFullHint(err, topts.MapSize)
	}
	keysElapsed := im.keysElapsed
	if err := os.Rename(filepath.Join(tmp, "data.mdb"), filepath.Join(opts.Dir, "data.mdb")); err != nil {
		return ImportStats{}, fmt.Errorf("backend: install imported database: %w", err)
	}
	done = true
	// The rename is durable only once the directory is: a crash right after
	// a reported success could otherwise bring back the empty data file.
	if err := syncDir(opts.Dir); err != nil {
		return ImportStats{}, fmt.Errorf("backend: install imported database: flush %s: %w", opts.Dir, err)
	}
	return ImportStats{Entries: n, Elapsed: time.Since(start), KeysElapsed: keysElapsed}, nil
}

const importTempPrefix = ".lightdir-import-"

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeStaleImports deletes the temporary databases in dir of imports
// that were killed (their directory lock is free): they are never used
// again and may be as large as the data.
func removeStaleImports(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, importTempPrefix+"*"))
	for _, d := range stale {
		f, err := os.Open(d)
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
			os.RemoveAll(d)
		}
		f.Close()
	}
}

// importTarget is the target directory of an import, held with the engine's
// first-opener lock on its lock file (LMDB's, format spec 16.2).
type importTarget struct {
	dir, lockPath         string
	f                     *os.File
	madeDir, madeLockFile bool
}

// lockImportTarget creates the directory if needed (0700, like the database
// files it will hold: they hold every entry) and takes the lock.
func lockImportTarget(dir string) (*importTarget, error) {
	t := &importTarget{dir: dir, lockPath: filepath.Join(dir, "lock.mdb")}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		t.madeDir = true
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	if _, err := os.Stat(t.lockPath); errors.Is(err, os.ErrNotExist) {
		t.madeLockFile = true
	}
	f, err := os.OpenFile(t.lockPath, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		t.release(true)
		return nil, fmt.Errorf("backend: %w", err)
	}
	t.f = f
	if err := t.lock(); err != nil {
		t.release(true)
		return nil, err
	}
	return t, nil
}

func (t *importTarget) lock() error {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 1}
	err := unix.FcntlFlock(t.f.Fd(), unix.F_SETLK, &lk)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("backend: open %s: %w: %s", t.dir, engine.ErrEnvInUse, t.lockPath)
	}
	if err != nil {
		return fmt.Errorf("backend: lock %s: %w", t.lockPath, err)
	}
	return nil
}

// release drops the lock; after a failed import it also removes the lock
// file and directory it created, leaving the target as it was.
func (t *importTarget) release(failed bool) {
	if t.f != nil {
		if !failed {
			// lock.mdb describes the data file just replaced: an LMDB
			// program waiting for the lock would trust its txnid (see
			// engine.resetLMDBLock). Empty, it is refused by such a program
			// and rebuilt by the next one that opens first.
			_ = t.f.Truncate(0)
		}
		t.f.Close()
	}
	if !failed {
		return
	}
	if t.madeLockFile {
		os.Remove(t.lockPath)
	}
	if t.madeDir {
		os.Remove(t.dir)
	}
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

// importer is the state of one import. Its fields belong to the storing
// goroutine, except those the workers read: b (read-only use: registry,
// suffix, options), opts, now, stamps and ads (which locks itself).
type importer struct {
	b      *Backend
	opts   ImportOptions
	prog   *progress
	now    time.Time
	stamps importStamps
	ads    importADs
	w      *writer // the open transaction of the temporary database
	inTxn  int     // entries stored in it
	keys   keyBatches
	path   parentPath
	// orphans are stored entries waiting for their parent, by its
	// normalized DN; adopted are those linked since the last batch.
	orphans map[string][]orphan
	adopted []adopted
	entries int
	// keysElapsed sums the time of flushKeys.
	keysElapsed time.Duration
	// subordinates are the normalized suffixes of other databases below
	// this one's (from OtherSuffixes).
	subordinates []subordinate
}

// subordinate is another database's suffix below this one's.
type subordinate struct {
	ndn    schema.DN // normalized
	suffix string    // as configured
}

func newImporter(opts Options, io ImportOptions) (*importer, error) {
	if io.BatchBytes <= 0 {
		io.BatchBytes = 256 << 20
	}
	if io.TxnEntries <= 0 {
		io.TxnEntries = 50000
	}
	if io.Workers <= 0 {
		io.Workers = runtime.GOMAXPROCS(0)
	}
	b, err := Open(opts)
	if err != nil {
		return nil, err
	}
	im := &importer{b: b, opts: io, now: time.Now()}
	for _, sfx := range io.OtherSuffixes {
		dn, err := schema.ParseDN(sfx)
		if err == nil {
			dn, err = b.reg.NormalizeDN(dn)
		}
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("%w: %q: %w", ErrNoSuffix, sfx, err)
		}
		if below, ok := b.inSuffix(dn); ok && below > 0 {
			im.subordinates = append(im.subordinates, subordinate{dn, sfx})
		}
	}
	im.keys.init(len(b.ix))
	im.ads.init(b)
	if err := im.stamps.init(b, im.now, &im.ads); err != nil {
		b.Close()
		return nil, err
	}
	im.prog = newProgress(io.Progress, io.Size)
	return im, nil
}

// run imports everything r holds and returns the number of entries.
func (im *importer) run(r io.Reader) (int, error) {
	if f, ok := r.(*os.File); ok && im.opts.Size == 0 {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			im.prog.total = st.Size()
		}
	}
	cr := &countingReader{r: r}
	im.prog.read = &cr.n
	p := im.startPipeline(cr)
	err := im.storeAll(p.results)
	p.stop()
	// Entries still waiting for their parent are an error only once the
	// whole input has been read: when something stopped it, the parent
	// may well come after that point (slapcat writes an entry moved below
	// a newer parent before it), so the error that stopped the input is
	// the one to report, as slapadd does.
	if err == nil {
		err = im.orphanError()
	}
	if err == nil {
		err = im.flushKeys()
	}
	if err != nil {
		return im.entries, err
	}
	im.prog.done(im.entries)
	return im.entries, nil
}

// idleFlushBytes is the least amount of collected index keys worth a
// flush while the storing goroutine waits for the workers.
const idleFlushBytes = 1 << 20

// storeAll stores the prepared batches in input order until the input
// ends or something fails.
func (im *importer) storeAll(results <-chan *importJob) error {
	for j := range results {
		select {
		case <-j.done:
		default:
			// The workers are behind: write index keys meanwhile, so
			// fewer are left for the end, when nothing else runs.
			if im.keys.bytes >= idleFlushBytes {
				if err := im.flushKeys(); err != nil {
					return err
				}
			}
			<-j.done
		}
		err := im.storeBatch(j.out)
		putBatch(j.out)
		if err != nil {
			return err
		}
	}
	return nil
}

// begin makes sure a transaction is open for n more entries, committing
// the current one first once it holds TxnEntries.
func (im *importer) begin(n int) error {
	if im.w != nil && im.inTxn < im.opts.TxnEntries {
		im.inTxn += n
		return nil
	}
	if err := im.commit(); err != nil {
		return err
	}
	txn, err := im.b.env.BeginWrite()
	if err != nil {
		return err
	}
	im.w, im.inTxn = &writer{b: im.b, txn: txn}, n
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

// countingReader counts the bytes read, for the progress percentage; the
// count is read from another goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
