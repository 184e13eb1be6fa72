package main

import (
	"errors"
	"fmt"

	"lightdir/engine"
)

// lightdirStore runs the workloads on lightdir's engine.
type lightdirStore struct {
	env  *engine.Env
	main engine.DBI
	dups [2]engine.DBI
	// dupErr is set when the dup databases could not be created.
	dupErr error
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
	s.dupErr = nil
	return env.Update(func(t *engine.Txn) error {
		var err error
		if s.main, err = t.OpenDB("", 0); err != nil {
			return err
		}
		if !dups {
			return nil
		}
		if s.dups[dupSort], err = t.OpenDB("dupsort", engine.DupSort|engine.Create); err != nil {
			s.dupErr = lightdirErr(err)
			return nil
		}
		if s.dups[dupFixed], err = t.OpenDB("dupfixed", engine.DupSort|engine.DupFixed|engine.Create); err != nil {
			s.dupErr = lightdirErr(err)
		}
		return nil
	})
}

// lightdirErr reports ErrIncompatible (duplicates not implemented yet) as
// errUnsupported.
func lightdirErr(err error) error {
	if errors.Is(err, engine.ErrIncompatible) {
		return fmt.Errorf("%w (%v)", errUnsupported, err)
	}
	return err
}

func (s *lightdirStore) close() error { return s.env.Close() }

func (s *lightdirStore) put(keys [][]byte, val []byte, batch int, appendMode bool) error {
	var fl engine.PutFlags
	if appendMode {
		fl = engine.Append
	}
	for len(keys) > 0 {
		chunk := keys[:min(batch, len(keys))]
		keys = keys[len(chunk):]
		err := s.env.Update(func(t *engine.Txn) error {
			for _, k := range chunk {
				if err := t.Put(s.main, k, val, fl); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *lightdirStore) get(keys [][]byte, batch int) (int, error) {
	found := 0
	for len(keys) > 0 {
		chunk := keys[:min(batch, len(keys))]
		keys = keys[len(chunk):]
		t, err := s.env.BeginRead()
		if err != nil {
			return found, err
		}
		for _, k := range chunk {
			v, err := t.Get(s.main, k)
			if err == nil && len(v) == valSize {
				found++
			} else if !errors.Is(err, engine.ErrNotFound) && err != nil {
				t.Abort()
				return found, err
			}
		}
		t.Abort()
	}
	return found, nil
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

func (s *lightdirStore) del(keys [][]byte, batch int) error {
	for len(keys) > 0 {
		chunk := keys[:min(batch, len(keys))]
		keys = keys[len(chunk):]
		err := s.env.Update(func(t *engine.Txn) error {
			for _, k := range chunk {
				if err := t.Del(s.main, k, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *lightdirStore) dupPut(db dupDB, pairs []dupPair, batch int, appendDup bool) error {
	if s.dupErr != nil {
		return s.dupErr
	}
	var fl engine.PutFlags
	if appendDup {
		fl = engine.AppendDup
	}
	dbi := s.dups[db]
	for len(pairs) > 0 {
		chunk := pairs[:min(batch, len(pairs))]
		pairs = pairs[len(chunk):]
		err := s.env.Update(func(t *engine.Txn) error {
			for _, p := range chunk {
				if err := t.Put(dbi, p.key, p.id, fl); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return lightdirErr(err)
		}
	}
	return nil
}

func (s *lightdirStore) dupRead(db dupDB, keys [][]byte, batch int) (int, error) {
	if s.dupErr != nil {
		return 0, s.dupErr
	}
	n, err := s.dupReadWith(s.dups[db], keys, batch, func(c *engine.Cursor) (int, error) {
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
	return n, lightdirErr(err)
}

func (s *lightdirStore) dupReadMulti(keys [][]byte, batch int) (int, error) {
	if s.dupErr != nil {
		return 0, s.dupErr
	}
	n, err := s.dupReadWith(s.dups[dupFixed], keys, batch, func(c *engine.Cursor) (int, error) {
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
	return n, lightdirErr(err)
}

// dupReadWith positions a cursor on each key and lets each count its values.
func (s *lightdirStore) dupReadWith(dbi engine.DBI, keys [][]byte, batch int, each func(*engine.Cursor) (int, error)) (int, error) {
	total := 0
	for len(keys) > 0 {
		chunk := keys[:min(batch, len(keys))]
		keys = keys[len(chunk):]
		err := s.env.View(func(t *engine.Txn) error {
			c, err := t.OpenCursor(dbi)
			if err != nil {
				return err
			}
			defer c.Close()
			for _, k := range chunk {
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
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
