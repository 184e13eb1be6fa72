package integration

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// numberedPeople is the suffix, ou=people and n people p000.. below it.
func numberedPeople(n int) string {
	var b strings.Builder
	b.WriteString(peopleBase)
	for i := range n {
		fmt.Fprintf(&b, "dn: uid=p%03d,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: p%03d\ncn: p\nsn: p\n\n", i, i)
	}
	return b.String()
}

// pagedOutcome pages through a one-level search of ou=people with the
// client's size limit: the number of entries of each page, then the
// final result code.
func pagedOutcome(c *ldap.Conn, sizeLimit int, pageSize uint32) string {
	var out []string
	var cookie []byte
	for range 100 {
		pc := ldap.NewControlPaging(pageSize)
		pc.SetCookie(cookie)
		req := ldap.NewSearchRequest("ou=people,dc=example,dc=com", ldap.ScopeSingleLevel, ldap.NeverDerefAliases, sizeLimit, 0, false,
			"(objectClass=person)", []string{"1.1"}, []ldap.Control{pc})
		res, err := c.Search(req)
		n := 0
		if res != nil {
			n = len(res.Entries)
		}
		out = append(out, fmt.Sprint(n))
		var le *ldap.Error
		if errors.As(err, &le) {
			return strings.Join(out, " ") + fmt.Sprintf(" code %d", le.ResultCode)
		}
		if err != nil {
			return strings.Join(out, " ") + " error " + err.Error()
		}
		cookie = nil
		if p, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging); ok {
			cookie = p.Cookie
		}
		if len(cookie) == 0 {
			return strings.Join(out, " ") + " code 0"
		}
	}
	return strings.Join(out, " ") + " (more than 100 pages)"
}

// TestSearch_pagedSizeLimit_matchesSlapd: a size limit bounds a paged
// search as a whole, as in slapd (back-mdb) and RFC 2696 §3, whether the
// client asked for it or it is the server's limit for clients other than
// the root DN: the pages add up to the limit, then sizeLimitExceeded.
// Paging is no way around the server's size limit.
func TestSearch_pagedSizeLimit_matchesSlapd(t *testing.T) {
	oursURL, theirsURL := serveLDIF(t, numberedPeople(520))
	ours, theirs := dial(t, oursURL), dial(t, theirsURL)
	anonOurs, anonTheirs := dial(t, oursURL), dial(t, theirsURL)
	bindRoot(t, ours, theirs)
	for _, tc := range []struct {
		sizeLimit int
		pageSize  uint32
	}{{5, 2}, {5, 5}, {5, 7}, {6, 3}, {0, 200}} {
		got, want := pagedOutcome(ours, tc.sizeLimit, tc.pageSize), pagedOutcome(theirs, tc.sizeLimit, tc.pageSize)
		if got != want {
			t.Errorf("root, size limit %d, pages of %d:\nlightdir: %s\nslapd:    %s", tc.sizeLimit, tc.pageSize, got, want)
		}
	}
	for _, pageSize := range []uint32{200, 100, 500, 600} {
		got, want := pagedOutcome(anonOurs, 0, pageSize), pagedOutcome(anonTheirs, 0, pageSize)
		if got != want {
			t.Errorf("anonymous (server size limit 500), pages of %d:\nlightdir: %s\nslapd:    %s", pageSize, got, want)
		}
	}
}
