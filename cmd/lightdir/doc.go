// Command lightdir is the one lightdir binary: an LDAP directory server and
// the tools that work on its databases, as subcommands.
//
// # Basics
//
//	lightdir COMMAND [flags] [args]
//	lightdir help                 lists the commands
//	lightdir COMMAND --help       describes one
//
// The mdb-* commands take the flags and print the text of LMDB's mdb_dump,
// mdb_load, mdb_stat and mdb_copy (lmdb 0.9.24), so scripts written for those
// work with either; flags may be clustered (-aef, -fff) and mixed with
// arguments as getopt allows. Exit codes: 0 success, 1 error (one line on
// standard error), 2 usage error.
//
// # Caveats
//
// A database that a lightdir process has open cannot be used by another
// process (the engine takes LMDB's first-opener lock): run the mdb-* commands
// on a stopped server, or copy from inside it. Unlike mdb_stat, mdb-stat -r
// exits 0.
package main
