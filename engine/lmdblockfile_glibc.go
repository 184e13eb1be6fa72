//go:build linux && (amd64 || arm64)

package engine

// lmdbLockImage is lock.mdb as LMDB 0.9's first opener leaves it on 64-bit
// Linux with glibc (format spec 16.1), for the newest commit txnid: magic,
// lock format, the reader and writer mutexes initialised process-shared and
// robust (glibc's __kind PTHREAD_MUTEX_ROBUST_NORMAL_NP|PSHARED = 0x90 at
// offset 16 of each, everything else zero: unlocked), no readers yet, and
// room for the default 126 reader slots.
func lmdbLockImage(txnid uint64) []byte {
	const (
		lockMagic  = 0xBEEFC0DE
		lockFormat = 0x00010001
		rmutexOff  = 8
		txnidOff   = 48
		wmutexOff  = 64
		mutexKind  = 16 // offset of __kind in glibc's pthread_mutex_t
		robustPS   = 0x90
		slotsOff   = 128
		slotSize   = 64
	)
	b := make([]byte, slotsOff+slotSize*defaultLMDBReaders)
	le.PutUint32(b[0:], lockMagic)
	le.PutUint32(b[4:], lockFormat)
	le.PutUint32(b[rmutexOff+mutexKind:], robustPS)
	le.PutUint64(b[txnidOff:], txnid)
	le.PutUint32(b[wmutexOff+mutexKind:], robustPS)
	return b
}

const defaultLMDBReaders = 126
