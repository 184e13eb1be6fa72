package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

var versionCommand = command{
	name:    "version",
	summary: "print the version",
	usage:   "",
	run: func(s stdio, args []string) (int, error) {
		if len(args) > 0 {
			return usagef("no arguments expected")
		}
		return printVersion(s)
	},
}

func printVersion(s stdio) (int, error) {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
				rev = " " + kv.Value[:12]
			}
		}
	}
	_, err := fmt.Fprintf(s.out, "lightdir %s%s (%s)\n", version, rev, runtime.Version())
	if err != nil {
		return exitError, err
	}
	return exitOK, nil
}
