package main

import (
	"fmt"
	"io"
	"os"

	"lightdir/mdbtool"
)

var mdbLoadCommand = command{
	name:    "mdb-load",
	summary: "load mdb_dump's text format (or plain text) into a database",
	usage:   "[-V] [-a] [-f FILE] [-n] [-s NAME] [-N] [-T] DIR",
	flags: `  -a       append: the input is in database order (faster)
  -f FILE  read FILE instead of standard input
  -n       DIR is the data file itself, not a directory
  -s NAME  load into the named database NAME (a database= header line wins)
  -N       keep existing keys (and key/value pairs of DupSort databases)
  -T       plain text: no header, a key line then a value line, print encoding
  -V       print the version
`,
	run: runMdbLoad,
}

func runMdbLoad(s stdio, args []string) (int, error) {
	o, err := getopt(args, "af:ns:NTV")
	if err != nil {
		return exitUsage, err
	}
	switch {
	case o.has('V'):
		return printVersion(s)
	case len(o.operands) != 1:
		return usagef("one DIR expected")
	}
	if err := checkDBName(o); err != nil {
		return exitError, fmt.Errorf("%s: %w", o.operands[0], err)
	}
	in := s.in
	if o.has('f') {
		f, err := os.Open(o.value['f'])
		if err != nil {
			return exitError, err
		}
		defer f.Close()
		in = io.Reader(f)
	}
	opts := mdbtool.LoadOptions{Append: o.has('a'), Name: o.value['s'], NoOverwrite: o.has('N'), Text: o.has('T'),
		NoSubdir: o.has('n'), Warnings: s.err}
	if err := mdbtool.Load(in, o.operands[0], opts); err != nil {
		return exitError, fmt.Errorf("%s: %w", o.operands[0], err)
	}
	return exitOK, nil
}
