package conf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Problem is one thing wrong with a configuration, positioned in its file.
type Problem struct {
	File string // "" for the built-in defaults
	Line int    // 0 when unknown
	Key  string // key path, e.g. "database[1].suffix" or "tls.cert"
	Err  error  // wraps ErrSyntax, ErrUnknownKey or ErrInvalid (or a caller's error)
}

func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Err.Error())
	return b.String()
}

func (p Problem) Unwrap() error { return p.Err }

// Problems is every problem found, in file order; it is the error Load and
// Validate return. errors.Is looks through all of them.
type Problems []Problem

func (ps Problems) Error() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// Load reads, decodes and validates a configuration file. Decoding is strict: a
// key the configuration does not have is an error. Relative paths in the file
// (directory, schema_files, tls.*, log.file, root_password_file) are relative to
// the file's own directory. Keys left out take the defaults of Default. The error
// is a Problems list naming each key and line. When the file decodes but does not
// validate, the Config is returned along with the error, so that callers running
// checks of their own can report all problems at once; it must not be used to
// start anything.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse is Load for text already read; name is used in messages and to resolve
// relative paths.
func Parse(name string, data []byte) (*Config, error) {
	c := &Config{File: name, lines: indexLines(data)}
	if ps := c.decode(string(data)); len(ps) > 0 {
		return nil, ps
	}
	c.setDefaults()
	c.resolvePaths(filepath.Dir(name))
	if err := c.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

func (c *Config) decodeProblem(err error) Problem {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if inner := errors.Unwrap(pe); inner != nil && msg == "" {
			msg = inner.Error()
		}
		return Problem{File: c.File, Line: pe.Position.Line, Key: pe.LastKey, Err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
	}
	// The decoder's type errors read `toml: line N (last key "k"): ...`.
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	p := Problem{File: c.File}
	if _, err := fmt.Sscanf(msg, "line %d", &p.Line); err == nil {
		if i := strings.Index(msg, "): "); i >= 0 {
			if j := strings.Index(msg, `"`); j >= 0 && j < i {
				p.Key = strings.Trim(msg[j:i], `"`)
			}
			msg = msg[i+3:]
		}
	}
	p.Err = fmt.Errorf("%w: %s", ErrSyntax, msg)
	return p
}

func (c *Config) resolvePaths(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range c.SchemaFiles {
		abs(&c.SchemaFiles[i])
	}
	abs(&c.TLS.Cert)
	abs(&c.TLS.Key)
	abs(&c.TLS.ClientCA)
	abs(&c.Log.File)
	for i := range c.Database {
		abs(&c.Database[i].Directory)
		abs(&c.Database[i].RootPasswordFile)
	}
}

// Problem returns a problem about key (a path such as "database[0].root_dn"),
// positioned at the line that sets it, or at the nearest enclosing table. Callers
// that check more than Validate can (DN syntax, files, certificates) report
// through it.
func (c *Config) Problem(key string, err error) Problem {
	return Problem{File: c.File, Line: c.lines.line(key), Key: key, Err: err}
}
