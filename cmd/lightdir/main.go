package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Exit codes every subcommand uses; scripts may rely on them.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// stdio is what a subcommand reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one subcommand. run returns the exit code and, for codes other
// than 0, the error to print (nil when the command printed it already).
type command struct {
	name    string
	summary string
	usage   string // synopsis after "lightdir NAME"
	flags   string // flag descriptions for --help
	run     func(s stdio, args []string) (int, error)
}

// commands is the subcommand table. A subcommand's file adds itself with
// register in its init, so adding one never touches this file; help lists
// them by name.
var commands []command

func register(c command) {
	commands = append(commands, c)
	slices.SortFunc(commands, func(a, b command) int { return strings.Compare(a.name, b.name) })
}

func init() {
	for _, c := range []command{mdbDumpCommand, mdbLoadCommand, mdbStatCommand, mdbCopyCommand, mdbCheckCommand, versionCommand} {
		register(c)
	}
}

func main() { os.Exit(run(os.Args[1:], stdio{os.Stdin, os.Stdout, os.Stderr})) }

// run dispatches to a subcommand and prints its error in one line.
func run(args []string, s stdio) int {
	if len(args) == 0 {
		fmt.Fprintln(s.err, "lightdir: no command given (lightdir help lists them)")
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 1 {
			c := findCommand(args[1])
			if c == nil {
				fmt.Fprintf(s.err, "lightdir: unknown command %q (lightdir help lists them)\n", args[1])
				return exitUsage
			}
			printHelp(s.out, c)
			return exitOK
		}
		printCommands(s.out)
		return exitOK
	}
	c := findCommand(name)
	if c == nil {
		fmt.Fprintf(s.err, "lightdir: unknown command %q (lightdir help lists them)\n", name)
		return exitUsage
	}
	if wantsHelp(args[1:]) {
		printHelp(s.out, c)
		return exitOK
	}
	code, err := c.run(s, args[1:])
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(s.err, "lightdir %s: %s (usage: lightdir %s %s)\n", c.name, oneLine(ue.msg), c.name, c.usage)
	case err != nil:
		fmt.Fprintf(s.err, "lightdir %s: %s\n", c.name, oneLine(err.Error()))
	}
	return code
}

// wantsHelp reports a --help or -h before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--help", "-h":
			return true
		}
	}
	return false
}

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func printCommands(w io.Writer) {
	fmt.Fprintf(w, "usage: lightdir COMMAND [flags] [args]  (lightdir COMMAND --help for more)\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

func printHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: lightdir %s %s\n\n%s\n", c.name, c.usage, c.summary)
	if c.flags != "" {
		fmt.Fprintf(w, "\n%s", c.flags)
	}
}

// oneLine joins a multi-line message so every error is one line on stderr.
func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }
