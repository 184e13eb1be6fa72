package main

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// database is what serve needs of one opened database: package backend's
// *Backend provides all of it.
type database interface {
	ldapserver.Backend
	Suffix() string
	EnsureSuffix(ctx context.Context) (created bool, err error)
	Close() error
}

// dbOptions mirror backend.Options field for field; serve fills them from the
// configuration and openDatabase hands them to backend.Open.
type dbOptions struct {
	Dir              string
	Suffix           string
	MapSize          int64
	Durability       engine.Durability
	SyncInterval     time.Duration
	Indexes          []indexSpec
	RootDN           string
	RootPW           []byte
	SizeLimit        int
	TimeLimit        time.Duration
	ReadRequiresAuth bool
	Schema           *schema.Registry
	Logger           *zap.Logger
	ReadOnly         bool
}

type indexSpec struct {
	Attr  string
	Kinds []string
}

// errNoBackend is returned while package backend cannot open databases.
var errNoBackend = errors.New("serve: package backend is not available in this build")

// openDatabase opens one database. Tests replace it with an in-memory fake.
var openDatabase = func(o dbOptions) (database, error) { return nil, errNoBackend }
