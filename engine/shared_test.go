package engine

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const attachRole = "ENGINE_ATTACH_CHILD" // "read", "pin" or "write"

// TestAttachHelperProcess is the reader process of the attach tests.
func TestAttachHelperProcess(t *testing.T) {
	role := os.Getenv(attachRole)
	if role == "" {
		return
	}
	err := attachChild(role, os.Getenv("ENGINE_ATTACH_DIR"))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// attachChild reads snapshots of the parent's database: every key of a
// snapshot must hold that snapshot's commit number, also in a snapshot held
// open while the parent commits many more times.
func attachChild(role, dir string) error {
	if role == "write" {
		// A read-write open is refused while the host holds the environment;
		// a read-only one attaches and refuses write transactions.
		if env, err := Open(dir, nil); !errors.Is(err, ErrEnvInUse) {
			if env != nil {
				env.Close()
			}
			return fmt.Errorf("read-write open while held: %v", err)
		}
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer env.Close()
		if !env.attached.Load() {
			return fmt.Errorf("read-only open did not attach")
		}
		if _, err := env.BeginWrite(); !errors.Is(err, ErrReadOnly) {
			return fmt.Errorf("write transaction in an attached process: %v", err)
		}
		fmt.Println("ok")
		return nil
	}
	env, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer env.Close()
	if role == "churn" {
		// Short read transactions, each checking that its pin stays in its
		// slot while the host clears the slots of dead readers.
		lost, n := 0, 0
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); n++ {
			txn, err := env.BeginRead()
			if err != nil {
				return err
			}
			slot := env.shared.Load().u64(env.shared.Load().slotOff(txn.sharedSlot - 1))
			for range 50 {
				if slot.Load() != txn.ID()+1 {
					lost++
					break
				}
			}
			txn.Abort()
		}
		fmt.Println("done", n, lost)
		return nil
	}
	if role == "pin" {
		txn, err := env.BeginRead()
		if err != nil {
			return err
		}
		fmt.Println("pinned", txn.ID())
		select {} // killed by the parent
	}
	seen := map[uint64]bool{}
	for i := 0; i < 200; i++ {
		txn, err := env.BeginRead()
		if err != nil {
			return err
		}
		first, err := snapshotCommit(txn)
		if err == nil && i%20 == 0 {
			time.Sleep(20 * time.Millisecond) // hold the snapshot while commits go on
			var again uint64
			if again, err = snapshotCommit(txn); err == nil && again != first {
				err = fmt.Errorf("held snapshot changed from %d to %d", first, again)
			}
		}
		txn.Abort()
		if err != nil {
			return err
		}
		seen[first] = true
	}
	fmt.Println("ok", len(seen))
	return nil
}

const attachKeys = 300

// readWhileCommitting runs the "read" child process on the environment in
// dir and commits (commitAll) until it reports; the report must be "ok ...".
func readWhileCommitting(t *testing.T, env *Env, dir string) string {
	t.Helper()
	cmd, out := startAttachChild(t, "read", dir)
	done := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var last string
		for sc.Scan() {
			last = sc.Text()
		}
		done <- last
	}()
	var result string
	for n := uint64(2); result == ""; n++ {
		commitAll(t, env, n)
		select {
		case result = <-done:
		default:
		}
		if n > 200000 {
			t.Fatal("reader process did not finish")
		}
	}
	if err := cmd.Wait(); err != nil || !strings.HasPrefix(result, "ok") {
		t.Fatalf("reader process: %q, %v", result, err)
	}
	return result
}

// TestAttach_otherProcessReadsConsistentSnapshots: a read-only process opens
// the environment while this one holds it and writes; it sees whole commits
// only, even when it holds a snapshot across many of them.
func TestAttach_otherProcessReadsConsistentSnapshots(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync, MapSize: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	commitAll(t, env, 1)
	result := readWhileCommitting(t, env, dir)
	var seen int
	fmt.Sscanf(result, "ok %d", &seen)
	if seen < 2 {
		t.Fatalf("reader saw %d distinct commits; want it to read while commits went on", seen)
	}
	t.Logf("reader process saw %d distinct commits", seen)
	if err := Check(env); err != nil {
		t.Fatal(err)
	}
}

// TestAttach_deadReaderSlotReclaimed: a reader process killed while it pins a
// snapshot stops pinning it: the next write transaction frees its slot.
func TestAttach_deadReaderSlotReclaimed(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for k := 0; k < attachKeys; k++ {
		if err := env.Update(func(txn *Txn) error {
			return txn.Put(MainDB, fmt.Appendf(nil, "key-%04d", k), binary.LittleEndian.AppendUint64(nil, 1), 0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	cmd, out := startAttachChild(t, "pin", dir)
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "pinned") {
		cmd.Process.Kill()
		t.Fatalf("reader process: %q", line)
	}
	if got := env.shared.Load().pinned(); len(got) != 1 {
		t.Fatalf("pinned snapshots %v, want the reader's", got)
	}
	if old := env.shared.Load().oldest(^uint64(0)); old == ^uint64(0) {
		t.Fatal("a live reader's pin was not honoured")
	}
	cmd.Process.Kill()
	cmd.Wait()
	env.shared.Load().oldest(^uint64(0))
	if got := env.shared.Load().pinned(); len(got) != 0 {
		t.Fatalf("pinned snapshots %v after the reader died, want none", got)
	}
}

// TestAttach_writeRefused: while this process holds the environment, another
// process cannot open it read-write, and when it attaches read-only it cannot
// start a write transaction.
func TestAttach_writeRefused(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAttachHelperProcess$")
	cmd.Env = append(os.Environ(), attachRole+"=write", "ENGINE_ATTACH_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("writer process: %v\n%s", err, out)
	}
}

// The host frees the slot of a dead reader only while holding the slot's
// lock: a new reader that takes the slot and pins the same snapshot between
// the host's liveness check and its clearing used to lose its pin, and the
// host could then reuse pages that reader was reading.
func TestAttach_clearingDeadSlots_sparesLiveReaders(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) }); err != nil {
		t.Fatal(err)
	}
	pin := env.Info().LastTxnID + 1 // what a reader of the newest snapshot stores
	cmd, out := startAttachChild(t, "churn", dir)
	done := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(out)
		done <- string(b)
	}()
	for {
		select {
		case res := <-done:
			if err := cmd.Wait(); err != nil {
				t.Fatalf("reader process: %v: %s", err, res)
			}
			var n, lost int
			if _, err := fmt.Sscanf(res, "done %d %d", &n, &lost); err != nil {
				t.Fatalf("reader process: %q", res)
			}
			if lost > 0 {
				t.Fatalf("live readers lost their pins %d times in %d reads", lost, n)
			}
			return
		default:
		}
		// A reader process died pinning the newest snapshot in the first
		// slot; the host clears it as every write transaction does.
		env.shared.Load().u64(env.shared.Load().slotOff(0)).CompareAndSwap(0, pin)
		env.shared.Load().oldest(^uint64(0))
	}
}

// A reader table left half-updated (its host died while publishing a
// commit) makes an attached reader fail after a while instead of spinning
// forever.
func TestAttach_halfUpdatedTable_reported(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	seq := env.shared.Load().u64(sharedSeqOff)
	seq.Add(1) // odd: an update that never ends
	defer seq.Add(1)
	if _, _, err := env.shared.Load().readMeta(); !errors.Is(err, ErrCorrupted) {
		t.Fatalf("reading a half-updated table: %v", err)
	}
}

// startAttachChild starts this test binary as a reader process with role,
// on the environment at dir; its standard output is returned.
func startAttachChild(t *testing.T, role, dir string) (*exec.Cmd, io.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAttachHelperProcess$")
	cmd.Env = append(os.Environ(), attachRole+"="+role, "ENGINE_ATTACH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

// snapshotCommit reads every key of MainDB: all values must carry one commit
// number and there must be attachKeys keys.
func snapshotCommit(txn *Txn) (uint64, error) {
	c, err := txn.OpenCursor(MainDB)
	if err != nil {
		return 0, err
	}
	var want uint64
	n := 0
	_, v, err := c.Get(nil, nil, First)
	for ; err == nil; _, v, err = c.Get(nil, nil, Next) {
		if len(v) < 8 {
			return 0, fmt.Errorf("short value %x", v)
		}
		got := binary.LittleEndian.Uint64(v)
		if n == 0 {
			want = got
		} else if got != want {
			return 0, fmt.Errorf("snapshot %d mixes commits %d and %d", txn.ID(), want, got)
		}
		n++
	}
	if err != ErrNotFound || n != attachKeys {
		return 0, fmt.Errorf("snapshot %d: %d keys, %v", txn.ID(), n, err)
	}
	return want, nil
}

// commitAll writes commit number n into every key.
func commitAll(t *testing.T, env *Env, n uint64) {
	t.Helper()
	if err := env.Update(func(txn *Txn) error {
		v := binary.LittleEndian.AppendUint64(nil, n)
		v = append(v, make([]byte, 120)...)
		for k := 0; k < attachKeys; k++ {
			if err := txn.Put(MainDB, fmt.Appendf(nil, "key-%04d", k), v, 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
