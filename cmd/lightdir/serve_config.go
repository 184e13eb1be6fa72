package main

import (
	"crypto/tls"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"lightdir/backend"
	"lightdir/conf"
	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/pwhash"
	"lightdir/schema"
)

// plan is a configuration checked and mapped onto the Options of each package,
// ready to start. Building it opens no port and no database: `lightdir test`
// stops there.
type plan struct {
	cfg *conf.Config
	reg *schema.Registry
	// tlsFiles is the [tls] material (nil without), reloaded on SIGHUP;
	// srvOpts.TLSConfig hands it out.
	tlsFiles *tlsFiles
	srvOpts  ldapserver.Options // Logger is set by serve
	dbs      []dbPlan
}

// dbPlan is one database: its backend options and where its root password is.
// serve adds the logger and online index building when it opens it; the offline
// commands use the options as they are.
type dbPlan struct {
	opts backend.Options
	// pwFile holds the root password hash when the configuration gives none.
	pwFile string
}

var durabilities = map[string]engine.Durability{
	"full": engine.SyncFull, "nometasync": engine.NoMetaSync, "nosync": engine.NoSync, "interval": engine.SyncInterval,
}

// preparePlan checks what conf cannot (schema files, certificates, DNs, password
// hashes, indexed attributes) and reports every problem in one conf.Problems.
func preparePlan(cfg *conf.Config) (*plan, error) {
	p := &plan{cfg: cfg, reg: schema.Default()}
	var ps conf.Problems
	bad := func(key string, err error) { ps = append(ps, cfg.Problem(key, err)) }
	for i, f := range cfg.SchemaFiles {
		data, err := os.ReadFile(f)
		if err == nil {
			err = p.reg.LoadSchemaFile(f, data)
		}
		if err != nil {
			bad(fmt.Sprintf("schema_files[%d]", i), err)
		}
	}
	if err := p.loadTLS(); err != nil {
		bad("tls", err)
	}
	p.srvOpts = serverOptions(cfg, p.tlsFiles.serverConfig())
	var suffixes []schema.DN
	for i := range cfg.Database {
		dp, suffix, errs := p.prepareDB(i)
		for _, e := range errs {
			bad(e.key, e.err)
		}
		if j := sameSuffix(cfg, i, suffix, suffixes); j >= 0 {
			bad(fmt.Sprintf("database[%d].suffix", i), fmt.Errorf("%w: same suffix as database[%d]", conf.ErrInvalid, j))
		}
		suffixes = append(suffixes, suffix)
		p.dbs = append(p.dbs, dp)
	}
	for i := range cfg.Database {
		if j := rootDNElsewhere(p, i, suffixes); j >= 0 {
			bad(fmt.Sprintf("database[%d].root_dn", i), fmt.Errorf("%w: %q is in the naming context of database[%d] (%q)",
				conf.ErrInvalid, cfg.Database[i].RootDN, j, cfg.Database[j].Suffix))
		}
	}
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b conf.Problem) int { return a.Line - b.Line })
		return nil, ps
	}
	return p, nil
}

// sameSuffix returns the first database before i whose normalized suffix is
// suffix, or -1. conf.Validate reports suffixes that are the same text already, so
// a database with such a twin is left to it: each duplicate is reported once.
func sameSuffix(cfg *conf.Config, i int, suffix schema.DN, before []schema.DN) int {
	if suffix == nil {
		return -1
	}
	for j := range before {
		if strings.EqualFold(cfg.Database[j].Suffix, cfg.Database[i].Suffix) {
			return -1
		}
	}
	for j, s := range before {
		if s != nil && suffix.Equal(s) {
			return j
		}
	}
	return -1
}

// rootDNElsewhere returns the database nested below database i whose naming
// context holds i's root DN, or -1. Operations on that DN, binds included, go
// to the nested database (the longest suffix wins), so the root DN could never
// bind; slaptest refuses it too ("<rootpw> can only be set when rootdn is
// under suffix").
func rootDNElsewhere(p *plan, i int, suffixes []schema.DN) int {
	own := suffixes[i]
	if own == nil || p.cfg.Database[i].RootDN == "" {
		return -1
	}
	root, err := p.normDN(p.cfg.Database[i].RootDN)
	if err != nil || !root.IsDescendantOf(own) { // reported by prepareDB
		return -1
	}
	for j, s := range suffixes {
		if j != i && s != nil && len(s) > len(own) && (root.Equal(s) || root.IsDescendantOf(s)) {
			return j
		}
	}
	return -1
}

func (p *plan) loadTLS() (err error) {
	p.tlsFiles, err = loadTLSFiles(p.cfg.TLS)
	return err
}

func serverOptions(cfg *conf.Config, tc *tls.Config) ldapserver.Options {
	l := cfg.Limits
	return ldapserver.Options{
		TLSConfig:           tc,
		MaxPDUSize:          int(l.MaxRequestSize),
		MaxPDUSizeAnonymous: int(l.MaxRequestSizeAnonymous),
		MaxConns:            l.MaxConnections,
		MaxOpsPerConn:       l.MaxOpsPerConnection,
		IdleTimeout:         l.IdleTimeout.D(),
		WriteTimeout:        l.WriteTimeout.D(),
		TLSHandshakeTimeout: l.TLSHandshakeTimeout.D(),
		// Limits per identity are the databases' (the root DN has none).
		SizeLimit:     -1,
		TimeLimit:     -1,
		VendorVersion: version,
	}
}

type keyErr struct {
	key string
	err error
}

// prepareDB maps database i onto backend.Options and returns its normalized suffix.
func (p *plan) prepareDB(i int) (dbPlan, schema.DN, []keyErr) {
	d := p.cfg.Database[i]
	key := func(k string) string { return fmt.Sprintf("database[%d].%s", i, k) }
	var errs []keyErr
	bad := func(k string, format string, args ...any) {
		errs = append(errs, keyErr{key(k), fmt.Errorf("%w: "+format, append([]any{conf.ErrInvalid}, args...)...)})
	}
	suffix, err := p.normDN(d.Suffix)
	if err != nil && d.Suffix != "" { // conf reports a missing suffix
		bad("suffix", "%v", err)
	}
	if d.RootDN != "" {
		root, err := p.normDN(d.RootDN)
		switch {
		case err != nil:
			bad("root_dn", "%v", err)
		case suffix != nil && !root.IsDescendantOf(suffix):
			bad("root_dn", "%q is not below the suffix %q", d.RootDN, d.Suffix)
		}
	}
	if d.RootPassword != "" && !pwhash.IsHashed([]byte(d.RootPassword)) {
		bad("root_password", "must be hashed (print a hash with `lightdir passwd`), not cleartext")
	} else if d.RootPassword != "" {
		// Verify's errors describe the stored value only: a malformed hash
		// would refuse every bind of the root DN.
		if _, err := pwhash.Verify([]byte(d.RootPassword), []byte("x")); err != nil {
			bad("root_password", "not a usable hash (print one with `lightdir passwd`): %v", err)
		}
	}
	var idx []backend.IndexSpec
	for _, attr := range sortedKeys(d.Indices) {
		spec := backend.IndexSpec{Attr: attr, Kinds: d.Indices[attr]}
		if p.reg.AttributeType(attr) == nil {
			bad("indices."+attr, "undefined attribute type %q", attr)
		} else if err := backend.CheckIndexSpec(p.reg, spec); err != nil {
			// What backend.Open would refuse at start-up: an index kind
			// without the attribute's matching rule (slaptest: "substr
			// index of attribute ... disallowed"), a computed attribute.
			bad("indices."+attr, "%s", strings.TrimPrefix(err.Error(), backend.ErrBadIndexSpec.Error()+": "))
		}
		idx = append(idx, spec)
	}
	o := backend.Options{
		Dir: d.Directory, Suffix: d.Suffix, MapSize: int64(d.MaxSize),
		Durability: durabilities[d.Durability], SyncInterval: d.SyncInterval.D(),
		Indexes: idx, RootDN: d.RootDN, SizeLimit: max(d.SizeLimit, 0), TimeLimit: max(d.TimeLimit.D(), time.Duration(0)),
		ReadRequiresAuth: p.cfg.Access.ReadRequiresAuth, Schema: p.reg, ReadOnly: d.ReadOnly,
	}
	if d.RootPassword != "" {
		o.RootPW = []byte(d.RootPassword)
	}
	dp := dbPlan{opts: o}
	if d.RootDN != "" && d.RootPassword == "" {
		dp.pwFile = d.RootPasswordFile
	}
	return dp, suffix, errs
}

func (p *plan) normDN(s string) (schema.DN, error) {
	dn, err := schema.ParseDN(s)
	if err != nil {
		return nil, err
	}
	if len(dn) == 0 {
		return nil, fmt.Errorf("empty DN")
	}
	return p.reg.NormalizeDN(dn)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
