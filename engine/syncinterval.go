package engine

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
)

// Durability SyncInterval writes each commit's pages and meta page without
// flushing; a process crash loses nothing, since the OS page cache survives it.
// Every interval a flush makes the newest commit durable and records its meta,
// with the kernel's boot ID, in a small side file (data file path + "-sync").
//
// After a system crash the unflushed commits may be torn: their meta can reach
// the disk before their pages. Open detects the reboot (the boot ID changed)
// and rolls the data file back to the recorded meta, whose pages are intact:
// no page visible in the last durable snapshot is reused before the next flush.
// A clean Close flushes and removes the side file.

const (
	syncMagic  = "LDSYNC01"
	bootIDSize = 40
	syncSize   = len(syncMagic) + bootIDSize + metaBodyEnd + 4
)

func (e *Env) syncPath() string { return e.dataPath + "-sync" }

// bootID identifies this boot of the machine ("" when unknown). Tests replace
// it to simulate a reboot.
var bootID = func() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// writeSyncRecord durably records m as the newest durable meta.
func (e *Env) writeSyncRecord(m *meta) error {
	buf := make([]byte, syncSize)
	copy(buf, syncMagic)
	copy(buf[len(syncMagic):], bootID())
	page := make([]byte, e.psize)
	m.encode(page, m.txnid%2)
	copy(buf[len(syncMagic)+bootIDSize:], page[:metaBodyEnd])
	le.PutUint32(buf[syncSize-4:], crc32.ChecksumIEEE(buf[:syncSize-4]))
	if e.syncFile == nil {
		f, err := os.OpenFile(e.syncPath(), os.O_WRONLY|os.O_CREATE, e.opts.FileMode)
		if err != nil {
			return fmt.Errorf("engine: sync record: %w", err)
		}
		// The record's name must survive a crash as well as its bytes.
		if err := syncDir(filepath.Dir(e.syncPath())); err != nil {
			f.Close()
			return fmt.Errorf("engine: sync record: %w", err)
		}
		e.syncFile = f
	}
	if _, err := e.syncFile.WriteAt(buf, 0); err != nil {
		return fmt.Errorf("engine: sync record: %w", err)
	}
	return fdatasync(e.syncFile)
}

// syncDir flushes a directory, making the names created in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// readSyncRecord returns the recorded meta and boot ID; ok is false when there
// is no valid record.
func (e *Env) readSyncRecord() (m meta, boot string, ok bool) {
	buf, err := os.ReadFile(e.syncPath())
	if err != nil || len(buf) < syncSize || string(buf[:len(syncMagic)]) != syncMagic ||
		crc32.ChecksumIEEE(buf[:syncSize-4]) != le.Uint32(buf[syncSize-4:]) {
		return meta{}, "", false
	}
	boot = string(bytes.TrimRight(buf[len(syncMagic):len(syncMagic)+bootIDSize], "\x00"))
	m, err = decodeMeta(buf[len(syncMagic)+bootIDSize:], 0)
	return m, boot, err == nil
}

// A meta page written in SyncInterval mode carries a stamp after the meta
// (bytes LMDB neither reads nor writes): a magic and a checksum of the meta.
// An LMDB program that commits later rewrites the meta but not the stamp, so
// a meta without a valid stamp was written by someone else.
const (
	metaStampMagic = "LDSI"
	metaStampEnd   = metaBodyEnd + len(metaStampMagic) + 4
)

func stampMeta(pg []byte) {
	copy(pg[metaBodyEnd:], metaStampMagic)
	le.PutUint32(pg[metaBodyEnd+len(metaStampMagic):], crc32.ChecksumIEEE(pg[:metaBodyEnd]))
}

func metaStamped(pg []byte) bool {
	return len(pg) >= metaStampEnd && string(pg[metaBodyEnd:metaBodyEnd+len(metaStampMagic)]) == metaStampMagic &&
		le.Uint32(pg[metaBodyEnd+len(metaStampMagic):]) == crc32.ChecksumIEEE(pg[:metaBodyEnd])
}

// foreignCommits reports whether a meta newer than the recorded txnid was
// written by another program (its stamp is missing or does not match).
func (e *Env) foreignCommits(recorded uint64) (bool, error) {
	pg := make([]byte, metaStampEnd)
	for slot := range int64(2) {
		if err := e.readAt(pg, slot*int64(e.psize)); err != nil {
			return false, err
		}
		m, err := decodeMeta(pg, uint64(slot))
		if err == nil && m.txnid > recorded && !metaStamped(pg) {
			return true, nil
		}
	}
	return false, nil
}

// recoverSyncInterval runs at open: after a reboot it rolls back commits that
// were never flushed. It returns the meta to use.
func (e *Env) recoverSyncInterval(cur meta) (meta, error) {
	rec, boot, ok := e.readSyncRecord()
	if !ok || rec.txnid >= cur.txnid || (boot != "" && boot == bootID()) {
		return cur, nil
	}
	// An LMDB program wrote the file after the SyncInterval run that left
	// the record: its commits are durable and may have reused the recorded
	// snapshot's pages, so the record no longer describes anything.
	if foreign, err := e.foreignCommits(rec.txnid); err != nil || foreign {
		return cur, err
	}
	if rec.pageSize() != e.psize {
		return cur, fmt.Errorf("%w: sync record page size %d", ErrCorrupted, rec.pageSize())
	}
	if e.opts.ReadOnly {
		return rec, nil // use the durable snapshot without repairing the file
	}
	// Both slots must hold valid metas: the durable one in its slot, and a copy
	// of it one txnid older in the other (no newer meta may survive).
	older := rec
	if rec.txnid > 0 {
		older.txnid = rec.txnid - 1
	}
	for _, m := range []*meta{&older, &rec} {
		if _, err := e.writeMetaPage(m, false); err != nil {
			return cur, err
		}
	}
	if err := fdatasync(e.file); err != nil {
		return cur, fmt.Errorf("engine: flush recovered metas: %w", err)
	}
	return rec, nil
}

// startSyncInterval is called at open: it makes the current state durable and
// records it, or removes a stale record when another mode is used.
func (e *Env) startSyncInterval(cur *meta) error {
	if e.opts.ReadOnly {
		return nil
	}
	if e.opts.Durability != SyncInterval {
		if _, err := os.Stat(e.syncPath()); err == nil {
			// A SyncInterval run ended without Close: what it wrote must be
			// durable before its record goes.
			if err := fdatasync(e.file); err != nil {
				return fmt.Errorf("engine: flush data file: %w", err)
			}
		}
		return removeIfExists(e.syncPath())
	}
	if err := fdatasync(e.file); err != nil {
		return fmt.Errorf("engine: flush data file: %w", err)
	}
	return e.writeSyncRecord(cur)
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("engine: %w", err)
	}
	return nil
}

// flushPicked, when set (tests), runs in a flush once it has picked the
// snapshot to make durable, before the flush.
var flushPicked func()

// flushDeferredMeta makes the newest commit durable in SyncInterval mode:
// flush the data file (pages and meta pages), then record the meta. Until
// the record is written the previous durable snapshot stays protected.
func (e *Env) flushDeferredMeta() error {
	e.flushMu.Lock()
	defer e.flushMu.Unlock()
	if err := e.flushErr.Load(); err != nil {
		return *err
	}
	cur := e.beginFlush()
	if cur.txnid == e.durableTxnid.Load() {
		return nil
	}
	if flushPicked != nil {
		flushPicked()
	}
	if err := fdatasync(e.file); err != nil {
		// The kernel may have dropped pages it failed to write, and a later
		// flush would not say so: no later commit may be recorded durable.
		err = fmt.Errorf("engine: flush data pages failed, the environment takes no more writes: %w", err)
		e.flushErr.Store(&err)
		return err
	}
	if err := e.writeSyncRecord(&cur); err != nil {
		return err
	}
	e.durableTxnid.Store(cur.txnid)
	return nil
}
