package main

import (
	"fmt"

	"lightdir/mdbtool"
)

var mdbStatCommand = command{
	name:    "mdb-stat",
	summary: "print a database's statistics as mdb_stat does",
	usage:   "[-V] [-n] [-e] [-r[r]] [-f[f[f]]] [-a | -s NAME] DIR",
	flags: `  -e       environment information
  -f       free-list totals; -ff each free-list record; -fff each run of free pages
  -a       every named database too
  -s NAME  the named database NAME instead of the main DB
  -r       the reader table (this process only, see below); -rr also clears stale readers
  -n       DIR is the data file itself, not a directory
  -V       print the version

Readers are tracked inside the process that has the database open, so -r run
as a separate command lists none and -rr clears none.
`,
	run: runMdbStat,
}

func runMdbStat(s stdio, args []string) (int, error) {
	o, err := getopt(args, "aefnrs:V")
	if err != nil {
		return exitUsage, err
	}
	switch {
	case o.has('V'):
		return printVersion(s)
	case len(o.operands) != 1:
		return usagef("one DIR expected")
	case o.has('a') && o.has('s'):
		return usagef("-a excludes -s")
	}
	if err := checkDBName(o); err != nil {
		return exitError, fmt.Errorf("%s: %w", o.operands[0], err)
	}
	opts := mdbtool.StatOptions{Env: o.has('e'), Free: o.count['f'], All: o.has('a'), Name: o.value['s'],
		Readers: o.count['r'], NoSubdir: o.has('n')}
	if err := mdbtool.Stat(s.out, o.operands[0], opts); err != nil {
		return exitError, fmt.Errorf("%s: %w", o.operands[0], err)
	}
	return exitOK, nil
}
