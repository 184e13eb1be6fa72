package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"lightdir/conf"
	"lightdir/ldapserver"
)

// logFile is a log destination that SIGHUP can reopen, so that logrotate may
// move the file away.
type logFile struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

func openLogFile(path string) (*logFile, error) {
	l := &logFile{path: path}
	return l, l.reopen()
}

func (l *logFile) reopen() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	l.mu.Lock()
	old := l.f
	l.f = f
	l.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}

func (l *logFile) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Sync()
}

func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

// newLogger builds the process's one logger from [log]. It writes to stderr, or
// to the file, which the returned *logFile reopens (nil for stderr).
func newLogger(c conf.Log, stderr io.Writer) (*zap.Logger, *logFile, error) {
	var level zapcore.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		return nil, nil, fmt.Errorf("log.level: %w", err)
	}
	ec := zap.NewProductionEncoderConfig()
	ec.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	if c.Format == "json" {
		enc = zapcore.NewJSONEncoder(ec)
	} else {
		ec.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	}
	var ws zapcore.WriteSyncer
	var lf *logFile
	if c.File != "" {
		var err error
		if lf, err = openLogFile(c.File); err != nil {
			return nil, nil, fmt.Errorf("log.file: %w", err)
		}
		ws = lf
	} else {
		ws = zapcore.Lock(zapcore.AddSync(stderr))
	}
	sink := &logSink{out: ws, interval: accessLogDelay}
	return zap.New(accessBuffered{zapcore.NewCore(enc, sink, level), sink}, zap.ErrorOutput(ws)), lf, nil
}

// accessLogDelay is the longest an access-log line waits in the buffer.
const accessLogDelay = 500 * time.Millisecond

// accessBuffered lets the per-operation access-log lines collect in its sink
// and be written out in batches: one write(2) per line cost the server about
// 15% of its CPU on small searches. Every other line (start, warnings,
// errors) is written at once, together with the access lines before it.
type accessBuffered struct {
	zapcore.Core
	sink *logSink
}

func (c accessBuffered) With(fields []zapcore.Field) zapcore.Core {
	return accessBuffered{c.Core.With(fields), c.sink}
}

func (c accessBuffered) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c accessBuffered) Write(e zapcore.Entry, fields []zapcore.Field) error {
	err := c.Core.Write(e, fields)
	if e.Message != ldapserver.AccessLogMessage {
		if ferr := c.sink.flush(); err == nil {
			err = ferr
		}
	}
	return err
}

// logSink buffers encoded log lines for out. A timer writes them within
// interval of the first; a buffer past logSinkMax is written at once.
type logSink struct {
	mu       sync.Mutex
	out      zapcore.WriteSyncer
	buf      []byte
	interval time.Duration
	armed    bool // a flush timer is pending
}

const logSinkMax = 64 << 10

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	if len(s.buf) >= logSinkMax {
		return len(p), s.flushLocked()
	}
	if !s.armed {
		s.armed = true
		time.AfterFunc(s.interval, func() { s.flush() })
	}
	return len(p), nil
}

func (s *logSink) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flushLocked()
}

func (s *logSink) flushLocked() error {
	s.armed = false // a pending timer then finds little or nothing to write
	if len(s.buf) == 0 {
		return nil
	}
	_, err := s.out.Write(s.buf)
	s.buf = s.buf[:0]
	return err
}

// Sync writes out the buffer and syncs the destination (Logger.Sync at exit,
// and before the log file is reopened).
func (s *logSink) Sync() error {
	if err := s.flush(); err != nil {
		return err
	}
	return s.out.Sync()
}
