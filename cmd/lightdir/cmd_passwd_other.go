//go:build !linux

package main

import "os"

// Off Linux, passwd reads the password as one line, without turning echo off.
func isTerminal(*os.File) bool { return false }

func echoOff(*os.File) func() { return func() {} }
