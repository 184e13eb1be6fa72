package conf

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Validate checks every value and the keys that must agree with each other,
// without touching the network or the files named. It returns nil or a Problems
// list with every problem found, each naming its key and line.
func (c *Config) Validate() error {
	v := &validator{c: c}
	v.listeners()
	v.tls()
	v.log()
	v.limits()
	v.databases()
	if len(v.ps) == 0 {
		return nil
	}
	slices.SortStableFunc(v.ps, func(a, b Problem) int { return a.Line - b.Line })
	return v.ps
}

type validator struct {
	c  *Config
	ps Problems
}

func (v *validator) bad(key, format string, args ...any) {
	v.ps = append(v.ps, v.c.Problem(key, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)))
}

func (v *validator) listeners() {
	if len(v.c.Listen) == 0 {
		// Only a caller can empty it (the file's empty list is the default):
		// a server without a listener would run unreachable.
		v.bad("listen", "no URL to listen on")
	}
	seen := map[string]bool{}
	for i, u := range v.c.Listen {
		key := fmt.Sprintf("listen[%d]", i)
		scheme, rest, ok := strings.Cut(u, "://")
		scheme = strings.ToLower(scheme)
		switch {
		case !ok || (scheme != "ldap" && scheme != "ldaps" && scheme != "ldapi"):
			v.bad(key, "%q is not an ldap://, ldaps:// or ldapi:// URL", u)
			continue
		case scheme == "ldapi":
			host, _, _ := strings.Cut(rest, "/")
			if p, err := url.PathUnescape(host); err != nil || p == "" {
				v.bad(key, "%q: ldapi needs the socket path escaped, like ldapi://%%2Frun%%2Flightdir.sock", u)
			}
		default:
			if pu, err := url.Parse(u); err != nil {
				v.bad(key, "%q: %v", u, err)
			} else if p := pu.Port(); p != "" {
				// url.Parse takes any digits; listening on them fails only at start.
				if n, err := strconv.Atoi(p); err != nil || n > 65535 {
					v.bad(key, "%q: port %s is out of range (0-65535)", u, p)
				}
			}
			if scheme == "ldaps" && (v.c.TLS.Cert == "" || v.c.TLS.Key == "") {
				v.bad(key, "%q needs tls.cert and tls.key", u)
			}
		}
		if seen[strings.ToLower(u)] {
			v.bad(key, "%q is listed twice", u)
		}
		seen[strings.ToLower(u)] = true
	}
}

func (v *validator) tls() {
	t := v.c.TLS
	if (t.Cert == "") != (t.Key == "") {
		v.bad("tls", "tls.cert and tls.key go together")
	}
	if t.ClientCA != "" && t.Cert == "" {
		v.bad("tls.client_ca", "needs tls.cert and tls.key")
	}
}

func (v *validator) log() {
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, v.c.Log.Level) {
		v.bad("log.level", "%q is not debug, info, warn or error", v.c.Log.Level)
	}
	if v.c.Log.Format != "console" && v.c.Log.Format != "json" {
		v.bad("log.format", "%q is not console or json", v.c.Log.Format)
	}
}

func (v *validator) limits() {
	l := v.c.Limits
	if l.MaxOpsPerConnection < 0 {
		v.bad("limits.max_ops_per_connection", "must be positive")
	}
	if l.TLSHandshakeTimeout < 0 {
		v.bad("limits.tls_handshake_timeout", "must be positive")
	}
	if l.ShutdownTimeout < 0 {
		v.bad("limits.shutdown_timeout", "must be positive")
	}
	if l.MaxRequestSize < 1024 {
		v.bad("limits.max_request_size", "%d bytes is too small (at least 1KiB)", l.MaxRequestSize)
	}
	if l.MaxRequestSizeAnonymous > l.MaxRequestSize {
		v.bad("limits.max_request_size_anonymous", "%s is larger than limits.max_request_size %s",
			l.MaxRequestSizeAnonymous, l.MaxRequestSize)
	}
}

func (v *validator) databases() {
	dirs := map[string]int{}
	suffixes := map[string]int{}
	for i := range v.c.Database {
		d := &v.c.Database[i]
		key := func(k string) string { return fmt.Sprintf("database[%d].%s", i, k) }
		if d.Suffix == "" {
			v.bad(fmt.Sprintf("database[%d]", i), "suffix is required")
		} else if j, ok := suffixes[strings.ToLower(d.Suffix)]; ok {
			v.bad(key("suffix"), "%q is also the suffix of database[%d]", d.Suffix, j)
		} else {
			suffixes[strings.ToLower(d.Suffix)] = i
		}
		// The same directory may be spelled relative and absolute.
		dir := d.Directory
		if abs, err := filepath.Abs(dir); err == nil && dir != "" {
			dir = abs
		}
		if d.Directory == "" {
			v.bad(fmt.Sprintf("database[%d]", i), "directory is required")
		} else if j, ok := dirs[dir]; ok {
			v.bad(key("directory"), "%q is also the directory of database[%d]", d.Directory, j)
		} else {
			dirs[dir] = i
		}
		if !slices.Contains(Durabilities, d.Durability) {
			v.bad(key("durability"), "%q is not one of %s", d.Durability, strings.Join(Durabilities, ", "))
		}
		if d.SyncInterval < 0 {
			v.bad(key("sync_interval"), "must be positive")
		}
		if d.MaxSize < 1<<20 {
			v.bad(key("max_size"), "%d bytes is too small (at least 1MiB)", d.MaxSize)
		}
		if d.SizeLimit < -1 {
			v.bad(key("size_limit"), "%d: use -1 for unlimited", d.SizeLimit)
		}
		if d.RootPassword != "" && d.RootDN == "" {
			v.bad(key("root_password"), "is set but root_dn is not")
		}
		v.indices(i, d)
	}
}

func (v *validator) indices(i int, d *Database) {
	attrs := make([]string, 0, len(d.Indices))
	for a := range d.Indices {
		attrs = append(attrs, a)
	}
	slices.Sort(attrs)
	for _, a := range attrs {
		key := fmt.Sprintf("database[%d].indices.%s", i, a)
		if len(d.Indices[a]) == 0 {
			v.bad(key, "lists no index kinds (%s)", strings.Join(IndexKinds, ", "))
		}
		for _, k := range d.Indices[a] {
			if !slices.Contains(IndexKinds, k) {
				v.bad(key, "%q is not an index kind (%s)", k, strings.Join(IndexKinds, ", "))
			}
		}
	}
}
