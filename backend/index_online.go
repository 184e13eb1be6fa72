package backend

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"lightdir/engine"
	"lightdir/index"
)

// Online index building (Options.BuildIndexesOnline): an index in the
// configuration that the database has not built is built by a background
// goroutine while the backend serves.
//
// The builder empties the index DB, a batch of IDs per write transaction,
// and then adds the keys of every entry, in ID order, a batch of entries
// per write transaction; between batches client writes go ahead. Client writes maintain every configured index,
// built or not, and the builder's batches run under the same writer lock,
// so once the last batch commits the index holds exactly the keys of every
// entry. That last transaction also records the index as built in the
// meta DB; its transaction ID is published (indexDef.readyTxn) and a
// search uses the index only when its snapshot is at least that new, so
// an older snapshot never sees a half-built index. An interrupted build
// (Close, a crash) starts over at the next Open.

// DefaultBuildBatch is the number of entries indexed per write
// transaction by the online builder.
const DefaultBuildBatch = 1000

// DefaultClearBatch is the number of IDs the online builder deletes per
// write transaction while emptying an index DB before building it.
const DefaultClearBatch = 50000

// usable returns the kinds of the index that searches in txn may use.
func (d *indexDef) usable(txn *engine.Txn) index.Kinds {
	if d.built {
		return d.kinds
	}
	if r := d.readyTxn.Load(); r != 0 && txn.ID() >= r {
		return d.kinds
	}
	return d.ready
}

// startOnlineBuild starts the builder for the indices the database lacks;
// Close stops it.
func (b *Backend) startOnlineBuild() {
	b.buildDone = make(chan struct{})
	var todo []*indexDef
	for _, d := range b.ix {
		if !d.built && d.dbi != 0 {
			todo = append(todo, d)
		}
	}
	if len(todo) == 0 || b.opts.ReadOnly {
		close(b.buildDone)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.buildCancel = cancel
	go func() {
		defer close(b.buildDone)
		for _, d := range todo {
			if err := b.buildOnline(ctx, d); err != nil {
				if !errors.Is(err, context.Canceled) && !errors.Is(err, ErrClosed) {
					b.log.Error("online index build failed; searches keep ignoring the index",
						zap.String("attr", d.typ.Name()), zap.Error(err))
				}
				return
			}
		}
	}()
}

// buildOnline builds index d while the backend serves.
func (b *Backend) buildOnline(ctx context.Context, d *indexDef) error {
	start := time.Now()
	b.log.Info("building index online", zap.String("attr", d.typ.Name()))
	batch := b.opts.buildBatch
	if batch <= 0 {
		batch = DefaultBuildBatch
	}
	mkey := d.metaKey()
	// The keys of the kinds not ready are about to be replaced: record
	// only the ready kinds first, marked partial, so that an interrupted
	// build never leaves a record that an Open configured with fewer kinds
	// would trust over a half-built DB. The ready kinds keep serving
	// searches throughout: client writes maintain them, and the build
	// neither clears nor adds their keys.
	keep, todo := d.ready, d.kinds&^d.ready
	if err := b.write(ctx, false, func(w *writer) error {
		return w.txn.Put(b.db.meta, mkey, []byte{byte(keep), metaIndexPartial}, 0)
	}); err != nil {
		return err
	}
	if err := b.clearOnline(ctx, d, keep); err != nil {
		return err
	}
	next, done, ready := uint64(1), false, uint64(0)
	for !done {
		if b.opts.buildHook != nil {
			b.opts.buildHook(ctx, next)
		}
		err := b.write(ctx, false, func(w *writer) error {
			var err error
			if todo == 0 {
				done = true // only the keys of an interrupted build of other kinds had to go
			} else if next, done, err = b.indexRange(w.txn, d, todo, next, batch); err != nil || !done {
				return err
			}
			ready = w.txn.ID()
			return w.txn.Put(b.db.meta, mkey, []byte{byte(d.kinds)}, 0)
		})
		if err != nil {
			return err
		}
	}
	d.readyTxn.Store(ready)
	b.log.Info("index built online", zap.String("attr", d.typ.Name()), zap.Duration("took", time.Since(start)))
	return nil
}

// clearOnline empties d's DB but for the keys of the kinds keep (keys
// left from an earlier build, possibly stale) a bounded batch of IDs per write transaction, so client writes
// wait for one batch at most. Keys that client writes add meanwhile may be
// deleted again; that is harmless because the build that follows visits
// every entry.
func (b *Backend) clearOnline(ctx context.Context, d *indexDef, keep index.Kinds) error {
	limit := b.opts.clearBatch
	if limit <= 0 {
		limit = DefaultClearBatch
	}
	for empty := false; !empty; {
		if b.opts.clearHook != nil {
			b.opts.clearHook(ctx)
		}
		err := b.write(ctx, false, func(w *writer) error {
			var err error
			empty, err = clearSome(w.txn, d.dbi, limit, keep)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// WaitIndexes blocks until the online builder has finished (or was never
// started) or ctx ends, and reports whether every configured index is
// now used by searches.
func (b *Backend) WaitIndexes(ctx context.Context) (bool, error) {
	if b.buildDone != nil {
		select {
		case <-b.buildDone:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	for _, d := range b.ix {
		if !d.built && d.readyTxn.Load() == 0 {
			return false, nil
		}
	}
	return true, nil
}

// stopOnlineBuild cancels the builder and waits for it.
func (b *Backend) stopOnlineBuild() {
	if b.buildCancel != nil {
		b.buildCancel()
	}
	if b.buildDone != nil {
		<-b.buildDone
	}
}
