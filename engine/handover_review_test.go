package engine

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// handoverChild runs the child roles of the tests in this file (through
// TestSharedHelperProcess); ok is false for a role it does not know.
func handoverChild(role, dir string, wait func()) (ok bool, err error) {
	switch role {
	case "holdprobe":
		// Holds a snapshot while its host closes, starts another read
		// transaction while no host runs (refused), then reads the held
		// snapshot again while the next host commits.
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return true, err
		}
		defer env.Close()
		txn, err := env.BeginRead()
		if err != nil {
			return true, err
		}
		fmt.Println("pinned", txn.ID())
		wait()
		t2, err := env.BeginRead()
		if err == nil {
			t2.Abort()
		}
		fmt.Println("begin", err == nil)
		wait()
		n, err := snapshotCommit(txn)
		fmt.Println("old", txn.ID(), n, err)
		txn.Abort()
		return true, nil
	case "loopread":
		// Starts read transactions, one after another, for two seconds.
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return true, err
		}
		defer env.Close()
		fmt.Println("attached", env.attached.Load())
		wait()
		n, fails := 0, 0
		var first error
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); n++ {
			txn, err := env.BeginRead()
			if err == nil {
				_, err = snapshotCommit(txn)
				txn.Abort()
			}
			if err != nil {
				fails++
				if first == nil {
					first = err
				}
			}
		}
		fmt.Println("done", n, fails, first)
		return true, nil
	case "quickwriter":
		// Opens read-write (the read-only host hands over), commits 2 and
		// closes.
		env, err := Open(dir, &Options{Durability: NoSync, MapSize: 64 << 20})
		if err != nil {
			return true, err
		}
		fmt.Println("hosting")
		wait()
		err = env.Update(func(txn *Txn) error {
			v := append(binary.LittleEndian.AppendUint64(nil, 2), make([]byte, 120)...)
			for k := 0; k < attachKeys; k++ {
				if err := txn.Put(MainDB, fmt.Appendf(nil, "key-%04d", k), v, 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			err = env.Close()
		}
		fmt.Println("closed", err)
		wait()
		return true, nil
	}
	return false, nil
}

// An attached process that holds a snapshot while its host closes keeps
// its pin: the next host must not reuse that snapshot's pages, also when
// the process started (and was refused) another read transaction while no
// host ran. Looking for a next host's table used to open and close a second
// descriptor of the very table the process pins in, which drops all the
// process's fcntl locks on it: the next host then took the pin for a dead
// reader's, cleared it, and reused the pages under the held snapshot.
func TestAttached_refusedBeginKeepsOtherPins(t *testing.T) {
	env, dir, p := childOutlivesHost(t, "holdprobe", "pinned 1")
	p.send(t)
	if l := p.next(t); l != "begin false" {
		t.Fatalf("child: %q", l)
	}
	env = newHostCommits(t, dir)
	if rs := env.Readers(); len(rs) != 1 || rs[0].TxnID != 1 {
		t.Errorf("Readers() of the next host = %+v, want the child's pin of 1", rs)
	}
	p.send(t)
	if l := p.next(t); l != "old 1 1 <nil>" {
		t.Fatalf("held snapshot after the next host's commits: %q, want %q", l, "old 1 1 <nil>")
	}
}

// startROHost leaves commit 1 in a new environment and starts a child of
// role that opens it read-only first, so that it hosts it.
func startROHost(t *testing.T, role string) (string, *sharedChildProc) {
	t.Helper()
	dir := closedWithCommit1(t)
	p := startSharedChild(t, "", role, dir, nil)
	if l := p.next(t); l != "hosting true 1" {
		t.Fatalf("child: %q", l)
	}
	return dir, p
}

// closedWithCommit1 returns a new environment's directory holding commit 1,
// with no process in it.
func closedWithCommit1(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync, MapSize: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	commitAll(t, env, 1)
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// waitLockHolder waits until pid holds dir's first-opener lock.
func waitLockHolder(t *testing.T, dir string, pid int) {
	t.Helper()
	lf, err := os.Open(filepath.Join(dir, "lock.mdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	for deadline := time.Now().Add(10 * time.Second); lockHolder(lf) != uint32(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("lock holder %d, want %d", lockHolder(lf), pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A writer that got the environment from a read-only host and closed
// without committing (a server started and stopped while an export ran)
// leaves the read-only process hosting again, and the next writer gets the
// handover as the first one did. The read-only host used to take the lock
// back with the writer's flags left in the table (not read-only), and every
// later writer failed at once with ErrEnvInUse until the export ended.
func TestReadOnlyHost_secondWriterAfterFirstClosed(t *testing.T) {
	dir, p := startROHost(t, "rohost")
	w, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatalf("first writer: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	waitLockHolder(t, dir, p.cmd.Process.Pid)
	env := newHostCommits(t, dir)
	p.send(t)
	for _, want := range []string{"old 1 1 <nil>", "new 20 20 <nil> true", "pin 0"} {
		if l := p.next(t); l != want {
			t.Fatalf("child: %q, want %q", l, want)
		}
	}
	p.send(t)
	if err := p.cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the handover")
}

// A process attached to a read-only host goes on reading while the host
// hands the environment over to a writer: its read transactions started in
// between wait for the writer to host. They used to fail with ErrEnvInUse
// ("the host closed; reopen") while the lock passed from one to the other.
func TestReadOnlyHost_attachedReadsThroughHandover(t *testing.T) {
	dir, p := startROHost(t, "rohost")
	a := startSharedChild(t, "", "loopread", dir, nil)
	if l := a.next(t); l != "attached true" {
		t.Fatalf("attached child: %q", l)
	}
	a.send(t)
	time.Sleep(300 * time.Millisecond)
	env := newHostCommits(t, dir)
	l := a.next(t)
	if !strings.HasPrefix(l, "done ") || !strings.HasSuffix(l, " 0 <nil>") {
		t.Fatalf("attached reader during the handover: %q; want no failures", l)
	}
	t.Log(l)
	p.send(t)
	p.next(t)
	checkEnv(t, env, "after the handover")
}

// The read-only host looks for a finished handover (finishHandover) and then,
// in the same step, takes the lock back if the writer went away. A writer
// that hosted, committed and closed in between must not leave it hosting on
// its snapshot from before: it served that stale snapshot to its new read
// transactions, refused every later writer (stepAside found the table's
// commit newer than its own), and at Close wrote its old txnid into
// lock.mdb, where an LMDB writer waiting for the lock starts from the older
// meta and overwrites the newest commit.
func TestReadOnlyHost_writerCommitsAndClosesMidStep(t *testing.T) {
	dir := closedWithCommit1(t)
	defer func(p time.Duration) { handoverPoll = p }(handoverPoll)
	handoverPoll = time.Hour // this test moves the handover on itself
	ro, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if !ro.hosting() {
		t.Fatal("the read-only process does not host")
	}
	w := startSharedChild(t, "", "quickwriter", dir, nil)
	for deadline := time.Now().Add(10 * time.Second); !ro.handover.handingOver; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the read-only host did not step aside")
		}
		ro.handoverStep()
	}
	if l := w.next(t); l != "hosting" {
		t.Fatalf("writer: %q", l)
	}
	// finishHandover looked just before the writer hosted; now the writer
	// commits and closes, and the host's step goes on.
	w.send(t)
	if l := w.next(t); l != "closed <nil>" {
		t.Fatalf("writer: %q", l)
	}
	ro.handoverStep()
	ro.watchHandover()
	if ro.hosting() {
		t.Errorf("the read-only process hosts again on snapshot %d; the newest commit is 2", ro.snap.Load().meta.txnid)
	}
	if txn, err := ro.BeginRead(); err == nil {
		n, err := snapshotCommit(txn)
		txn.Abort()
		if n != 2 || err != nil {
			t.Errorf("a read transaction started after commit 2: reads commit %d (%v)", n, err)
		}
	}
	ro.Close()
	if b, err := os.ReadFile(filepath.Join(dir, "lock.mdb")); err == nil && len(b) >= 56 {
		if txnid := binary.LittleEndian.Uint64(b[48:]); txnid != 2 {
			t.Errorf("lock.mdb left for LMDB names txnid %d; the newest commit is 2", txnid)
		}
	}
}
