package main

import (
	"context"
	"io"

	"lightdir/backend"
)

var exportCommand = command{
	name:    "export",
	summary: "write a database as LDIF from one snapshot, also while serve runs (like slapcat)",
	usage:   "[-c FILE] [-b SUFFIX] [-d DIR] [-l LDIF]",
	flags: dbSelectFlags + `  -l LDIF    write to this file instead of standard output

The output loads with lightdir import and with slapadd. It also runs while
serve has the database open: it reads one snapshot through the engine's
shared reader table, and the server keeps serving (like slapcat).
`,
	run: runExport,
}

func init() { register(exportCommand) }

func runExport(s stdio, args []string) (int, error) {
	o, err := getopt(args, "c:b:d:i:l:")
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
	opts.ReadOnly = true
	// Export writes stored values, so it also serves to move a database
	// to a schema that normalizes some type differently (export, import).
	opts.StoredValuesOnly = true
	b, err := backend.Open(opts)
	if err != nil {
		return exitError, err
	}
	defer b.Close()
	err = writeOutput(s.out, o, 'l', func(w io.Writer) error { return b.Export(context.Background(), w) })
	if err != nil {
		return exitError, err
	}
	return exitOK, nil
}
