package main

import (
	"bytes"
	"errors"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// bboltStore runs the workloads on bbolt. bbolt has no duplicates: a
// duplicate is the composite key key||id with an empty value, and a key's
// values are read with a cursor Seek over the prefix.
type bboltStore struct {
	db *bolt.DB
}

var (
	bboltMain = []byte("main")
	bboltDups = [2][]byte{[]byte("dupsort"), []byte("dupfixed")}
	emptyVal  = []byte{}
)

func (s *bboltStore) name() string { return "bbolt" }

func (s *bboltStore) open(dir string, durable, dups bool, mapSize int64) error {
	db, err := bolt.Open(filepath.Join(dir, "bolt.db"), 0o644, &bolt.Options{
		NoSync:          !durable,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: int(mapSize), // no remaps while the file grows, as LMDB's MapSize
	})
	if err != nil {
		return err
	}
	s.db = db
	return db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bboltMain); err != nil {
			return err
		}
		if !dups {
			return nil
		}
		for _, name := range bboltDups {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *bboltStore) close() error { return s.db.Close() }

// put in append mode fills pages completely (FillPercent 1), bbolt's own
// advice for sequential inserts.
func (s *bboltStore) put(keys keyList, val []byte, batch int, appendMode bool) error {
	return keys.chunks(batch, func(chunk keyList) error {
		return s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bboltMain)
			if appendMode {
				b.FillPercent = 1
			}
			for i := range chunk.len() {
				k := chunk.at(i)
				if err := b.Put(k, val); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (s *bboltStore) get(keys keyList, batch int) (int, error) {
	found := 0
	err := keys.chunks(batch, func(chunk keyList) error {
		return s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(bboltMain)
			for i := range chunk.len() {
				k := chunk.at(i)
				if v := b.Get(k); len(v) == valSize {
					found++
				}
			}
			return nil
		})
	})
	return found, err
}

func (s *bboltStore) scan() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bboltMain).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

func (s *bboltStore) del(keys keyList, batch int) error {
	return keys.chunks(batch, func(chunk keyList) error {
		return s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bboltMain)
			for i := range chunk.len() {
				k := chunk.at(i)
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (s *bboltStore) dupPut(db dupDB, pairs keyList, batch int, appendDup bool) error {
	return pairs.chunks(batch, func(chunk keyList) error {
		return s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bboltDups[db])
			if appendDup {
				b.FillPercent = 1
			}
			for i := range chunk.len() {
				p := chunk.at(i)
				if err := b.Put(p, emptyVal); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (s *bboltStore) dupRead(db dupDB, keys keyList, batch int) (int, error) {
	total := 0
	err := keys.chunks(batch, func(chunk keyList) error {
		return s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bboltDups[db]).Cursor()
			for i := range chunk.len() {
				k := chunk.at(i)
				n := 0
				for ck, _ := c.Seek(k); ck != nil && bytes.HasPrefix(ck, k); ck, _ = c.Next() {
					n++
				}
				if n == 0 {
					return errors.New("bench: bbolt: dup key missing")
				}
				total += n
			}
			return nil
		})
	})
	return total, err
}

// dupReadMulti: bbolt has no bulk read; it is the same prefix walk.
func (s *bboltStore) dupReadMulti(keys keyList, batch int) (int, error) {
	return s.dupRead(dupFixed, keys, batch)
}
