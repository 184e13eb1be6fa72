package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"lightdir/conf"
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
	return zap.New(zapcore.NewCore(enc, ws, level), zap.ErrorOutput(ws)), lf, nil
}
