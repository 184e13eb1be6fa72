package index

import "errors"

// Errors from decoding stored ID lists (the bytes come from the database
// and are checked, never trusted).
var (
	// ErrBadLength means a stored ID list is not a whole number of 8-byte IDs.
	ErrBadLength = errors.New("index: ID list length is not a multiple of 8")
	// ErrNotSorted means IDs are not strictly ascending (stored lists, or
	// IDs given to a Builder).
	ErrNotSorted = errors.New("index: IDs not strictly ascending")
)

// Errors from computing keys.
var (
	// ErrBadInteger means a value given to OrderedIntKey is not a decimal
	// integer.
	ErrBadInteger = errors.New("index: not a decimal integer")
)
