package ldapserver

import (
	"bytes"
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
	// Later jobs run on the goroutines of the first ones, not on new ones.
	ids := map[string]bool{}
	for range 5 * n {
		done := make(chan string)
		w.run(func() { done <- goroutineID() })
		ids[<-done] = true
	}
	if len(ids) > n {
		t.Fatalf("%d sequential jobs ran on %d goroutines, more than the %d workers", 5*n, len(ids), n)
	}
}

// goroutineID returns the calling goroutine's number, from its stack header.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := bytes.Fields(buf)
	return string(f[1])
}
