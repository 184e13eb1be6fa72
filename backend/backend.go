package backend

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"lightdir/engine"
	"lightdir/index"
	"lightdir/schema"
)

// IndexSpec configures the index of one attribute type.
type IndexSpec struct {
	Attr  string   // attribute name as configured, e.g. "telephoneNumber"
	Kinds []string // any of "eq", "pres", "sub", "approx"
}

// Options configure one database (one suffix). Zero values get the
// documented defaults.
type Options struct {
	Dir          string            // environment directory (created if missing)
	Suffix       string            // e.g. "dc=example,dc=com"
	MapSize      int64             // engine map size (default DefaultMapSize)
	Durability   engine.Durability // default engine.SyncFull
	SyncInterval time.Duration     // for engine.SyncInterval (engine default 1s)
	Indexes      []IndexSpec       // objectClass eq is always indexed
	RootDN       string            // may write everything, sees userPassword
	RootPW       []byte            // userPassword-style value (pwhash format, normally hashed)
	SizeLimit    int               // default size limit for non-root clients (0: unlimited)
	TimeLimit    time.Duration     // default time limit for non-root clients (0: unlimited)
	// ReadRequiresAuth refuses searches and compares by anonymous clients
	// (default: everyone may read).
	ReadRequiresAuth bool
	Schema           *schema.Registry // default schema.Default()
	Logger           *zap.Logger      // default zap.NewNop()
	ReadOnly         bool
	// StoredValuesOnly opens a database even if the schema now normalizes
	// some stored attribute type differently (ErrNormalizationChanged): for
	// Export, which reads stored values only. Searches would miss entries.
	StoredValuesOnly bool
	// LongReaderAfter: a read transaction open longer than this is logged once
	// as a warning (it pins pages, so the file grows until it ends).
	// Default DefaultLongReaderAfter; negative: never.
	LongReaderAfter time.Duration
	// MaxReaders is the number of concurrent read transactions, i.e. searches
	// and compares in flight (default DefaultMaxReaders).
	MaxReaders int
	// BuildIndexesOnline builds, in the background while serving, every
	// configured index the database lacks (index_online.go); searches use
	// each one once it is complete. Default: such an index is ignored
	// until Reindex builds it offline.
	BuildIndexesOnline bool

	buildBatch int                                    // tests: entries per online build transaction
	buildHook  func(ctx context.Context, next uint64) // tests: called before each online build batch
	clearBatch int                                    // tests: IDs deleted per online clearing transaction
	clearHook  func(ctx context.Context)              // tests: called before each online clearing batch
}

// Defaults for Options.
const (
	DefaultLongReaderAfter = 5 * time.Minute
	DefaultMaxReaders      = 1024
)

// DefaultMapSize is the map size used when Options.MapSize is 0.
const DefaultMapSize = 10 << 30

// Backend is one suffix stored in one engine environment. It implements
// ldapserver.Backend and ldapserver.ConnObserver. All methods are safe for
// concurrent use: reads run in their own read transactions and never
// block, writes are serialized.
type Backend struct {
	opts    Options
	reg     *schema.Registry
	log     *zap.Logger
	env     *engine.Env
	db      dbs
	ads     *adRegistry
	ix      []*indexDef
	ixByTyp map[*schema.AttributeType]*indexDef

	suffix   schema.DN // as configured
	nsuffix  string    // normalized
	suffixN  schema.DN // normalized, parsed
	rootDN   string    // normalized; "" when none
	peercred string    // normalized peercredRoot
	pwAttr   *schema.AttributeType
	ocAttr   *schema.AttributeType

	aliasClass *schema.ObjectClass   // "alias" (nil when the schema lacks it)
	aliasAttr  *schema.AttributeType // aliasedObjectName
	aliasKey   []byte                // objectClass index key of alias (nil: none)
	aliasMatch *schema.Matcher       // (objectClass=alias) compiled, for the index planner
	computed   struct {              // the computed operational attributes' types
		entryDN, hasSubs, numSubs, subschema *schema.AttributeType
	}
	// referral objects (RFC 3296, search_referral.go)
	referralClass *schema.ObjectClass         // "referral" (nil when the schema lacks it)
	refAttr       *schema.AttributeType       // ref
	referralKey   []byte                      // objectClass index key of referral (nil: none)
	referralMatch *schema.Matcher             // (objectClass=referral) compiled
	referrals     atomic.Pointer[referralSet] // the referral objects of a recent snapshot
	cookieKey     [32]byte                    // seals paged results cookies (op_search.go)

	baseCache normCache[*normBase] // normalized search bases
	idCache   normCache[actor]     // classified session and proxied identities
	readTxns  sync.Pool            // ended read transactions, renewed by beginRead
	// slotFreed, when set, is closed by the next endRead: operations waiting
	// in beginRead for a reader slot wait on it.
	slotFreed atomic.Pointer[chan struct{}]

	// noScopeWalk makes every one-level and subtree search use the
	// candidate loop (tests set it before searching, to cover both paths).
	noScopeWalk bool

	wmu    sync.Mutex // serializes writers; guards nextID, closed and wr
	nextID uint64
	closed bool
	wr     writer // the running write's state; its buffers outlive the write

	buildDone   chan struct{}      // closed when the online index builder ends
	buildCancel context.CancelFunc // stops the online index builder
}

// indexDef is one indexed attribute type.
type indexDef struct {
	typ   *schema.AttributeType
	kinds index.Kinds
	keyer index.Keyer
	dbi   engine.DBI
	built bool // every entry's keys are stored: the index may serve searches
	// ready are the kinds whose keys are complete while the index is not
	// built: an online build adding kinds leaves them serving searches.
	ready index.Kinds
	// readyTxn is the transaction that completed an online build (0: none);
	// snapshots from it on may use the index (index_online.go).
	readyTxn atomic.Uint64
}

// parseKinds maps "eq", "pres", "sub", "approx" (and the slapd spellings
// "equality", "present", "substr", "subinitial"...) to index kinds.
func parseKinds(kinds []string) (index.Kinds, error) {
	var k index.Kinds
	for _, s := range kinds {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "eq", "equality":
			k |= index.Equality
		case "pres", "present":
			k |= index.Presence
		case "sub", "substr", "substring":
			k |= index.Substring
		case "subinitial":
			k |= index.SubInitial
		case "subany":
			k |= index.SubAny
		case "subfinal":
			k |= index.SubFinal
		case "approx":
			k |= index.Approx
		default:
			return 0, fmt.Errorf("%w: unknown index kind %q", ErrBadIndexSpec, s)
		}
	}
	return k, nil
}

// resolveIndexes turns the configuration into indexDefs (DBs not opened).
func resolveIndexes(reg *schema.Registry, specs []IndexSpec) ([]*indexDef, error) {
	byTyp := map[*schema.AttributeType]*indexDef{}
	var out []*indexDef
	add := func(attr string, kinds index.Kinds) error {
		at := reg.AttributeType(attr)
		if at == nil {
			return fmt.Errorf("%w: attribute type %q undefined", ErrBadIndexSpec, attr)
		}
		if computedType(reg, at) {
			// Never stored, so its index would stay empty and searches
			// using it would find nothing (slapd refuses entryDN too).
			return fmt.Errorf("%w: %s is computed, not stored, and cannot be indexed", ErrBadIndexSpec, at.Name())
		}
		if kinds&index.Equality != 0 && at.Equality == nil {
			return fmt.Errorf("%w: %s has no equality rule", ErrBadIndexSpec, at.Name())
		}
		if kinds&index.Substring != 0 && at.Substr == nil {
			return fmt.Errorf("%w: %s has no substrings rule", ErrBadIndexSpec, at.Name())
		}
		if kinds&index.Approx != 0 && at.Approx == nil {
			return fmt.Errorf("%w: %s has no approximate rule", ErrBadIndexSpec, at.Name())
		}
		if d := byTyp[at]; d != nil {
			d.kinds |= kinds
			return nil
		}
		d := &indexDef{typ: at, kinds: kinds, keyer: index.Keyer{Attr: at.OID}}
		byTyp[at] = d
		out = append(out, d)
		return nil
	}
	if err := add("objectClass", index.Equality); err != nil {
		return nil, err
	}
	for _, s := range specs {
		k, err := parseKinds(s.Kinds)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Attr, err)
		}
		if k == 0 {
			k = index.Equality
		}
		if err := add(s.Attr, k); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// computedType reports whether at is one of the operational attributes
// the backend computes when asked for (entryDN, hasSubordinates,
// numSubordinates, subschemaSubentry) instead of storing them.
func computedType(reg *schema.Registry, at *schema.AttributeType) bool {
	for _, n := range []string{"entryDN", "hasSubordinates", "numSubordinates", "subschemaSubentry"} {
		if c := reg.AttributeType(n); c != nil && c == at {
			return true
		}
	}
	return false
}

// CheckIndexSpec reports whether Open accepts spec with the schema reg: the
// attribute is defined and stored, and has the matching rule of each kind.
// Errors wrap ErrBadIndexSpec.
func CheckIndexSpec(reg *schema.Registry, spec IndexSpec) error {
	_, err := resolveIndexes(reg, []IndexSpec{spec})
	return err
}

func (d *indexDef) dbName() string { return ixPrefix + strings.ToLower(d.typ.Name()) }

// metaKey is the meta DB key of d's record of built kinds.
func (d *indexDef) metaKey() []byte { return []byte(metaIndex + strings.ToLower(d.typ.Name())) }

// The database files hold every entry, userPassword values included: like
// slapd's back-mdb (mode 0600), only the server's user may read them.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// Open opens or creates the database in opts.Dir for opts.Suffix.
// Errors: ErrNoSuffix, ErrSuffixMismatch, ErrBadIndexSpec, ErrFormat,
// engine errors (ErrEnvInUse when another process has it open).
func Open(opts Options) (*Backend, error) {
	b, err := newBackend(opts)
	if err != nil {
		return nil, err
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(opts.Dir, dirMode); err != nil {
			return nil, fmt.Errorf("backend: %w", err)
		}
	}
	longAfter := opts.LongReaderAfter
	if longAfter == 0 {
		longAfter = DefaultLongReaderAfter
	}
	maxReaders := opts.MaxReaders
	if maxReaders <= 0 {
		maxReaders = DefaultMaxReaders
	}
	env, err := engine.Open(opts.Dir, &engine.Options{
		MapSize:         b.opts.MapSize,
		FileMode:        fileMode,
		MaxDBs:          16 + len(b.ix),
		MaxReaders:      maxReaders,
		ReadOnly:        opts.ReadOnly,
		Durability:      opts.Durability,
		SyncInterval:    opts.SyncInterval,
		LongReaderAfter: longAfter,
		OnLongReader: func(r engine.ReaderInfo) {
			b.log.Warn("long read transaction pins old pages; the database file grows until it ends",
				zap.Uint64("snapshot", r.TxnID), zap.Uint64("commits_behind", r.Lag), zap.Duration("open_for", r.Age))
		},
	})
	if err != nil {
		return nil, fmt.Errorf("backend: open %s: %w", opts.Dir, err)
	}
	b.env = env
	if err := b.init(); err != nil {
		env.Close()
		return nil, err
	}
	if opts.BuildIndexesOnline {
		b.startOnlineBuild()
	}
	return b, nil
}

// newBackend validates opts and fills in defaults.
func newBackend(opts Options) (*Backend, error) {
	if opts.Schema == nil {
		opts.Schema = schema.Default()
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.MapSize == 0 {
		opts.MapSize = DefaultMapSize
	}
	b := &Backend{opts: opts, reg: opts.Schema, log: opts.Logger.Named("backend")}
	sfx, err := schema.ParseDN(opts.Suffix)
	if err != nil || len(sfx) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNoSuffix, opts.Suffix)
	}
	nsfx, err := b.reg.NormalizeDN(sfx)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrNoSuffix, opts.Suffix, err)
	}
	b.suffix, b.nsuffix, b.suffixN = sfx, nsfx.String(), nsfx
	if opts.RootDN != "" {
		if b.rootDN, err = b.reg.NormalizeDNString(opts.RootDN); err != nil {
			return nil, fmt.Errorf("backend: root DN %q: %w", opts.RootDN, err)
		}
	}
	if b.peercred, err = b.reg.NormalizeDNString(peercredRoot); err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	if b.ix, err = resolveIndexes(b.reg, opts.Indexes); err != nil {
		return nil, err
	}
	b.ixByTyp = map[*schema.AttributeType]*indexDef{}
	for _, d := range b.ix {
		b.ixByTyp[d.typ] = d
	}
	b.ads = newADRegistry(b.reg)
	b.pwAttr = b.reg.AttributeType("userPassword")
	b.ocAttr = b.reg.AttributeType("objectClass")
	b.aliasClass = b.reg.ObjectClass("alias")
	b.aliasAttr = b.reg.AttributeType("aliasedObjectName")
	b.aliasKey = b.classIndexKey(b.aliasClass)
	b.aliasMatch = b.reg.Compile(aliasFilter)
	b.referralClass = b.reg.ObjectClass("referral")
	b.referralKey = b.classIndexKey(b.referralClass)
	b.refAttr = b.reg.AttributeType("ref")
	b.referralMatch = b.reg.Compile(referralFilter)
	if _, err := rand.Read(b.cookieKey[:]); err != nil {
		return nil, err
	}
	b.computed.entryDN = b.reg.AttributeType("entryDN")
	b.computed.hasSubs = b.reg.AttributeType("hasSubordinates")
	b.computed.numSubs = b.reg.AttributeType("numSubordinates")
	b.computed.subschema = b.reg.AttributeType("subschemaSubentry")
	return b, nil
}

// init opens the sub-databases, checks the format and suffix, loads the
// attribute descriptions and recovers the next ID.
func (b *Backend) init() error {
	var txn *engine.Txn
	var err error
	if b.opts.ReadOnly {
		txn, err = b.env.BeginRead()
	} else {
		txn, err = b.env.BeginWrite()
	}
	if err != nil {
		return err
	}
	defer txn.Abort()
	if err := b.initTxn(txn); err != nil {
		return err
	}
	if b.opts.ReadOnly {
		return nil
	}
	return txn.Commit()
}

func (b *Backend) initTxn(txn *engine.Txn) error {
	var err error
	if b.db, err = openDBs(txn, !b.opts.ReadOnly); err != nil {
		if b.opts.ReadOnly && errors.Is(err, engine.ErrNotFound) {
			return fmt.Errorf("%w: %s holds no lightdir database", ErrFormat, b.opts.Dir)
		}
		return err
	}
	if err := b.checkMeta(txn); err != nil {
		return err
	}
	if err := b.ads.load(txn, b.db.attrs); err != nil {
		return err
	}
	if err := b.checkNormalization(txn); err != nil {
		return err
	}
	empty, err := b.isEmpty(txn)
	if err != nil {
		return err
	}
	if !b.opts.ReadOnly {
		if err := b.forgetUnmaintained(txn); err != nil {
			return err
		}
	}
	for _, d := range b.ix {
		if err := b.openIndex(txn, d, empty); err != nil {
			return err
		}
	}
	b.nextID, err = recoverNextID(txn, b.db)
	return err
}

func (b *Backend) checkMeta(txn *engine.Txn) error {
	v, err := txn.Get(b.db.meta, []byte(metaFormat))
	switch {
	case errors.Is(err, engine.ErrNotFound) && !b.opts.ReadOnly:
		if err := txn.Put(b.db.meta, []byte(metaFormat), []byte(formatVersion), 0); err != nil {
			return err
		}
		return txn.Put(b.db.meta, []byte(metaSuffix), []byte(b.nsuffix), 0)
	case err != nil:
		return fmt.Errorf("%w: no format record: %w", ErrFormat, err)
	case string(v) != formatVersion:
		return fmt.Errorf("%w: format %q, this build reads %q", ErrFormat, v, formatVersion)
	}
	v, err = txn.Get(b.db.meta, []byte(metaSuffix))
	if err != nil {
		return fmt.Errorf("%w: no suffix record: %w", ErrFormat, err)
	}
	if string(v) != b.nsuffix {
		return fmt.Errorf("%w: %q, configured %q", ErrSuffixMismatch, v, b.nsuffix)
	}
	return nil
}

// checkNormalization compares, for every attribute type the database
// holds, how the schema normalizes it now with how it did when its values
// were stored. A database written before these records existed gets them.
func (b *Backend) checkNormalization(txn *engine.Txn) error {
	var changed []string
	seen := map[*schema.AttributeType]bool{}
	for _, ad := range b.ads.snapshot() {
		if ad.typ == nil || seen[ad.typ] {
			continue
		}
		seen[ad.typ] = true
		now := ad.typ.NormalizationID()
		was, err := txn.Get(b.db.meta, normKey(ad.typ))
		switch {
		case errors.Is(err, engine.ErrNotFound):
			if !b.opts.ReadOnly {
				if err := txn.Put(b.db.meta, normKey(ad.typ), []byte(now), 0); err != nil {
					return err
				}
			}
		case err != nil:
			return err
		case string(was) != now:
			changed = append(changed, fmt.Sprintf("%s (stored with %s; the schema now gives %s)", ad.typ.Name(), was, now))
		}
	}
	if len(changed) == 0 || b.opts.StoredValuesOnly {
		return nil
	}
	return fmt.Errorf("%w: %s: export the database (lightdir export) and import it again with this schema",
		ErrNormalizationChanged, strings.Join(changed, "; "))
}

// normKey is the meta DB key of the record of how at's values are normalized.
func normKey(at *schema.AttributeType) []byte { return []byte(metaNorm + strings.ToLower(at.Name())) }

func (b *Backend) isEmpty(txn *engine.Txn) (bool, error) {
	c, err := txn.OpenCursor(b.db.id2entry)
	if err != nil {
		return false, err
	}
	defer c.Close()
	_, _, err = c.Get(nil, nil, engine.First)
	if errors.Is(err, engine.ErrNotFound) {
		return true, nil
	}
	return false, err
}

// supportedKinds are the index kinds the matching rules of at allow.
func supportedKinds(at *schema.AttributeType) index.Kinds {
	k := index.Presence
	if at.Equality != nil {
		k |= index.Equality
	}
	if at.Substr != nil {
		k |= index.Substring
	}
	if at.Approx != nil {
		k |= index.Approx
	}
	return k
}

// forgetUnmaintained updates, in the meta DB, every index record naming
// kinds the configuration does not. Writes maintain only configured kinds,
// so such keys go stale from this open on (and Check would count them). An
// index left out of the configuration is marked unbuilt: it must be rebuilt
// (online or with Reindex, which empty its DB first) before searches use it
// again, and its stale keys stay in its DB until then. An index configured
// with fewer kinds keeps its other kinds in use: the record names them,
// marked partial, and the online build or Reindex removes the dropped
// kinds' keys.
func (b *Backend) forgetUnmaintained(txn *engine.Txn) error {
	configured := map[string]index.Kinds{}
	for _, d := range b.ix {
		configured[strings.ToLower(d.typ.Name())] = d.kinds
	}
	type staleRecord struct {
		key  []byte
		kept index.Kinds
	}
	var stale []staleRecord
	c, err := txn.OpenCursor(b.db.meta)
	if err != nil {
		return err
	}
	k, v, err := c.Get([]byte(metaIndex), nil, engine.SetRange)
	for ; err == nil && strings.HasPrefix(string(k), metaIndex); k, v, err = c.Get(nil, nil, engine.Next) {
		want := configured[string(k[len(metaIndex):])]
		if len(v) >= 1 && index.Kinds(v[0])&^want != 0 {
			stale = append(stale, staleRecord{append([]byte(nil), k...), index.Kinds(v[0]) & want})
		}
	}
	c.Close()
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return err
	}
	for _, r := range stale {
		attr := zap.String("attr", string(r.key[len(metaIndex):]))
		rec := []byte{0}
		if r.kept == 0 {
			b.log.Warn("index left out of the configuration: it must be rebuilt before searches use it again", attr)
		} else {
			rec = []byte{byte(r.kept), metaIndexPartial}
			b.log.Info("index kinds left out of the configuration: searches keep using the others; their keys go at the next build",
				attr, zap.Stringer("kept", r.kept))
		}
		if err := txn.Put(b.db.meta, r.key, rec, 0); err != nil {
			return err
		}
	}
	return nil
}

// openIndex opens (or creates) d's DB and decides whether it is complete:
// an index configured on an empty database is complete by construction;
// one added later must be built with Reindex first, and until then writes
// maintain it but searches ignore it.
func (b *Backend) openIndex(txn *engine.Txn, d *indexDef, empty bool) error {
	flags := ixFlags
	if !b.opts.ReadOnly {
		flags |= engine.Create
	}
	dbi, err := txn.OpenDB(d.dbName(), flags)
	if errors.Is(err, engine.ErrNotFound) && b.opts.ReadOnly {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backend: index %s: %w", d.typ.Name(), err)
	}
	d.dbi = dbi
	mkey := d.metaKey()
	v, err := txn.Get(b.db.meta, mkey)
	var have index.Kinds
	partial := false // other kinds may have keys, of an unfinished build
	switch {
	case err == nil && (len(v) == 1 || len(v) == 2 && v[1] == metaIndexPartial):
		have, partial = index.Kinds(v[0]), len(v) == 2
	case err != nil && !errors.Is(err, engine.ErrNotFound):
		return err
	}
	if empty && !b.opts.ReadOnly && (have&d.kinds != d.kinds || partial) {
		// No entry to index, but the DB may still hold keys of entries
		// deleted while it was not maintained: start it empty.
		if err := txn.Empty(dbi); err != nil {
			return fmt.Errorf("backend: index %s: %w", d.typ.Name(), err)
		}
		have = d.kinds
		if err := txn.Put(b.db.meta, mkey, []byte{byte(have)}, 0); err != nil {
			return err
		}
	}
	d.built = have&d.kinds == d.kinds && !partial
	d.ready = have & d.kinds
	if d.built && b.opts.ReadOnly {
		// A read-only open cannot lower the record (forgetUnmaintained):
		// every kind it names is complete, so use and check them all.
		d.kinds = have & supportedKinds(d.typ)
	}
	if !d.built && !b.opts.BuildIndexesOnline {
		switch missing := d.kinds &^ d.ready; {
		case missing == 0:
			b.log.Info("index holds keys of kinds left out of the configuration: lightdir index removes them",
				zap.String("attr", d.typ.Name()))
		case d.ready != 0:
			b.log.Warn("index kinds not built: searches use only the others until lightdir index runs",
				zap.String("attr", d.typ.Name()), zap.Stringer("missing", missing))
		default:
			b.log.Warn("index not built: searches do not use it until lightdir index runs",
				zap.String("attr", d.typ.Name()))
		}
	}
	return nil
}

// recoverNextID returns the next free ID: past both the persisted counter
// and the highest stored ID, so IDs are never reused.
func recoverNextID(txn *engine.Txn, d dbs) (uint64, error) {
	next := uint64(1)
	if v, err := txn.Get(d.meta, []byte(metaNextID)); err == nil && len(v) == 8 {
		next = max(next, binary.BigEndian.Uint64(v))
	}
	c, err := txn.OpenCursor(d.id2entry)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	k, _, err := c.Get(nil, nil, engine.Last)
	switch {
	case err == nil && len(k) == 8:
		next = max(next, idOf(k)+1)
	case err != nil && !errors.Is(err, engine.ErrNotFound):
		return 0, err
	}
	return next, nil
}

// Close stops the online index builder and closes the environment.
// Operations still running fail.
func (b *Backend) Close() error {
	b.stopOnlineBuild()
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	return b.env.Close()
}

// Suffix returns the configured suffix as given.
func (b *Backend) Suffix() string { return b.suffix.String() }

// NamingContexts returns the suffix (ldapserver.Backend).
func (b *Backend) NamingContexts() []string { return []string{b.suffix.String()} }

// ConnClosed implements ldapserver.ConnObserver. Paged-results cookies are
// self-contained (see op_search.go), so there is no per-connection state
// to release.
func (b *Backend) ConnClosed(uint64) {}

// EnsureSuffix adds the suffix entry when it is missing, with object
// classes chosen from its RDN (dc: dcObject+organization, o:
// organization, ou: organizationalUnit, c: country, l: locality, cn:
// organizationalRole, anything else: extensibleObject+top). It reports
// whether it created the entry.
func (b *Backend) EnsureSuffix(ctx context.Context) (bool, error) {
	exists := false
	err := b.env.View(func(txn *engine.Txn) error {
		_, err := txn.Get(b.db.dn2id, dnKey(nil, rootID, b.nsuffix))
		if err == nil {
			exists = true
			return nil
		}
		if errors.Is(err, engine.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil || exists {
		return false, err
	}
	e := suffixEntry(b.suffix)
	if err := b.addInternal(ctx, e, ""); err != nil {
		return false, err
	}
	return true, nil
}

// suffixEntry builds a minimal entry for dn from its first RDN.
func suffixEntry(dn schema.DN) *schema.Entry {
	e := &schema.Entry{DN: dn}
	var classes []string
	rdnAttrs := map[string][]string{}
	for _, ava := range dn[0] {
		rdnAttrs[strings.ToLower(ava.Type)] = append(rdnAttrs[strings.ToLower(ava.Type)], ava.Value)
	}
	first := strings.ToLower(dn[0][0].Type)
	switch first {
	case "dc", "domaincomponent", "0.9.2342.19200300.100.1.25":
		classes = []string{"top", "dcObject", "organization"}
		rdnAttrs["o"] = append(rdnAttrs["o"], dn[0][0].Value)
	case "o", "organizationname", "2.5.4.10":
		classes = []string{"top", "organization"}
	case "ou", "organizationalunitname", "2.5.4.11":
		classes = []string{"top", "organizationalUnit"}
	case "c", "countryname", "2.5.4.6":
		classes = []string{"top", "country"}
	case "l", "localityname", "2.5.4.7":
		classes = []string{"top", "locality"}
	case "cn", "commonname", "2.5.4.3":
		classes = []string{"top", "organizationalRole"}
	default:
		classes = []string{"top", "extensibleObject"}
	}
	oc := schema.Attribute{Desc: "objectClass"}
	for _, c := range classes {
		oc.Values = append(oc.Values, []byte(c))
	}
	e.Attrs = append(e.Attrs, oc)
	for _, ava := range dn[0] {
		t := strings.ToLower(ava.Type)
		vals, ok := rdnAttrs[t]
		if !ok {
			continue
		}
		delete(rdnAttrs, t)
		a := schema.Attribute{Desc: ava.Type}
		for _, v := range vals {
			a.Values = append(a.Values, []byte(v))
		}
		e.Attrs = append(e.Attrs, a)
	}
	if o, ok := rdnAttrs["o"]; ok {
		e.Attrs = append(e.Attrs, schema.Attribute{Desc: "o", Values: [][]byte{[]byte(o[0])}})
	}
	return e
}

// beginRead starts a read transaction on the newest snapshot, renewing an
// ended one when there is one: a lookup then allocates no transaction.
// When every reader slot is taken (Options.MaxReaders operations are
// reading, e.g. searches stalled on clients that do not read their
// results), it waits for a slot as long as ctx lets it, as slapd queues
// operations for its threads: the server admits many more concurrent
// operations than there are slots, and failing them would answer binds
// and searches "internal error" under load.
func (b *Backend) beginRead(ctx context.Context) (*engine.Txn, error) {
	txn, err := b.tryBeginRead()
	if !errors.Is(err, engine.ErrReadersFull) {
		return txn, err
	}
	// Slots freed by other processes are not signalled: retry now and then.
	timer := time.NewTimer(readerRetry)
	defer timer.Stop()
	for {
		freed := b.awaitSlot() // before trying: a slot freed after the try closes it
		txn, err := b.tryBeginRead()
		if !errors.Is(err, engine.ErrReadersFull) {
			return txn, err
		}
		select {
		case <-freed:
		case <-timer.C:
			timer.Reset(readerRetry)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// readerRetry is how often beginRead retries while it waits for a reader
// slot without being told that one was freed.
const readerRetry = 20 * time.Millisecond

// awaitSlot returns a channel the next endRead closes.
func (b *Backend) awaitSlot() <-chan struct{} {
	for {
		if p := b.slotFreed.Load(); p != nil {
			return *p
		}
		ch := make(chan struct{})
		if b.slotFreed.CompareAndSwap(nil, &ch) {
			return ch
		}
	}
}

func (b *Backend) tryBeginRead() (*engine.Txn, error) {
	txn, ok := b.readTxns.Get().(*engine.Txn)
	if !ok || txn.Renew() != nil {
		var err error
		if txn, err = b.env.BeginRead(); err != nil {
			return nil, err
		}
	}
	if err := b.readADs(txn); err != nil {
		txn.Abort()
		return nil, err
	}
	return txn, nil
}

// readADs brings a read-only Backend's attribute descriptions up to txn's
// snapshot: the writer, in another process, may have added some that
// entries of the snapshot use. A writable Backend registers its own.
func (b *Backend) readADs(txn *engine.Txn) error {
	if !b.opts.ReadOnly {
		return nil
	}
	return b.ads.load(txn, b.db.attrs)
}

// endRead ends a transaction from beginRead; nothing may use it afterwards.
func (b *Backend) endRead(txn *engine.Txn) {
	txn.Abort()
	b.readTxns.Put(txn)
	if p := b.slotFreed.Load(); p != nil && b.slotFreed.CompareAndSwap(p, nil) {
		close(*p)
	}
}

// view runs fn in a read transaction from beginRead.
func (b *Backend) view(ctx context.Context, fn func(*engine.Txn) error) error {
	txn, err := b.beginRead(ctx)
	if err != nil {
		return err
	}
	defer b.endRead(txn)
	return fn(txn)
}
