package ldapserver

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.uber.org/zap/zapcore"
)

// TestConn_idleTimeoutSparesClientReceivingResults: a client still receiving
// the queued results of finished searches is not idle: the idle timeout must
// not cut the connection (and the results) while responses are being sent,
// however long the client takes to read them. slapd does not idle-close a
// connection while it is writing to it either.
func TestConn_idleTimeoutSparesClientReceivingResults(t *testing.T) {
	ts := startServer(t, Options{IdleTimeout: 300 * time.Millisecond})
	c := ts.dial(t, true)
	mod := ldap.NewModifyRequest(aliceDN, nil)
	mod.Replace("description", []string{strings.Repeat("x", 256<<10)})
	if err := c.Modify(mod); err != nil {
		t.Fatal(err)
	}
	rc := dialRaw(t, ts.addr)
	rc.conn.(*net.TCPConn).SetReadBuffer(64 << 10)
	const n = 40 // 10 MiB of results, read at about 5 MiB/s
	var reqs []byte
	for i := int64(1); i <= n; i++ {
		reqs = append(reqs, msg(i, searchOp(aliceDN, 0, presentFilter("objectClass"), "description"))...)
	}
	rc.write(reqs)
	start := time.Now()
	for done := 0; done < n; {
		time.Sleep(25 * time.Millisecond) // a client on a slow link
		m, ok := rc.read()
		if !ok {
			t.Fatalf("connection closed after %d of %d search results (%v): cut as idle while sending", done, n,
				time.Since(start).Round(time.Millisecond))
		}
		if m.tag == tagSearchDone {
			if m.code != Success {
				t.Fatalf("search %d: %v", m.id, m.code)
			}
			done++
		}
	}
	// Once everything is sent and the client stays quiet, it is idle again.
	rc.expectClosed()
}

// TestConn_clientGoneMidSearch_notAFailure: a client that disconnects in the
// middle of its searches (ldapsearch | head, a client timeout, Ctrl-C) is no
// server failure: the cut searches are logged as abandoned, not as "operation
// failed" warnings with result other (80), one per search.
func TestConn_clientGoneMidSearch_notAFailure(t *testing.T) {
	ts := startServer(t, Options{SizeLimit: -1})
	rc := dialRaw(t, ts.addr)
	rc.conn.(*net.TCPConn).SetReadBuffer(4096)
	const n = 5
	for i := int64(1); i <= n; i++ {
		rc.write(msg(i, searchOp("cn=flood", 0, presentFilter("objectClass"))))
	}
	waitFor(t, "the searches to run", func() bool { return outstanding(ts) == n })
	time.Sleep(50 * time.Millisecond) // let them fill the connection's queue
	rc.conn.Close()
	waitFor(t, "the connection to end", func() bool {
		ts.srv.mu.Lock()
		defer ts.srv.mu.Unlock()
		return len(ts.srv.conns) == 0
	})
	if warns := ts.logs.FilterLevelExact(zapcore.WarnLevel).All(); len(warns) > 0 {
		t.Errorf("%d warnings for a client that went away, first: %s %v", len(warns), warns[0].Message, warns[0].ContextMap())
	}
	for _, e := range ts.logs.FilterMessage(AccessLogMessage).All() {
		if m := e.ContextMap(); m["type"] == "SRCH" && m["code"] == "other" {
			t.Errorf("search cut by the client's disconnection logged as %v", m)
		}
	}
}

// TestConn_serverTimeLimitNotRounded: Options.TimeLimit is a duration and is
// applied as given: a server limit under a second is not rounded down to 0
// (which made it no limit at all), and 1.5s is not cut to 1s.
func TestConn_serverTimeLimitNotRounded(t *testing.T) {
	for _, limit := range []time.Duration{300 * time.Millisecond, 1500 * time.Millisecond} {
		ts := startServer(t, Options{TimeLimit: limit})
		rc := dialRaw(t, ts.addr)
		start := time.Now()
		rc.write(blockSearch(2))
		<-ts.be.searchStarted
		m, ok := rc.read()
		elapsed := time.Since(start)
		if !ok || m.id != 2 || m.code != TimeLimitExceeded {
			t.Fatalf("server time limit %v: got %+v (ok=%v) after %v, want timeLimitExceeded", limit, m, ok, elapsed)
		}
		if elapsed < limit || elapsed > limit+time.Second/2 {
			t.Errorf("server time limit %v: search ended after %v", limit, elapsed)
		}
	}
}
