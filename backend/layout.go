package backend

import (
	"encoding/binary"

	"lightdir/engine"
)

// Storage layout (one engine environment per suffix):
//
//	DB          flags                           key                      value
//	id2entry    IntegerKey                      ID (8, native)           entry blob (codec.go)
//	dn2id       -                               parentID (8, BE) | nrdn  childID (8, BE)
//	id2dn       IntegerKey                      ID (8, native)           parentID (8, BE) | uvarint len(rdn) | rdn | nrdn
//	attrs       -                               AD number (4, BE)        attribute description text
//	meta        -                               name                     value (see meta* below)
//	ix.<attr>   DupSort|DupFixed|IntegerDup     index key (package index) IDs (8, native)
//
// The suffix entry is the only child of the virtual root ID 0, and its
// "RDN" is the whole normalized suffix DN. Every other entry is keyed under
// its parent's ID with its own normalized RDN, so the children of an entry
// are the dn2id keys starting with its 8-byte ID (a prefix scan, no DN
// strings compared), and renaming or moving an entry rewrites its own two
// records only: descendants keep their parent's ID.
//
// INVARIANT: for every entry ID there is exactly one id2entry record, one
// id2dn record and one dn2id record (parent|nrdn -> ID), and they agree;
// every ID stored in an index DB names a live entry whose values produce
// that key. Check verifies all of it.
const (
	dbID2Entry = "id2entry"
	dbDN2ID    = "dn2id"
	dbID2DN    = "id2dn"
	dbAttrs    = "attrs"
	dbMeta     = "meta"
	ixPrefix   = "ix."
)

// Keys of the meta DB.
const (
	metaFormat    = "format" // formatVersion as text
	metaSuffix    = "suffix" // the normalized suffix DN
	metaNextID    = "nextid" // 8 bytes BE: the next ID to allocate (IDs are never reused)
	metaIndex     = "index." // + lower-case attribute name: the kinds built, one byte of index.Kinds bits
	metaNorm      = "norm."  // + lower-case attribute type name: its schema.AttributeType.NormalizationID when stored
	formatVersion = "1"
)

// metaIndexPartial, as a second byte of an index record, says an online
// build adding kinds is under way: the kinds of the first byte are
// complete, other kinds may have some keys (an older version reads the
// two-byte record as nothing built and rebuilds).
const metaIndexPartial = 'p'

// rootID is the virtual parent of the suffix entry; real IDs start at 1.
const rootID uint64 = 0

// idKey returns the 8-byte native key of id for IntegerKey databases.
func idKey(buf *[8]byte, id uint64) []byte {
	binary.NativeEndian.PutUint64(buf[:], id)
	return buf[:]
}

func idOf(k []byte) uint64 { return binary.NativeEndian.Uint64(k) }

// dnKey appends parent(8 BE) | nrdn.
func dnKey[S string | []byte](dst []byte, parent uint64, nrdn S) []byte {
	dst = binary.BigEndian.AppendUint64(dst, parent)
	return append(dst, nrdn...)
}

// id2dnRecord is the decoded value of an id2dn record; rdn and nrdn point
// into the record (valid while its transaction lives).
type id2dnRecord struct {
	parent uint64
	rdn    []byte
	nrdn   []byte
}

func encodeID2DN[S string | []byte](dst []byte, parent uint64, rdn, nrdn S) []byte {
	dst = binary.BigEndian.AppendUint64(dst, parent)
	dst = binary.AppendUvarint(dst, uint64(len(rdn)))
	dst = append(dst, rdn...)
	return append(dst, nrdn...)
}

func decodeID2DN(v []byte) (id2dnRecord, error) {
	if len(v) < 9 {
		return id2dnRecord{}, ErrCorrupted
	}
	r := id2dnRecord{parent: binary.BigEndian.Uint64(v)}
	n, k := binary.Uvarint(v[8:])
	if k <= 0 || uint64(len(v)-8-k) < n {
		return id2dnRecord{}, ErrCorrupted
	}
	rest := v[8+k:]
	r.rdn, r.nrdn = rest[:n], rest[n:]
	return r, nil
}

// dbs are the handles of one environment, valid in every transaction once
// opened (engine handles are environment-wide).
type dbs struct {
	id2entry, dn2id, id2dn, attrs, meta engine.DBI
}

func openDBs(txn *engine.Txn, create bool) (dbs, error) {
	var d dbs
	cf := engine.DBFlags(0)
	if create {
		cf = engine.Create
	}
	var err error
	open := func(name string, flags engine.DBFlags) engine.DBI {
		if err != nil {
			return 0
		}
		var dbi engine.DBI
		dbi, err = txn.OpenDB(name, flags|cf)
		return dbi
	}
	d.id2entry = open(dbID2Entry, engine.IntegerKey)
	d.dn2id = open(dbDN2ID, 0)
	d.id2dn = open(dbID2DN, engine.IntegerKey)
	d.attrs = open(dbAttrs, 0)
	d.meta = open(dbMeta, 0)
	return d, err
}

// ixFlags are the flags of every index DB: sorted, fixed-size, integer IDs.
const ixFlags = engine.DupSort | engine.DupFixed | engine.IntegerDup
