//go:build unix

package engine

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mmapFile maps size bytes of f shared: read-only for readers, so pages
// written with pwrite become visible through the map without a remap, and
// a caller writing into a returned slice faults; writable for the writer,
// which copies committed pages into a second map (writeDirty).
func mmapFile(f *os.File, size int, writable bool) ([]byte, error) {
	prot := unix.PROT_READ
	if writable {
		prot |= unix.PROT_WRITE
	}
	b, err := unix.Mmap(int(f.Fd()), 0, size, prot, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("engine: mmap %d bytes: %w", size, err)
	}
	// Random access is the common case (B+tree descents, free pages
	// rewritten); read ahead nothing.
	_ = unix.Madvise(b, unix.MADV_RANDOM)
	return b, nil
}

func munmap(b []byte) error { return unix.Munmap(b) }

// fdatasync flushes f's data; tests replace it to make flushes fail.
var fdatasync = fdatasyncRetry

func fdatasyncRetry(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// lockFirstOpener takes LMDB's first-opener lock: an exclusive, non-blocking
// fcntl lock on byte 0 of the lock file (format spec 16.2). While held, LMDB
// programs block in their open and other engine instances are refused.
// POSIX drops the lock when any descriptor of the file is closed in this
// process, so the caller keeps f open until Close and opens the file nowhere else.
func lockFirstOpener(f *os.File) error {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 1}
	err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
		return ErrEnvInUse
	}
	return err
}

// unlockFirstOpener releases the first-opener lock of f, for a read-only
// host that steps aside for a writer (handover.go).
func unlockFirstOpener(f *os.File) error {
	lk := unix.Flock_t{Type: unix.F_UNLCK, Whence: 0, Start: 0, Len: 1}
	return unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
}

// lockHolder returns the PID holding the first-opener lock of f (0: none).
func lockHolder(f *os.File) uint32 {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 1}
	if unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk) != nil || lk.Type == unix.F_UNLCK {
		return 0
	}
	return uint32(lk.Pid)
}

// fileID identifies a file independently of the path used to reach it.
type fileID struct{ dev, ino uint64 }

func statID(path string) (fileID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fileID{}, err
	}
	return fileID{uint64(st.Dev), st.Ino}, nil
}

func fdID(f *os.File) (fileID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return fileID{}, err
	}
	return fileID{uint64(st.Dev), st.Ino}, nil
}
