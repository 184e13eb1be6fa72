package backend

import (
	"errors"
	"io"
	"sync"

	"lightdir/ldif"
)

// The import pipeline:
//
//	reader (1 goroutine)      LDIF -> batches of *ldif.Entry
//	   | work                    (also queued on results, in input order)
//	workers (Workers)         check, stamp, normalize, encode, index keys
//	   | job.done
//	storing goroutine         DN tree, id2entry, key batches, in input order
//
// The reader queues every job on results before handing it to the
// workers, so the storing goroutine takes jobs in input order and waits
// for each one to be done; IDs therefore follow the input. results has a
// small capacity, which bounds the entries in memory.

// Batch bounds: a job ends after this many entries or this many bytes of
// values, whichever comes first.
const (
	jobEntries = 256
	jobBytes   = 1 << 20
)

// importJob is one batch of consecutive LDIF entries and, once done is
// closed, their prepared form.
type importJob struct {
	entries []*ldif.Entry
	readErr error // the reader's error after entries (nil at the end of input)
	out     *prepBatch
	done    chan struct{}
}

// batchPool recycles prepBatch buffers: the storing goroutine puts a
// batch back once stored (the engine and the key batches copied what
// they keep), so steady state allocates no arenas.
var batchPool = sync.Pool{New: func() any { return new(prepBatch) }}

func getBatch() *prepBatch { return batchPool.Get().(*prepBatch) }

func putBatch(bt *prepBatch) {
	clear(bt.recs) // drop references to strings and DNs
	bt.recs, bt.keys, bt.arena, bt.err = bt.recs[:0], bt.keys[:0], bt.arena[:0], nil
	batchPool.Put(bt)
}

// pipeline is a running reader and its workers.
type pipeline struct {
	results <-chan *importJob
	quit    chan struct{}
	wg      sync.WaitGroup
}

// startPipeline starts the reader and the workers over r.
func (im *importer) startPipeline(r io.Reader) *pipeline {
	n := im.opts.Workers
	results := make(chan *importJob, 8*n+4)
	work := make(chan *importJob, 8*n+5)
	p := &pipeline{results: results, quit: make(chan struct{})}
	p.wg.Add(1 + n)
	go func() {
		defer p.wg.Done()
		defer close(work)
		defer close(results)
		im.readAll(ldif.NewReader(r, ldif.ReaderOptions{}), results, work, p.quit)
	}()
	for range n {
		go func() {
			defer p.wg.Done()
			w := newImportPrep(im)
			for j := range work {
				w.prepareJob(j)
				close(j.done)
			}
		}()
	}
	return p
}

// stop ends the pipeline early (or after the end) and waits for its
// goroutines.
func (p *pipeline) stop() {
	close(p.quit)
	p.wg.Wait()
}

// readAll parses LDIF into jobs until the input ends, a read error (sent
// as the last job's readErr) or quit.
func (im *importer) readAll(lr *ldif.Reader, results, work chan<- *importJob, quit <-chan struct{}) {
	for {
		j := &importJob{entries: make([]*ldif.Entry, 0, jobEntries), done: make(chan struct{})}
		size := 0
		for len(j.entries) < jobEntries && size < jobBytes {
			le, err := lr.NextEntry()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					j.readErr = err
				}
				break
			}
			j.entries = append(j.entries, le)
			size += len(le.DN)
			for _, a := range le.Attrs {
				for _, v := range a.Values {
					size += len(v) + 16
				}
			}
		}
		last := len(j.entries) < jobEntries && size < jobBytes
		if len(j.entries) == 0 && j.readErr == nil {
			return
		}
		select {
		case results <- j:
		case <-quit:
			return
		}
		select {
		case work <- j:
		case <-quit:
			return
		}
		if last {
			return
		}
	}
}
