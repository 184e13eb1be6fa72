package mdbtool

import "errors"

var (
	// Input.

	// ErrBadInput: Load's input is not in mdb_dump's format (the error names the line).
	ErrBadInput = errors.New("mdbtool: bad input")

	// Databases.

	// ErrNoDatabases: Dump -a on an environment whose main database has no key
	// that could name a database (mdb_dump: "does not contain multiple databases").
	ErrNoDatabases = errors.New("mdbtool: environment does not contain multiple databases")
	// ErrCheckFailed: Check found problems (they are printed, one per line).
	ErrCheckFailed = errors.New("mdbtool: check found problems")
)
