// Package mdbtool implements the LMDB-compatible command-line tools on top of
// the engine: Dump and Load speak mdb_dump's text format, Stat prints what
// mdb_stat prints, Copy makes plain and compacting hot copies, and Check runs
// the engine's structural check. cmd/lightdir wraps each as a subcommand
// (mdb-dump, mdb-load, mdb-stat, mdb-copy, mdb-check).
//
// # Basics
//
// Every tool is a function writing to an io.Writer (or reading an io.Reader)
// and returning an error; it opens the environment itself (read-only, except
// Load) from a path and options mirroring the LMDB tools' switches. The *Env
// variants (DumpEnv, StatEnv, LoadEnv) work on an environment the caller has
// open, so a running server can dump or copy itself.
//
// Output equals the real tools' (lmdb 0.9.24) byte for byte: Dump's header
// lines, the bytevalue and print encodings (print does not escape a backslash,
// as 0.9.24 does not), Stat's blocks and free-list listings. Load reads both
// formats and mdb_load's plain-text format (-T), commits every LoadOptions.Batch
// records as mdb_load does, and names the input line in every input error.
//
// # Caveats
//
// The engine is file-compatible, not live-compatible, with LMDB: while a
// lightdir process has an environment open, real LMDB programs block in their
// open, and these tools (run as another process) fail with engine.ErrEnvInUse.
// Readers live in one process, so Stat's reader listing (-r) shows only the
// calling process's own read transactions, as a count; stale readers of other
// processes cannot exist yet, and -rr clears nothing.
package mdbtool
