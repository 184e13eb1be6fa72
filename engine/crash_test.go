package engine

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash tests run this test binary again as a child process (the
// TestCrashHelperProcess pattern): the child commits a deterministic workload
// and reports each commit on stdout; the parent kills it with SIGKILL at
// random moments, reopens the environment, runs Check and compares the whole
// content with a model rebuilt from the same seed.

var (
	crashKills = flag.Int("crash.kills", 0, "SIGKILLs per crash test (0: 20 for SyncFull, 10 for the other modes)")
	crashSeed  = flag.Uint64("crash.seed", 0, "seed of the crash tests (0: derived from the time, logged)")
)

const (
	crashEnvRole  = "ENGINE_CRASH_CHILD" // "commit", "half" or "hold"
	crashEnvDir   = "ENGINE_CRASH_DIR"
	crashEnvSeed  = "ENGINE_CRASH_SEED"
	crashEnvMode  = "ENGINE_CRASH_MODE"
	crashCtlDB    = "ctl"
	crashKeySpace = 700
)

// wlDB is a database of the test workloads (crash and concurrency tests).
type wlDB struct {
	name  string
	flags DBFlags
}

var wlDBs = []wlDB{{"people", 0}, {"rev", ReverseKey}, {"ints", IntegerKey}, {"blobs", 0}}

// wlDupDB is the op.db of the crash workload's DupSort database, whose model
// holds one entry per key/value pair (key + "\x00" + value); its deletes
// remove that one pair.
const (
	wlDupDB   = -2
	wlDupName = "dups"
)

func wlDupOp(r *rand.Rand, del bool) wlOp {
	return wlOp{db: wlDupDB, key: fmt.Appendf(nil, "dk-%02d", r.IntN(25)), val: fmt.Appendf(nil, "v-%04d", r.IntN(400)), del: del}
}

func wlDBName(db int) string {
	switch db {
	case -1:
		return crashCtlDB
	case wlDupDB:
		return wlDupName
	}
	return wlDBs[db].name
}

// wlOp is one put (del false) or delete of a workload transaction. db indexes
// wlDBs; -1 is the control DB.
type wlOp struct {
	db       int
	key, val []byte
	del      bool
}

// wlState is the model: database name -> key -> value. A present (even empty)
// inner map means the database exists.
type wlState map[string]map[string][]byte

func (s wlState) clone() wlState {
	out := make(wlState, len(s))
	for db, kvs := range s {
		c := make(map[string][]byte, len(kvs))
		for k, v := range kvs {
			c[k] = v
		}
		out[db] = c
	}
	return out
}

func (s wlState) apply(ops []wlOp) {
	for _, op := range ops {
		name := wlDBName(op.db)
		m := s[name]
		if m == nil {
			m = map[string][]byte{}
			s[name] = m
		}
		if op.db == wlDupDB {
			pair := string(op.key) + "\x00" + string(op.val)
			if op.del {
				delete(m, pair)
			} else {
				m[pair] = []byte{}
			}
			continue
		}
		if op.del {
			delete(m, string(op.key))
		} else {
			m[string(op.key)] = op.val
		}
	}
}

// flagsOf returns the flags a workload database is created with.
func wlFlagsOf(name string) DBFlags {
	if name == wlDupName {
		return DupSort
	}
	for _, d := range wlDBs {
		if d.name == name {
			return d.flags
		}
	}
	return 0
}

func wlKey(r *rand.Rand, db int, space int) []byte {
	n := r.IntN(space)
	if wlDBs[db].flags&IntegerKey != 0 {
		b := make([]byte, 8)
		le.PutUint64(b, uint64(n)*7919)
		return b
	}
	if r.IntN(40) == 0 {
		// A long key (up to the limit), still from a small space.
		return bytes.Repeat([]byte{byte('a' + n%5)}, 1+n%MaxKeySize)
	}
	return fmt.Appendf(nil, "key-%06d", n)
}

func wlVal(r *rand.Rand, overflowPerMille int) []byte {
	var n int
	switch x := r.IntN(1000); {
	case x < overflowPerMille:
		n = 2100 + r.IntN(14000) // overflow pages
	case x < overflowPerMille+30:
		n = 0
	case x < overflowPerMille+80:
		n = 1000 + r.IntN(1100) // around the inline limit
	default:
		n = r.IntN(150)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// crashTxnOps returns the operations of workload transaction i (1-based): a
// function of (seed, i) only, so parent and child agree. The last operation
// records i in the control DB.
func crashTxnOps(seed, i uint64) []wlOp {
	r := rand.New(rand.NewPCG(seed, i))
	var ops []wlOp
	switch k := r.IntN(20); {
	case k < 2: // a big transaction: many pages written at commit
		for n := 300 + r.IntN(1200); n > 0; n-- {
			db := r.IntN(len(wlDBs))
			ops = append(ops, wlOp{db: db, key: wlKey(r, db, crashKeySpace), val: wlVal(r, 40)})
		}
		for n := 200 + r.IntN(300); n > 0; n-- { // keys grow sub-pages into sub-databases
			ops = append(ops, wlDupOp(r, false))
		}
	case k < 4: // delete a whole stretch of one database: merges
		db := r.IntN(len(wlDBs))
		for n := 100 + r.IntN(400); n > 0; n-- {
			ops = append(ops, wlOp{db: db, key: wlKey(r, db, crashKeySpace), del: true})
		}
	default:
		for n := 1 + r.IntN(60); n > 0; n-- {
			db := r.IntN(len(wlDBs))
			if r.IntN(3) == 0 {
				ops = append(ops, wlOp{db: db, key: wlKey(r, db, crashKeySpace), del: true})
			} else {
				ops = append(ops, wlOp{db: db, key: wlKey(r, db, crashKeySpace), val: wlVal(r, 50)})
			}
		}
		for n := r.IntN(40); n > 0; n-- {
			ops = append(ops, wlDupOp(r, r.IntN(3) == 0))
		}
	}
	var n [8]byte
	le.PutUint64(n[:], i)
	return append(ops, wlOp{db: -1, key: []byte("n"), val: n[:]})
}

// applyOps runs ops in the write transaction txn, creating databases as needed.
func applyOps(txn *Txn, ops []wlOp, dbis map[string]DBI) error {
	for _, op := range ops {
		name := wlDBName(op.db)
		dbi, ok := dbis[name]
		if !ok {
			var err error
			if dbi, err = txn.OpenDB(name, wlFlagsOf(name)|Create); err != nil {
				return fmt.Errorf("open %q: %w", name, err)
			}
			dbis[name] = dbi
		}
		if op.del {
			var val []byte
			if op.db == wlDupDB {
				val = op.val // one pair
			}
			if err := txn.Del(dbi, op.key, val); err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("del %q %.20x: %w", name, op.key, err)
			}
		} else if err := txn.Put(dbi, op.key, op.val, 0); err != nil {
			return fmt.Errorf("put %q %.20x (%d bytes): %w", name, op.key, len(op.val), err)
		}
	}
	return nil
}

// readState reads every named database of txn's snapshot into a model.
func readState(txn *Txn) (wlState, error) {
	names, err := txn.DBNames()
	if err != nil {
		return nil, err
	}
	s := wlState{}
	for _, name := range names {
		dbi, err := txn.OpenDB(name, 0)
		if err != nil {
			return nil, fmt.Errorf("open %q: %w", name, err)
		}
		m := map[string][]byte{}
		c, err := txn.OpenCursor(dbi)
		if err != nil {
			return nil, err
		}
		fl, _ := txn.Flags(dbi)
		k, v, err := c.Get(nil, nil, First)
		for ; err == nil; k, v, err = c.Get(nil, nil, Next) {
			if fl&DupSort != 0 {
				m[string(k)+"\x00"+string(v)] = []byte{}
			} else {
				m[string(k)] = bytes.Clone(v)
			}
		}
		c.Close()
		if !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("scan %q: %w", name, err)
		}
		s[name] = m
	}
	return s, nil
}

// diffState describes the first difference between got and want ("" if none).
func diffState(got, want wlState) string {
	names := func(s wlState) []string {
		var out []string
		for n := range s {
			out = append(out, n)
		}
		slices.Sort(out)
		return out
	}
	if g, w := names(got), names(want); !slices.Equal(g, w) {
		return fmt.Sprintf("databases %q, want %q", g, w)
	}
	for name, w := range want {
		g := got[name]
		if len(g) != len(w) {
			return fmt.Sprintf("db %q has %d keys, want %d", name, len(g), len(w))
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("db %q lacks key %.20x", name, k)
			}
			if !bytes.Equal(gv, wv) {
				return fmt.Sprintf("db %q key %.20x: value of %d bytes differs from the wanted %d bytes", name, k, len(gv), len(wv))
			}
		}
	}
	return ""
}

// crashCounter is the workload transaction count stored in the control DB.
func crashCounter(s wlState) uint64 {
	v := s[crashCtlDB]["n"]
	if len(v) != 8 {
		return 0
	}
	return le.Uint64(v)
}

// crashOptions: the small DirtyLimit makes the child's larger transactions
// spill, so kills also land between a spill and its commit.
func crashOptions(mode Durability) *Options {
	return &Options{MapSize: 512 << 20, Durability: mode, SyncInterval: 40 * time.Millisecond, DirtyLimit: 16}
}

// TestCrashHelperProcess is the child process of the crash tests; it does
// nothing unless started by one of them.
func TestCrashHelperProcess(t *testing.T) {
	role := os.Getenv(crashEnvRole)
	if role == "" {
		return
	}
	// Exit when the parent goes away (its end of stdin closes).
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(3)
	}()
	err := crashChild(role)
	fmt.Fprintf(os.Stdout, "error %v\n", err)
	os.Exit(2)
}

func crashChild(role string) error {
	seed, err := strconv.ParseUint(os.Getenv(crashEnvSeed), 10, 64)
	if err != nil {
		return err
	}
	mode, err := strconv.Atoi(os.Getenv(crashEnvMode))
	if err != nil {
		return err
	}
	env, err := Open(os.Getenv(crashEnvDir), crashOptions(Durability(mode)))
	if err != nil {
		return err
	}
	var n uint64
	err = env.View(func(txn *Txn) error {
		dbi, err := txn.OpenDB(crashCtlDB, 0)
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		v, err := txn.Get(dbi, []byte("n"))
		if err != nil {
			return err
		}
		n = le.Uint64(v)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "ready %d\n", n)
	switch role {
	case "hold":
		select {}
	case "half":
		// A write transaction that is killed half done: many changes, no commit.
		txn, err := env.BeginWrite()
		if err != nil {
			return err
		}
		dbis := map[string]DBI{}
		for i := n + 1; i < n+40; i++ {
			if err := applyOps(txn, crashTxnOps(seed, i), dbis); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stdout, "half %d\n", n+1)
		select {}
	}
	for i := n + 1; ; i++ {
		txn, err := env.BeginWrite()
		if err != nil {
			return err
		}
		if err := applyOps(txn, crashTxnOps(seed, i), map[string]DBI{}); err != nil {
			txn.Abort()
			return fmt.Errorf("txn %d: %w", i, err)
		}
		fmt.Fprintf(os.Stdout, "committing %d\n", i)
		if err := txn.Commit(); err != nil {
			return fmt.Errorf("commit %d: %w", i, err)
		}
		fmt.Fprintf(os.Stdout, "committed %d\n", i)
	}
}

// crashChildProc is a running child process and the lines it printed.
type crashChildProc struct {
	lastCommitted uint64 // from the "committed N" lines read so far
	cmd           *exec.Cmd
	stdin         io.WriteCloser
	lines         chan string
	wait          chan error
}

func startCrashChild(t *testing.T, role, dir string, seed uint64, mode Durability) *crashChildProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(),
		crashEnvRole+"="+role, crashEnvDir+"="+dir,
		crashEnvSeed+"="+strconv.FormatUint(seed, 10), crashEnvMode+"="+strconv.Itoa(int(mode)))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &crashChildProc{cmd: cmd, stdin: stdin, lines: make(chan string, 1024), wait: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.wait <- cmd.Wait()
	}()
	t.Cleanup(func() { p.kill() })
	return p
}

// next returns the child's next line; it fails the test if the child exits or
// says nothing for a long time.
func (p *crashChildProc) next(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			t.Fatalf("child exited early: %v", <-p.wait)
		}
		if strings.HasPrefix(l, "error ") {
			t.Fatalf("child failed: %s", l)
		}
		p.noteCommitted(l)
		return l
	case <-time.After(2 * time.Minute):
		t.Fatal("child silent for 2 minutes")
	}
	return ""
}

// kill sends SIGKILL and waits for the process to be gone; it returns the
// number of the last "committed" line the child printed before dying.
func (p *crashChildProc) kill() uint64 {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	for l := range p.lines {
		p.noteCommitted(l)
	}
	_ = p.stdin.Close()
	return p.lastCommitted
}

func (p *crashChildProc) noteCommitted(l string) {
	if n, ok := strings.CutPrefix(l, "committed "); ok {
		p.lastCommitted, _ = strconv.ParseUint(n, 10, 64)
	}
}

// expectReady reads the child's "ready N" line and checks N.
func (p *crashChildProc) expectReady(t *testing.T, want uint64) {
	t.Helper()
	if l := p.next(t); l != fmt.Sprintf("ready %d", want) {
		t.Fatalf("child said %q, want \"ready %d\"", l, want)
	}
}

func crashTestSeed(t *testing.T) uint64 {
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -crash.seed=%d)", seed, seed)
	return seed
}

// verifyAfterCrash reopens the environment, checks it, and returns its state.
func verifyAfterCrash(t *testing.T, dir string, mode Durability) (wlState, Info) {
	t.Helper()
	env, err := Open(dir, crashOptions(mode))
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer env.Close()
	if err := Check(env); err != nil {
		t.Fatalf("check after kill: %v", err)
	}
	var s wlState
	if err := env.View(func(txn *Txn) error {
		s, err = readState(txn)
		return err
	}); err != nil {
		t.Fatalf("read after kill: %v", err)
	}
	return s, env.Info()
}

// crashModel holds the model state after each workload transaction number
// the test has needed so far, built lazily from the seed.
type crashModel struct {
	seed   uint64
	states []wlState // states[i]: after transaction i
}

func (m *crashModel) at(i uint64) wlState {
	for uint64(len(m.states)) <= i {
		s := m.states[len(m.states)-1].clone()
		s.apply(crashTxnOps(m.seed, uint64(len(m.states))))
		m.states = append(m.states, s)
		if len(m.states) > 3 {
			m.states[len(m.states)-4] = nil // only recent states are asked for
		}
	}
	return m.states[i]
}

// TestCrash_SyncInterval_commitReachesFileMeta checks, without a child
// process, what a SIGKILL right after Commit would leave: the meta pages in the
// file (through the page cache) must already name the committed transaction.
func TestCrash_SyncInterval_commitReachesFileMeta(t *testing.T) {
	dir := t.TempDir()
	env, err := Open(dir, &Options{Durability: SyncInterval, SyncInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for i := 0; i < 3; i++ {
		var id uint64
		if err := env.Update(func(txn *Txn) error {
			id = txn.ID()
			return txn.Put(MainDB, fmt.Appendf(nil, "k%d", i), []byte("v"), 0)
		}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(env.Path())
		if err != nil {
			t.Fatal(err)
		}
		newest := uint64(0)
		for slot := 0; slot < 2; slot++ {
			m, err := decodeMeta(b[slot*env.PageSize():], uint64(slot))
			if err != nil {
				t.Fatal(err)
			}
			newest = max(newest, m.txnid)
		}
		if newest != id {
			t.Fatalf("after committing txn %d the file's newest meta is txn %d: a process kill now loses the commit", id, newest)
		}
	}
}

func TestCrash_SIGKILL_durableModes_loseNothingReported(t *testing.T) {
	modes := []struct {
		name string
		mode Durability
	}{{"SyncFull", SyncFull}, {"NoMetaSync", NoMetaSync}, {"SyncInterval", SyncInterval}}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			kills := *crashKills
			if kills == 0 {
				kills = 10
				if m.mode == SyncFull {
					kills = 20
				}
			}
			runCrashKills(t, m.mode, kills)
		})
	}
}

// runCrashKills starts the committing child, kills it at a random moment,
// verifies the environment, and repeats.
func runCrashKills(t *testing.T, mode Durability, kills int) {
	seed := crashTestSeed(t)
	r := rand.New(rand.NewPCG(seed, 1))
	dir := t.TempDir()
	model := &crashModel{seed: seed, states: []wlState{{}}}
	var have uint64 // transactions in the environment, as last verified
	for kill := 0; kill < kills; kill++ {
		p := startCrashChild(t, "commit", dir, seed, mode)
		p.expectReady(t, have)
		// Let it commit a few transactions, then kill it somewhere in the
		// middle of the next ones: right after a "committing" line (inside
		// Commit), or after a random delay.
		target := have + 1 + uint64(r.IntN(4))
		for {
			l := p.next(t)
			if n, ok := strings.CutPrefix(l, "committed "); ok {
				if c, _ := strconv.ParseUint(n, 10, 64); c >= target {
					break
				}
			}
		}
		switch r.IntN(3) {
		case 0:
			for !strings.HasPrefix(p.next(t), "committing ") {
			}
			if d := r.IntN(3000); d > 0 {
				time.Sleep(time.Duration(d) * time.Microsecond)
			}
		default:
			time.Sleep(time.Duration(r.IntN(20000)) * time.Microsecond)
		}
		reported := p.kill()
		if reported < target {
			t.Fatalf("kill %d: last reported commit %d before the target %d", kill, reported, target)
		}
		got, info := verifyAfterCrash(t, dir, mode)
		n := crashCounter(got)
		// SIGKILL keeps the page cache: in every mode the last reported commit
		// survives; one more may have become durable without being reported.
		switch {
		case n != reported && n != reported+1:
			t.Fatalf("kill %d: environment holds %d transactions, child reported %d committed", kill, n, reported)
		}
		if d := diffState(got, model.at(n)); d != "" {
			t.Fatalf("kill %d: after %d transactions: %s", kill, n, d)
		}
		t.Logf("kill %d: reported %d, found %d, last page %d, txnid %d", kill, reported, n, info.LastPgno, info.LastTxnID)
		have = n
	}
}

// fileDigest hashes a file's bytes from off for n bytes (n < 0: to the end).
func fileDigest(t *testing.T, path string, off, n int64) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rd io.Reader = io.NewSectionReader(f, off, 1<<62)
	if n >= 0 {
		rd = io.NewSectionReader(f, off, n)
	}
	var h hash.Hash = sha256.New()
	if _, err := io.Copy(h, rd); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

func TestCrash_killedHalfDoneWriteTxn_leavesNoTrace(t *testing.T) {
	seed := crashTestSeed(t)
	dir := t.TempDir()
	model := &crashModel{seed: seed, states: []wlState{{}}}
	var have uint64
	for round := 0; round < 3; round++ {
		// Some committed history first, so the half-done transaction changes
		// existing trees (splits, merges, freed pages).
		p := startCrashChild(t, "commit", dir, seed, SyncFull)
		p.expectReady(t, have)
		for p.next(t) != fmt.Sprintf("committed %d", have+5) {
		}
		reported := p.kill()
		got, before := verifyAfterCrash(t, dir, SyncFull)
		have = crashCounter(got)
		if have != reported && have != reported+1 {
			t.Fatalf("round %d: %d transactions, %d reported", round, have, reported)
		}
		dataPath := filepath.Join(dir, "data.mdb")
		metas := fileDigest(t, dataPath, 0, 2*int64(before.PageSize))

		h := startCrashChild(t, "half", dir, seed, SyncFull)
		h.expectReady(t, have)
		if l := h.next(t); l != fmt.Sprintf("half %d", have+1) {
			t.Fatalf("round %d: child said %q", round, l)
		}
		h.kill()
		if !bytes.Equal(fileDigest(t, dataPath, 0, 2*int64(before.PageSize)), metas) {
			t.Fatalf("round %d: the killed write transaction changed the meta pages", round)
		}
		got, after := verifyAfterCrash(t, dir, SyncFull)
		if d := diffState(got, model.at(have)); d != "" {
			t.Fatalf("round %d: after the killed transaction: %s", round, d)
		}
		if after.LastTxnID != before.LastTxnID || after.LastPgno != before.LastPgno {
			t.Fatalf("round %d: txnid/last page %d/%d after the killed transaction, %d/%d before",
				round, after.LastTxnID, after.LastPgno, before.LastTxnID, before.LastPgno)
		}
	}
}

// TestMapFull_txnOnlyAborts_databaseUnchanged fills a small map until a
// write fails with ErrMapFull, then checks the failed transaction is unusable
// and the environment is exactly as after the last successful commit.
func TestMapFull_txnOnlyAborts_databaseUnchanged(t *testing.T) {
	dir := t.TempDir()
	const mapSize = 160 * 4096
	opts := &Options{MapSize: mapSize, Durability: NoSync}
	env, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { env.Close() }()
	r := rand.New(rand.NewPCG(11, 12))
	committed := wlState{}
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatal("never got ErrMapFull")
		}
		txn, err := env.BeginWrite()
		if err != nil {
			t.Fatal(err)
		}
		var ops []wlOp
		for n := 1 + r.IntN(30); n > 0; n-- {
			db := r.IntN(len(wlDBs))
			ops = append(ops, wlOp{db: db, key: wlKey(r, db, 100000), val: wlVal(r, 60)})
		}
		err = applyOps(txn, ops, map[string]DBI{})
		if err == nil {
			err = txn.Commit()
			if err == nil {
				committed.apply(ops)
				continue
			}
			if !errors.Is(err, ErrMapFull) {
				t.Fatalf("txn %d: commit: %v", i, err)
			}
			t.Logf("txn %d: ErrMapFull at commit: %v", i, err)
		} else {
			if !errors.Is(err, ErrMapFull) {
				t.Fatalf("txn %d: %v", i, err)
			}
			t.Logf("txn %d: ErrMapFull during a write: %v", i, err)
			// The transaction may be half changed: only Abort is allowed.
			dbi, oerr := txn.OpenDB(wlDBs[0].name, Create)
			if oerr == nil {
				if perr := txn.Put(dbi, []byte("after-map-full"), []byte("x"), 0); !errors.Is(perr, ErrBadTxn) {
					t.Errorf("put after ErrMapFull: %v, want ErrBadTxn", perr)
				}
				if derr := txn.Del(dbi, []byte("after-map-full"), nil); !errors.Is(derr, ErrBadTxn) {
					t.Errorf("del after ErrMapFull: %v, want ErrBadTxn", derr)
				}
			} else if !errors.Is(oerr, ErrBadTxn) {
				t.Errorf("open db after ErrMapFull: %v, want ErrBadTxn", oerr)
			}
			if cerr := txn.Commit(); cerr == nil {
				t.Errorf("commit after ErrMapFull succeeded")
			}
			txn.Abort()
		}
		break
	}
	verify := func(where string) {
		t.Helper()
		if err := Check(env); err != nil {
			t.Fatalf("%s: check: %v", where, err)
		}
		var got wlState
		if err := env.View(func(txn *Txn) error {
			got, err = readState(txn)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if d := diffState(got, committed); d != "" {
			t.Fatalf("%s: %s", where, d)
		}
	}
	verify("after ErrMapFull")
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	if env, err = Open(dir, opts); err != nil {
		t.Fatal(err)
	}
	verify("after reopen")
	if fi, err := os.Stat(filepath.Join(dir, "data.mdb")); err != nil || fi.Size() > mapSize {
		t.Fatalf("data file: %v, size %d beyond the map size %d", err, fi.Size(), mapSize)
	}
	// The environment stays usable: a transaction that frees space commits.
	if err := env.Update(func(txn *Txn) error {
		dbi, err := txn.OpenDB(wlDBs[3].name, 0)
		if err != nil {
			return err
		}
		for k := range committed[wlDBs[3].name] {
			if err := txn.Del(dbi, []byte(k), nil); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("deleting after ErrMapFull: %v", err)
	}
	committed[wlDBs[3].name] = map[string][]byte{}
	verify("after deleting a database's keys")
}
