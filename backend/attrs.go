package backend

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"lightdir/engine"
	"lightdir/schema"
)

// adInfo is one registered attribute description.
type adInfo struct {
	desc string                // canonical: the type's primary name, then options lower-cased
	typ  *schema.AttributeType // nil for a description the schema does not know
}

// adRegistry numbers attribute descriptions so entries store small
// integers, not names. Readers load an immutable snapshot; only the writer
// (holding Backend.wmu) adds descriptions, inside its write transaction,
// and drops the additions again when that transaction aborts.
type adRegistry struct {
	reg   *schema.Registry
	list  atomic.Pointer[[]adInfo] // index = AD number; snapshot for readers
	mu    sync.Mutex               // guards byKey and committed
	byKey map[string]uint32        // lower-cased canonical desc -> number
	// committed is how many entries of list are stored in committed
	// transactions; entries past it belong to the running write.
	committed int
}

func newADRegistry(reg *schema.Registry) *adRegistry {
	a := &adRegistry{reg: reg, byKey: map[string]uint32{}}
	empty := []adInfo{}
	a.list.Store(&empty)
	return a
}

// canonicalDesc maps a description to its stored form: "CN;Lang-DE" and
// "2.5.4.3;lang-de" both become "cn;lang-de". Options are a set (RFC 4512
// §2.5) and go in sorted order, as slapd names them: "cn;lang-fr;lang-de"
// becomes "cn;lang-de;lang-fr".
func canonicalDesc(reg *schema.Registry, desc string) (string, *schema.AttributeType) {
	typ, opts, _ := strings.Cut(desc, ";")
	at := reg.AttributeType(typ)
	name := typ
	if at != nil {
		name = at.Name()
	}
	if opts == "" {
		return name, at
	}
	opts = strings.ToLower(opts)
	if strings.IndexByte(opts, ';') >= 0 {
		list := strings.Split(opts, ";")
		slices.Sort(list)
		opts = strings.Join(list, ";")
	}
	return name + ";" + opts, at
}

// load reads the stored descriptions past those already known: all of
// them at Open, and in a read-only Backend those a writer in another
// process added since (readADs).
func (a *adRegistry) load(txn *engine.Txn, d engine.DBI) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.snapshot()
	list, err := a.read(txn, d, old)
	if err != nil || len(list) == len(old) {
		return err
	}
	for i := len(old); i < len(list); i++ {
		a.byKey[strings.ToLower(list[i].desc)] = uint32(i)
	}
	a.list.Store(&list)
	a.committed = len(list)
	return nil
}

// read returns the descriptions stored as txn sees them: known, then
// those past it (another process may have added some since known was
// read). known is not modified.
func (a *adRegistry) read(txn *engine.Txn, d engine.DBI, known []adInfo) ([]adInfo, error) {
	c, err := txn.OpenCursor(d)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	list := known[:len(known):len(known)]
	var k, v []byte
	if len(list) == 0 {
		k, v, err = c.Get(nil, nil, engine.First)
	} else {
		var kb [4]byte
		binary.BigEndian.PutUint32(kb[:], uint32(len(list)))
		k, v, err = c.Get(kb[:], nil, engine.SetRange)
	}
	for ; ; k, v, err = c.Get(nil, nil, engine.Next) {
		if err == engine.ErrNotFound {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(k) != 4 || int(binary.BigEndian.Uint32(k)) != len(list) {
			return nil, fmt.Errorf("%w: attribute description table out of sequence", ErrCorrupted)
		}
		desc, at := canonicalDesc(a.reg, string(v))
		list = append(list, adInfo{desc: desc, typ: at})
	}
	return list, nil
}

// snapshot returns the descriptions by AD number, as readers see them
// (shared, read-only).
func (a *adRegistry) snapshot() []adInfo { return *a.list.Load() }

// intern returns the number of desc, registering it in txn when new (in
// attrs; the first description of a type also records, in meta, how the
// type's values are normalized). Only the writer calls it.
func (a *adRegistry) intern(txn *engine.Txn, d, meta engine.DBI, desc string) (uint32, error) {
	canon, at := canonicalDesc(a.reg, desc)
	key := strings.ToLower(canon)
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, ok := a.byKey[key]; ok {
		return n, nil
	}
	old := a.snapshot()
	n := uint32(len(old))
	var k [4]byte
	binary.BigEndian.PutUint32(k[:], n)
	if err := txn.Put(d, k[:], []byte(canon), engine.NoOverwrite); err != nil {
		return 0, err
	}
	if at != nil {
		err := txn.Put(meta, normKey(at), []byte(at.NormalizationID()), engine.NoOverwrite)
		if err != nil && !errors.Is(err, engine.ErrKeyExists) {
			return 0, err
		}
	}
	list := append(old[:len(old):len(old)], adInfo{desc: canon, typ: at})
	a.list.Store(&list)
	a.byKey[key] = n
	return n, nil
}

// settle is called by the writer after its transaction ended: committed
// keeps the new descriptions, otherwise they are forgotten (no committed
// entry can refer to them).
func (a *adRegistry) settle(committed bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	list := a.snapshot()
	if committed {
		a.committed = len(list)
		return
	}
	for _, ad := range list[a.committed:] {
		delete(a.byKey, strings.ToLower(ad.desc))
	}
	kept := list[:a.committed:a.committed]
	a.list.Store(&kept)
}
