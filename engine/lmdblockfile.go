package engine

import "os"

// resetLMDBLock rewrites lock.mdb, which the caller holds with the
// first-opener lock. An LMDB program that waits in its open for that lock
// gets a *shared* lock once it is released, and then uses the table as the
// first opener left it: the txnid there picks the meta its transactions
// start from (format spec 16.1). A table left by an earlier LMDB run is stale
// as soon as the engine commits: a writer starting from it takes the older
// meta and overwrites the newest one, losing commits. So Open empties the
// file (fresh false; if the engine then dies without Close, a waiting LMDB
// program fails to map it instead of trusting it), and Close writes the
// table LMDB's first opener would write for txnid (fresh true), where its
// layout is known; elsewhere the file stays empty.
func resetLMDBLock(f *os.File, txnid uint64, fresh bool) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	img := lmdbLockImage(txnid)
	if !fresh || img == nil {
		return nil
	}
	_, err := f.WriteAt(img, 0)
	return err
}
