package engine

import "fmt"

// dbRecord is the 48-byte database record (format spec section 5): stored in the
// meta for the free and main DBs, in main-DB nodes for named DBs and in leaf
// nodes for duplicate sub-databases. Page counters count this tree's own pages
// only; entries counts every duplicate.
type dbRecord struct {
	pad      uint32 // free DB in a meta: page size; DupFixed sub-DB: item size
	flags    uint16
	depth    uint16
	branch   uint64
	leaf     uint64
	overflow uint64
	entries  uint64
	root     uint64
}

func emptyRecord(flags uint16) dbRecord { return dbRecord{flags: flags, root: invalidPgno} }

func decodeRecord(b []byte) dbRecord {
	return dbRecord{
		pad:      le.Uint32(b[0:]),
		flags:    le.Uint16(b[4:]),
		depth:    le.Uint16(b[6:]),
		branch:   le.Uint64(b[8:]),
		leaf:     le.Uint64(b[16:]),
		overflow: le.Uint64(b[24:]),
		entries:  le.Uint64(b[32:]),
		root:     le.Uint64(b[40:]),
	}
}

func (r *dbRecord) encode(b []byte) {
	le.PutUint32(b[0:], r.pad)
	le.PutUint16(b[4:], r.flags)
	le.PutUint16(b[6:], r.depth)
	le.PutUint64(b[8:], r.branch)
	le.PutUint64(b[16:], r.leaf)
	le.PutUint64(b[24:], r.overflow)
	le.PutUint64(b[32:], r.entries)
	le.PutUint64(b[40:], r.root)
}

// meta is one decoded meta page (format spec section 4).
//
//	0 header | 16 magic(4) | 20 version(4) | 24 address(8) | 32 mapsize(8)
//	40 dbs[0] free (48) | 88 dbs[1] main (48) | 136 last_pg(8) | 144 txnid(8)
type meta struct {
	address uint64
	mapSize uint64
	free    dbRecord // free.pad holds the page size
	main    dbRecord
	lastPg  uint64
	txnid   uint64
}

func (m *meta) pageSize() int { return int(m.free.pad) }

// decodeMeta validates and decodes the first 152 bytes of a meta page.
func decodeMeta(b []byte, pgno uint64) (meta, error) {
	if len(b) < metaBodyEnd {
		return meta{}, fmt.Errorf("%w: meta page %d is truncated", ErrInvalid, pgno)
	}
	p := page(b)
	if p.flags()&pageMeta == 0 || le.Uint32(b[16:]) != metaMagic {
		return meta{}, fmt.Errorf("%w: page %d is not a meta page", ErrInvalid, pgno)
	}
	if v := le.Uint32(b[20:]); v != dataVersion {
		return meta{}, fmt.Errorf("%w: data version %d", ErrVersionMismatch, v)
	}
	m := meta{
		address: le.Uint64(b[24:]),
		mapSize: le.Uint64(b[32:]),
		free:    decodeRecord(b[40:]),
		main:    decodeRecord(b[88:]),
		lastPg:  le.Uint64(b[136:]),
		txnid:   le.Uint64(b[144:]),
	}
	ps := m.pageSize()
	if ps < minPageSize || ps > maxPageSize || ps&(ps-1) != 0 {
		return meta{}, fmt.Errorf("%w: meta page %d: page size %d", ErrInvalid, pgno, ps)
	}
	if m.lastPg < 1 {
		return meta{}, fmt.Errorf("%w: meta page %d: last page %d", ErrCorrupted, pgno, m.lastPg)
	}
	return m, nil
}

// encode writes a full meta page for slot pgno into b (len(b) == page size).
func (m *meta) encode(b []byte, pgno uint64) {
	clear(b)
	p := page(b)
	p.setPgno(pgno)
	p.setFlags(pageMeta)
	le.PutUint32(b[16:], metaMagic)
	le.PutUint32(b[20:], dataVersion)
	le.PutUint64(b[24:], m.address)
	le.PutUint64(b[32:], m.mapSize)
	m.free.encode(b[40:])
	m.main.encode(b[88:])
	le.PutUint64(b[136:], m.lastPg)
	le.PutUint64(b[144:], m.txnid)
}
