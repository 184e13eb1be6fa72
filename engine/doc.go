// Package engine is a memory-mapped, copy-on-write B+tree storage engine whose
// files follow LMDB's on-disk format: real LMDB programs (mdb_stat, mdb_dump,
// mdb_load, mdb_copy) read and write the same files, and this package opens
// theirs. It depends only on the standard library and golang.org/x/sys.
//
// # Model
//
// An environment ([Open]) is a directory holding data.mdb and lock.mdb (or one
// file with [Options].NoSubdir). It holds a main database and named databases
// ([Txn.OpenDB]), each a B+tree ordered bytewise, in reverse ([ReverseKey]) or
// as native integers ([IntegerKey]); with [DupSort] a key holds several sorted
// values ([DupFixed] packs fixed-size values densely, and [Cursor.Get] with
// [GetMultiple]/[NextMultiple] returns them a page at a time).
//
// One write transaction at a time ([Env.BeginWrite], [Env.Update]) and any
// number of read transactions ([Env.BeginRead], [Env.View]). A reader sees the
// snapshot of the last commit before it began, takes no lock, and never waits
// for the writer or other readers; the writer never overwrites a page a reader
// may still see. Nested write transactions ([Txn.BeginChild]) commit into their
// parent or abort alone. Other processes may open the same environment: their
// readers are seen through the lock file's reader table, and writers exclude
// each other.
//
// # Zero-copy reads
//
// Keys and values returned by [Txn.Get] and [Cursor.Get] point into the
// read-only map of the file: they are valid until the transaction ends (in a
// write transaction, until the next change), and writing into them faults.
// Copy what must outlive the transaction.
//
// # Durability and crashes
//
// A commit writes its new pages to free space, flushes them, then writes the
// meta page that makes them current ([Durability] says which flushes happen).
// There is no log and no recovery: after any crash the last meta page whose
// pages reached the disk describes a whole, consistent tree. Pages inside the
// file are copied through a second, writable shared map of it (no system call
// per page run); pages that grow the file are written with pwrite.
//
// # Errors
//
// Errors are values to test with errors.Is: [ErrNotFound], [ErrKeyExists],
// [ErrMapFull], [ErrReadersFull], [ErrBadTxn], [ErrCorrupted] and the others
// listed with them. A damaged file yields ErrCorrupted, never a read outside
// the map; [Check] verifies a whole environment.
package engine
