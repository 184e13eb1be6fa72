package main

import (
	"fmt"
	"io"

	"lightdir/engine"
	"lightdir/mdbtool"
)

var mdbDumpCommand = command{
	name:    "mdb-dump",
	summary: "print a database in mdb_dump's text format",
	usage:   "[-V] [-a | -s NAME] [-l] [-n] [-p] [-f FILE] DIR",
	flags: `  -a       dump every named database (not the main DB)
  -s NAME  dump the named database NAME
  -l       list the named databases
  -n       DIR is the data file itself, not a directory
  -p       printable format (bytes 0x20-0x7e as they are, others as \hh)
  -f FILE  write to FILE instead of standard output
  -V       print the version
`,
	run: runMdbDump,
}

func runMdbDump(s stdio, args []string) (int, error) {
	o, err := getopt(args, "af:lnps:V")
	if err != nil {
		return exitUsage, err
	}
	switch {
	case o.has('V'):
		return printVersion(s)
	case len(o.operands) != 1:
		return usagef("one DIR expected")
	case (o.has('a') || o.has('l')) && o.has('s'):
		return usagef("-a and -l exclude -s")
	}
	dir := o.operands[0]
	if err := checkDBName(o); err != nil {
		return exitError, fmt.Errorf("%s: %w", dir, err)
	}
	opts := mdbtool.DumpOptions{All: o.has('a'), List: o.has('l'), Name: o.value['s'], Print: o.has('p'),
		NoSubdir: o.has('n')}
	err = writeOutput(s.out, o, 'f', func(w io.Writer) error {
		if err := mdbtool.Dump(w, dir, opts); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		return nil
	})
	if err != nil {
		return exitError, err
	}
	return exitOK, nil
}

// checkDBName refuses an empty -s argument: to mdb_dump, mdb_load and
// mdb_stat it names no database (mdb_dbi_open fails with MDB_BAD_VALSIZE,
// exit 1), while an empty Name in mdbtool's options means the main DB.
func checkDBName(o *options) error {
	if o.has('s') && o.value['s'] == "" {
		return fmt.Errorf("%w: empty database name (-s)", engine.ErrBadValSize)
	}
	return nil
}
