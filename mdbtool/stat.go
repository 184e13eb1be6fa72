package mdbtool

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"lightdir/engine"
)

// StatOptions are mdb_stat's switches.
type StatOptions struct {
	// Env prints the "Environment Info" block (-e).
	Env bool
	// Free is the number of -f switches: 1 the free DB's figures and its page
	// total, 2 also one line per free-list record, 3 also every run of pages.
	Free int
	// All prints every named database after the main DB (-a).
	All bool
	// Name prints one named database instead of the main DB (-s NAME).
	Name string
	// Readers is the number of -r switches: 1 lists readers, 2 also clears
	// stale ones (there are none in a single-process engine) and lists again.
	Readers int
	// NoSubdir: the path is the data file itself (-n).
	NoSubdir bool
}

// Stat opens the environment at path read-only and writes what mdb_stat
// prints: stored figures of the environment, the free DB and the databases.
// Errors: engine.ErrNotFound / engine.ErrIncompatible (Name), engine errors, w's error.
func Stat(w io.Writer, path string, opts StatOptions) error {
	env, err := openRead(path, opts.NoSubdir)
	if err != nil {
		return err
	}
	defer env.Close()
	return StatEnv(w, env, opts)
}

// StatEnv is Stat on an open environment.
func StatEnv(w io.Writer, env *engine.Env, opts StatOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	err := statEnv(bw, env, opts)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func statEnv(w *bufio.Writer, env *engine.Env, opts StatOptions) error {
	if opts.Env {
		printEnvInfo(w, env.Info())
	}
	if opts.Readers > 0 {
		w.WriteString("Reader Table Status\n")
		printReaders(w, env.Readers())
		if opts.Readers > 1 {
			fmt.Fprintf(w, "  %d stale readers cleared.\n", env.ClearStaleReaders())
			printReaders(w, env.Readers())
		}
		if opts.Name == "" && !opts.All && opts.Free == 0 {
			return nil
		}
	}
	txn, err := env.BeginRead()
	if err != nil {
		return err
	}
	defer txn.Abort()
	if opts.Free > 0 {
		if err := printFreeList(w, txn, opts.Free); err != nil {
			return err
		}
	}
	dbi, title := engine.MainDB, "Main DB"
	if opts.Name != "" {
		if dbi, err = txn.OpenDB(opts.Name, 0); err != nil {
			return err
		}
		title = opts.Name
	}
	if err := printDBStat(w, txn, dbi, title); err != nil {
		return err
	}
	if !opts.All {
		return nil
	}
	names, _, err := namedDBs(txn)
	if err != nil {
		return err
	}
	for _, name := range names {
		dbi, ok, err := openNamed(txn, name)
		if err != nil {
			return err
		}
		if ok {
			if err := printDBStat(w, txn, dbi, name); err != nil {
				return err
			}
		}
	}
	return nil
}

func printEnvInfo(w io.Writer, info engine.Info) {
	addr := "(nil)"
	if info.MetaAddress != 0 {
		addr = fmt.Sprintf("%#x", info.MetaAddress)
	}
	fmt.Fprintf(w, "Environment Info\n  Map address: %s\n  Map size: %d\n  Page size: %d\n  Max pages: %d\n"+
		"  Number of pages used: %d\n  Last transaction ID: %d\n  Max readers: %d\n  Number of readers used: %d\n",
		addr, info.MapSize, info.PageSize, info.MapSize/int64(info.PageSize), info.LastPgno+1, info.LastTxnID,
		info.MaxReaders, info.NumReaders)
}

// printReaders lists the live readers: those of the process holding the
// environment are not visible from here, those of processes attached to it
// (other lightdir tools) are. There are no thread ids: 0 is printed.
func printReaders(w io.Writer, readers []engine.ReaderInfo) {
	if len(readers) == 0 {
		io.WriteString(w, "(no active readers)\n")
		return
	}
	io.WriteString(w, "    pid     thread     txnid\n")
	for _, r := range readers {
		fmt.Fprintf(w, "%10d %x %d\n", r.PID, 0, r.TxnID)
	}
}

func printStat(w io.Writer, st engine.Stat) {
	fmt.Fprintf(w, "  Tree depth: %d\n  Branch pages: %d\n  Leaf pages: %d\n  Overflow pages: %d\n  Entries: %d\n",
		st.Depth, st.BranchPages, st.LeafPages, st.OverflowPages, st.Entries)
}

func printDBStat(w io.Writer, txn *engine.Txn, dbi engine.DBI, title string) error {
	st, err := txn.Stat(dbi)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Status of %s\n", title)
	printStat(w, st)
	return nil
}

// printFreeList writes the "Freelist Status" block: the free DB's figures,
// per record (level >= 2) the page count and longest run of consecutive pages,
// per run (level 3) its first page and length, and the total of free pages.
func printFreeList(w io.Writer, txn *engine.Txn, level int) error {
	st, err := txn.Stat(engine.FreeDB)
	if err != nil {
		return err
	}
	io.WriteString(w, "Freelist Status\n")
	printStat(w, st)
	c, err := txn.OpenCursor(engine.FreeDB)
	if err != nil {
		return err
	}
	defer c.Close()
	var total uint64
	k, v, err := c.Get(nil, nil, engine.First)
	for ; err == nil; k, v, err = c.Get(nil, nil, engine.Next) {
		if len(k) != 8 || len(v) < 8 {
			return fmt.Errorf("%w: free DB record of %d/%d bytes", engine.ErrCorrupted, len(k), len(v))
		}
		n := binary.LittleEndian.Uint64(v)
		if n > uint64(len(v)/8-1) {
			return fmt.Errorf("%w: free list count %d in %d bytes", engine.ErrCorrupted, n, len(v))
		}
		total += n
		if level < 2 {
			continue
		}
		pages := make([]uint64, n)
		for i := range pages {
			pages[i] = binary.LittleEndian.Uint64(v[8+8*i:])
		}
		printFreeRecord(w, binary.LittleEndian.Uint64(k), pages, level > 2)
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return err
	}
	fmt.Fprintf(w, "  Free pages: %d\n", total)
	return nil
}

// printFreeRecord prints one record; pages are stored in descending order, so
// they are walked from the end to go up.
func printFreeRecord(w io.Writer, txnid uint64, pages []uint64, runs bool) {
	bad := ""
	span := 0
	prev := uint64(1)
	for i := len(pages) - 1; i >= 0; i-- {
		pg := pages[i]
		if pg <= prev {
			bad = " [bad sequence]"
		}
		prev = pg
		pg += uint64(span)
		for ; i >= span && pages[i-span] == pg; span, pg = span+1, pg+1 {
		}
	}
	fmt.Fprintf(w, "    Transaction %d, %d pages, maxspan %d%s\n", txnid, len(pages), span, bad)
	if !runs {
		return
	}
	for j := len(pages) - 1; j >= 0; {
		pg := pages[j]
		n := 1
		for j--; j >= 0 && pages[j] == pg+uint64(n); j-- {
			n++
		}
		if n > 1 {
			fmt.Fprintf(w, "     %9d[%d]\n", pg, n)
		} else {
			fmt.Fprintf(w, "     %9d\n", pg)
		}
	}
}
