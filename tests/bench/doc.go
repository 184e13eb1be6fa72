// Command bench runs the same storage workloads on lightdir's engine, on LMDB
// through cgo (github.com/PowerDNS/lmdb-go) and on bbolt (go.etcd.io/bbolt),
// side by side in one process, and prints ops/s per engine with the ratios
// lightdir/LMDB and lightdir/bbolt.
//
// # Basics
//
// It lives in its own module so that the main module takes no cgo
// dependency. Run it from this directory:
//
//	cd tests/bench && go run . -n 200000 -count 3 -dup
//
// Workloads: fillseq (sorted keys, append mode), fillrandom (random order,
// -batch puts per transaction, no sync), fillsync (one put per durable commit,
// -syncn of them), readrandom1/readrandom2 (random gets in read transactions of
// -readbatch gets, 1 and 2 goroutines), readseq (full cursor scan),
// deleterandom (random order, -batch deletes per transaction, no sync). With
// -dup: dupfillrandom and dupfillappend (-dupkeys keys x -dupvals sorted 8-byte
// IDs into a DupSort database, random order and AppendDup order), dupread
// (every value of random keys, one cursor step per value) and dupreadmulti
// (GetMultiple/NextMultiple on a DupSort|DupFixed database). bbolt has no
// duplicates: it stores the composite key key||id with an empty value and
// reads a key's values with a cursor Seek over the prefix; dupreadmulti is the
// same cursor walk for bbolt.
//
// Each measured phase runs on a fresh database in a temp directory under
// -dir; the three read workloads share one freshly loaded database. Each
// phase is repeated -count times, the engines interleaved within each
// repetition (in rotating order), and the median is reported.
//
// # Caveats
//
// Numbers from a shared machine are noisy; compare ratios from one run, not
// absolute numbers across runs. A workload an engine fails shows "error" in
// its cell, with the error in a note below the table.
package main
