package main

import (
	"github.com/PowerDNS/lmdb-go/lmdb"
)

// lmdbStore runs the workloads on LMDB through cgo. Read transactions use
// RawRead, so values are not copied out of the map (as lightdir and bbolt).
type lmdbStore struct {
	env  *lmdb.Env
	main lmdb.DBI
	dups [2]lmdb.DBI
}

func (s *lmdbStore) name() string { return "lmdb" }

func (s *lmdbStore) open(dir string, durable, dups bool, mapSize int64) error {
	env, err := lmdb.NewEnv()
	if err != nil {
		return err
	}
	if err := env.SetMapSize(mapSize); err != nil {
		env.Close()
		return err
	}
	if err := env.SetMaxDBs(4); err != nil {
		env.Close()
		return err
	}
	flags := uint(lmdb.NoReadahead)
	if !durable {
		flags |= lmdb.NoSync
	}
	if err := env.Open(dir, flags, 0o644); err != nil {
		env.Close()
		return err
	}
	s.env = env
	return env.Update(func(t *lmdb.Txn) error {
		var err error
		if s.main, err = t.OpenRoot(0); err != nil {
			return err
		}
		if !dups {
			return nil
		}
		if s.dups[dupSort], err = t.OpenDBI("dupsort", lmdb.Create|lmdb.DupSort); err != nil {
			return err
		}
		s.dups[dupFixed], err = t.OpenDBI("dupfixed", lmdb.Create|lmdb.DupSort|lmdb.DupFixed)
		return err
	})
}

func (s *lmdbStore) close() error { return s.env.Close() }

func (s *lmdbStore) put(keys keyList, val []byte, batch int, appendMode bool) error {
	var fl uint
	if appendMode {
		fl = lmdb.Append
	}
	return keys.chunks(batch, func(chunk keyList) error {
		return s.env.Update(func(t *lmdb.Txn) error {
			for i := range chunk.len() {
				k := chunk.at(i)
				if err := t.Put(s.main, k, val, fl); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (s *lmdbStore) get(keys keyList, batch int) (int, error) {
	found := 0
	err := keys.chunks(batch, func(chunk keyList) error {
		return s.env.View(func(t *lmdb.Txn) error {
			t.RawRead = true
			for i := range chunk.len() {
				k := chunk.at(i)
				v, err := t.Get(s.main, k)
				if err == nil && len(v) == valSize {
					found++
				} else if err != nil && !lmdb.IsNotFound(err) {
					return err
				}
			}
			return nil
		})
	})
	return found, err
}

func (s *lmdbStore) scan() (int, error) {
	n := 0
	err := s.env.View(func(t *lmdb.Txn) error {
		t.RawRead = true
		c, err := t.OpenCursor(s.main)
		if err != nil {
			return err
		}
		defer c.Close()
		for {
			_, _, err := c.Get(nil, nil, lmdb.Next)
			if lmdb.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			n++
		}
	})
	return n, err
}

func (s *lmdbStore) del(keys keyList, batch int) error {
	return keys.chunks(batch, func(chunk keyList) error {
		return s.env.Update(func(t *lmdb.Txn) error {
			for i := range chunk.len() {
				k := chunk.at(i)
				if err := t.Del(s.main, k, nil); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (s *lmdbStore) dupPut(db dupDB, pairs keyList, batch int, appendDup bool) error {
	var fl uint
	if appendDup {
		fl = lmdb.AppendDup
	}
	dbi := s.dups[db]
	return pairs.chunks(batch, func(chunk keyList) error {
		return s.env.Update(func(t *lmdb.Txn) error {
			for i := range chunk.len() {
				p := chunk.at(i)
				if err := t.Put(dbi, p[:keySize], p[keySize:], fl); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (s *lmdbStore) dupRead(db dupDB, keys keyList, batch int) (int, error) {
	return s.dupReadWith(s.dups[db], keys, batch, func(c *lmdb.Cursor) (int, error) {
		vals := 1 // Set returned the first value
		for {
			_, _, err := c.Get(nil, nil, lmdb.NextDup)
			if lmdb.IsNotFound(err) {
				return vals, nil
			}
			if err != nil {
				return vals, err
			}
			vals++
		}
	})
}

func (s *lmdbStore) dupReadMulti(keys keyList, batch int) (int, error) {
	return s.dupReadWith(s.dups[dupFixed], keys, batch, func(c *lmdb.Cursor) (int, error) {
		// GetMultiple returns no key, and lmdb-go's RawRead path panics on
		// the empty key; this one call copies its run (at most a page).
		c.Txn().RawRead = false
		_, v, err := c.Get(nil, nil, lmdb.GetMultiple)
		c.Txn().RawRead = true
		if err != nil {
			return 0, err
		}
		vals := len(v) / idSize
		for {
			_, v, err := c.Get(nil, nil, lmdb.NextMultiple)
			if lmdb.IsNotFound(err) {
				return vals, nil
			}
			if err != nil {
				return vals, err
			}
			vals += len(v) / idSize
		}
	})
}

func (s *lmdbStore) dupReadWith(dbi lmdb.DBI, keys keyList, batch int, each func(*lmdb.Cursor) (int, error)) (int, error) {
	total := 0
	err := keys.chunks(batch, func(chunk keyList) error {
		return s.env.View(func(t *lmdb.Txn) error {
			t.RawRead = true
			c, err := t.OpenCursor(dbi)
			if err != nil {
				return err
			}
			defer c.Close()
			for i := range chunk.len() {
				k := chunk.at(i)
				if _, _, err := c.Get(k, nil, lmdb.Set); err != nil {
					return err
				}
				n, err := each(c)
				if err != nil {
					return err
				}
				total += n
			}
			return nil
		})
	})
	return total, err
}
