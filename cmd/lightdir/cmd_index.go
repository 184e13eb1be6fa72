package main

import "lightdir/backend"

var indexCommand = command{
	name:    "index",
	summary: "rebuild attribute indices from the entries, offline (like slapindex)",
	usage:   "[-c FILE] [-b SUFFIX] [-d DIR] [-i SPEC] [ATTR...]",
	flags: dbSelectFlags + `
With no ATTR every configured index is rebuilt. An index added to the
configuration of a loaded database is built by serve in the background
(searches use it once it is complete), or here, offline.
`,
	run: runIndex,
}

func init() { register(indexCommand) }

func runIndex(s stdio, args []string) (int, error) {
	o, err := getopt(args, "c:b:d:i:")
	if err != nil {
		return exitUsage, err
	}
	opts, err := backendOptions(o)
	if err != nil {
		return optionsExitCode(err), err
	}
	if err := backend.Reindex(opts, o.operands); err != nil {
		return exitError, err
	}
	return exitOK, nil
}
