package engine

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Readers in other processes.
//
// The process that holds the environment (it took LMDB's first-opener lock)
// also keeps a small shared file beside the data file (data path + "-readers"):
//
//	0   magic "LDRDRS01"
//	8   pid of the host (0 once it closed)
//	16  seq    seqlock over the meta copy: odd while the writer updates it
//	24  txnid  of the newest commit
//	32  the newest commit's meta (the first 152 bytes of its meta page)
//	184 flags of the host (1: read-only, hands over to a writer; handover.go)
//	192 pid of a writer waiting for the read-only host to hand over (0: none)
//	256 slots, 64 bytes each: snapshot txnid+1 (0: free) at +0, pid at +8
//
// A read-only Open that finds the environment held attaches to that file
// instead of failing: each read transaction takes a free slot, guarded by an
// fcntl lock on the slot's first byte (so the host can tell a dead reader from
// a live one), pins the newest snapshot there, and reads pages through its own
// map. The host never reuses a page a pinned snapshot can see.
//
// LMDB programs stay locked out for as long as the host runs. If the host
// exits while an attached reader is still reading, that reader keeps reading
// its snapshot: a closing host leaves the file in place when it holds live
// pins, and the next host takes the file over with them (as LMDB's reader
// table outlives its writers). New read transactions of an attached process
// are refused while no host runs. An LMDB program that opens the environment
// meanwhile knows nothing of the pins.

const (
	sharedMagic     = "LDRDRS01"
	sharedPIDOff    = 8
	sharedSeqOff    = 16
	sharedTxnOff    = 24
	sharedMetaOff   = 32
	sharedSlotsOff  = 256
	sharedSlotSize  = 64
	sharedSlotCount = 256
	sharedSize      = sharedSlotsOff + sharedSlotCount*sharedSlotSize
)

type sharedTable struct {
	f     *os.File
	mem   []byte
	owned [sharedSlotCount]atomic.Bool // slots this process holds (fcntl locks are per process)
}

func (e *Env) sharedPath() string { return e.dataPath + "-readers" }

// u64 returns the shared word at off. INVARIANT: off is 8-byte aligned within
// the page-aligned mapping, so the atomic operations are valid across processes.
func (s *sharedTable) u64(off int) *atomic.Uint64 {
	return (*atomic.Uint64)(unsafe.Pointer(&s.mem[off]))
}

// openShared maps the reader table at path. With create (a new host) a
// valid table is taken over as it is, slots included; anything else there is
// replaced by an empty table.
func openShared(path string, create bool, mode os.FileMode) (*sharedTable, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flag, mode)
	if err != nil {
		return nil, err
	}
	fresh := false
	if create {
		var magic [len(sharedMagic)]byte
		st, err := f.Stat()
		if err == nil && (st.Size() != sharedSize || !readsMagic(f, magic[:])) {
			fresh = true
			if err = f.Truncate(0); err == nil {
				err = f.Truncate(sharedSize)
			}
		}
		if err != nil {
			f.Close()
			return nil, err
		}
	}
	if st, err := f.Stat(); err != nil || st.Size() < sharedSize {
		f.Close()
		return nil, fmt.Errorf("%w: reader table %s is too short", ErrInvalid, path)
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, sharedSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("engine: map reader table: %w", err)
	}
	s := &sharedTable{f: f, mem: mem}
	if fresh {
		copy(mem, sharedMagic)
	} else if string(mem[:len(sharedMagic)]) != sharedMagic {
		s.close()
		return nil, fmt.Errorf("%w: %s is not a reader table", ErrInvalid, path)
	}
	return s, nil
}

func readsMagic(f *os.File, buf []byte) bool {
	n, _ := f.ReadAt(buf, 0)
	return n == len(buf) && string(buf) == sharedMagic
}

func (s *sharedTable) pid() uint32 { return uint32(s.u64(sharedPIDOff).Load()) }

func (s *sharedTable) close() {
	_ = unix.Munmap(s.mem)
	_ = s.f.Close()
}

// publish makes the meta body (the first metaBodyEnd bytes of an encoded
// meta page) of commit txnid the newest snapshot for attached readers (host only).
func (s *sharedTable) publish(body []byte, txnid uint64) {
	seq := s.u64(sharedSeqOff)
	if seq.Load()&1 == 0 { // odd already if a host died in an update
		seq.Add(1) // odd: being updated
	}
	copy(s.mem[sharedMetaOff:sharedMetaOff+metaBodyEnd], body)
	s.u64(sharedTxnOff).Store(txnid)
	seq.Add(1)
}

// readMeta copies the newest meta consistently (seqlock) and returns its seq.
// An update takes microseconds; one that never ends means the host died in
// the middle of it, which is reported rather than waited for.
func (s *sharedTable) readMeta() (meta, uint64, error) {
	var buf [metaBodyEnd]byte
	var since time.Time
	for spins := 0; ; spins++ {
		s1 := s.u64(sharedSeqOff).Load()
		if s1&1 != 0 {
			if spins%1024 == 1023 {
				if since.IsZero() {
					since = time.Now()
				} else if time.Since(since) > time.Second {
					return meta{}, 0, fmt.Errorf("%w: the reader table's meta stays half-updated (its host stopped mid-commit)", ErrCorrupted)
				}
				runtime.Gosched()
			}
			continue
		}
		copy(buf[:], s.mem[sharedMetaOff:sharedMetaOff+metaBodyEnd])
		if s.u64(sharedSeqOff).Load() == s1 {
			m, err := decodeMeta(buf[:], 0)
			return m, s1, err
		}
	}
}

func (s *sharedTable) slotOff(i int) int { return sharedSlotsOff + i*sharedSlotSize }

// lockSlot takes (or with F_UNLCK releases) the fcntl lock on slot i's first byte.
func (s *sharedTable) lockSlot(i int, typ int16) bool {
	lk := unix.Flock_t{Type: typ, Whence: 0, Start: int64(s.slotOff(i)), Len: 1}
	return unix.FcntlFlock(s.f.Fd(), unix.F_SETLK, &lk) == nil
}

// acquire pins the newest snapshot in a free slot (attached readers).
func (s *sharedTable) acquire() (int, meta, error) {
	for i := 0; i < sharedSlotCount; i++ {
		if !s.owned[i].CompareAndSwap(false, true) {
			continue
		}
		if !s.lockSlot(i, unix.F_WRLCK) {
			s.owned[i].Store(false)
			continue
		}
		slot := s.u64(s.slotOff(i))
		le.PutUint32(s.mem[s.slotOff(i)+8:], uint32(os.Getpid()))
		for {
			m, seq, err := s.readMeta()
			if err != nil {
				s.release(i)
				return 0, meta{}, err
			}
			slot.Store(m.txnid + 1)
			if s.u64(sharedSeqOff).Load() == seq {
				return i, m, nil
			}
		}
	}
	return 0, meta{}, ErrReadersFull
}

func (s *sharedTable) release(i int) {
	s.u64(s.slotOff(i)).Store(0)
	s.lockSlot(i, unix.F_UNLCK)
	s.owned[i].Store(false)
}

// oldest returns the smallest snapshot pinned by a live attached reader, or
// limit if smaller, and frees the slots of readers whose process is gone (host only).
func (s *sharedTable) oldest(limit uint64) uint64 {
	for i := 0; i < sharedSlotCount; i++ {
		slot := s.u64(s.slotOff(i))
		v := slot.Load()
		if v == 0 {
			continue
		}
		if s.clearIfStale(i) { // its process died while reading
			continue
		}
		if v-1 < limit {
			limit = v - 1
		}
	}
	return limit
}

// clearIfStale frees slot i if its process is gone. It holds the slot's
// lock while it clears it: a reader that takes the slot in the meantime
// (and may pin the very value a liveness check saw) waits for no one and
// takes another slot instead.
func (s *sharedTable) clearIfStale(i int) bool {
	if !s.owned[i].CompareAndSwap(false, true) {
		return false // one of this process's readers holds it
	}
	defer s.owned[i].Store(false)
	if !s.lockSlot(i, unix.F_WRLCK) {
		return false // a live reader in another process
	}
	defer s.lockSlot(i, unix.F_UNLCK)
	slot := s.u64(s.slotOff(i))
	if slot.Load() == 0 {
		return false
	}
	slot.Store(0)
	return true
}

// stale reports whether slot i belongs to a process that is gone: no process
// holds its lock. (Locks of this very process never show as conflicting, so
// its own slots are live by definition.)
func (s *sharedTable) stale(i int) bool {
	if s.owned[i].Load() {
		return false
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: int64(s.slotOff(i)), Len: 1}
	return unix.FcntlFlock(s.f.Fd(), unix.F_GETLK, &lk) == nil && lk.Type == unix.F_UNLCK
}

// list describes the live pins of the shared table.
func (s *sharedTable) list(last uint64) []ReaderInfo {
	var out []ReaderInfo
	for i := 0; i < sharedSlotCount; i++ {
		if v := s.u64(s.slotOff(i)).Load(); v != 0 && !s.stale(i) {
			out = append(out, ReaderInfo{PID: int(le.Uint32(s.mem[s.slotOff(i)+8:])), TxnID: v - 1, Lag: last - (v - 1)})
		}
	}
	return out
}

// ClearStaleReaders frees the reader slots of processes that died while
// reading and returns how many there were (what mdb_stat -rr does).
func (e *Env) ClearStaleReaders() int {
	s := e.shared.Load()
	if s == nil {
		return 0
	}
	return s.clearStale()
}

// clearStale frees the slots of processes that died while reading.
func (s *sharedTable) clearStale() int {
	n := 0
	for i := 0; i < sharedSlotCount; i++ {
		if s.u64(s.slotOff(i)).Load() != 0 && s.clearIfStale(i) {
			n++
		}
	}
	return n
}

// pinned lists the snapshots pinned in the shared table.
func (s *sharedTable) pinned() []uint64 {
	var out []uint64
	for i := 0; i < sharedSlotCount; i++ {
		if v := s.u64(s.slotOff(i)).Load(); v != 0 {
			out = append(out, v-1)
		}
	}
	return out
}

// hostShared opens the reader table for other processes (best effort: a
// read-only directory just means no other process can attach). Pins that
// live readers left in a previous host's table are kept: they pin
// snapshots this host must not reuse.
func (e *Env) hostShared(cur *meta) {
	s, err := openShared(e.sharedPath(), true, e.opts.FileMode)
	if err != nil {
		return
	}
	s.clearStale()
	pg := make([]byte, e.psize)
	cur.encode(pg, cur.txnid%2)
	s.publish(pg[:metaBodyEnd], cur.txnid)
	var flags uint64
	if e.opts.ReadOnly {
		flags = hostReadOnly
	}
	s.u64(sharedFlagsOff).Store(flags)
	s.u64(sharedPIDOff).Store(uint64(os.Getpid()))
	e.shared.Store(s)
}

// unhost ends this process's hosting of the reader table. The table file
// stays when live readers of other processes still pin snapshots in it (the
// next host keeps those pins). The host's PID is cleared first, so an
// attached reader that pins after the check below refuses its pin itself
// (hostAlive).
func (e *Env) unhost() {
	s := e.shared.Load()
	s.u64(sharedPIDOff).Store(0)
	if len(s.list(0)) == 0 {
		_ = os.Remove(e.sharedPath())
	}
	s.close()
}

// attach joins the reader table of the process holding the environment. The
// holder of the first-opener lock must be the process that wrote the table:
// a table left behind by a dead host while an LMDB program holds the
// environment must not be trusted.
func (e *Env) attach() error {
	s, err := openShared(e.sharedPath(), false, 0)
	if err != nil {
		return err
	}
	e.shared.Store(s)
	if !e.awaitHost(s) {
		s.close()
		e.shared.Store(nil)
		return ErrEnvInUse
	}
	e.attached.Store(true)
	return nil
}

// hostAlive reports whether the process holding the environment's
// first-opener lock is the host of the table this process attached to.
func (e *Env) hostAlive() bool { return e.hostAliveOn(e.shared.Load()) }

func (e *Env) hostAliveOn(s *sharedTable) bool {
	pid := s.pid()
	return pid != 0 && lockHolder(e.lockFile) == pid // pid 0: the host closed
}

// reattach moves an attached process whose host closed to the reader table
// of the next host, when that host made a new one (a host that closes with
// no pins removes its table). It returns the table to use, or nil. The
// table left behind stays mapped until Close: read transactions pinned in
// it release their slots there.
func (e *Env) reattach(old *sharedTable) *sharedTable {
	e.retiredMu.Lock()
	defer e.retiredMu.Unlock()
	if cur := e.shared.Load(); cur != old {
		return cur // another read transaction moved first
	}
	// INVARIANT: this process never closes a descriptor of a table it may
	// hold slot locks in: closing any descriptor of a file drops all the
	// process's fcntl locks on it, and the next host would take the pins of
	// its live read transactions for a dead reader's. So the path is
	// compared before it is opened, and a table that turns out to be the
	// same file stays open (retired) until Close.
	oldID, err := fdID(old.f)
	if err != nil {
		return nil
	}
	if id, err := statID(e.sharedPath()); err != nil || id == oldID {
		return nil
	}
	s, err := openShared(e.sharedPath(), false, 0)
	if err != nil {
		return nil
	}
	if newID, err := fdID(s.f); err != nil || newID == oldID {
		e.retired = append(e.retired, s) // replaced back in between: keep it open
		return nil
	}
	if !e.hostAliveOn(s) {
		s.close() // another file: this process holds no lock in it
		return nil
	}
	e.retired = append(e.retired, old)
	e.shared.Store(s)
	return s
}

// beginAttached starts a read transaction of an attached process on the
// host's newest snapshot.
func (e *Env) beginAttached(t *Txn) error {
	t.done = true // until it has its slot
	if !e.readers.reserve(e.opts.MaxReaders) {
		return ErrReadersFull
	}
	tab, slot, snap, err := e.pinShared()
	if err != nil {
		e.readers.inUse.Add(-1)
		return err
	}
	if infos := *e.dbs.Load(); infos[mainDBI].flags != snap.meta.main.flags {
		// The writer changed the (empty) main DB's flags since this
		// process looked: take its order, as setMainFlags does there.
		e.setMainFlags(snap.meta.main.flags)
	}
	t.snap, t.txnid, t.maxPg, t.sharedTab, t.sharedSlot, t.done = snap, snap.meta.txnid, snap.maxPg, tab, slot+1, false
	t.initDBs()
	return nil
}

// pinShared pins the host's newest snapshot in a slot of the shared table
// and makes it this process's snapshot.
func (e *Env) pinShared() (*sharedTable, int, *snapshot, error) {
	s := e.shared.Load()
	for {
		slot, m, err := s.acquire()
		if err != nil {
			return nil, 0, nil, err
		}
		fail := func(err error) (*sharedTable, int, *snapshot, error) {
			s.release(slot)
			return nil, 0, nil, err
		}
		// The pin counts only while a host reads this table: the one this
		// process attached to, or a later one that took the file over.
		if !e.hostAliveOn(s) {
			s.release(slot)
			if next := e.reattach(s); next != nil {
				s = next
				continue
			}
			if e.awaitHost(s) { // a read-only host handed the environment over
				continue
			}
			return nil, 0, nil, fmt.Errorf("%w: no process hosts the environment's readers (the host closed); reopen", ErrEnvInUse)
		}
		st, err := e.file.Stat()
		if err != nil {
			return fail(fmt.Errorf("engine: %w", err))
		}
		if (m.lastPg+1)*uint64(e.psize) > uint64(len(e.mapData)) {
			return fail(fmt.Errorf("%w: the database outgrew this process's map; reopen", ErrMapFull))
		}
		snap := &snapshot{meta: m, maxPg: min(m.lastPg+1, uint64(st.Size()/int64(e.psize)))}
		e.snap.Store(snap)
		return s, slot, snap, nil
	}
}
