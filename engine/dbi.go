package engine

import (
	"fmt"
	"slices"
)

// DBI identifies an open database within an environment. Handles stay valid
// until the environment closes and may be used by any transaction.
type DBI uint32

// The two databases every environment has.
const (
	// FreeDB is the free-page database; read-only, for inspection tools.
	FreeDB DBI = freeDBI
	// MainDB is the unnamed main database. Named databases are records in it.
	MainDB DBI = mainDBI
)

// DBFlags select a database's ordering and duplicate handling. They are stored
// in the file and must match when an existing database is opened.
type DBFlags uint32

const (
	// ReverseKey compares keys from their last byte backwards.
	ReverseKey DBFlags = dbReverseKey
	// DupSort lets a key hold several values, kept sorted.
	DupSort DBFlags = dbDupSort
	// IntegerKey: keys are native unsigned integers of 4 or 8 bytes.
	IntegerKey DBFlags = dbIntegerKey
	// DupFixed (with DupSort): all values have one size; stored densely.
	DupFixed DBFlags = dbDupFixed
	// IntegerDup (with DupSort): values are native unsigned integers.
	IntegerDup DBFlags = dbIntegerDup
	// ReverseDup (with DupSort): values compared from their last byte backwards.
	ReverseDup DBFlags = dbReverseDup
	// Create creates the database if it does not exist (write transactions only).
	// Not stored.
	Create DBFlags = 0x40000
)

// OpenDB opens the named database, or the main database for the name "".
// With no ordering flags an existing database opens with its stored flags.
// Errors: ErrNotFound (no such database and no Create), ErrIncompatible
// (flags differ from the stored ones, or the name is an ordinary key),
// ErrDBsFull, ErrBadTxn.
func (t *Txn) OpenDB(name string, flags DBFlags) (DBI, error) {
	if err := t.usable(false); err != nil {
		return 0, err
	}
	want := uint16(flags & dbPersistentMask)
	if name == "" {
		return t.openMain(want)
	}
	if len(name) > MaxKeySize {
		return 0, fmt.Errorf("%w: database name longer than %d bytes", ErrBadValSize, MaxKeySize)
	}
	rec, found, err := t.lookupNamed(name)
	if err != nil {
		return 0, err
	}
	// The main DB holds a record as of the last commit that saved it: this
	// transaction's own view (a database it created or changed) comes first.
	if v := t.namedView(name, rec, found); v != nil {
		rec, found = v.rec, true
	}
	create := false
	switch {
	case found && want != 0 && rec.flags&dbPersistentMask != want:
		return 0, fmt.Errorf("%w: database %q has flags %#x, opened with %#x", ErrIncompatible, name, rec.flags, want)
	case !found && flags&Create == 0:
		return 0, fmt.Errorf("%w: database %q", ErrNotFound, name)
	case !found && !t.write:
		return 0, fmt.Errorf("%w: cannot create database %q in a read transaction", ErrBadTxn, name)
	case !found:
		rec, create = emptyRecord(want), true
	}
	if t.dbs[mainDBI].rec.flags&(dbDupSort|dbIntegerKey) != 0 {
		return 0, fmt.Errorf("%w: the main database is DupSort or IntegerKey and holds no named databases", ErrIncompatible)
	}
	dbi, err := t.env.registerDB(name, rec.flags&dbPersistentMask)
	if err != nil {
		return 0, err
	}
	t.growDBs()
	if create {
		// The record goes into the main DB now, as LMDB's mdb_dbi_open
		// does: the name is taken from then on (a plain key cannot be put
		// over it, nor the main DB change order), and DBNames lists it.
		var enc [dbRecordSize]byte
		rec.encode(enc[:])
		if err := t.newCursor(mainDBI).putNamedRecord([]byte(name), enc[:]); err != nil {
			return 0, t.fail(err)
		}
		t.dbs[dbi].dirty = true
		t.w.dbsTouched = true
	}
	t.dbs[dbi].rec, t.dbs[dbi].loaded = rec, true
	return dbi, nil
}

func (t *Txn) openMain(want uint16) (DBI, error) {
	db := &t.dbs[mainDBI]
	if want != 0 && db.rec.flags&dbPersistentMask != want {
		if db.rec.entries != 0 || !t.write {
			return 0, fmt.Errorf("%w: main database has flags %#x", ErrIncompatible, db.rec.flags)
		}
		db.rec.flags = want
		db.dirty = true
		t.w.dbsTouched = true
		// The transaction's own view: the environment takes the new order
		// when the transaction commits (writeMeta), not if it aborts.
		info := (*t.env.dbs.Load())[mainDBI]
		info.flags = want
		info.setOrder(want)
		db.info = &info
	}
	return MainDB, nil
}

// namedView returns t's loaded view of the named database name, if t has
// one that is current: created or changed by t (dirty), or loaded from the
// same stored record.
func (t *Txn) namedView(name string, stored dbRecord, found bool) *txnDB {
	t.growDBs()
	for _, dbi := range t.env.handles(name) {
		if int(dbi) >= len(t.dbs) {
			break // registered after growDBs: not loaded by t
		}
		d := &t.dbs[dbi]
		if d.loaded && (d.dirty || found && d.info.flags == stored.flags&dbPersistentMask) {
			return d
		}
	}
	return nil
}

// handles returns the handles registered for name, in ascending order.
func (e *Env) handles(name string) []DBI {
	e.dbsMu.Lock()
	defer e.dbsMu.Unlock()
	return e.dbIndex[name]
}

// registerDB returns the handle for name, adding it to the environment's table.
func (e *Env) registerDB(name string, flags uint16) (DBI, error) {
	e.dbsMu.Lock()
	defer e.dbsMu.Unlock()
	infos := *e.dbs.Load()
	for _, dbi := range e.dbIndex[name] {
		// A handle whose flags differ is of a database dropped and
		// recreated with other flags: look for one with these flags.
		if infos[dbi].flags == flags {
			return dbi, nil
		}
	}
	if len(infos)-2 >= e.opts.MaxDBs {
		return 0, fmt.Errorf("%w: %d", ErrDBsFull, e.opts.MaxDBs)
	}
	info := dbInfo{name: name, flags: flags}
	info.setOrder(flags)
	// Appending in place is safe for readers of older versions of the
	// slice: they never look past their own length, and elements below it
	// are never written again (setMainFlags copies). It keeps registering
	// N databases linear, not quadratic.
	next := append(infos, info)
	e.dbs.Store(&next)
	dbi := DBI(len(next) - 1)
	if e.dbIndex == nil {
		e.dbIndex = map[string][]DBI{}
	}
	e.dbIndex[name] = append(e.dbIndex[name], dbi)
	return dbi, nil
}

func (e *Env) setMainFlags(flags uint16) {
	e.dbsMu.Lock()
	defer e.dbsMu.Unlock()
	infos := slices.Clone(*e.dbs.Load())
	infos[mainDBI].flags = flags
	infos[mainDBI].setOrder(flags)
	e.dbs.Store(&infos)
}

// growDBs extends t.dbs to cover handles registered after t began.
func (t *Txn) growDBs() {
	infos := *t.env.dbs.Load()
	for i := len(t.dbs); i < len(infos); i++ {
		t.dbs = append(t.dbs, txnDB{info: &infos[i]})
	}
}

// db returns t's view of dbi, loading a named database's record on first use.
func (t *Txn) db(dbi DBI) (*txnDB, error) {
	if int(dbi) >= len(t.dbs) {
		t.growDBs()
		if int(dbi) >= len(t.dbs) {
			return nil, fmt.Errorf("%w: unknown database handle %d", ErrBadTxn, dbi)
		}
	}
	db := &t.dbs[dbi]
	if db.loaded {
		return db, nil
	}
	if !t.write {
		if v, ok := t.snap.named.Load(dbi); ok {
			if nr := v.(*namedRecord); nr.name == db.info.name {
				db.rec, db.loaded = nr.rec, true
				return db, nil
			}
		}
	}
	rec, found, err := t.lookupNamed(db.info.name)
	if err != nil {
		return nil, err
	}
	if !found {
		// Created by a transaction that aborted: empty until written.
		// Not dirty: only a write stores the record.
		rec = emptyRecord(db.info.flags)
	} else if rec.flags&dbPersistentMask != db.info.flags {
		return nil, fmt.Errorf("%w: database %q changed flags", ErrIncompatible, db.info.name)
	}
	if found && !t.write {
		t.snap.named.Store(dbi, &namedRecord{name: db.info.name, rec: rec})
	}
	db.rec, db.loaded = rec, true
	return db, nil
}

// lookupNamed reads the record of a named database from the main database.
func (t *Txn) lookupNamed(name string) (dbRecord, bool, error) {
	c := t.newCursor(mainDBI)
	_, v, fl, err := c.seekExact([]byte(name))
	if err == ErrNotFound {
		return dbRecord{}, false, nil
	}
	if err != nil {
		return dbRecord{}, false, err
	}
	if fl&(nodeSubData|nodeDupData) != nodeSubData || len(v) != dbRecordSize {
		return dbRecord{}, false, fmt.Errorf("%w: %q is a key of the main database, not a database", ErrIncompatible, name)
	}
	return decodeRecord(v), true, nil
}

// Flags returns the stored flags of an open database.
func (t *Txn) Flags(dbi DBI) (DBFlags, error) {
	db, err := t.db(dbi)
	if err != nil {
		return 0, err
	}
	return DBFlags(db.rec.flags & dbPersistentMask), nil
}

// Stat describes one database's tree, as mdb_stat prints it.
type Stat struct {
	PageSize      int
	Depth         int
	BranchPages   uint64
	LeafPages     uint64
	OverflowPages uint64
	Entries       uint64
}

// Stat returns the stored statistics of dbi in t's snapshot.
func (t *Txn) Stat(dbi DBI) (Stat, error) {
	if err := t.usable(false); err != nil {
		return Stat{}, err
	}
	db, err := t.db(dbi)
	if err != nil {
		return Stat{}, err
	}
	r := db.rec
	return Stat{PageSize: t.env.psize, Depth: int(r.depth), BranchPages: r.branch, LeafPages: r.leaf,
		OverflowPages: r.overflow, Entries: r.entries}, nil
}

// DBNames lists the named databases in key order (what mdb_dump -a visits).
func (t *Txn) DBNames() ([]string, error) {
	if err := t.usable(false); err != nil {
		return nil, err
	}
	var names []string
	c := t.newCursor(mainDBI)
	k, _, fl, err := c.move(First)
	for err == nil {
		if fl&(nodeSubData|nodeDupData) == nodeSubData {
			names = append(names, string(k))
		}
		k, _, fl, err = c.move(Next)
	}
	if err != ErrNotFound {
		return nil, err
	}
	return names, nil
}
