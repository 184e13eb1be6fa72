package main

import (
	"fmt"

	"lightdir/backend"
)

var checkCommand = command{
	name:    "check",
	summary: "check a database offline: storage, DN tree and indices (exit 1 on problems)",
	usage:   "[-c FILE] [-b SUFFIX] [-d DIR] [-i SPEC]",
	flags:   dbSelectFlags,
	run:     runCheck,
}

func init() { register(checkCommand) }

func runCheck(s stdio, args []string) (int, error) {
	o, err := getopt(args, "c:b:d:i:")
	if err != nil {
		return exitUsage, err
	}
	if len(o.operands) > 0 {
		return usagef("unexpected operand %q", o.operands[0])
	}
	opts, err := backendOptions(o)
	if err != nil {
		return optionsExitCode(err), err
	}
	if err := backend.Check(opts); err != nil {
		return exitError, err
	}
	// Not an inconsistency, but searches scan until these are built.
	unbuilt, err := backend.Unbuilt(opts)
	if err != nil {
		return exitError, err
	}
	for _, ix := range unbuilt {
		fmt.Fprintf(s.err, "note: index %s is not built: searches do not use it until lightdir serve builds it or lightdir index runs\n", ix)
	}
	fmt.Fprintln(s.out, "ok")
	return exitOK, nil
}
