package main

import (
	"errors"

	"lightdir/engine"
)

// lightdirStore runs the workloads on lightdir's engine.
type lightdirStore struct {
	env  *engine.Env
	main engine.DBI
	dups [2]engine.DBI
}

func (s *lightdirStore) name() string { return "lightdir" }

func (s *lightdirStore) open(dir string, durable, dups bool, mapSize int64) error {
	dur := engine.NoSync
	if durable {
		dur = engine.SyncFull
	}
	env, err := engine.Open(dir, &engine.Options{MapSize: mapSize, MaxDBs: 4, Durability: dur})
	if err != nil {
		return err
	}
	s.env = env
	err = env.Update(func(t *engine.Txn) error {
		var err error
		if s.main, err = t.OpenDB("", 0); err != nil {
			return err
		}
		if !dups {
			return nil
		}
		if s.dups[dupSort], err = t.OpenDB("dupsort", engine.DupSort|engine.Create); err != nil {
			return err
		}
		s.dups[dupFixed], err = t.OpenDB("dupfixed", engine.DupSort|engine.DupFixed|engine.Create)
		return err
	})
	if err != nil {
		env.Close()
	}
	return err
}

func (s *lightdirStore) close() error { return s.env.Close() }

func (s *lightdirStore) put(keys keyList, val []byte, batch int, appendMode bool) error {
	var fl engine.PutFlags
	if appendMode {
		fl = engine.Append
	}
	return keys.chunks(batch, func(chunk keyList) error {
		return s.env.Update(func(t *engine.Txn) error {
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

func (s *lightdirStore) get(keys keyList, batch int) (int, error) {
	found := 0
	err := keys.chunks(batch, func(chunk keyList) error {
		t, err := s.env.BeginRead()
		if err != nil {
			return err
		}
		defer t.Abort()
		for i := range chunk.len() {
			v, err := t.Get(s.main, chunk.at(i))
			if err == nil && len(v) == valSize {
				found++
			} else if err != nil && !errors.Is(err, engine.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	return found, err
}

func (s *lightdirStore) scan() (int, error) {
	t, err := s.env.BeginRead()
	if err != nil {
		return 0, err
	}
	defer t.Abort()
	c, err := t.OpenCursor(s.main)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	n := 0
	for {
		_, _, err := c.Get(nil, nil, engine.Next)
		if errors.Is(err, engine.ErrNotFound) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

func (s *lightdirStore) del(keys keyList, batch int) error {
	return keys.chunks(batch, func(chunk keyList) error {
		return s.env.Update(func(t *engine.Txn) error {
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

func (s *lightdirStore) dupPut(db dupDB, pairs keyList, batch int, appendDup bool) error {
	var fl engine.PutFlags
	if appendDup {
		fl = engine.AppendDup
	}
	dbi := s.dups[db]
	return pairs.chunks(batch, func(chunk keyList) error {
		return s.env.Update(func(t *engine.Txn) error {
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

func (s *lightdirStore) dupRead(db dupDB, keys keyList, batch int) (int, error) {
	return s.dupReadWith(s.dups[db], keys, batch, func(c *engine.Cursor) (int, error) {
		vals := 1 // Set returned the first value
		for {
			_, _, err := c.Get(nil, nil, engine.NextDup)
			if errors.Is(err, engine.ErrNotFound) {
				return vals, nil
			}
			if err != nil {
				return vals, err
			}
			vals++
		}
	})
}

func (s *lightdirStore) dupReadMulti(keys keyList, batch int) (int, error) {
	return s.dupReadWith(s.dups[dupFixed], keys, batch, func(c *engine.Cursor) (int, error) {
		_, v, err := c.Get(nil, nil, engine.GetMultiple)
		if err != nil {
			return 0, err
		}
		vals := len(v) / idSize
		for {
			_, v, err := c.Get(nil, nil, engine.NextMultiple)
			if errors.Is(err, engine.ErrNotFound) {
				return vals, nil
			}
			if err != nil {
				return vals, err
			}
			vals += len(v) / idSize
		}
	})
}

// dupReadWith positions a cursor on each key and lets each count its values.
func (s *lightdirStore) dupReadWith(dbi engine.DBI, keys keyList, batch int, each func(*engine.Cursor) (int, error)) (int, error) {
	total := 0
	err := keys.chunks(batch, func(chunk keyList) error {
		return s.env.View(func(t *engine.Txn) error {
			c, err := t.OpenCursor(dbi)
			if err != nil {
				return err
			}
			defer c.Close()
			for i := range chunk.len() {
				k := chunk.at(i)
				if _, _, err := c.Get(k, nil, engine.Set); err != nil {
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
