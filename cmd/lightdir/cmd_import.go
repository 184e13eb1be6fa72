package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"lightdir/backend"
	"lightdir/conf"
)

// dbSelectFlags is the help text of the flags that choose a database,
// shared by import, export, index and check.
const dbSelectFlags = `  -c FILE    the configuration file; the database is the one whose suffix
             is -b SUFFIX (optional when the file has one database)
  -b SUFFIX  the database's suffix
  -d DIR     without -c: the database directory (needs -b)
  -i SPEC    without -c: the indices, e.g. "uid:eq;cn:eq,sub" (kinds eq,
             pres, sub, approx); objectClass eq is always indexed
`

var importCommand = command{
	name:    "import",
	summary: "load an LDIF file into an empty database, offline (like slapadd -q)",
	usage:   "[-c FILE] [-b SUFFIX] [-d DIR] [-i SPEC] [-q] [LDIF]",
	flags: dbSelectFlags + `  -q         no progress report

LDIF is read from the file given, or standard input. Change records are
refused. On any error the database is left as it was.
`,
	run: runImport,
}

func init() { register(importCommand) }

func runImport(s stdio, args []string) (int, error) {
	o, err := getopt(args, "c:b:d:i:q")
	if err != nil {
		return exitUsage, err
	}
	if len(o.operands) > 1 {
		return usagef("at most one LDIF file expected")
	}
	opts, err := backendOptions(o)
	if err != nil {
		return optionsExitCode(err), err
	}
	var in io.Reader = s.in
	if len(o.operands) == 1 {
		f, err := os.Open(o.operands[0])
		if err != nil {
			return exitError, err
		}
		defer f.Close()
		in = f
	}
	iopts := backend.ImportOptions{}
	if o.has('c') {
		// Entries below another database's suffix belong to it.
		if cfg, err := conf.Load(o.value['c']); err == nil {
			for _, d := range cfg.Database {
				if d.Directory != opts.Dir {
					iopts.OtherSuffixes = append(iopts.OtherSuffixes, d.Suffix)
				}
			}
		}
	}
	if !o.has('q') {
		iopts.Progress = s.err
	}
	st, err := backend.Import(opts, in, iopts)
	if err != nil {
		return exitError, err
	}
	if !o.has('q') {
		rate := float64(st.Entries) / max(st.Elapsed.Seconds(), 1e-9)
		fmt.Fprintf(s.err, "imported %d entries in %s (%.0f/s)\n", st.Entries, st.Elapsed.Round(time.Millisecond), rate)
	}
	return exitOK, nil
}

// backendOptions maps -c/-b/-d/-i onto backend.Options.
func backendOptions(o *options) (backend.Options, error) {
	if o.has('c') {
		if o.has('d') || o.has('i') {
			return backend.Options{}, usageError{"-d and -i are for use without -c"}
		}
		return optionsFromConfig(o.value['c'], o.value['b'])
	}
	if !o.has('d') && !o.has('i') {
		// No configuration: the database serve uses on its built-in defaults.
		return optionsFromConf(conf.Default(), "the built-in defaults", o.value['b'])
	}
	if !o.has('d') || !o.has('b') {
		return backend.Options{}, usageError{"give -c FILE, or -b SUFFIX and -d DIR"}
	}
	opts := backend.Options{Dir: o.value['d'], Suffix: o.value['b']}
	for _, spec := range strings.Split(o.value['i'], ";") {
		if spec = strings.TrimSpace(spec); spec == "" {
			continue
		}
		attr, kinds, _ := strings.Cut(spec, ":")
		is := backend.IndexSpec{Attr: strings.TrimSpace(attr)}
		if kinds != "" {
			is.Kinds = strings.Split(kinds, ",")
		}
		opts.Indexes = append(opts.Indexes, is)
	}
	return opts, nil
}

// optionsExitCode is the exit code for an error of backendOptions: 2 for a
// mistake on the command line, 1 for a configuration that cannot be used (as
// serve and test exit on it).
func optionsExitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

// optionsFromConfig loads the configuration and picks the database.
func optionsFromConfig(path, suffix string) (backend.Options, error) {
	cfg, err := conf.Load(path)
	if err != nil {
		return backend.Options{}, err
	}
	return optionsFromConf(cfg, path, suffix)
}

// optionsFromConf picks the database with suffix (or the only one) of cfg.
func optionsFromConf(cfg *conf.Config, path, suffix string) (backend.Options, error) {
	// The offline commands open no listener: the certificate and key are
	// serve's to load (slapadd and slapcat run without them too), and a job
	// that may not read the private key can still export.
	offline := *cfg
	offline.TLS = conf.TLS{}
	p, err := preparePlan(&offline)
	if err != nil {
		return backend.Options{}, err
	}
	var pick *backend.Options
	switch {
	case suffix == "" && len(p.dbs) == 1:
		pick = &p.dbs[0].opts
	case suffix == "":
		return backend.Options{}, usageError{"the configuration has several databases: choose one with -b SUFFIX"}
	default:
		want, err := p.reg.NormalizeDNString(suffix)
		if err != nil {
			return backend.Options{}, fmt.Errorf("-b %q: %w", suffix, err)
		}
		for i := range p.dbs {
			if n, err := p.reg.NormalizeDNString(p.dbs[i].opts.Suffix); err == nil && n == want {
				pick = &p.dbs[i].opts
			}
		}
	}
	if pick == nil {
		return backend.Options{}, fmt.Errorf("%w: no database with suffix %q in %s", errNoDatabase, suffix, path)
	}
	return *pick, nil
}

var errNoDatabase = errors.New("no such database")
