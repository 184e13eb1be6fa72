package integration

import (
	"fmt"
	"regexp"
	"sync"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// TestServe_kill9DuringWrites: kill -9 while clients add entries; after a
// restart every add that was acknowledged is there, and `lightdir check` (when
// the binary has it) passes on the stopped database.
func TestServe_kill9DuringWrites(t *testing.T) {
	dir := t.TempDir()
	env := []string{"LIGHTDIR_ROOTPW=secret"}
	s := startServer(t, dir, env, "-l", "ldap://127.0.0.1:0")
	url := s.url("ldap")

	const writers = 3
	var mu sync.Mutex
	var acked []string
	enough := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := ldap.DialURL(url)
			if err != nil {
				return
			}
			defer c.Close()
			if c.Bind(rootDN, "secret") != nil {
				return
			}
			for i := 0; ; i++ {
				dn := fmt.Sprintf("cn=w%d-%d,dc=example,dc=com", w, i)
				req := ldap.NewAddRequest(dn, nil)
				req.Attribute("objectClass", []string{"device"})
				req.Attribute("cn", []string{fmt.Sprintf("w%d-%d", w, i)})
				if err := c.Add(req); err != nil {
					return // the server died (or refused): not acknowledged
				}
				mu.Lock()
				acked = append(acked, dn)
				if len(acked) >= 300 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	<-enough
	s.kill9()
	wg.Wait()

	s = startServer(t, dir, env, "-l", "ldap://127.0.0.1:0")
	c := dial(t, s.url("ldap"))
	for _, dn := range acked {
		res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", []string{"cn"}, nil))
		if err != nil || len(res.Entries) != 1 {
			t.Fatalf("acknowledged %s lost after kill -9: %v", dn, err)
		}
	}
	s.stop()
	if _, help, _ := lightdir(t, dir, "help"); !regexp.MustCompile(`(?m)^  check\s`).MatchString(help) {
		t.Log("lightdir check not in this build; database check skipped")
		return
	}
	if code, out, errs := lightdir(t, dir, "check"); code != 0 {
		t.Fatalf("lightdir check after kill -9: exit %d\n%s%s", code, out, errs)
	}
}
