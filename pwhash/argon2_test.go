package pwhash

import (
	"errors"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// argon2Vectors are PHC strings from the Argon2 reference implementation's
// test suite (password "password", salt "somesalt", version 0x13).
var argon2Vectors = []string{
	"$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
	"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
}

// TestVerify_argon2Vectors: the reference strings verify under {ARGON2}
// (and {argon2}), and a changed password does not.
func TestVerify_argon2Vectors(t *testing.T) {
	for _, v := range argon2Vectors {
		t.Run(v[:20], func(t *testing.T) {
			assertVerify(t, "{ARGON2}"+v, "password", true)
			assertVerify(t, "{argon2}"+v, "password", true)
			assertVerify(t, "{ARGON2}"+v, "differentpassword", false)
		})
	}
}

// TestVerify_argon2Unsupported: Argon2d and version 0x10 strings are
// reported as unsupported, not as a mismatch.
func TestVerify_argon2Unsupported(t *testing.T) {
	for _, v := range []string{
		"$argon2i$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY",
		"$argon2i$v=16$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY",
		"$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
	} {
		ok, err := Verify([]byte("{ARGON2}"+v), []byte("password"))
		if ok || !errors.Is(err, ErrUnsupported) {
			t.Errorf("Verify(%q) = %v, %v; want ErrUnsupported", v, ok, err)
		}
	}
}

// TestVerify_argon2ConcurrentMemory: each Argon2 check allocates its m KiB,
// and every bind is a check, so concurrent binds against an account with an
// Argon2 value must not add up their memory without bound (slapd's thread
// pool runs at most 16 at once; 30 concurrent binds on a 128 MiB value took
// lightdir to 4 GB). Checks beyond the CPUs' worth wait their turn; they
// are CPU-bound, so throughput is the same.
func TestVerify_argon2ConcurrentMemory(t *testing.T) {
	const memKiB = 16 * 1024
	h, err := Options{Argon2Memory: memKiB, Argon2Time: 4}.Hash("{ARGON2}", []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	n := 8 * max(2, runtime.GOMAXPROCS(0))
	// The peak of heap bytes in use, sampled while the checks run: it does
	// not depend on what earlier tests left in the heap, as HeapSys would.
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	stop, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	runtime.GC()
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			if ok, err := Verify([]byte(h), []byte("wrong")); ok || err != nil {
				t.Errorf("Verify = %v, %v", ok, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(stop)
	<-sampled
	grew := peak - min(peak, base)
	t.Logf("peak heap %d MiB above the start", grew>>20)
	if limit := uint64(n/2) * memKiB << 10; grew > limit {
		t.Errorf("%d concurrent checks of a %d MiB Argon2 value reached %d MiB of heap, want under %d MiB",
			n, memKiB>>10, grew>>20, limit>>20)
	}
}
