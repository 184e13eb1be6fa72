package ldapserver

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// tlsListener marks a listener whose connections speak ldaps: the conn performs the
// handshake itself, under Options.TLSHandshakeTimeout.
type tlsListener struct {
	net.Listener
}

// Listen opens a listener for an LDAP URL:
//
//	ldap://host:port    TCP (port 389 when omitted)
//	ldaps://host:port   TCP with TLS from the first byte (port 636); needs tlsConfig
//	ldapi://%2Fpath     Unix socket at the URL-unescaped path, mode 0777 like
//	                    slapd's; a stale socket file left at the path is removed first
//
// Pass the result to Server.Serve. It returns ErrBadURL or ErrNoTLSConfig (wrapped)
// or the error of the underlying listen.
func Listen(rawURL string, tlsConfig *tls.Config) (net.Listener, error) {
	if len(rawURL) > 8 && strings.EqualFold(rawURL[:8], "ldapi://") {
		// url.Parse rejects %2F in a host, which is exactly where ldapi puts the path.
		host, _, _ := strings.Cut(rawURL[8:], "/")
		return listenUnix(rawURL, host)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "ldap":
		return net.Listen("tcp", hostPort(u.Host, "389"))
	case "ldaps":
		if tlsConfig == nil {
			return nil, fmt.Errorf("%w: %s", ErrNoTLSConfig, rawURL)
		}
		l, err := net.Listen("tcp", hostPort(u.Host, "636"))
		if err != nil {
			return nil, err
		}
		return &tlsListener{l}, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrBadURL, rawURL)
}

// listenUnix listens on the socket path escaped in an ldapi URL's host.
func listenUnix(rawURL, host string) (net.Listener, error) {
	path, err := url.PathUnescape(host)
	if err != nil || path == "" {
		return nil, fmt.Errorf("%w: ldapi URL needs an escaped socket path: %s", ErrBadURL, rawURL)
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		// Stale only if nobody answers: never unlink a running server's socket.
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("ldapi socket %s: %w", path, syscall.EADDRINUSE)
		}
		os.Remove(path)
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	l.(*net.UnixListener).SetUnlinkOnClose(true)
	// Every local user may connect (and bind as its uid with SASL EXTERNAL),
	// as with slapd's ldapi socket; the umask would leave it to the owner.
	if err := os.Chmod(path, 0o777); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func hostPort(host, defPort string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), defPort)
}

// peercredIdentity is the SASL EXTERNAL identity of a local peer.
func peercredIdentity(uid, gid uint32) string {
	return fmt.Sprintf("gidNumber=%d+uidNumber=%d,cn=peercred,cn=external,cn=auth", gid, uid)
}
