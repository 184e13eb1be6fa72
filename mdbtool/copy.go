package mdbtool

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"lightdir/engine"
)

// CopyOptions are mdb_copy's switches.
type CopyOptions struct {
	// Compact renumbers pages and drops free ones (-c).
	Compact bool
	// NoSubdir: source and destination paths are data files, not directories (-n).
	NoSubdir bool
}

// Copy writes a copy of the environment at src to w (what mdb_copy writes to
// standard output). Errors: those of engine.Env.CopyTo.
func Copy(w io.Writer, src string, opts CopyOptions) error {
	env, err := openRead(src, opts.NoSubdir)
	if err != nil {
		return err
	}
	defer env.Close()
	return env.CopyTo(w, opts.Compact)
}

// CopyToPath copies the environment at src to dst: a directory (created if
// missing) that gets data.mdb, or with NoSubdir the data file itself. The data
// file must not exist yet.
func CopyToPath(src, dst string, opts CopyOptions) error {
	env, err := openRead(src, opts.NoSubdir)
	if err != nil {
		return err
	}
	defer env.Close()
	path := dst
	if !opts.NoSubdir {
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return fmt.Errorf("mdbtool: %w", err)
		}
		path = filepath.Join(dst, "data.mdb")
	}
	return env.CopyFile(path, opts.Compact)
}

// Check runs engine.Check on the environment at path and writes one line per
// problem found, or a one-line summary when there is none. Errors:
// ErrCheckFailed (problems were found), engine errors from opening.
func Check(w io.Writer, path string, noSubdir bool) error {
	env, err := openRead(path, noSubdir)
	if err != nil {
		return err
	}
	defer env.Close()
	if err := engine.Check(env); errors.Is(err, engine.ErrCorrupted) {
		fmt.Fprintln(w, err)
		return ErrCheckFailed
	} else if err != nil {
		return err
	}
	info := env.Info()
	_, err = fmt.Fprintf(w, "ok: transaction %d, %d pages\n", info.LastTxnID, info.LastPgno+1)
	return err
}
