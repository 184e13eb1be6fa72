package engine

import "encoding/binary"

// On-disk constants of the LMDB 0.9 data format (data version 1); see
// shared/docs/lmdb-format.md. All multi-byte integers are little-endian.
const (
	defaultPageSize = 4096
	maxPageSize     = 32768
	minPageSize     = 512

	pageHeaderSize = 16 // pgno(8) pad(2) flags(2) lower(2) upper(2)
	nodeHeaderSize = 8  // lo(2) hi(2) flags(2) ksize(2)
	dbRecordSize   = 48

	metaMagic   = 0xBEEFC0DE
	dataVersion = 1
	metaBodyEnd = 152 // bytes LMDB reads from a meta page

	// MaxKeySize is the largest key, and the largest value in a DupSort database.
	MaxKeySize = 511

	invalidPgno = ^uint64(0)

	// fillThreshold (per mille): leaves emptier than this are rebalanced after a delete.
	fillThreshold = 250

	freeDBI = 0
	mainDBI = 1

	maxDepth = 32 // far beyond any reachable depth: a branch holds >= 7 maximal nodes
)

// Page flags (header offset 10).
const (
	pageBranch   = 0x01
	pageLeaf     = 0x02
	pageOverflow = 0x04
	pageMeta     = 0x08
	pageDirty    = 0x10
	pageLeaf2    = 0x20
	pageSubP     = 0x40
)

// Leaf node flags (node offset 4).
const (
	nodeBig     = 0x01 // value lives in an overflow run; 8-byte first page number inline
	nodeSubData = 0x02 // value is a 48-byte database record
	nodeDupData = 0x04 // value holds duplicates (sub-page, or sub-database with nodeSubData)
)

// DB flags persisted in the 48-byte record (section 5 of the format spec).
const (
	dbReverseKey = 0x02
	dbDupSort    = 0x04
	dbIntegerKey = 0x08
	dbDupFixed   = 0x10
	dbIntegerDup = 0x20
	dbReverseDup = 0x40

	dbPersistentMask = dbReverseKey | dbDupSort | dbIntegerKey | dbDupFixed | dbIntegerDup | dbReverseDup
)

var le = binary.LittleEndian
var be = binary.BigEndian

func even(x int) int { return (x + 1) &^ 1 }

// nodeMaxFor is the largest inline leaf node for a page size: every page must hold two.
func nodeMaxFor(psize int) int { return ((psize-pageHeaderSize)/2)&^1 - 2 }

// overflowPages is the length of the overflow run that holds a value of n bytes.
func overflowPages(n int, psize int) int { return (pageHeaderSize-1+n)/psize + 1 }
