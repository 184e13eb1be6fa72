package conf

import (
	"time"
)

// Defaults: the values of every key the file leaves out. Default returns a Config
// made of them; Load fills them in. lightdir.example.toml documents the same values.
const (
	DefaultListen        = "ldap://127.0.0.1:3389"
	DefaultSuffix        = "dc=example,dc=com"
	DefaultRootDN        = "cn=admin,dc=example,dc=com"
	DefaultDirectory     = "lightdir-data"
	DefaultMaxSize       = Size(10 << 30)
	DefaultDurability    = "full"
	DefaultSyncInterval  = Duration(time.Second)
	DefaultSizeLimit     = 500
	DefaultTimeLimit     = Duration(time.Hour)
	DefaultLogLevel      = "info"
	DefaultLogFormat     = "console"
	DefaultMaxConns      = 4096
	DefaultMaxOps        = 128
	DefaultIdleTimeout   = Duration(15 * time.Minute)
	DefaultWriteTimeout  = Duration(30 * time.Second)
	DefaultTLSTimeout    = Duration(10 * time.Second)
	DefaultMaxPDUSize    = Size(4 << 20)
	DefaultMaxPDUAnon    = Size(256 << 10)
	DefaultShutdownGrace = Duration(10 * time.Second)
)

// Config is a whole configuration file. Field comments name the TOML key.
type Config struct {
	// File is the path the configuration was loaded from ("" for Default).
	File string `toml:"-"`

	// listen: LDAP URLs to serve, ldap://host:port, ldaps://host:port or
	// ldapi://%2Fpath%2Fto.sock.
	Listen []string `toml:"listen"`
	// schema_files: extra OpenLDAP-format .schema files, loaded in order after the
	// built-in schema (core, cosine, inetorgperson, nis).
	SchemaFiles []string `toml:"schema_files"`

	TLS      TLS        `toml:"tls"`
	Log      Log        `toml:"log"`
	Limits   Limits     `toml:"limits"`
	Access   Access     `toml:"access"`
	Database []Database `toml:"database"`

	lines lineIndex // key path -> line in File, for messages
}

// TLS is the [tls] table: the server certificate for ldaps:// and StartTLS.
type TLS struct {
	Cert     string `toml:"cert"`      // PEM certificate chain file
	Key      string `toml:"key"`       // PEM private key file
	ClientCA string `toml:"client_ca"` // PEM CA bundle; client certificates it signed may bind with SASL EXTERNAL
}

// Log is the [log] table.
type Log struct {
	Level  string `toml:"level"`  // debug, info, warn, error
	Format string `toml:"format"` // console or json
	File   string `toml:"file"`   // "" (standard error) or a path, reopened on SIGHUP
}

// Limits is the [limits] table: connection limits and timeouts.
type Limits struct {
	MaxConnections          int      `toml:"max_connections"`
	MaxOpsPerConnection     int      `toml:"max_ops_per_connection"`
	IdleTimeout             Duration `toml:"idle_timeout"`
	WriteTimeout            Duration `toml:"write_timeout"`
	TLSHandshakeTimeout     Duration `toml:"tls_handshake_timeout"`
	MaxRequestSize          Size     `toml:"max_request_size"`
	MaxRequestSizeAnonymous Size     `toml:"max_request_size_anonymous"`
	ShutdownTimeout         Duration `toml:"shutdown_timeout"`
}

// Access is the [access] table: the access policy until an access-control language exists.
type Access struct {
	// read_requires_auth: anonymous clients may not read (default false: everyone reads).
	ReadRequiresAuth bool `toml:"read_requires_auth"`
}

// Database is one [[database]] table: one suffix in its own environment directory.
type Database struct {
	Suffix       string              `toml:"suffix"`
	Directory    string              `toml:"directory"` // relative paths are relative to the working directory
	MaxSize      Size                `toml:"max_size"`
	Durability   string              `toml:"durability"` // full, nometasync, nosync, interval
	SyncInterval Duration            `toml:"sync_interval"`
	Indices      map[string][]string `toml:"indices"` // attribute -> kinds (eq, pres, sub, approx)
	RootDN       string              `toml:"root_dn"`
	// root_password: a hashed userPassword value ("{SSHA512}...", from lightdir
	// passwd). Empty: the hash kept in root_password_file, created on first start.
	RootPassword     string   `toml:"root_password"`
	RootPasswordFile string   `toml:"root_password_file"` // default DIRECTORY/rootpw
	SizeLimit        int      `toml:"size_limit"`         // for clients other than the root DN; -1 unlimited
	TimeLimit        Duration `toml:"time_limit"`         // for clients other than the root DN; -1s unlimited
	ReadOnly         bool     `toml:"read_only"`
}

// Durability modes of a database (the key durability).
var Durabilities = []string{"full", "nometasync", "nosync", "interval"}

// IndexKinds are the index kinds a database's indices may list.
var IndexKinds = []string{"eq", "pres", "sub", "approx"}

// Default returns the configuration used without a file: one listener on
// DefaultListen and one database for DefaultSuffix in DefaultDirectory.
func Default() *Config {
	c := &Config{}
	c.setDefaults()
	return c
}

// DefaultDatabase returns the database used when the file declares none.
func DefaultDatabase() Database {
	d := Database{Suffix: DefaultSuffix, Directory: DefaultDirectory, RootDN: DefaultRootDN}
	d.setDefaults()
	return d
}

// setDefaults fills every key left at its zero value. It is the one place defaults
// are applied.
func (c *Config) setDefaults() {
	if len(c.Listen) == 0 {
		c.Listen = []string{DefaultListen}
	}
	str := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	num := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	dur := func(v *Duration, d Duration) {
		if *v == 0 {
			*v = d
		}
	}
	size := func(v *Size, d Size) {
		if *v == 0 {
			*v = d
		}
	}
	str(&c.Log.Level, DefaultLogLevel)
	str(&c.Log.Format, DefaultLogFormat)
	num(&c.Limits.MaxConnections, DefaultMaxConns)
	num(&c.Limits.MaxOpsPerConnection, DefaultMaxOps)
	dur(&c.Limits.IdleTimeout, DefaultIdleTimeout)
	dur(&c.Limits.WriteTimeout, DefaultWriteTimeout)
	dur(&c.Limits.TLSHandshakeTimeout, DefaultTLSTimeout)
	size(&c.Limits.MaxRequestSize, DefaultMaxPDUSize)
	// Left out, the anonymous bound is never larger than max_request_size.
	size(&c.Limits.MaxRequestSizeAnonymous, min(DefaultMaxPDUAnon, c.Limits.MaxRequestSize))
	dur(&c.Limits.ShutdownTimeout, DefaultShutdownGrace)
	if len(c.Database) == 0 {
		c.Database = []Database{DefaultDatabase()}
	}
	for i := range c.Database {
		c.Database[i].setDefaults()
	}
}

func (d *Database) setDefaults() {
	if d.MaxSize == 0 {
		d.MaxSize = DefaultMaxSize
	}
	if d.Durability == "" {
		d.Durability = DefaultDurability
	}
	if d.SyncInterval == 0 {
		d.SyncInterval = DefaultSyncInterval
	}
	if d.SizeLimit == 0 {
		d.SizeLimit = DefaultSizeLimit
	}
	if d.TimeLimit == 0 {
		d.TimeLimit = DefaultTimeLimit
	}
	if d.RootPasswordFile == "" && d.Directory != "" {
		d.RootPasswordFile = d.Directory + "/rootpw"
	}
}
