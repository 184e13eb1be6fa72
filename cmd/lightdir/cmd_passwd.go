package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"lightdir/pwhash"
)

func init() {
	register(command{
		name:    "passwd",
		summary: "print a hashed password for userPassword or root_password",
		usage:   "[-m SCHEME] [-s SECRET | -T FILE] [-n]",
		flags: `  -m SCHEME  hash scheme (default {SSHA512}); one of ` + strings.Join(pwhash.Schemes(), " ") + `
  -s SECRET  the password (visible to other users in the process list: prefer a prompt or -T)
  -T FILE    read the password from the first line of FILE ("-": standard input)
  -n         no newline after the hash

Without -s or -T, asks for the password twice on a terminal (without echo), or
reads one line from standard input.
`,
		run: runPasswd,
	})
}

func runPasswd(s stdio, args []string) (int, error) {
	o, err := getopt(args, "m:ns:T:")
	if err != nil {
		return exitUsage, err
	}
	switch {
	case len(o.operands) > 0:
		return usagef("unexpected argument %q", o.operands[0])
	case o.has('s') && o.has('T'):
		return usagef("-s and -T exclude each other")
	}
	var pw []byte
	switch {
	case o.has('s'):
		pw = []byte(o.value['s'])
	case o.has('T') && o.value['T'] != "-":
		f, err := os.Open(o.value['T'])
		if err != nil {
			return exitError, err
		}
		pw, err = firstLine(f)
		f.Close()
		if err != nil {
			return exitError, err
		}
	default:
		if pw, err = readPassword(s); err != nil {
			return exitError, err
		}
	}
	if len(pw) == 0 {
		return exitError, errors.New("empty password")
	}
	h, err := pwhash.Hash(o.value['m'], pw)
	if err != nil {
		return exitError, err
	}
	nl := "\n"
	if o.has('n') {
		nl = ""
	}
	if _, err := fmt.Fprint(s.out, h+nl); err != nil {
		return exitError, err
	}
	return exitOK, nil
}

func firstLine(r io.Reader) ([]byte, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return []byte(strings.TrimRight(line, "\r\n")), nil
}

// readPassword prompts twice without echo when standard input is a terminal,
// otherwise reads one line.
func readPassword(s stdio) ([]byte, error) {
	f, ok := s.in.(*os.File)
	if !ok || !isTerminal(f) {
		return firstLine(s.in)
	}
	br := bufio.NewReader(f)
	ask := func(prompt string) ([]byte, error) {
		fmt.Fprint(s.err, prompt)
		restore := echoOff(f)
		line, err := br.ReadString('\n')
		restore()
		fmt.Fprintln(s.err)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return []byte(strings.TrimRight(line, "\r\n")), nil
	}
	a, err := ask("New password: ")
	if err != nil {
		return nil, err
	}
	b, err := ask("Re-enter new password: ")
	if err != nil {
		return nil, err
	}
	if string(a) != string(b) {
		return nil, errors.New("the passwords do not match")
	}
	return a, nil
}
