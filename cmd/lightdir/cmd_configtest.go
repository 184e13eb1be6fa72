package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"lightdir/conf"
)

func init() {
	register(command{
		name:    "test",
		summary: "check a configuration and its schema files without starting",
		usage:   "[-c FILE] [-q]",
		flags: `  -c FILE  configuration file (default: the built-in defaults)
  -q       print nothing when the configuration is fine

Checks every key and value, the schema files, the TLS certificate and key, the
DNs and the root password hashes, and prints every problem found with its
file, line and key; exit 0 when there is none, 1 otherwise. Opens no port and
no database.
`,
		run: runConfigTest,
	})
}

func runConfigTest(s stdio, args []string) (int, error) {
	o, err := getopt(args, "c:q")
	if err != nil {
		return exitUsage, err
	}
	if len(o.operands) > 0 {
		return usagef("unexpected argument %q", o.operands[0])
	}
	cfg, err := loadConfig(o)
	if cfg != nil {
		// Report the checks of serve along with conf's own problems.
		_, perr := preparePlan(cfg)
		err = mergeProblems(err, perr)
		if lerr := logFileWritable(cfg.Log.File); lerr != nil {
			err = mergeProblems(err, conf.Problems{cfg.Problem("log.file", lerr)})
		}
	}
	if err != nil {
		// One problem per line, so that each names its key and line.
		fmt.Fprintln(s.err, err)
		return exitError, nil
	}
	if !o.has('q') {
		name := cfg.File
		if name == "" {
			name = "built-in defaults"
		}
		var suffixes []string
		for _, d := range cfg.Database {
			suffixes = append(suffixes, d.Suffix)
		}
		fmt.Fprintf(s.out, "%s: ok (listen %s; databases %s)\n", name,
			strings.Join(cfg.Listen, " "), strings.Join(suffixes, ", "))
	}
	return exitOK, nil
}

// mergeProblems joins two conf.Problems lists in line order; other errors are
// joined as they are.
func mergeProblems(a, b error) error {
	var pa, pb conf.Problems
	if errors.As(a, &pa) && errors.As(b, &pb) {
		ps := append(slices.Clone(pa), pb...)
		slices.SortStableFunc(ps, func(x, y conf.Problem) int { return x.Line - y.Line })
		return ps
	}
	return errors.Join(a, b)
}

// logFileWritable reports why serve could not open path for its log
// (nil for standard error), without creating it.
func logFileWritable(path string) error {
	if path == "" {
		return nil
	}
	target := path
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		target = filepath.Dir(path)
		if st, err := os.Stat(target); err != nil {
			return fmt.Errorf("%w: %v", conf.ErrInvalid, err)
		} else if !st.IsDir() {
			return fmt.Errorf("%w: %s is not a directory", conf.ErrInvalid, target)
		}
	}
	if err := unix.Access(target, unix.W_OK); err != nil {
		return fmt.Errorf("%w: %s: not writable: %v", conf.ErrInvalid, target, err)
	}
	return nil
}
