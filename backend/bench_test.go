package backend

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/tests/subscribers"
)

// The 1M-subscriber run (README "Backend performance"), in two processes
// since imports take one iteration and searches many:
//
//	go test -run XXX -bench 'Import|Slapadd' -benchtime 1x ./backend/ -bench.subscribers 1000000
//	go test -run XXX -bench 'Search|Modify' -benchtime 20000x ./backend/ -bench.subscribers 1000000
var benchSubscribers = flag.Int("bench.subscribers", 2000, "telco subscribers in the benchmark database (3 entries each)")

var benchIndexes = []IndexSpec{
	{Attr: "uid", Kinds: []string{"eq"}}, {Attr: "telephoneNumber", Kinds: []string{"eq"}},
	{Attr: "mail", Kinds: []string{"eq"}}, {Attr: "cn", Kinds: []string{"eq"}},
}

func imsi(i int) string   { return subscribers.IMSI(i) }
func msisdn(i int) string { return subscribers.MSISDN(i) }

var benchDB struct {
	ldifOnce sync.Once
	dbOnce   sync.Once
	dir      string
	ldif     string
	err      error
}

// benchLDIF writes the subscriber LDIF once per process.
func benchLDIF(b *testing.B) string {
	benchDB.ldifOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lightdir-bench-")
		if err != nil {
			benchDB.err = err
			return
		}
		benchDB.dir = dir
		benchDB.ldif = filepath.Join(dir, "subscribers.ldif")
		benchDB.err = subscribers.WriteFile(benchDB.ldif, *benchSubscribers)
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	return benchDB.ldif
}

// benchBackend imports the subscribers once per process and opens them.
func benchBackend(b *testing.B) *Backend {
	ldifPath := benchLDIF(b)
	dbDir := filepath.Join(benchDB.dir, "db")
	benchDB.dbOnce.Do(func() {
		f, err := os.Open(ldifPath)
		if err != nil {
			benchDB.err = err
			return
		}
		defer f.Close()
		_, benchDB.err = Import(benchOptions(dbDir), f, ImportOptions{})
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	bk, err := Open(benchOptions(dbDir))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bk.Close() })
	return bk
}

func benchOptions(dir string) Options {
	return Options{Dir: dir, Suffix: testSuffix, Indexes: benchIndexes, RootDN: testRoot, Durability: engine.NoSync, MapSize: 64 << 30}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDB.dir != "" {
		os.RemoveAll(benchDB.dir)
	}
	for _, d := range scaleDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// discard is a SearchWriter that counts entries.
type discard struct{ n int }

func (d *discard) SendEntry(*ldapserver.Entry) error { d.n++; return nil }
func (d *discard) SendReference([]string) error      { return nil }

// reportLatency adds median and p99 of the per-operation times.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkImport loads the subscriber LDIF into a fresh database per
// iteration and reports entries/s, the time spent on index keys, the
// database file size and the peak Go heap during the import.
func BenchmarkImport(b *testing.B) {
	ldifPath := benchLDIF(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(ldifPath)
		if err != nil {
			b.Fatal(err)
		}
		dir := benchOutDir(b, "lightdir")
		stopHeap := watchHeap()
		cpu0 := processCPU()
		st, err := Import(benchOptions(dir), f, ImportOptions{})
		cpu := processCPU() - cpu0
		peak := stopHeap()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Entries)/st.Elapsed.Seconds(), "entries/s")
		b.ReportMetric(st.Elapsed.Seconds(), "import-s")
		b.ReportMetric(st.KeysElapsed.Seconds(), "keys-s")
		b.ReportMetric(fileMB(b, filepath.Join(dir, "data.mdb")), "db-MB")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
	}
}

// BenchmarkSlapadd loads the same LDIF with slapadd -q and the same
// indices (objectClass is always indexed here), for comparison with
// BenchmarkImport; it reports entries/s, data.mdb's size and slapadd's
// peak RSS.
func BenchmarkSlapadd(b *testing.B) {
	ldifPath := benchLDIF(b)
	b.ResetTimer()
	if _, err := os.Stat("/usr/sbin/slapadd"); err != nil {
		if os.Getenv("CI") != "" {
			b.Fatal("slapadd not installed")
		}
		b.Skip("slapadd not installed")
	}
	for i := 0; i < b.N; i++ {
		dir := benchOutDir(b, "slapd")
		cfg := "include /etc/ldap/schema/core.schema\ninclude /etc/ldap/schema/cosine.schema\n" +
			"include /etc/ldap/schema/inetorgperson.schema\nmoduleload back_mdb\nmodulepath /usr/lib/ldap\n" +
			"database mdb\nmaxsize 68719476736\nsuffix \"dc=example,dc=com\"\ndirectory " + dir + "\n" +
			"index objectClass eq\nindex uid eq\nindex telephoneNumber eq\nindex mail eq\nindex cn eq\n"
		conf := filepath.Join(dir, "slapd.conf")
		if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		cmd := exec.Command("/usr/sbin/slapadd", "-q", "-f", conf, "-l", ldifPath)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("slapadd: %v\n%s", err, out)
		}
		el := time.Since(start)
		b.ReportMetric(float64(subscribers.Entries(*benchSubscribers))/el.Seconds(), "entries/s")
		b.ReportMetric(el.Seconds(), "import-s")
		b.ReportMetric(fileMB(b, filepath.Join(dir, "data.mdb")), "db-MB")
		b.ReportMetric((cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds(), "cpu-s")
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-rss-MB")
		}
	}
}

// go test -bench 'Import|Slapadd' ./backend/ -bench.keep /tmp/x keeps the
// databases (x/lightdir, x/slapd) for mdb_stat.
var benchKeep = flag.String("bench.keep", "", "directory where BenchmarkImport and BenchmarkSlapadd leave their databases")

// benchOutDir returns an empty directory for one benchmark database.
func benchOutDir(b *testing.B, name string) string {
	dir := filepath.Join(*benchKeep, name)
	if *benchKeep == "" {
		dir = filepath.Join(b.TempDir(), name)
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	return dir
}

// processCPU returns the user plus system CPU time of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fileMB returns the disk space of a file in MiB: its allocated blocks,
// since slapd's data.mdb is a sparse file of maxsize bytes.
func fileMB(b *testing.B, path string) float64 {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		b.Fatal(err)
	}
	return float64(st.Blocks*512) / (1 << 20)
}

// watchHeap samples the live heap every 20ms until the returned function
// is called; that returns the largest sample.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}

func benchSearch(b *testing.B, bk *Backend, mk func(i int) *ldapserver.SearchRequest, want int) {
	rng := rand.New(rand.NewSource(1))
	reqs := make([]*ldapserver.SearchRequest, 1024)
	for i := range reqs {
		reqs[i] = mk(rng.Intn(*benchSubscribers))
	}
	lat := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	var d discard
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.n = 0
		t0 := time.Now()
		if _, err := bk.Search(ctx, reqs[i%len(reqs)], &d); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		if d.n != want {
			b.Fatalf("%d entries", d.n)
		}
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkSearch_telephoneNumber: subtree equality search from the suffix
// by MSISDN, as a subscriber lookup does.
func BenchmarkSearch_telephoneNumber(b *testing.B) {
	bk := benchBackend(b)
	base := mustDN(b, testSuffix)
	benchSearch(b, bk, func(i int) *ldapserver.SearchRequest {
		return &ldapserver.SearchRequest{Base: base, Scope: ldapserver.ScopeSubtree, Filter: mustFilter(b, "(telephoneNumber="+msisdn(i)+")")}
	}, 1)
}

// BenchmarkSearch_base: base-scope read of a subscriber entry.
func BenchmarkSearch_base(b *testing.B) {
	bk := benchBackend(b)
	f := mustFilter(b, "(objectClass=*)")
	benchSearch(b, bk, func(i int) *ldapserver.SearchRequest {
		return &ldapserver.SearchRequest{Base: mustDN(b, "uid="+imsi(i)+",ou=subscribers,dc=example,dc=com"), Scope: ldapserver.ScopeBase, Filter: f}
	}, 1)
}

// BenchmarkModify replaces one attribute of a random subscriber (NoSync:
// the number is the backend's cost, not the disk's fsync).
func BenchmarkModify(b *testing.B) {
	bk := benchBackend(b)
	rng := rand.New(rand.NewSource(2))
	lat := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	hdr := ldapserver.Header{Session: ldapserver.Session{Identity: testRoot}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := rng.Intn(*benchSubscribers)
		req := &ldapserver.ModifyRequest{Header: hdr, DN: mustDN(b, "uid="+imsi(n)+",ou=subscribers,dc=example,dc=com"),
			Changes: []ldapserver.Change{{Op: ldapserver.ModReplace, Attribute: ldapserver.Attribute{Type: "description", Values: [][]byte{[]byte(fmt.Sprint("plan-", i))}}}}}
		t0 := time.Now()
		if _, err := bk.Modify(ctx, req); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat)
}
