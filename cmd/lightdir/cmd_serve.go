package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"

	"lightdir/conf"
	"lightdir/ldapserver"
)

func init() {
	register(command{
		name:    "serve",
		summary: "run the LDAP server",
		usage:   "[-c FILE] [-l URLS]",
		flags: `  -c FILE  configuration file (default: built-in defaults, see lightdir.example.toml)
  -l URLS  listen on these space-separated ldap://, ldaps://, ldapi:// URLs instead
           of the configuration's (port 0 picks a free port; the "ready" log line
           shows the actual URLs)

Without -c, serves dc=example,dc=com from ./lightdir-data on ldap://127.0.0.1:3389
with root DN cn=admin,dc=example,dc=com; the root password comes from $LIGHTDIR_ROOTPW
or is generated on first start, printed once, and kept hashed in ./lightdir-data/rootpw.
SIGTERM and SIGINT stop gracefully; SIGHUP reopens the log file and reads the
[tls] certificate, key and client CA files again (new connections get them;
if they do not load, the previous ones stay in use).
`,
		run: runServe,
	})
}

func runServe(s stdio, args []string) (int, error) {
	o, err := getopt(args, "c:l:")
	if err != nil {
		return exitUsage, err
	}
	if len(o.operands) > 0 {
		return usagef("unexpected argument %q", o.operands[0])
	}
	cfg, err := loadConfig(o)
	if err != nil {
		return exitError, err
	}
	p, err := preparePlan(cfg)
	if err != nil {
		return exitError, err
	}
	log, lf, err := newLogger(cfg.Log, s.err)
	if err != nil {
		return exitError, err
	}
	if lf != nil {
		defer lf.Close()
	}
	defer log.Sync()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sig)
	r, err := start(p, log, s)
	if err != nil {
		return exitError, err
	}
	return r.run(sig, lf)
}

// loadConfig reads -c FILE (or takes the defaults) and applies -l. As with
// conf.Load, a configuration that decodes but does not validate is returned
// along with the error.
func loadConfig(o *options) (*conf.Config, error) {
	cfg := conf.Default()
	if o.has('c') {
		var err error
		if cfg, err = conf.Load(o.value['c']); cfg == nil {
			return nil, err
		}
	}
	if o.has('l') {
		cfg.Listen = strings.Fields(o.value['l'])
	}
	return cfg, cfg.Validate()
}

// running is a started server: open databases, listeners being served.
type running struct {
	log    *zap.Logger
	srv    *ldapserver.Server
	dbs    []database
	urls   []string
	tls    *tlsFiles     // nil without TLS
	served chan error    // one value per listener when its Serve returns
	grace  time.Duration // how long Shutdown lets in-flight operations finish
}

// start opens the databases (creating suffix entries and root passwords as
// needed) and the listeners, starts serving and logs "ready". On error
// everything opened is closed again.
func start(p *plan, log *zap.Logger, s stdio) (_ *running, err error) {
	r := &running{log: log, tls: p.tlsFiles, grace: p.cfg.Limits.ShutdownTimeout.D()}
	defer func() {
		if err != nil {
			r.closeDBs()
		}
	}()
	if err := r.openDBs(p, s); err != nil {
		return nil, err
	}
	var b ldapserver.Backend = r.dbs[0]
	if len(r.dbs) > 1 {
		if b, err = newRouter(p.reg, r.dbs); err != nil {
			return nil, err
		}
	}
	if b, err = newSubschemaBackend(p.reg, b); err != nil {
		return nil, err
	}
	opts := p.srvOpts
	opts.Logger = log.Named("ldapserver")
	r.srv = ldapserver.New(b, opts)
	var ls []net.Listener
	for _, u := range p.cfg.Listen {
		l, err := ldapserver.Listen(u, opts.TLSConfig)
		if err != nil {
			for _, l := range ls {
				l.Close()
			}
			return nil, fmt.Errorf("listen %s: %w", u, err)
		}
		ls = append(ls, l)
		r.urls = append(r.urls, listenURL(u, l))
	}
	r.served = make(chan error, len(ls))
	for _, l := range ls {
		go func() { r.served <- r.srv.Serve(l) }()
	}
	if r.tls != nil {
		log.Info("TLS certificate", certFields(r.tls.cur.Load())...)
	}
	log.Info("ready", zap.Strings("listen", r.urls), zap.Strings("suffixes", b.NamingContexts()))
	return r, nil
}

func (r *running) openDBs(p *plan, s stdio) error {
	for i, dp := range p.dbs {
		o := dp.opts
		var savePW func() error
		if dp.pwFile != "" {
			pw, save, err := prepareRootPassword(dp.pwFile, o.RootDN, os.Getenv(rootPWEnv), s.out)
			if err != nil {
				return fmt.Errorf("database[%d] root password: %w", i, err)
			}
			o.RootPW, savePW = pw, save
		}
		o.Logger = r.log.Named("backend").With(zap.String("suffix", o.Suffix))
		// An index the configuration adds to a loaded database is built in the
		// background; searches use it once it is complete.
		o.BuildIndexesOnline = true
		db, err := openDatabase(o)
		if err != nil {
			return fmt.Errorf("database[%d] %s: %w", i, o.Dir, err)
		}
		r.dbs = append(r.dbs, db)
		// Only now that the database is ours: a start refused because
		// another process has it leaves the password file as it was.
		if savePW != nil {
			if err := savePW(); err != nil {
				return fmt.Errorf("database[%d] root password: %w", i, err)
			}
		}
		if o.ReadOnly {
			continue
		}
		created, err := db.EnsureSuffix(context.Background())
		if err != nil {
			return fmt.Errorf("database[%d] suffix entry %s: %w", i, o.Suffix, err)
		}
		if created {
			r.log.Info("suffix entry created", zap.String("dn", o.Suffix))
		}
	}
	return nil
}

// listenURL is u with the port actually bound (for port 0).
func listenURL(u string, l net.Listener) string {
	scheme, _, _ := strings.Cut(u, "://")
	if a, ok := l.Addr().(*net.TCPAddr); ok {
		return strings.ToLower(scheme) + "://" + a.String()
	}
	return u
}

// run serves until a signal or a listener failure, then shuts down.
func (r *running) run(sig <-chan os.Signal, lf *logFile) (int, error) {
	code, failure := exitOK, error(nil)
loop:
	for {
		select {
		case s := <-sig:
			if s == syscall.SIGHUP {
				r.hangup(lf)
				continue
			}
			r.log.Info("stopping", zap.Stringer("signal", s))
			break loop
		case err := <-r.served:
			r.log.Error("listener failed", zap.Error(err))
			code, failure = exitError, err
			break loop
		}
	}
	r.stop()
	return code, failure
}

// hangup reopens the log file (for logrotate) and reloads the TLS files
// (for a renewed certificate).
func (r *running) hangup(lf *logFile) {
	if lf != nil {
		r.log.Sync() // buffered access lines belong to the old file
		if err := lf.reopen(); err != nil {
			r.log.Error("reopening the log file failed", zap.Error(err))
		}
	}
	r.log.Info("log reopened")
	if r.tls != nil {
		r.tls.reload(r.log)
	}
}

// stop drains connections, letting in-flight operations finish for at most the
// shutdown timeout, then closes the databases.
func (r *running) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), r.grace)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		r.log.Warn("shutdown cut in-flight operations short", zap.Error(err))
	}
	r.closeDBs()
	r.log.Info("stopped")
}

func (r *running) closeDBs() {
	for _, db := range r.dbs {
		if err := db.Close(); err != nil {
			r.log.Error("closing database", zap.String("suffix", db.Suffix()), zap.Error(err))
		}
	}
	r.dbs = nil
}
