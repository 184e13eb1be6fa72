package mdbtool

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"lightdir/engine"
)

// DumpOptions are mdb_dump's switches.
type DumpOptions struct {
	// All dumps every named database (-a), never the main DB.
	All bool
	// Name dumps one named database (-s NAME); "" and !All: the main DB.
	Name string
	// Print selects format=print (-p): printable bytes as they are, others as \hh.
	Print bool
	// List prints the names of the named databases instead of their data (-l).
	List bool
	// NoSubdir: the path is the data file itself (-n).
	NoSubdir bool
}

// dbFlagNames are the header lines for DB flags, in mdb_dump's order.
var dbFlagNames = []struct {
	flag engine.DBFlags
	name string
}{
	{engine.ReverseKey, "reversekey"},
	{engine.DupSort, "dupsort"},
	{engine.IntegerKey, "integerkey"},
	{engine.DupFixed, "dupfixed"},
	{engine.IntegerDup, "integerdup"},
	{engine.ReverseDup, "reversedup"},
}

// Dump opens the environment at path read-only and writes what mdb_dump
// prints. Errors: ErrNoDatabases (All on a main DB without a usable key),
// engine.ErrNotFound (Name does not exist), engine.ErrIncompatible (Name is
// an ordinary key), engine errors from opening or reading, w's error.
func Dump(w io.Writer, path string, opts DumpOptions) error {
	env, err := openRead(path, opts.NoSubdir)
	if err != nil {
		return err
	}
	defer env.Close()
	return DumpEnv(w, env, opts)
}

// DumpEnv is Dump on an open environment; it reads one snapshot in a read
// transaction and may run while others write.
func DumpEnv(w io.Writer, env *engine.Env, opts DumpOptions) error {
	txn, err := env.BeginRead()
	if err != nil {
		return err
	}
	defer txn.Abort()
	bw := bufio.NewWriterSize(w, 64<<10)
	d := dumper{w: bw, txn: txn, info: env.Info(), print: opts.Print}
	switch {
	case opts.All || opts.List:
		err = d.all(opts.List)
	case opts.Name != "":
		var dbi engine.DBI
		if dbi, err = txn.OpenDB(opts.Name, 0); err == nil {
			err = d.db(dbi, opts.Name)
		}
	default:
		err = d.db(engine.MainDB, "")
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

type dumper struct {
	w     *bufio.Writer
	txn   *engine.Txn
	info  engine.Info
	print bool
}

func (d *dumper) all(list bool) error {
	names, usable, err := namedDBs(d.txn)
	if err != nil {
		return err
	}
	if !usable {
		return ErrNoDatabases
	}
	for _, name := range names {
		dbi, ok, err := openNamed(d.txn, name)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if list {
			fmt.Fprintf(d.w, "%s\n", name)
			continue
		}
		if err := d.db(dbi, name); err != nil {
			return err
		}
	}
	return nil
}

// db writes one database: header, pairs in database order (every duplicate),
// DATA=END.
func (d *dumper) db(dbi engine.DBI, name string) error {
	flags, err := d.txn.Flags(dbi)
	if err != nil {
		return err
	}
	d.header(flags, name)
	c, err := d.txn.OpenCursor(dbi)
	if err != nil {
		return err
	}
	defer c.Close()
	k, v, err := c.Get(nil, nil, engine.First)
	for err == nil {
		d.item(k)
		d.item(v)
		k, v, err = c.Get(nil, nil, engine.Next)
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return err
	}
	_, err = d.w.WriteString("DATA=END\n")
	return err
}

func (d *dumper) header(flags engine.DBFlags, name string) {
	format := "bytevalue"
	if d.print {
		format = "print"
	}
	fmt.Fprintf(d.w, "VERSION=3\nformat=%s\n", format)
	if name != "" {
		fmt.Fprintf(d.w, "database=%s\n", name)
	}
	fmt.Fprintf(d.w, "type=btree\nmapsize=%d\n", d.info.MapSize)
	if d.info.MetaAddress != 0 {
		fmt.Fprintf(d.w, "mapaddr=%#x\n", d.info.MetaAddress)
	}
	fmt.Fprintf(d.w, "maxreaders=%d\n", d.info.MaxReaders)
	if flags&engine.DupSort != 0 {
		d.w.WriteString("duplicates=1\n")
	}
	for _, f := range dbFlagNames {
		if flags&f.flag != 0 {
			fmt.Fprintf(d.w, "%s=1\n", f.name)
		}
	}
	fmt.Fprintf(d.w, "db_pagesize=%d\nHEADER=END\n", d.info.PageSize)
}

const hexDigits = "0123456789abcdef"

// item writes one key or value line: a space, the encoded bytes, a newline.
func (d *dumper) item(b []byte) {
	w := d.w
	w.WriteByte(' ')
	for _, c := range b {
		switch {
		case !d.print:
			w.WriteByte(hexDigits[c>>4])
			w.WriteByte(hexDigits[c&15])
		case c >= 0x20 && c <= 0x7e:
			// lmdb 0.9.24 writes a backslash unescaped, so the same does.
			w.WriteByte(c)
		default:
			w.WriteByte('\\')
			w.WriteByte(hexDigits[c>>4])
			w.WriteByte(hexDigits[c&15])
		}
	}
	w.WriteByte('\n')
}
