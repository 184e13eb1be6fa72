package ldapserver

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestWorkers_neverWaitAndReuse: run starts every job at once even when all
// workers are busy, and later jobs go to the idle workers instead of new
// goroutines.
func TestWorkers_neverWaitAndReuse(t *testing.T) {
	w := newWorkers()
	const n = 50
	release := make(chan struct{})
	var started, finished sync.WaitGroup
	started.Add(n)
	finished.Add(n)
	for range n {
		w.run(func() { started.Done(); <-release; finished.Done() })
	}
	started.Wait() // all n running together: run did not wait for a free worker
	close(release)
	finished.Wait()
	time.Sleep(10 * time.Millisecond) // let the workers reach their idle wait
	before := runtime.NumGoroutine()
	for range 5 * n {
		done := make(chan struct{})
		w.run(func() { close(done) })
		<-done
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("goroutines %d -> %d: jobs did not reuse idle workers", before, after)
	}
}
