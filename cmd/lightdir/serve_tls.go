package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"lightdir/conf"
)

// tlsFiles is the server's certificate, key and client CA bundle, read from
// the [tls] files at start and again on SIGHUP, so that an operator can put
// a renewed certificate in place without a restart (which would drop every
// connection). Each handshake takes what was loaded last; connections
// already up keep theirs. A reload that fails keeps the previous material.
type tlsFiles struct {
	files conf.TLS
	cur   atomic.Pointer[tls.Config]
}

// loadTLSFiles reads the files; nil when no certificate is configured.
func loadTLSFiles(t conf.TLS) (*tlsFiles, error) {
	if t.Cert == "" {
		return nil, nil
	}
	f := &tlsFiles{files: t}
	c, err := f.read()
	if err != nil {
		return nil, err
	}
	f.cur.Store(c)
	return f, nil
}

// read builds a complete server configuration from the files.
func (f *tlsFiles) read() (*tls.Config, error) {
	t := f.files
	cert, err := tls.LoadX509KeyPair(t.Cert, t.Key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", conf.ErrInvalid, err)
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if t.ClientCA != "" {
		pem, err := os.ReadFile(t.ClientCA)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", conf.ErrInvalid, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: %s holds no PEM certificate", conf.ErrInvalid, t.ClientCA)
		}
		c.ClientCAs = pool
		c.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return c, nil
}

// serverConfig is the configuration listeners and StartTLS use: it hands
// each handshake the current material. nil without TLS (f nil).
func (f *tlsFiles) serverConfig() *tls.Config {
	if f == nil {
		return nil
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return f.cur.Load(), nil
		},
	}
}

// reload reads the files again and logs the outcome.
func (f *tlsFiles) reload(log *zap.Logger) {
	c, err := f.read()
	if err != nil {
		log.Error("reloading the TLS files failed; the previous certificate stays in use", zap.Error(err))
		return
	}
	f.cur.Store(c)
	log.Info("TLS files reloaded", certFields(c)...)
}

// certFields describes the server certificate of c for the log.
func certFields(c *tls.Config) []zap.Field {
	leaf := c.Certificates[0].Leaf
	if leaf == nil {
		return nil
	}
	return []zap.Field{zap.String("subject", leaf.Subject.String()), zap.Time("not_after", leaf.NotAfter),
		zap.Bool("expired", time.Now().After(leaf.NotAfter))}
}
