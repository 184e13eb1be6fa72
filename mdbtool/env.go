package mdbtool

import (
	"bytes"
	"errors"
	"math"

	"lightdir/engine"
)

// maxDBs is the named-database limit of environments the tools open: they
// visit every named database of a file, however many it has (LMDB's tools
// close each handle after use; the engine keeps them, so no limit).
const maxDBs = math.MaxInt32

// openRead opens an environment read-only for a tool.
func openRead(path string, noSubdir bool) (*engine.Env, error) {
	return engine.Open(path, &engine.Options{ReadOnly: true, NoSubdir: noSubdir, MaxDBs: maxDBs})
}

// namedDBs returns the names of the named databases that mdb_dump -a and
// mdb_stat -a visit: main-DB records of databases, in key order, whose names
// hold no NUL byte. usable reports whether the main DB has a key without a NUL
// byte at all (mdb_dump -a fails when it has none).
func namedDBs(txn *engine.Txn) (names []string, usable bool, err error) {
	all, err := txn.DBNames()
	if err != nil {
		return nil, false, err
	}
	for _, n := range all {
		if !bytes.ContainsRune([]byte(n), 0) {
			names = append(names, n)
		}
	}
	if len(names) > 0 {
		return names, true, nil
	}
	c, err := txn.OpenCursor(engine.MainDB)
	if err != nil {
		return nil, false, err
	}
	defer c.Close()
	k, _, err := c.Get(nil, nil, engine.First)
	for err == nil {
		if bytes.IndexByte(k, 0) < 0 {
			return nil, true, nil
		}
		k, _, err = c.Get(nil, nil, engine.NextNoDup)
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return nil, false, err
	}
	return nil, false, nil
}

// openNamed opens a named database as the tools do: ok is false when the name
// is an ordinary key or the main DB cannot hold databases.
func openNamed(txn *engine.Txn, name string) (engine.DBI, bool, error) {
	dbi, err := txn.OpenDB(name, 0)
	if errors.Is(err, engine.ErrIncompatible) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return dbi, true, nil
}
