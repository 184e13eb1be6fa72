package main

import (
	"fmt"
	"io"

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
	opts := mdbtool.DumpOptions{All: o.has('a'), List: o.has('l'), Name: o.value['s'], Print: o.has('p'),
		NoSubdir: o.has('n')}
	dir := o.operands[0]
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
