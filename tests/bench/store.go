package main

// dupDB selects one of the two duplicate databases.
type dupDB int

const (
	dupSort  dupDB = iota // DupSort
	dupFixed              // DupSort|DupFixed
)

// store is one engine under test. Every method runs a whole workload loop, so
// the per-operation path is the engine's own, with no interface call per op.
// get, scan, dupRead and dupReadMulti may be called from several goroutines.
type store interface {
	name() string
	// open creates a fresh environment in dir; durable selects fully synced
	// commits, otherwise commits do not sync; dups also creates the two
	// duplicate databases (otherwise the plain workloads have the main
	// database to themselves).
	open(dir string, durable, dups bool, mapSize int64) error
	close() error
	// put stores keys in order, batch puts per write transaction; appendMode
	// uses the engine's sorted-append path.
	put(keys keyList, val []byte, batch int, appendMode bool) error
	// get looks keys up, batch gets per read transaction, and returns how many
	// were found.
	get(keys keyList, batch int) (int, error)
	// scan walks the whole database with a cursor and returns the count.
	scan() (int, error)
	// del deletes keys, batch deletes per write transaction.
	del(keys keyList, batch int) error
	// dupPut stores the pairs (records key||id) into db, batch per
	// transaction; appendDup uses the engine's sorted-duplicates append path.
	dupPut(db dupDB, pairs keyList, batch int, appendDup bool) error
	// dupRead reads every value of each key, one cursor step per value,
	// batch keys per read transaction, and returns the number of values.
	dupRead(db dupDB, keys keyList, batch int) (int, error)
	// dupReadMulti is dupRead through GetMultiple/NextMultiple on dupFixed.
	dupReadMulti(keys keyList, batch int) (int, error)
}
