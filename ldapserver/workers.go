package ldapserver

import "time"

// workers runs operations on goroutines that outlive them. A goroutine
// starts with a small stack, and a search through the backend grows it
// several times, copying it each time: with a new goroutine per operation
// that copying took about 7% of the server's CPU on indexed searches. A
// worker keeps the stack it grew, so only its first operations pay.
type workers struct {
	jobs chan func() // unbuffered: a send succeeds only when a worker is idle
}

// workerIdle is how long a worker waits for its next operation before it
// exits, so a burst of connections leaves no crowd of goroutines behind.
const workerIdle = 10 * time.Second

func newWorkers() *workers { return &workers{jobs: make(chan func())} }

// run runs f on an idle worker, or on a new one if none is idle; it never
// waits.
func (w *workers) run(f func()) {
	select {
	case w.jobs <- f:
	default:
		go w.loop(f)
	}
}

func (w *workers) loop(f func()) {
	f()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		select {
		case f := <-w.jobs:
			f()
			idle.Reset(workerIdle)
		case <-idle.C:
			return
		}
	}
}
