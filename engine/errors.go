package engine

import "errors"

// Errors mirror LMDB's return codes. Test for them with errors.Is: most are
// wrapped with context (page number, database name).
var (
	// Lookups.

	// ErrNotFound: no such key (or value, or cursor position).
	ErrNotFound = errors.New("engine: not found")
	// ErrKeyExists: NoOverwrite or NoDupData found the key/value already there.
	ErrKeyExists = errors.New("engine: key exists")

	// Writes.

	// ErrMapFull: the database would grow past the configured map size.
	ErrMapFull = errors.New("engine: map full")
	// ErrBadValSize: empty or too long key, or a value of the wrong size.
	ErrBadValSize = errors.New("engine: bad key or value size")
	// ErrTxnFull: a nested transaction holds more modified pages than
	// Options.DirtyLimit (top-level transactions spill them instead).
	ErrTxnFull = errors.New("engine: transaction full")
	// ErrDBsFull: more named databases opened than Options.MaxDBs allows.
	ErrDBsFull = errors.New("engine: too many named databases")
	// ErrIncompatible: a database opened with flags that differ from its stored flags,
	// or a named database that is not a database record.
	ErrIncompatible = errors.New("engine: incompatible database flags")

	// Transactions and environments.

	// ErrInvalidOp: an unknown cursor operation.
	ErrInvalidOp = errors.New("engine: invalid cursor operation")
	// ErrBadTxn: the transaction is finished, read-only for a write, or failed
	// earlier and may only be aborted.
	ErrBadTxn = errors.New("engine: transaction not usable")
	// ErrReadersFull: all reader slots are taken (Options.MaxReaders).
	ErrReadersFull = errors.New("engine: reader table full")
	// ErrEnvInUse: another process (an LMDB program or another engine instance) has
	// the environment open.
	ErrEnvInUse = errors.New("engine: environment in use by another process")
	// ErrClosed: the environment was closed.
	ErrClosed = errors.New("engine: environment closed")
	// ErrReadOnly: a write was attempted on a read-only environment.
	ErrReadOnly = errors.New("engine: environment is read-only")

	// Files.

	// ErrInvalid: the file is not an LMDB-format data file.
	ErrInvalid = errors.New("engine: not a database file")
	// ErrVersionMismatch: an LMDB-format file of another data version.
	ErrVersionMismatch = errors.New("engine: data version mismatch")
	// ErrCorrupted: a page reached from the tree is damaged or out of bounds.
	ErrCorrupted = errors.New("engine: database corrupted")
)
