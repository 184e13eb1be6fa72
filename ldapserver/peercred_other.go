//go:build !linux

package ldapserver

import (
	"errors"
	"net"
)

// peerCred is not implemented outside Linux: ldapi connections stay anonymous.
func peerCred(c *net.UnixConn) (string, error) {
	return "", errors.New("ldapserver: peer credentials are only supported on linux")
}
