package main

import (
	"fmt"

	"lightdir/mdbtool"
)

var mdbCheckCommand = command{
	name:    "mdb-check",
	summary: "check a database's structure and page accounting (exit 1 on problems)",
	usage:   "[-n] DIR",
	flags: `  -n       DIR is the data file itself, not a directory

Every tree is walked (page flags and bounds, key order, separators, depth,
counters) and every page must be used once or free once. Problems are printed
on standard output, one per line.
`,
	run: runMdbCheck,
}

func runMdbCheck(s stdio, args []string) (int, error) {
	o, err := getopt(args, "n")
	if err != nil {
		return exitUsage, err
	}
	switch {
	case len(o.operands) != 1:
		return usagef("one DIR expected")
	}
	if err := mdbtool.Check(s.out, o.operands[0], o.has('n')); err != nil {
		return exitError, fmt.Errorf("%s: %w", o.operands[0], err)
	}
	return exitOK, nil
}
