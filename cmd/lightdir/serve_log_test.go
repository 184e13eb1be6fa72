package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"lightdir/conf"
	"lightdir/ldapserver"
)

// syncBuffer is a stderr that tests can read while the logger writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNewLogger_accessLinesBuffered: per-operation lines wait in a buffer
// (at most accessLogDelay), any other line goes out at once and takes the
// waiting access lines with it in order, a full buffer is written without
// waiting, and Sync empties the buffer.
func TestNewLogger_accessLinesBuffered(t *testing.T) {
	var out syncBuffer
	log, _, err := newLogger(conf.Log{Level: "info", Format: "console"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	srv := log.Named("ldapserver")
	srv.Info(ldapserver.AccessLogMessage, zap.Int("op", 1))
	if got := out.String(); got != "" {
		t.Fatalf("access line written at once: %q", got)
	}
	log.Info("ready")
	got := out.String()
	if i, j := strings.Index(got, "\"op\": 1"), strings.Index(got, "ready"); i < 0 || j < i {
		t.Fatalf("after a non-access line: %q", got)
	}

	srv.Info(ldapserver.AccessLogMessage, zap.Int("op", 2))
	for deadline := time.Now().Add(20 * accessLogDelay); !strings.Contains(out.String(), "\"op\": 2"); {
		if time.Now().After(deadline) {
			t.Fatalf("access line not written within %v: %q", 20*accessLogDelay, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	before := len(out.String())
	n := 0
	for len(out.String()) == before {
		srv.Info(ldapserver.AccessLogMessage, zap.String("filler", strings.Repeat("x", 100)))
		if n++; n > 2*logSinkMax/100 {
			t.Fatal("a full buffer was not written")
		}
	}

	srv.Info(ldapserver.AccessLogMessage, zap.Int("op", 3))
	log.Sync()
	if !strings.Contains(out.String(), "\"op\": 3") {
		t.Fatal("Sync left access lines in the buffer")
	}
}
