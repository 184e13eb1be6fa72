package main

import (
	"context"

	"lightdir/backend"
	"lightdir/ldapserver"
)

// database is what serve needs of one opened database: package backend's
// *Backend provides all of it.
type database interface {
	ldapserver.Backend
	Suffix() string
	EnsureSuffix(ctx context.Context) (created bool, err error)
	Close() error
}

// openDatabase opens one database with package backend. Tests replace it with
// an in-memory fake.
var openDatabase = func(o backend.Options) (database, error) {
	b, err := backend.Open(o)
	if err != nil {
		return nil, err // not a nil *Backend inside a non-nil database
	}
	return b, nil
}
