package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"lightdir/pwhash"
)

// rootPWEnv names the environment variable that sets the root password of every
// database whose configuration has no root_password.
const rootPWEnv = "LIGHTDIR_ROOTPW"

// prepareRootPassword returns the hashed root password kept in file. With env
// set, its hash replaces the file's content unless the file already matches it.
// Without env and without a file, a password is generated, its hash stored and
// the password printed once on out. Only hashes are ever written. When the file
// must change, save writes it (and then prints a generated password): serve
// saves once the database is open, so that a refused start changes nothing.
func prepareRootPassword(file, rootDN, env string, out io.Writer) (hash []byte, save func() error, err error) {
	stored, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, err
	}
	stored = []byte(strings.TrimSpace(string(stored)))
	if len(stored) > 0 && !pwhash.IsHashed(stored) {
		return nil, nil, fmt.Errorf("%s: not a password hash", file)
	}
	switch {
	case env != "":
		if ok, _ := pwhash.Verify(stored, []byte(env)); ok && len(stored) > 0 {
			return stored, nil, nil
		}
		h, err := pwhash.Hash("", []byte(env))
		if err != nil {
			return nil, nil, err
		}
		return []byte(h), func() error { return storeRootPW(file, h) }, nil
	case len(stored) > 0:
		return stored, nil, nil
	}
	pw := rand.Text()[:20]
	h, err := pwhash.Hash("", []byte(pw))
	if err != nil {
		return nil, nil, err
	}
	return []byte(h), func() error {
		if err := storeRootPW(file, h); err != nil {
			return err
		}
		fmt.Fprintf(out, "lightdir: generated the password of %s: %s\n"+
			"lightdir: it is not shown again; only its hash is kept, in %s (set %s to choose one)\n",
			rootDN, pw, file, rootPWEnv)
		return nil
	}, nil
}

// storeRootPW writes the hash h to file.
func storeRootPW(file, h string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	// Written, flushed and renamed, then the directory flushed: after a
	// crash the file holds the old hash or the new one, never nothing
	// (an empty file would make the next start generate a new password).
	tmp := file + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(h + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(filepath.Dir(file)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
