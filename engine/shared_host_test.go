package engine

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

const sharedRole = "ENGINE_SHARED_CHILD"

// TestSharedHelperProcess runs the child side of the tests in this file: a
// second process that opens the environment read-only. It waits for a line
// on stdin where the parent must act before it goes on.
func TestSharedHelperProcess(t *testing.T) {
	role := os.Getenv(sharedRole)
	if role == "" {
		return
	}
	if err := sharedChild(role, os.Getenv("ENGINE_SHARED_DIR")); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func sharedChild(role, dir string) error {
	in := bufio.NewScanner(os.Stdin)
	wait := func() { in.Scan() }
	switch role {
	case "orphan":
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer env.Close()
		fmt.Println("attached", env.attached.Load())
		wait()
		txn, err := env.BeginRead()
		if err != nil {
			fmt.Println("begin", err)
			return nil
		}
		// Read a few times to give page reuse a chance to show.
		var n uint64
		for i := 0; i < 3 && err == nil; i++ {
			n, err = snapshotCommit(txn)
		}
		fmt.Println("read", txn.ID(), n, err)
		txn.Abort()
		return nil
	case "survive":
		// Holds a snapshot while the host closes and another opens, then
		// reads it again and starts a new read transaction.
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer env.Close()
		txn, err := env.BeginRead()
		if err != nil {
			return err
		}
		fmt.Println("pinned", txn.ID())
		wait()
		n, err := snapshotCommit(txn)
		fmt.Println("old", txn.ID(), n, err)
		txn.Abort()
		if txn, err = env.BeginRead(); err != nil {
			fmt.Println("new", err)
			return nil
		}
		n, err = snapshotCommit(txn)
		fmt.Println("new", txn.ID(), n, err)
		txn.Abort()
		return nil
	case "rohost":
		// Opens first, so it hosts though read-only, and holds a snapshot
		// while a writer opens; then reads old and new snapshots.
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer env.Close()
		txn, err := env.BeginRead()
		if err != nil {
			return err
		}
		fmt.Println("hosting", env.hosting(), txn.ID())
		wait()
		n, err := snapshotCommit(txn)
		fmt.Println("old", txn.ID(), n, err)
		txn.Abort()
		if txn, err = env.BeginRead(); err != nil {
			fmt.Println("new", err)
			return nil
		}
		n, err = snapshotCommit(txn)
		fmt.Println("new", txn.ID(), n, err, env.attached.Load())
		txn.Abort()
		fmt.Println("pin", env.handover.pin.Load())
		wait()
		return nil
	case "intmain":
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer env.Close()
		fmt.Println("attached", env.attached.Load())
		wait()
		txn, err := env.BeginRead()
		if err != nil {
			return err
		}
		defer txn.Abort()
		dbi, err := txn.OpenDB("", IntegerKey)
		if err != nil {
			fmt.Println("opendb", err)
			return nil
		}
		missing := 0
		var first error
		for k := uint64(0); k < 1000; k++ {
			v, err := txn.Get(dbi, binary.LittleEndian.AppendUint64(nil, k))
			if err != nil || binary.LittleEndian.Uint64(v) != k {
				missing++
				if first == nil {
					first = fmt.Errorf("key %d: %x %v", k, v, err)
				}
			}
		}
		fmt.Println("get", txn.ID(), missing, first)
		return nil
	case "readers":
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer env.Close()
		txn, err := env.BeginRead()
		if err != nil {
			return err
		}
		defer txn.Abort()
		fmt.Println("pinned", txn.ID())
		wait()
		for _, r := range env.Readers() {
			fmt.Printf("reader pid=%d txn=%d lag=%d\n", r.PID, r.TxnID, r.Lag)
		}
		fmt.Println("end")
		return nil
	case "maxreaders":
		env, err := Open(dir, &Options{ReadOnly: true, MaxReaders: 2})
		if err != nil {
			return err
		}
		defer env.Close()
		var errs []string
		for i := 0; i < 4; i++ {
			txn, err := env.BeginRead()
			errs = append(errs, fmt.Sprint(err))
			if err == nil {
				defer txn.Abort()
			}
		}
		fmt.Println("begins", strings.Join(errs, ","))
		return nil
	case "grow":
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer env.Close()
		txn, err := env.BeginRead()
		if err != nil {
			return err
		}
		fmt.Println("pinned", txn.ID(), env.Info().MapSize)
		wait()
		n, err := snapshotCommit(txn)
		fmt.Println("old snapshot", txn.ID(), n, err)
		txn.Abort()
		txn, err = env.BeginRead()
		fmt.Println("new begin", err)
		if err == nil {
			n, err := snapshotCommit(txn)
			fmt.Println("new read", n, err)
			txn.Abort()
		}
		fmt.Println("end")
		return nil
	case "lockless":
		env, err := Open(dir, &Options{ReadOnly: true})
		if err != nil {
			fmt.Println("open", err)
			return nil
		}
		defer env.Close()
		fmt.Println("opened attached=", env.attached.Load())
		wait()
		txn, err := env.BeginRead()
		if err != nil {
			fmt.Println("begin", err)
			return nil
		}
		n, err := snapshotCommit(txn)
		fmt.Println("read", txn.ID(), n, err)
		txn.Abort()
		return nil
	}
	if ok, err := handoverChild(role, dir, wait); ok {
		return err
	}
	return fmt.Errorf("unknown role %q", role)
}

type sharedChildProc struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
}

func startSharedChild(t *testing.T, bin, role, dir string, setup func(*exec.Cmd)) *sharedChildProc {
	t.Helper()
	if bin == "" {
		bin = os.Args[0]
	}
	cmd := exec.Command(bin, "-test.run=^TestSharedHelperProcess$")
	cmd.Env = append(os.Environ(), sharedRole+"="+role, "ENGINE_SHARED_DIR="+dir)
	cmd.Stderr = os.Stderr
	if setup != nil {
		setup(cmd)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &sharedChildProc{cmd: cmd, in: in, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return p
}

func (p *sharedChildProc) next(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			t.Fatal("child exited")
		}
		return l
	case <-time.After(20 * time.Second):
		t.Fatal("child did not answer")
	}
	return ""
}

func (p *sharedChildProc) send(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(p.in, "go\n"); err != nil {
		t.Fatal(err)
	}
}

// After the host closed and a new writer opened the environment, a new read
// transaction of a process attached to the old host starts on the newest
// commit. It used to start on the old host's last snapshot, pinned in a
// table no writer read, whose pages the new writer reused under it; then it
// was refused for good, since the old host removed its table (it held no
// pins) and the new host made another: the process now moves to that one.
func TestAttached_newReadAfterHostRestart(t *testing.T) {
	// The host closes; a new writer (here: this process again) opens and commits.
	_, dir, p := childOutlivesHost(t, "orphan", "attached true")
	env := newHostCommits(t, dir)
	last := env.Info().LastTxnID
	p.send(t)
	if l, want := p.next(t), fmt.Sprintf("read %d %d <nil>", last, last); l != want {
		t.Fatalf("new read transaction in the attached process: %q, want %q", l, want)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the attached reader")
}

// A snapshot an attached process holds while its host closes stays whole
// under the next host, which takes the reader table over with its pin (as
// LMDB's reader table outlives its writers); the process's next read
// transaction starts on the new host's newest commit. The table file is
// removed by a host that closes with no pins left in it.
func TestAttached_pinSurvivesHostRestart(t *testing.T) {
	env, dir, p := childOutlivesHost(t, "survive", "pinned 1")
	if _, err := os.Stat(env.sharedPath()); err != nil {
		t.Fatalf("the reader table holding a live pin was removed at Close: %v", err)
	}
	env = newHostCommits(t, dir)
	p.send(t)
	if l := p.next(t); l != "old 1 1 <nil>" {
		t.Fatalf("pinned snapshot after the host changed: %q", l)
	}
	if l, want := p.next(t), "new 20 20 <nil>"; l != want {
		t.Fatalf("new read transaction: %q, want %q", l, want)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the reader left")
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(env.sharedPath()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reader table after a Close with no pins: %v", err)
	}
}

// childOutlivesHost starts a child of role attached to a host holding commit
// 1 (first: the child's first line), then closes the host, which it returns.
func childOutlivesHost(t *testing.T, role, first string) (*Env, string, *sharedChildProc) {
	t.Helper()
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync, MapSize: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	commitAll(t, env, 1)
	p := startSharedChild(t, "", role, dir, nil)
	if l := p.next(t); l != first {
		t.Fatalf("child: %q", l)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	return env, dir, p
}

// newHostCommits opens dir as the next host (closed when the test ends) and
// commits 2 to 20 to it: enough commits of every key that, unless a pin
// protects it, snapshot 1's pages are reused many times over.
func newHostCommits(t *testing.T, dir string) *Env {
	t.Helper()
	env, err := Open(dir, &Options{Durability: NoSync, MapSize: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	for n := uint64(2); n <= 20; n++ {
		commitAll(t, env, n)
	}
	return env
}

// The main database's flags can change while a process is attached (the
// writer opens the empty main DB with IntegerKey and fills it). The attached
// process's reads take the new order; they used to search with the order
// seen at Open, and Get missed keys that are there.
func TestAttached_mainDBFlagsChangedByHost(t *testing.T) {
	env, dir := openHost(t)
	p := startSharedChild(t, "", "intmain", dir, nil)
	if l := p.next(t); l != "attached true" {
		t.Fatalf("child: %q", l)
	}
	if err := env.Update(func(txn *Txn) error {
		dbi, err := txn.OpenDB("", IntegerKey)
		if err != nil {
			return err
		}
		for k := uint64(0); k < 1000; k++ {
			kb := binary.LittleEndian.AppendUint64(nil, k)
			if err := txn.Put(dbi, kb, kb, 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p.send(t)
	if l := p.next(t); l != "get 1 0 <nil>" {
		t.Fatalf("attached reader: %s; want every key found (get 1 0 <nil>)", l)
	}
}

// Info counts the read transactions of attached processes, which pin
// snapshots exactly like this process's readers (Readers lists them). It
// used to report OldestReaderTxnID 0 and NumReaders 0 while another process
// read an old snapshot.
func TestInfo_countsOtherProcessesReaders(t *testing.T) {
	env, dir := openHost(t)
	commitAll(t, env, 1)
	cmd, out := startAttachChild(t, "pin", dir)
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	line, _ := bufio.NewReader(out).ReadString('\n')
	var pinned uint64
	if _, err := fmt.Sscanf(line, "pinned %d", &pinned); err != nil {
		t.Fatalf("child: %q", line)
	}
	for n := uint64(2); n <= 5; n++ {
		commitAll(t, env, n)
	}
	rs := env.Readers()
	info := env.Info()
	t.Logf("Readers() = %+v", rs)
	t.Logf("Info() = %+v", info)
	if len(rs) != 1 || rs[0].TxnID != pinned {
		t.Fatalf("Readers() = %+v, want the other process's reader of %d", rs, pinned)
	}
	if info.OldestReaderTxnID != pinned || info.NumReaders != 1 {
		t.Fatalf("Info: OldestReaderTxnID %d NumReaders %d; want %d and 1 (the other process's reader, lagging %d)",
			info.OldestReaderTxnID, info.NumReaders, pinned, info.LastTxnID-pinned)
	}
}

// In an attached process Readers computes Lag from the newest commit. It
// used to take the snapshot this process last began: a reader of another
// process on a newer snapshot got a lag near 2^64.
func TestAttached_readersLagFromNewestCommit(t *testing.T) {
	env, dir := openHost(t)
	commitAll(t, env, 1)
	a := startSharedChild(t, "", "readers", dir, nil)
	if l := a.next(t); l != "pinned 1" {
		t.Fatalf("child a: %q", l)
	}
	for n := uint64(2); n <= 5; n++ {
		commitAll(t, env, n)
	}
	cmd, out := startAttachChild(t, "pin", dir)
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "pinned 5\n" {
		t.Fatalf("child b: %q", line)
	}
	a.send(t)
	var bad []string
	for l := a.next(t); l != "end"; l = a.next(t) {
		t.Log(l)
		var pid int
		var txn, lag uint64
		if _, err := fmt.Sscanf(l, "reader pid=%d txn=%d lag=%d", &pid, &txn, &lag); err != nil {
			t.Fatalf("child a: %q", l)
		}
		if lag != 5-txn {
			bad = append(bad, l)
		}
	}
	if len(bad) > 0 {
		t.Fatalf("lags relative to the newest commit 5 are wrong: %v", bad)
	}
}

// Options.MaxReaders bounds the read transactions of an attached process too
// (it used to take as many of the 256 shared slots as it asked for).
func TestAttached_maxReaders(t *testing.T) {
	env, dir := openHost(t)
	commitAll(t, env, 1)
	p := startSharedChild(t, "", "maxreaders", dir, nil)
	l := p.next(t)
	want := "begins <nil>,<nil>," + ErrReadersFull.Error() + "," + ErrReadersFull.Error()
	if l != want {
		t.Fatalf("attached process with MaxReaders 2, four BeginRead: %q; want %q", l, want)
	}
}

// A read-only Open runs without a lock file only on a read-only file system,
// as LMDB does (format spec 16.1); any other failure to open it (here:
// lock.mdb is a directory) fails the Open. It used to run without any lock.
func TestOpen_readOnlyUnusableLockFileRefused(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	commitAll(t, env, 1)
	env.Close()
	lock := dir + "/lock.mdb"
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(lock, 0o755); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(dir, &Options{ReadOnly: true})
	if err == nil {
		defer ro.Close()
		t.Fatalf("read-only Open with an unusable lock file succeeded (lockFile=%v)", ro.lockFile)
	}
	t.Log(err)
}

// A panic in Update's function aborts the transaction and frees the writer
// for the next one (it used to leave the write lock held for good).
func TestUpdate_panicReleasesWriter(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	func() {
		defer func() { recover() }()
		env.Update(func(txn *Txn) error { panic("boom") })
	}()
	done := make(chan error, 1)
	go func() {
		done <- env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("write transaction after a panic in Update hangs: the write lock was never released")
	}
}

// The long-reader report names the process reading, as Readers does.
func TestLongReader_reportHasPID(t *testing.T) {
	var reports []ReaderInfo
	env, err := Open(t.TempDir(), &Options{Durability: NoSync, LongReaderAfter: time.Millisecond,
		OnLongReader: func(r ReaderInfo) { reports = append(reports, r) }})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	rt, err := env.BeginRead()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Abort()
	time.Sleep(5 * time.Millisecond)
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) }); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].PID != os.Getpid() {
		t.Fatalf("reports = %+v; want one with PID %d (Readers says %+v)", reports, os.Getpid(), env.Readers())
	}
}

// The same with the usual cause: a user without write access to lock.mdb
// (EACCES) opens read-only while the engine writes in another process. The
// Open must fail: it used to succeed without the first-opener lock and
// without attaching, and the writer reused the reader's pages under it.
func TestOpen_readOnlyWithoutLockAccessRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to start a child as another user")
	}
	base, err := os.MkdirTemp("", "lockaccess")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	os.Chmod(base, 0o755)
	bin := base + "/engine.test"
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := base + "/env"
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	commitAll(t, env, 1)
	p := startSharedChild(t, bin, "lockless", dir, func(cmd *exec.Cmd) {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	})
	l := p.next(t)
	t.Logf("child: %s", l)
	if strings.HasPrefix(l, "open ") {
		return // refused: fine
	}
	for n := uint64(2); n <= 20; n++ {
		commitAll(t, env, n)
	}
	p.send(t)
	l = p.next(t)
	t.Fatalf("a read-only process without access to lock.mdb opened the environment while this process writes, and read: %s (newest commit 20)", l)
}

// A damaged meta (map size 0, last_pg so large that (last_pg+1)*psize
// overflows int64) in a file longer than the default map gives ErrCorrupted.
// It used to map 1 GiB, bound pages by the file's length, and panic reading a
// page past the map.
func TestOpen_metaLastPageOverflow(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Update(func(txn *Txn) error { return txn.Put(MainDB, []byte("k"), []byte("v"), 0) }); err != nil {
		t.Fatal(err)
	}
	env.Close()
	f, err := os.OpenFile(dir+"/data.mdb", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	const far = 300000 // a page past the 1 GiB default map
	for slot := int64(0); slot < 2; slot++ {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], 0) // mapsize
		f.WriteAt(b[:], slot*4096+32)
		binary.LittleEndian.PutUint64(b[:], 1<<52) // last_pg
		f.WriteAt(b[:], slot*4096+136)
		binary.LittleEndian.PutUint64(b[:], far) // main root
		f.WriteAt(b[:], slot*4096+88+40)
	}
	if err := f.Truncate(2 << 30); err != nil { // sparse
		t.Fatal(err)
	}
	f.Close()
	env, err = Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Logf("open refused: %v", err)
		return
	}
	defer env.Close()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Get on a damaged file panicked: %v", r)
		}
	}()
	err = env.View(func(txn *Txn) error {
		_, err := txn.Get(MainDB, []byte("k"))
		return err
	})
	if !errors.Is(err, ErrCorrupted) && !errors.Is(err, ErrInvalid) {
		t.Fatalf("Get: %v, want ErrCorrupted", err)
	}
}

// Another process grows the data file past this attached process's map: a
// snapshot pinned before the growth still reads whole, and a new read
// transaction fails with ErrMapFull (never a read past the map).
func TestAttached_mapOutgrownFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{MapSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	commitAll(t, env, 1)
	env.Close()
	env, err = Open(dir, &Options{MapSize: 64 << 20, Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	p := startSharedChild(t, "", "grow", dir, nil)
	if l := p.next(t); !strings.HasPrefix(l, "pinned") {
		t.Fatalf("child: %q", l)
	}
	big := make([]byte, 3000)
	if err := env.Update(func(txn *Txn) error {
		for k := 0; k < 1000; k++ {
			if err := txn.Put(MainDB, fmt.Appendf(nil, "z%05d", k), big, 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p.send(t)
	var got []string
	for l := p.next(t); l != "end"; l = p.next(t) {
		got = append(got, l)
	}
	want := []string{"old snapshot 1 1 <nil>", "new begin " + ErrMapFull.Error() + ": the database outgrew this process's map; reopen"}
	if !slices.Equal(got, want) {
		t.Fatalf("child after the host grew the file to page %d:\n%q\nwant\n%q", env.Info().LastPgno, got, want)
	}
}

// A host that died in the middle of publishing a commit left the table's
// sequence odd; the next host takes the table over and completes it, so
// attached readers do not wait for an update that never ends.
func TestHost_takesOverTableLeftMidUpdate(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	commitAll(t, env, 1)
	path := env.sharedPath()
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := openShared(path, true, 0o644) // the dead host's table
	if err != nil {
		t.Fatal(err)
	}
	s.u64(sharedPIDOff).Store(1 << 30)
	s.u64(sharedSeqOff).Store(7)
	copy(s.mem[sharedMetaOff:], "torn")
	s.close()
	if env, err = Open(dir, &Options{Durability: NoSync}); err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	m, seq, err := env.shared.Load().readMeta()
	if err != nil || m.txnid != 1 || seq%2 != 0 {
		t.Fatalf("the new host's table: txnid %d, seq %d, %v; want the newest commit 1 and an even seq", m.txnid, seq, err)
	}
	if pid := env.shared.Load().pid(); pid != uint32(os.Getpid()) {
		t.Fatalf("table names host %d, want %d", pid, os.Getpid())
	}
}

// openHost opens a NoSync environment in a new directory, closed when the
// test ends: the host the other processes of these tests attach to.
func openHost(t *testing.T) (*Env, string) {
	t.Helper()
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: NoSync})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	return env, dir
}

// A read-only process that opened the environment first hosts it (an
// export or a check started while the server was down). A writer that opens
// meanwhile no longer fails with ErrEnvInUse: the read-only host hands the
// environment over and reads on attached. Its snapshot from before stays
// whole under the writer's commits, and its pin goes when that read ends.
func TestReadOnlyHost_handsOverToWriter(t *testing.T) {
	dir, p := startROHost(t, "rohost")
	env := writerTakesOver(t, dir, p)
	if rs := env.Readers(); len(rs) != 0 {
		t.Fatalf("Readers() after the child's reads ended = %+v", rs)
	}
	p.send(t)
	if err := p.cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the handover")
}

// writerTakesOver opens dir as a writer while the "rohost" child p hosts
// it, commits 2 to 20, and checks the child's reads: its snapshot from
// before whole, a new one on the newest commit, attached, its pin gone.
func writerTakesOver(t *testing.T, dir string, p *sharedChildProc) *Env {
	t.Helper()
	env := newHostCommits(t, dir)
	p.send(t)
	for _, want := range []string{"old 1 1 <nil>", "new 20 20 <nil> true", "pin 0"} {
		if l := p.next(t); l != want {
			t.Fatalf("child: %q, want %q", l, want)
		}
	}
	return env
}

// A writer that gives up waiting leaves the read-only host hosting: it takes
// the first-opener lock back, and a later writer gets the handover. Another
// writer is still refused at once.
func TestReadOnlyHost_writerGivesUp(t *testing.T) {
	dir, p := startROHost(t, "rohost")
	defer func(w time.Duration) { handoverWait = w }(handoverWait)
	handoverWait = 0
	if env, err := Open(dir, &Options{Durability: NoSync}); !errors.Is(err, ErrEnvInUse) {
		if err == nil {
			env.Close()
		}
		t.Fatalf("Open with no time to wait: %v, want ErrEnvInUse", err)
	}
	waitLockHolder(t, dir, p.cmd.Process.Pid) // the read-only host took the lock back
	handoverWait = 10 * time.Second
	env := writerTakesOver(t, dir, p)
	if other, err := Open(dir, &Options{Durability: NoSync}); !errors.Is(err, ErrEnvInUse) {
		if err == nil {
			other.Close()
		}
		t.Fatalf("second writer: %v, want ErrEnvInUse", err)
	}
	p.send(t)
	if err := p.cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, env, "after the handover")
}
