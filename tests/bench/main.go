package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// config holds the command-line settings.
type config struct {
	n, count, batch, readBatch, syncN int
	dupKeys, dupVals                  int
	dup                               bool
	dir, engines, workloads, cpuProf  string
	mapSize                           int64
}

// cell is one engine's measurements of one workload.
type cell struct {
	opsPerSec []float64
	err       error
}

func main() {
	var c config
	flag.IntVar(&c.n, "n", 1_000_000, "keys (16 bytes) with 100-byte values")
	flag.IntVar(&c.count, "count", 3, "repetitions; the median is reported")
	flag.IntVar(&c.batch, "batch", 1000, "puts or deletes per write transaction (no sync)")
	flag.IntVar(&c.readBatch, "readbatch", 100, "gets (or dup keys) per read transaction")
	flag.IntVar(&c.syncN, "syncn", 2000, "durable commits in fillsync")
	flag.BoolVar(&c.dup, "dup", false, "also run the duplicate-values workloads")
	flag.IntVar(&c.dupKeys, "dupkeys", 10_000, "keys in the dup workloads")
	flag.IntVar(&c.dupVals, "dupvals", 100, "sorted 8-byte ids per key in the dup workloads")
	flag.StringVar(&c.dir, "dir", os.TempDir(), "directory for the temporary databases")
	flag.StringVar(&c.engines, "engines", "lightdir,lmdb,bbolt", "engines to run, comma-separated")
	flag.StringVar(&c.workloads, "workloads", "all", "workloads to run, comma-separated, or all")
	flag.StringVar(&c.cpuProf, "cpuprofile", "", "write a CPU profile; measured runs carry the label run=ENGINE/WORKLOAD")
	flag.Int64Var(&c.mapSize, "mapsize", 8<<30, "map size (LMDB, lightdir) and initial mmap size (bbolt)")
	flag.Parse()
	if err := run(&c, os.Stdout, os.Stderr); err != nil {
		log.Fatal(err)
	}
}

func pickStores(list string) ([]store, error) {
	all := []store{&lightdirStore{}, &lmdbStore{}, &bboltStore{}}
	var out []store
	for _, s := range all {
		if slices.Contains(strings.Split(list, ","), s.name()) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: no known engine in %q", list)
	}
	return out, nil
}

func run(c *config, out, progress io.Writer) error {
	stores, err := pickStores(c.engines)
	if err != nil {
		return err
	}
	want := func(name string) bool {
		return c.workloads == "all" || slices.Contains(strings.Split(c.workloads, ","), name)
	}
	if c.cpuProf != "" {
		f, err := os.Create(c.cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	d := newDataset(c.n, c.dupKeys, c.dupVals, c.dup)
	results := map[string]map[string]*cell{}
	var order []string
	var units = map[string]string{}
	for _, ph := range phases() {
		var ws []workload
		for _, w := range ph.workloads {
			if want(w.name) && (c.dup || !ph.dups) {
				ws = append(ws, w)
				order = append(order, w.name)
				units[w.name] = w.unit
				results[w.name] = map[string]*cell{}
				for _, s := range stores {
					results[w.name][s.name()] = &cell{}
				}
			}
		}
		if len(ws) == 0 {
			continue
		}
		for rep := range c.count {
			for i := range stores {
				s := stores[(i+rep)%len(stores)]
				runPhase(c, d, ph, ws, s, results, rep, progress)
			}
		}
	}
	printTable(c, out, stores, order, units, results)
	return nil
}

// runPhase runs one repetition of a phase on one engine, recording into results.
func runPhase(c *config, d *dataset, ph phase, ws []workload, s store, results map[string]map[string]*cell, rep int, progress io.Writer) {
	fail := func(err error) {
		for _, w := range ws {
			if cl := results[w.name][s.name()]; cl.err == nil {
				cl.err = err
			}
		}
		fmt.Fprintf(progress, "%-13s %-8s rep %d: %v\n", ws[0].name, s.name(), rep+1, err)
	}
	if results[ws[0].name][s.name()].err != nil {
		return
	}
	dir, err := os.MkdirTemp(c.dir, "bench-"+s.name()+"-")
	if err != nil {
		fail(err)
		return
	}
	defer os.RemoveAll(dir)
	if err := s.open(dir, ph.durable, ph.dups, c.mapSize); err != nil {
		fail(err)
		return
	}
	defer s.close()
	if ph.setup != nil {
		if err := ph.setup(s, d, c); err != nil {
			fail(err)
			return
		}
	}
	for _, w := range ws {
		runtime.GC()
		var ops int
		var err error
		var dt time.Duration
		labels := pprof.Labels("run", s.name()+"/"+w.name)
		written := writtenBytes()
		pprof.Do(context.Background(), labels, func(context.Context) {
			start := time.Now()
			ops, err = w.run(s, d, c)
			dt = time.Since(start)
		})
		written = writtenBytes() - written
		if err != nil {
			fail(fmt.Errorf("%s: %w", w.name, err))
			return
		}
		rate := float64(ops) / dt.Seconds()
		results[w.name][s.name()].opsPerSec = append(results[w.name][s.name()].opsPerSec, rate)
		fmt.Fprintf(progress, "%-13s %-8s rep %d: %12.0f ops/s (%d ops in %v), files %d MB, written %d MB\n", w.name, s.name(), rep+1, rate, ops, dt.Round(time.Millisecond), dirSize(dir)>>20, written>>20)
	}
}

// writtenBytes is what this process has passed to write system calls so far
// (wchar in /proc/self/io), 0 where that is not available.
func writtenBytes() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// dirSize is the total size of the files in dir (the database files).
func dirSize(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	return n
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// thousands formats a rate as an integer with thousands separators.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func printTable(c *config, out io.Writer, stores []store, order []string, units map[string]string, results map[string]map[string]*cell) {
	fmt.Fprintf(out, "lightdir storage benchmark: %s, GOMAXPROCS=%d, %s\n", runtime.Version(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(out, "command: go run . %s\n", strings.Join(os.Args[1:], " "))
	fmt.Fprintf(out, "n=%d keys (16 B) x 100 B values, count=%d (median), %d puts/deletes per no-sync txn, %d gets per read txn, fillsync=%d commits",
		c.n, c.count, c.batch, c.readBatch, min(c.syncN, c.n))
	if c.dup {
		fmt.Fprintf(out, ", dups: %d keys x %d ids", c.dupKeys, c.dupVals)
	}
	fmt.Fprint(out, "\n\n")
	head := "| workload |"
	sep := "|---|"
	for _, s := range stores {
		head += " " + s.name() + " ops/s |"
		sep += "---:|"
	}
	ratios := ratioColumns(stores)
	for _, r := range ratios {
		head += " lightdir/" + r + " |"
		sep += "---:|"
	}
	fmt.Fprintln(out, head)
	fmt.Fprintln(out, sep)
	var notes []string
	for _, w := range order {
		row := "| " + w + " |"
		for _, s := range stores {
			cl := results[w][s.name()]
			if cl.err != nil {
				row += " error |"
				notes = append(notes, fmt.Sprintf("%s %s: %v", s.name(), w, cl.err))
			} else {
				row += " " + thousands(median(cl.opsPerSec)) + " |"
			}
		}
		for _, r := range ratios {
			ld, other := results[w]["lightdir"], results[w][r]
			if len(ld.opsPerSec) == 0 || len(other.opsPerSec) == 0 || ld.err != nil || other.err != nil {
				row += " - |"
				continue
			}
			row += fmt.Sprintf(" %.2fx |", median(ld.opsPerSec)/median(other.opsPerSec))
		}
		fmt.Fprintln(out, row)
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "One op: a put (fill*), a durable commit of one put (fillsync), a get (readrandom1/2, 1 and 2 goroutines),")
	fmt.Fprintln(out, "a cursor step (readseq), a delete (deleterandom); dup*: one duplicate value put or read.")
	if c.dup {
		fmt.Fprintln(out, "dupread: cursor Set + NextDup per value on DupSort; dupreadmulti: Set + GetMultiple/NextMultiple on DupSort|DupFixed.")
		fmt.Fprintln(out, "bbolt has no duplicates: emulated with composite keys key||id (empty value), read by cursor Seek over")
		fmt.Fprintln(out, "the key prefix + Next; its dupreadmulti is that same walk (bbolt has no bulk read).")
	}
	for _, n := range notes {
		fmt.Fprintln(out, "note: "+n)
	}
}

func ratioColumns(stores []store) []string {
	var has bool
	var others []string
	for _, s := range stores {
		if s.name() == "lightdir" {
			has = true
		} else {
			others = append(others, s.name())
		}
	}
	if !has {
		return nil
	}
	return others
}
