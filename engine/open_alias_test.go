package engine

import (
	"fmt"
	"testing"
)

// The same data file opened twice in one process, once as a directory and
// once by its file name with NoSubdir, is refused the second time. The two
// Opens use different lock files (lock.mdb, data.mdb-lock): both used to
// succeed, and two writers overwrote each other's pages.
func TestOpen_sameDataFileByTwoPathsRefused(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(dir+"/data.mdb", &Options{Durability: NoSync, NoSubdir: true})
	if err != nil {
		t.Logf("second open refused: %v", err)
		return
	}
	defer b.Close()
	for i := 0; i < 20; i++ {
		for j, e := range []*Env{a, b} {
			if err := e.Update(func(txn *Txn) error {
				for k := 0; k < 50; k++ {
					if err := txn.Put(MainDB, fmt.Appendf(nil, "%d-%d-%03d", j, i, k), make([]byte, 100), 0); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatalf("env %d commit %d: %v", j, i, err)
			}
		}
	}
	t.Errorf("the same data file is open twice for writing in one process")
	if err := Check(a); err != nil {
		t.Fatalf("Check: %v", err)
	}
}
