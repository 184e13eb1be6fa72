package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// usageError is a mistake on the command line: exit code 2 and the synopsis.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) (int, error) {
	return exitUsage, usageError{fmt.Sprintf(format, args...)}
}

// options are parsed command-line switches.
type options struct {
	count    map[byte]int    // how often each switch was given
	value    map[byte]string // the argument of switches that take one (last wins)
	operands []string
}

func (o *options) has(c byte) bool { return o.count[c] > 0 }

// getopt parses args as getopt(3) does with GNU argument permutation: spec
// lists the switch letters, a letter followed by ':' takes an argument
// (attached, -sNAME, or the next word); switches cluster (-aef); "--" ends
// the switches; operands may come before switches.
func getopt(args []string, spec string) (*options, error) {
	o := &options{count: map[byte]int{}, value: map[byte]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			o.operands = append(o.operands, args[i+1:]...)
			return o, nil
		case a == "--help" || a == "-h":
			continue // run answers these before the command parses its switches
		case len(a) < 2 || a[0] != '-':
			o.operands = append(o.operands, a)
			continue
		case strings.HasPrefix(a, "--"):
			return nil, usageError{fmt.Sprintf("unknown option %s", a)}
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			k := strings.IndexByte(spec, c)
			if k < 0 || c == ':' {
				return nil, usageError{fmt.Sprintf("unknown option -%c", c)}
			}
			o.count[c]++
			if k+1 < len(spec) && spec[k+1] == ':' {
				switch {
				case j+1 < len(a):
					o.value[c] = a[j+1:]
				case i+1 < len(args):
					i++
					o.value[c] = args[i]
				default:
					return nil, usageError{fmt.Sprintf("option -%c needs an argument", c)}
				}
				j = len(a) // the rest of the word was the argument
			}
		}
	}
	return o, nil
}

// writeOutput runs write on the file named by switch c when it was given, created
// or truncated (its close error counts: the data may not have reached the disk),
// and on out otherwise. A new file is readable by its owner only: exports and
// dumps hold every entry and password hash, as the database files do.
func writeOutput(out io.Writer, o *options, c byte, write func(io.Writer) error) error {
	if !o.has(c) {
		return write(out)
	}
	f, err := os.OpenFile(o.value[c], os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
