package backend

import (
	"errors"
	"fmt"

	"lightdir/engine"
)

// Returned by Open, Import, Reindex and Check.
var (
	// ErrNoSuffix means Options.Suffix is empty or not a valid DN.
	ErrNoSuffix = errors.New("backend: no valid suffix configured")
	// ErrSuffixMismatch means the database was created for another suffix.
	ErrSuffixMismatch = errors.New("backend: database holds another suffix")
	// ErrBadIndexSpec means an IndexSpec names an unknown attribute or kind.
	ErrBadIndexSpec = errors.New("backend: bad index specification")
	// ErrFormat means the database was written by an incompatible layout version.
	ErrFormat = errors.New("backend: unsupported database format")
	// ErrNormalizationChanged means the schema now normalizes an attribute
	// type that the database holds differently from when its values were
	// stored (another equality, substrings or approximate rule): stored
	// normalized values, DN keys and index keys would no longer match
	// searches. Export the database and import it again.
	ErrNormalizationChanged = errors.New("backend: the schema normalizes stored attribute types differently")
	// ErrNotEmpty means Import was asked to load into a database that holds entries.
	ErrNotEmpty = errors.New("backend: database is not empty")
	// ErrInconsistent is wrapped by every problem Check reports.
	ErrInconsistent = errors.New("backend: database inconsistent")
	// ErrCorrupted means a stored record cannot be decoded.
	ErrCorrupted = errors.New("backend: corrupted record")
	// ErrClosed is returned by operations on a closed Backend.
	ErrClosed = errors.New("backend: closed")
)

// Returned by Import for bad input; each is wrapped with the LDIF line.
var (
	// ErrBadEntry means an LDIF entry cannot be stored: bad DN, outside the
	// suffix, parent missing, duplicate, or a schema violation.
	ErrBadEntry = errors.New("backend: entry refused")
)

// withMapFullHint names the setting to change when err is the engine's map
// full: the operator reads it in the import's error or the server's log
// (clients still get only "internal error").
func withMapFullHint(err error, mapSize int64) error {
	if !errors.Is(err, engine.ErrMapFull) {
		return err
	}
	if mapSize == 0 {
		mapSize = DefaultMapSize
	}
	return fmt.Errorf("%w: the database reached its size limit (%d MiB); raise max_size in its [[database]] table", err, mapSize>>20)
}
