package engine

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Handing the environment from a read-only host to a writer.
//
// Only the host (the holder of the first-opener lock) may write, and the
// first process to open the environment becomes its host, even a read-only
// one such as an export or a check. A writer that opens while a read-only
// process hosts asks it to step aside: it puts its PID in the reader table's
// request word and waits for the first-opener lock. The read-only host, which
// watches that word, pins its snapshot in a slot of the table (its own read
// transactions are not in the table), releases the lock, and once the writer
// hosts the table it reads as an attached process. Its pin goes when its last
// read transaction from before the handover ends. If the writer goes away
// before it hosts, the read-only process takes the lock back.
//
// While the lock is free between the two, an LMDB program waiting for it may
// take it instead; the writer then fails with ErrEnvInUse as it would have
// without the handover.

const (
	// sharedFlagsOff holds the host's flags (hostReadOnly).
	sharedFlagsOff = sharedMetaOff + metaBodyEnd
	// sharedRequestOff holds the PID of a writer waiting for a read-only host to step aside.
	sharedRequestOff = sharedFlagsOff + 8

	hostReadOnly = 1
)

// handoverWait bounds how long a writer's Open waits for a read-only host
// (which looks for requests every handoverPoll).
var (
	handoverWait = 10 * time.Second
	handoverPoll = 50 * time.Millisecond
)

type handoverState struct {
	mu          sync.Mutex
	handingOver bool         // the lock is released; the writer has not hosted yet
	pin         atomic.Int32 // slot+1 of the shared slot pinning this process's snapshot
	pinTab      *sharedTable // ... in this table (the current one may change: reattach)
	stop, done  chan struct{}
	request     *sharedTable // a writer's Open: the table whose request word it set
}

// hosting reports whether this process hosts the environment: it holds the
// first-opener lock and publishes the reader table.
func (e *Env) hosting() bool {
	e.handover.mu.Lock()
	defer e.handover.mu.Unlock()
	return !e.attached.Load() && !e.handover.handingOver
}

// requestHandover waits for a read-only host to release the first-opener
// lock of lf, and takes it. Other hosts give ErrEnvInUse at once.
func (e *Env) requestHandover(lf *os.File) error {
	s, err := openShared(e.sharedPath(), false, 0)
	if err != nil {
		return ErrEnvInUse
	}
	host := s.pid()
	if !e.hostAliveOn(s) || s.u64(sharedFlagsOff).Load()&hostReadOnly == 0 {
		s.close()
		return ErrEnvInUse
	}
	me := uint64(os.Getpid())
	req := s.u64(sharedRequestOff)
	if old := req.Load(); old != 0 && processAlive(uint32(old)) || !req.CompareAndSwap(old, me) {
		s.close()
		return fmt.Errorf("%w (another writer is waiting for it)", ErrEnvInUse)
	}
	e.handover.request = s
	deadline := time.Now().Add(handoverWait)
	for {
		time.Sleep(handoverPoll / 5)
		switch err := lockFirstOpener(lf); {
		case err == nil:
			return nil // the request word is cleared once this process hosts
		case err != ErrEnvInUse:
			return err
		case time.Now().After(deadline):
			return fmt.Errorf("%w (read-only process %d did not hand it over within %v)", ErrEnvInUse, host, handoverWait)
		}
	}
}

// handoverPending reports whether a writer waits for the read-only host of
// s to hand the environment over (or has it and does not host yet).
func handoverPending(s *sharedTable) bool {
	req := uint32(s.u64(sharedRequestOff).Load())
	return req != 0 && req != uint32(os.Getpid()) && processAlive(req)
}

// awaitHost waits while a read-only host hands the environment over to a
// writer (one of them hosts s again in a moment) and reports whether s has
// a live host.
func (e *Env) awaitHost(s *sharedTable) bool {
	for deadline := time.Now().Add(handoverWait + time.Second); !e.hostAliveOn(s); time.Sleep(handoverPoll / 10) {
		if !handoverPending(s) || e.closed.Load() || time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// endHandoverRequest withdraws this process's request, if any: it hosts now,
// or it gave up.
func (e *Env) endHandoverRequest() {
	if s := e.handover.request; s != nil {
		s.u64(sharedRequestOff).CompareAndSwap(uint64(os.Getpid()), 0)
		s.close()
		e.handover.request = nil
	}
}

func processAlive(pid uint32) bool {
	err := unix.Kill(int(pid), 0)
	return err == nil || errors.Is(err, unix.EPERM)
}

// startHandoverWatch makes a read-only host look for writers' requests.
func (e *Env) startHandoverWatch() {
	h := &e.handover
	h.stop, h.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(h.done)
		tick := time.NewTicker(handoverPoll)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-tick.C:
				if e.watchHandover() {
					return
				}
			}
		}
	}()
}

func (e *Env) stopHandoverWatch() {
	if h := &e.handover; h.stop != nil {
		close(h.stop)
		<-h.done
		h.stop = nil
	}
}

// watchHandover moves the handover on by one step and reports whether it is
// over (this process reads attached).
func (e *Env) watchHandover() bool {
	if e.finishHandover(); e.attached.Load() {
		return true
	}
	e.handoverStep()
	return false
}

// handoverStep steps aside for a writer that waits, or hosts again when
// the writer went away without hosting for good.
func (e *Env) handoverStep() {
	h := &e.handover
	h.mu.Lock()
	defer h.mu.Unlock()
	s := e.shared.Load()
	writerWaits := handoverPending(s)
	switch {
	case !h.handingOver && writerWaits:
		e.stepAside()
	case h.handingOver && !writerWaits && lockFirstOpener(e.lockFile) == nil:
		if e.tableIsNewer() {
			// The writer hosted, committed and closed since
			// finishHandover looked: this process's snapshot is not the
			// newest, and a host must never serve (nor leave in lock.mdb
			// at Close) an older one. It reads attached instead: the next
			// finishHandover sees the commit.
			_ = unlockFirstOpener(e.lockFile)
			return
		}
		// The writer went away before it hosted (or hosted and closed
		// without a commit): host again. A writer that hosted wrote its
		// own flags: the table must say again that this host hands over.
		s.u64(sharedFlagsOff).Store(hostReadOnly)
		s.u64(sharedPIDOff).Store(uint64(os.Getpid()))
		h.handingOver = false
		e.releaseHandoverPin()
	}
}

// writerHosts reports whether the writer this process stepped aside for
// hosts the environment (or hosted and committed, then left: this process
// then reads as one attached to a host that closed). Called with
// handover.mu held.
func (e *Env) writerHosts() bool { return e.hostAlive() || e.tableIsNewer() }

// tableIsNewer reports whether the reader table publishes a commit other
// than this read-only process's snapshot: a writer committed since.
func (e *Env) tableIsNewer() bool {
	return e.shared.Load().u64(sharedTxnOff).Load() != e.snap.Load().meta.txnid
}

// finishHandover makes this process read attached once the writer it
// stepped aside for hosts, so that a read transaction starting then sees
// the writer's commits at once rather than at the watcher's next look.
func (e *Env) finishHandover() {
	h := &e.handover
	h.mu.Lock()
	done := h.handingOver && e.writerHosts()
	if done {
		h.handingOver = false
		e.attached.Store(true)
	}
	h.mu.Unlock()
	if done {
		e.releaseHandoverPinIfIdle()
	}
}

// stepAside pins this process's snapshot in the shared table and releases
// the first-opener lock for the waiting writer. Called with handover.mu held.
func (e *Env) stepAside() {
	s := e.shared.Load()
	slot, m, err := s.acquire()
	if err != nil {
		return // no free slot: try again later
	}
	if m.txnid != e.snap.Load().meta.txnid {
		s.release(slot) // cannot happen: nothing commits while a read-only process hosts
		return
	}
	e.handover.pin.Store(int32(slot + 1))
	e.handover.pinTab = s
	s.u64(sharedPIDOff).Store(0)
	if unlockFirstOpener(e.lockFile) != nil {
		s.u64(sharedPIDOff).Store(uint64(os.Getpid()))
		e.handover.pin.Store(0)
		s.release(slot)
		return
	}
	e.handover.handingOver = true
}

// releaseHandoverPinIfIdle drops the handover pin once this process reads
// attached and none of its read transactions from before remains.
//
// INVARIANT: a read transaction that began on this process's own snapshot
// either shows in e.readers here, or sees e.attached set and moves to the
// shared table (beginRead checks after it takes its slot).
func (e *Env) releaseHandoverPinIfIdle() {
	if !e.attached.Load() || e.readers.oldest(^uint64(0)) != ^uint64(0) {
		return
	}
	e.handover.mu.Lock()
	e.releaseHandoverPin()
	e.handover.mu.Unlock()
}

func (e *Env) releaseHandoverPin() {
	if pin := e.handover.pin.Swap(0); pin != 0 {
		e.handover.pinTab.release(int(pin) - 1)
	}
}
