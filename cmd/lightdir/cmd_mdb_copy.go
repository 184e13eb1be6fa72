package main

import (
	"fmt"

	"lightdir/mdbtool"
)

var mdbCopyCommand = command{
	name:    "mdb-copy",
	summary: "copy a database, optionally compacting it, as mdb_copy does",
	usage:   "[-V] [-c] [-n] SRCDIR [DSTDIR]",
	flags: `  -c       compact: renumber pages, drop free pages (mdb_copy -c)
  -n       SRCDIR and DSTDIR are data files, not directories
  -V       print the version

Without DSTDIR the copy goes to standard output. DSTDIR is created if
missing; its data file must not exist.
`,
	run: runMdbCopy,
}

func runMdbCopy(s stdio, args []string) (int, error) {
	o, err := getopt(args, "cnV")
	if err != nil {
		return exitUsage, err
	}
	switch {
	case o.has('V'):
		return printVersion(s)
	case len(o.operands) < 1 || len(o.operands) > 2:
		return usagef("SRCDIR and optionally DSTDIR expected")
	}
	opts := mdbtool.CopyOptions{Compact: o.has('c'), NoSubdir: o.has('n')}
	src := o.operands[0]
	if len(o.operands) == 1 {
		err = mdbtool.Copy(s.out, src, opts)
	} else {
		err = mdbtool.CopyToPath(src, o.operands[1], opts)
	}
	if err != nil {
		return exitError, fmt.Errorf("%s: %w", src, err)
	}
	return exitOK, nil
}
