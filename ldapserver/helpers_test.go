package ldapserver

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// testServer is a Server on 127.0.0.1 with a fresh memBackend and observed logs.
type testServer struct {
	srv  *Server
	be   *memBackend
	addr string
	logs *observer.ObservedLogs
	done chan error
}

// startServer serves ldap:// on a free port until the test ends; then it checks that
// Serve returned ErrServerClosed.
func startServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startOn(t, opts, l)
}

func startOn(t testing.TB, opts Options, l net.Listener) *testServer {
	t.Helper()
	core, logs := observer.New(zap.DebugLevel)
	if opts.Logger == nil {
		opts.Logger = zap.New(core)
	}
	ts := &testServer{be: newMemBackend(), addr: l.Addr().String(), logs: logs, done: make(chan error, 1)}
	ts.srv = New(ts.be, opts)
	go func() { ts.done <- ts.srv.Serve(l) }()
	t.Cleanup(func() {
		ts.srv.Close()
		select {
		case err := <-ts.done:
			if !errors.Is(err, ErrServerClosed) {
				t.Errorf("Serve returned %v, want ErrServerClosed", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not return after Close")
		}
	})
	return ts
}

func (ts *testServer) url() string { return "ldap://" + ts.addr }

// dial connects go-ldap, optionally binding as the root DN.
func (ts *testServer) dial(t testing.TB, asRoot bool) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL(ts.url())
	if err != nil {
		t.Fatal(err)
	}
	c.SetTimeout(10 * time.Second)
	t.Cleanup(func() { c.Close() })
	if asRoot {
		if err := c.Bind("cn=admin,"+testSuffix, "secret"); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// ldapCode extracts the result code of a go-ldap error (0 for nil).
func ldapCode(t testing.TB, err error) ResultCode {
	t.Helper()
	if err == nil {
		return Success
	}
	var le *ldap.Error
	if !errors.As(err, &le) {
		t.Fatalf("not an LDAP error: %v", err)
	}
	return ResultCode(le.ResultCode)
}

func ldapErr(t testing.TB, err error) *ldap.Error {
	t.Helper()
	var le *ldap.Error
	if !errors.As(err, &le) {
		t.Fatalf("not an LDAP error: %v", err)
	}
	return le
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var _ = context.Background
