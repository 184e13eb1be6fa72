package engine

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Durability says when a commit reaches stable storage.
type Durability uint8

const (
	// SyncFull (the default): data pages are flushed before the meta page, and the
	// meta page is flushed before Commit returns. Nothing committed is ever lost.
	SyncFull Durability = iota
	// NoMetaSync: data pages are flushed, the meta page is not; a system crash may
	// roll back the last transactions but never corrupts. A process crash loses nothing.
	NoMetaSync
	// NoSync: nothing is flushed by Commit. A process crash loses nothing; a system
	// crash may lose recent commits and, on file systems that reorder writes, corrupt.
	NoSync
	// SyncInterval: commits write their pages but no meta; every Options.SyncInterval
	// a background flush makes the newest commit durable (pages first, then meta).
	// Pages of the last durable snapshot are never reused before the next flush, so a
	// system crash loses at most the last interval and never corrupts.
	SyncInterval
)

// Options configure Open. The zero value is usable.
type Options struct {
	// MapSize is the largest size the data file may reach, in bytes; address space
	// is reserved for it, the file grows as pages are used. 0: the size recorded in
	// an existing file, or DefaultMapSize for a new one. A size below the
	// recorded one applies too (as LMDB's), raised to the pages in use. Writes
	// past it fail with ErrMapFull.
	MapSize int64
	// MaxDBs is the number of named databases that may be open at once (default 64).
	MaxDBs int
	// MaxReaders is the number of concurrent read transactions (default 126).
	MaxReaders int
	// ReadOnly opens without write access; write transactions fail with ErrReadOnly.
	ReadOnly bool
	// NoSubdir: the path names the data file itself, the lock file is path+"-lock".
	NoSubdir bool
	// Durability of commits (default SyncFull).
	Durability Durability
	// SyncInterval is the flush period for Durability SyncInterval (default 1s).
	SyncInterval time.Duration
	// FileMode for created files (default 0644).
	FileMode os.FileMode
	// LongReaderAfter and OnLongReader: when a write transaction begins, every
	// read transaction open longer than LongReaderAfter is reported once to
	// OnLongReader. A reader that stays open pins its snapshot's pages, so the
	// file grows until it ends. The callback runs on the writer's goroutine
	// and must be quick. Zero or nil: no reports (Env.Readers lists them).
	LongReaderAfter time.Duration
	OnLongReader    func(ReaderInfo)
	// DirtyLimit is how many modified pages a write transaction keeps in
	// memory: past it, the next write writes them to the file early (they
	// are read back through the map), so a huge transaction does not grow
	// without bound. A nested transaction cannot spill: past the limit its
	// next write operation fails with ErrTxnFull, having changed nothing
	// (commit or abort the child). 0: 131,072 pages (512 MiB at 4 KiB);
	// negative: no limit.
	DirtyLimit int
}

// DefaultMapSize is the map size of a new environment when Options.MapSize is 0.
const DefaultMapSize = 1 << 30

const (
	defaultMaxDBs     = 64
	defaultMaxReaders = 126
)

// snapshot is an immutable committed state: what a read transaction sees.
type snapshot struct {
	meta meta
	// maxPg bounds every page reachable from this snapshot: min(last_pg+1, file
	// pages). A page at or past it is corruption, never a read outside the map.
	maxPg uint64
	// named caches the records of named databases as this snapshot holds
	// them (DBI -> *namedRecord), so read transactions on the same snapshot
	// look each up once, not once per transaction.
	named sync.Map
}

// namedRecord is a named database's record in one snapshot.
type namedRecord struct {
	name string
	rec  dbRecord
}

// Env is an open environment: one data file holding many B+trees.
// An Env is safe for concurrent use. Any number of read transactions run
// concurrently with one write transaction.
type Env struct {
	opts     Options
	dataPath string
	lockPath string

	file     *os.File // data file: pwrite, fdatasync
	metaFile *os.File // data file opened O_DSYNC for durable meta writes (writer-owned)
	// flushMu serializes SyncInterval flushes (not with commits: a flush
	// records a published snapshot, whose pages are all written, and write
	// transactions go on during its fdatasync) and guards syncFile.
	flushMu  sync.Mutex
	syncFile *os.File              // SyncInterval's record (data file path + "-sync"), once written
	flushErr atomic.Pointer[error] // SyncInterval: a flush failed; no write may follow
	lockFile *os.File              // held for the first-opener lock until Close
	dataID   fileID                // the data file's identity, registered in openEnvs
	// shared is the reader table for other processes: this process hosts it
	// (it holds the first-opener lock) or, when attached, reads through it.
	shared   atomic.Pointer[sharedTable]
	attached atomic.Bool
	// retired are reader tables of hosts that closed, kept mapped until
	// Close for the read transactions pinned in them (reattach).
	retiredMu sync.Mutex
	retired   []*sharedTable
	handover  handoverState // a read-only host handing the environment to a writer (handover.go)

	mapData  []byte // the read-only shared mapping, len == mapSize
	writeMap []byte // a writable shared mapping of the same range, for commits; nil when read-only or refused
	psize    int
	nodeMax  int

	writeMu  sync.Mutex // one write transaction at a time; guards the fields below it
	fileSize int64      // data file length
	mapRuns  uint64     // runs of pages copied through writeMap (tests)
	// readerScan is when warnLongReaders last read the reader table (monoNow).
	readerScan int64
	prevMeta   meta // the snapshot before the current one (SyncInterval flushes)
	snap       atomic.Pointer[snapshot]
	readers    readerTable

	// durableTxnid is the newest txnid whose meta is on stable storage (SyncInterval);
	// its pages are not reused until a newer meta is durable.
	durableTxnid atomic.Uint64
	// horizonMu guards flushing, the snapshot the newest flush makes (or
	// made) durable; with durableTxnid it bounds what writers reuse (young.go).
	horizonMu sync.Mutex
	flushing  uint64
	// SyncInterval page reuse (young.go), guarded by writeMu: the
	// transaction that last took each page from the pool (pages taken after
	// youngPrunedAt only), and the last held-back free-DB record looked into.
	youngAlloc    map[uint64]uint64
	youngPrunedAt uint64
	youngScanned  uint64
	youngReused   int // pages reused that way so far (tests)
	syncStop      chan struct{}
	syncDone      chan struct{}

	dbs     atomic.Pointer[[]dbInfo] // DBI -> name and flags; copy-on-write
	dbsMu   sync.Mutex               // serializes additions to dbs
	dbIndex map[string][]DBI         // name -> its handles in dbs; guarded by dbsMu

	spare     []page // dirty-page buffers of psize bytes for reuse; guarded by writeMu
	dirtyHint int    // dirty pages of the last write transaction; guarded by writeMu
	spills    int    // spills so far (spill.go); guarded by writeMu
	closed    atomic.Bool
}

// dbInfo describes an open database handle.
type dbInfo struct {
	name  string
	flags uint16 // persistent DB flags
	cmp   keyOrder
	dcmp  keyOrder // duplicate values (DupSort)
	// bytewise: keys compare as plain bytes, so searches call bytes.Compare directly.
	bytewise bool
}

// Open opens (creating if needed, unless ReadOnly) the environment at path.
// Errors: ErrEnvInUse, ErrInvalid, ErrVersionMismatch, ErrCorrupted, or an os error.
func Open(path string, opts *Options) (*Env, error) {
	e := &Env{}
	if opts != nil {
		e.opts = *opts
	}
	e.setDefaults()
	if err := e.resolvePaths(path); err != nil {
		return nil, err
	}
	if err := e.openFiles(); err != nil {
		e.closeFiles()
		return nil, err
	}
	if err := e.loadMetas(); err != nil {
		e.closeFiles()
		return nil, err
	}
	infos := []dbInfo{{name: "", flags: dbIntegerKey, cmp: orderInteger, dcmp: orderInteger}, {name: "", flags: e.snap.Load().meta.main.flags}}
	infos[mainDBI].setOrder(infos[mainDBI].flags)
	e.dbs.Store(&infos)
	if e.opts.Durability == SyncInterval && !e.opts.ReadOnly {
		e.syncStop, e.syncDone = make(chan struct{}), make(chan struct{})
		go e.syncLoop()
	}
	e.endHandoverRequest()
	if e.opts.ReadOnly && e.hosting() && e.shared.Load() != nil {
		e.startHandoverWatch()
	}
	return e, nil
}

func (e *Env) setDefaults() {
	if e.opts.MaxDBs <= 0 {
		e.opts.MaxDBs = defaultMaxDBs
	}
	if e.opts.MaxReaders <= 0 {
		e.opts.MaxReaders = defaultMaxReaders
	}
	if e.opts.SyncInterval <= 0 {
		e.opts.SyncInterval = time.Second
	}
	if e.opts.FileMode == 0 {
		e.opts.FileMode = 0o644
	}
	if e.opts.DirtyLimit == 0 {
		e.opts.DirtyLimit = defaultDirtyLimit
	}
	e.readers = newReaderTable(e.opts.MaxReaders)
}

// resolvePaths makes the paths absolute: side files (-sync, -readers) are
// opened by name later, and a change of working directory must not send
// them elsewhere.
func (e *Env) resolvePaths(path string) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if e.opts.NoSubdir {
		e.dataPath, e.lockPath = path, path+"-lock"
		return nil
	}
	if !e.opts.ReadOnly {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return fmt.Errorf("engine: %w", err)
		}
	}
	e.dataPath, e.lockPath = filepath.Join(path, "data.mdb"), filepath.Join(path, "lock.mdb")
	return nil
}

// openEnvs lists the data files this process has open. fcntl locks never
// conflict within one process, and closing any descriptor of a file drops the
// process's locks on it, so a second Open of the same environment must be
// refused before it opens the lock file at all. The data file names the
// environment: a directory and, with NoSubdir, the data file's own name reach
// the same one through different lock files.
var openEnvs = struct {
	sync.Mutex
	ids map[fileID]bool
}{ids: map[fileID]bool{}}

func (e *Env) openFiles() error {
	openEnvs.Lock()
	defer openEnvs.Unlock()
	if id, err := statID(e.dataPath); err == nil && openEnvs.ids[id] {
		return fmt.Errorf("%w: %s is already open in this process", ErrEnvInUse, e.dataPath)
	}
	lf, err := os.OpenFile(e.lockPath, os.O_RDWR|os.O_CREATE, e.opts.FileMode)
	if err != nil && e.opts.ReadOnly && errors.Is(err, unix.EROFS) {
		// A read-only file system: LMDB runs without a lock file there too.
		lf = nil
	} else if err != nil {
		return fmt.Errorf("engine: open lock file: %w", err)
	}
	if lf != nil {
		e.lockFile = lf
		err := lockFirstOpener(lf)
		if err == ErrEnvInUse && !e.opts.ReadOnly {
			// A read-only process (an export, a check) may hold it: it
			// hands the environment over and reads on attached.
			err = e.requestHandover(lf)
		}
		if err == nil {
			if err := resetLMDBLock(lf, 0, false); err != nil {
				return fmt.Errorf("engine: reset lock file: %w", err)
			}
		} else if err != ErrEnvInUse || !e.opts.ReadOnly || e.attach() != nil {
			return fmt.Errorf("%w: %s", err, e.dataPath)
		}
	}
	flag := os.O_RDWR | os.O_CREATE
	if e.opts.ReadOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(e.dataPath, flag, e.opts.FileMode)
	if err != nil {
		return fmt.Errorf("engine: open data file: %w", err)
	}
	e.file = f
	if id, err := fdID(f); err == nil {
		e.dataID = id
		openEnvs.ids[id] = true
	}
	if e.opts.ReadOnly {
		return nil
	}
	// Durable meta writes go through a second descriptor opened O_DSYNC,
	// opened now so that it is the same file whatever happens to the path.
	mf, err := os.OpenFile(e.dataPath, os.O_WRONLY|unix.O_DSYNC, 0)
	if err != nil {
		return fmt.Errorf("engine: open data file for meta writes: %w", err)
	}
	e.metaFile = mf
	id1, err1 := fdID(f)
	id2, err2 := fdID(mf)
	if err1 != nil || err2 != nil || id1 != id2 {
		return fmt.Errorf("engine: %s was replaced while opening", e.dataPath)
	}
	return nil
}

func (e *Env) closeFiles() {
	e.endHandoverRequest()
	hosting := e.hosting()
	if s := e.shared.Load(); s != nil {
		e.releaseHandoverPin()
		if hosting {
			e.unhost()
		} else {
			s.close()
		}
		e.shared.Store(nil)
	}
	for _, s := range e.retired {
		s.close()
	}
	e.retired = nil
	if e.mapData != nil {
		_ = munmap(e.mapData)
		e.mapData = nil
	}
	if e.writeMap != nil {
		_ = munmap(e.writeMap)
		e.writeMap = nil
	}
	if e.file != nil {
		_ = e.file.Close()
	}
	if e.metaFile != nil {
		_ = e.metaFile.Close()
	}
	if e.syncFile != nil {
		_ = e.syncFile.Close()
	}
	if e.lockFile != nil {
		if s := e.snap.Load(); s != nil && hosting {
			// Leave LMDB's table as its first opener would have: an LMDB
			// program waiting for the lock gets a shared one and trusts it.
			_ = resetLMDBLock(e.lockFile, s.meta.txnid, true)
		}
		_ = e.lockFile.Close()
	}
	// Last: another Open of this environment may start once the lock file
	// is closed (closing it drops this process's locks, which would be the
	// new Open's too).
	if e.dataID != (fileID{}) {
		openEnvs.Lock()
		delete(openEnvs.ids, e.dataID)
		openEnvs.Unlock()
	}
}

// loadMetas reads both meta pages (creating them for an empty file), picks the
// newer, and maps the file.
func (e *Env) loadMetas() error {
	st, err := e.file.Stat()
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if st.Size() == 0 {
		if e.opts.ReadOnly {
			return fmt.Errorf("%w: %s is empty", ErrInvalid, e.dataPath)
		}
		if err := e.writeInitialMetas(); err != nil {
			return err
		}
	}
	var hdr [metaBodyEnd]byte
	if _, err := e.file.ReadAt(hdr[:], 0); err != nil {
		return fmt.Errorf("%w: reading meta page 0: %v", ErrInvalid, err)
	}
	m0, err := decodeMeta(hdr[:], 0)
	if err != nil {
		return err
	}
	e.psize = m0.pageSize()
	if _, err := e.file.ReadAt(hdr[:], int64(e.psize)); err != nil {
		return fmt.Errorf("%w: reading meta page 1: %v", ErrInvalid, err)
	}
	m1, err := decodeMeta(hdr[:], 1)
	if err != nil {
		return err
	}
	if m1.pageSize() != e.psize {
		return fmt.Errorf("%w: meta pages disagree on the page size", ErrCorrupted)
	}
	cur := m0
	if m1.txnid > m0.txnid {
		cur = m1
	}
	if cur.mapSize > math.MaxInt64 || cur.lastPg >= uint64(math.MaxInt64)/uint64(e.psize) {
		return fmt.Errorf("%w: map size %d, last page %d", ErrCorrupted, cur.mapSize, cur.lastPg)
	}
	// A writer never allocates past its map: a meta claiming more pages than its
	// map size is damaged (and would make every page table huge).
	if cur.mapSize != 0 && (cur.lastPg+1) > cur.mapSize/uint64(e.psize)+1 {
		return fmt.Errorf("%w: last page %d beyond the map size %d", ErrCorrupted, cur.lastPg, cur.mapSize)
	}
	e.nodeMax = nodeMaxFor(e.psize)
	// A configured map size applies even below the recorded one (as LMDB's
	// mdb_env_set_mapsize does), but never below the pages in use.
	mapSize := e.opts.MapSize
	if mapSize == 0 {
		mapSize = int64(cur.mapSize)
	}
	if mapSize == 0 {
		mapSize = DefaultMapSize
	}
	mapSize = max(mapSize, int64(cur.lastPg+1)*int64(e.psize))
	// The map size is kept as given (LMDB records 1000000000 as such); the
	// mapping covers it in whole pages.
	e.opts.MapSize = mapSize
	mapLen := (mapSize + int64(e.psize) - 1) / int64(e.psize) * int64(e.psize)
	if e.mapData, err = mmapFile(e.file, int(mapLen), false); err != nil {
		return err
	}
	if !e.opts.ReadOnly && runtime.GOOS == "linux" {
		// Linux's fdatasync writes back pages dirtied through a shared map
		// (elsewhere that takes msync). Without the map (a file system
		// refusing it), every run is written with pwrite.
		e.writeMap, _ = mmapFile(e.file, int(mapLen), true)
	}
	if e.attached.Load() {
		if cur, _, err = e.shared.Load().readMeta(); err != nil {
			return err
		}
	} else {
		if cur, err = e.recoverSyncInterval(cur); err != nil {
			return err
		}
		if err := e.startSyncInterval(&cur); err != nil {
			return err
		}
	}
	e.fileSize = st.Size()
	e.prevMeta = cur
	e.publish(cur, st.Size())
	e.durableTxnid.Store(cur.txnid)
	if !e.attached.Load() && e.lockFile != nil {
		e.hostShared(&cur)
	}
	return nil
}

// writeInitialMetas writes two identical meta pages with txnid 0 (format spec 4.3).
func (e *Env) writeInitialMetas() error {
	ps := defaultPageSize
	mapSize := e.opts.MapSize
	if mapSize == 0 {
		mapSize = DefaultMapSize
	}
	m := meta{mapSize: uint64(mapSize), free: emptyRecord(dbIntegerKey), main: emptyRecord(0), lastPg: 1}
	m.free.pad = uint32(ps)
	buf := make([]byte, 2*ps)
	m.encode(buf[:ps], 0)
	m.encode(buf[ps:], 1)
	if _, err := e.file.WriteAt(buf, 0); err != nil {
		return fmt.Errorf("engine: initialize data file: %w", err)
	}
	return e.file.Sync()
}

// publish makes m the current snapshot. fileSize is the data file's length.
func (e *Env) publish(m meta, fileSize int64) {
	maxPg := min(m.lastPg+1, uint64(fileSize/int64(e.psize)))
	e.snap.Store(&snapshot{meta: m, maxPg: maxPg})
}

// Close flushes (for the deferred durability modes) and releases the environment.
// All transactions must have ended; their slices into the map become invalid.
func (e *Env) Close() error {
	if !e.closed.CompareAndSwap(false, true) {
		return ErrClosed
	}
	var err error
	if e.syncStop != nil {
		close(e.syncStop)
		<-e.syncDone
	}
	e.stopHandoverWatch()
	if !e.opts.ReadOnly {
		err = e.Sync(true)
		if err == nil && e.opts.Durability == SyncInterval {
			err = removeIfExists(e.syncPath())
		}
	}
	e.closeFiles()
	return err
}

// Sync flushes committed data to stable storage. With force false it only does
// what the durability mode defers (SyncInterval); with force true it always
// flushes, which makes NoSync and NoMetaSync commits durable.
func (e *Env) Sync(force bool) error {
	if e.opts.ReadOnly {
		return ErrReadOnly
	}
	if e.opts.Durability == SyncInterval {
		return e.flushDeferredMeta()
	}
	if !force || e.opts.Durability == SyncFull {
		return nil
	}
	return fdatasync(e.file)
}

func (e *Env) syncLoop() {
	defer close(e.syncDone)
	t := time.NewTicker(e.opts.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-e.syncStop:
			return
		case <-t.C:
			_ = e.flushDeferredMeta()
		}
	}
}

// PageSize returns the environment's page size.
func (e *Env) PageSize() int { return e.psize }

// Path returns the data file's path.
func (e *Env) Path() string { return e.dataPath }

// Info describes the environment, as mdb_stat's "Environment Info" does.
type Info struct {
	MapSize     int64
	PageSize    int
	LastPgno    uint64 // highest page number in use or free
	LastTxnID   uint64
	MaxReaders  int
	NumReaders  int
	MetaAddress uint64
	// OldestReaderTxnID is the snapshot of the oldest live reader (0 if none);
	// LastTxnID minus it is how far that reader lags.
	OldestReaderTxnID uint64
}

// Info reports the current snapshot's figures.
func (e *Env) Info() Info {
	s := e.snap.Load()
	old := e.readers.oldest(^uint64(0))
	n := int(e.readers.inUse.Load())
	if shared := e.shared.Load(); shared != nil {
		// Readers of other processes pin snapshots too (this process's own
		// attached readers are counted in inUse already).
		pid := os.Getpid()
		for _, r := range shared.list(0) {
			if r.PID != pid {
				n++
			}
			old = min(old, r.TxnID)
		}
	}
	if old == ^uint64(0) {
		old = 0
	}
	return Info{
		MapSize: e.opts.MapSize, PageSize: e.psize, LastPgno: s.meta.lastPg, LastTxnID: s.meta.txnid,
		MaxReaders: e.opts.MaxReaders, NumReaders: n,
		MetaAddress: s.meta.address, OldestReaderTxnID: old,
	}
}

// readAt is a bounds-checked read of the data file outside the map.
func (e *Env) readAt(b []byte, off int64) error {
	_, err := e.file.ReadAt(b, off)
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: read past the end of the file", ErrCorrupted)
	}
	return err
}
