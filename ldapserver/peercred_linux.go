package ldapserver

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerCred returns the EXTERNAL identity of the process at the other end of a Unix
// socket, from SO_PEERCRED.
func peerCred(c *net.UnixConn) (string, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return "", err
	}
	var cred *unix.Ucred
	var credErr error
	err = raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil {
		return "", err
	}
	if credErr != nil {
		return "", credErr
	}
	return peercredIdentity(cred.Uid, cred.Gid), nil
}
