package integration

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// writeCase is one operation of TestWrite_aliasesAndClasses_matchSlapd,
// run on a root-bound connection; it returns the outcome to compare.
type writeCase struct {
	name string
	run  func(c *ldap.Conn) string
}

const sfx = ",dc=example,dc=com"

// TestWrite_aliasesAndClasses_matchSlapd: the same writes, compares and
// assertion-controlled modifies, run in the same order on lightdir and on
// slapd (back-mdb) over the alias fixture, give the same result codes and
// matched DNs, and leave the same entries behind: entries cannot be added
// or moved below an alias, aliasedObjectName is a single DN held only by
// aliases, and (objectClass=person) holds for an inetOrgPerson entry in
// search filters, compare and the assertion control.
func TestWrite_aliasesAndClasses_matchSlapd(t *testing.T) {
	ours, theirs := serveAliasFixture(t)
	for _, c := range []*ldap.Conn{ours, theirs} {
		if err := c.Bind("cn=admin,dc=example,dc=com", "secret"); err != nil {
			t.Fatal(err)
		}
	}
	for _, wc := range writeCases() {
		got, want := wc.run(ours), wc.run(theirs)
		if got != want {
			t.Errorf("%s:\nlightdir: %s\nslapd:    %s", wc.name, got, want)
		}
	}
	all := ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"objectClass", "ou", "cn", "aliasedObjectName"}, nil)
	if got, want := dump(ours, all), dump(theirs, all); got != want {
		t.Errorf("entries after the writes differ:\nlightdir:\n%s\nslapd:\n%s", got, want)
	}
}

func writeCases() []writeCase {
	ou := func(dn string, extra ...string) writeCase {
		return writeCase{"add " + dn, func(c *ldap.Conn) string {
			r := ldap.NewAddRequest(dn+sfx, nil)
			r.Attribute("objectClass", []string{"organizationalUnit"})
			r.Attribute("ou", []string{strings.TrimPrefix(strings.Split(dn, ",")[0], "ou=")})
			for _, kv := range extra {
				k, v, _ := strings.Cut(kv, ": ")
				r.Attribute(k, []string{v})
			}
			return outcome(c.Add(r))
		}}
	}
	alias := func(dn string, targets ...string) writeCase {
		return writeCase{fmt.Sprintf("add alias %s -> %q", dn, targets), func(c *ldap.Conn) string {
			r := ldap.NewAddRequest(dn+sfx, nil)
			r.Attribute("objectClass", []string{"alias", "extensibleObject"})
			r.Attribute("ou", []string{strings.TrimPrefix(strings.Split(dn, ",")[0], "ou=")})
			if len(targets) > 0 {
				r.Attribute("aliasedObjectName", targets)
			}
			return outcome(c.Add(r))
		}}
	}
	move := func(dn, rdn, sup string) writeCase {
		return writeCase{fmt.Sprintf("moddn %s -> %s under %s", dn, rdn, sup), func(c *ldap.Conn) string {
			full := ""
			if sup != "" {
				full = sup + sfx
			}
			return outcome(c.ModifyDN(ldap.NewModifyDNRequest(dn+sfx, rdn, true, full)))
		}}
	}
	modify := func(name, dn string, f func(r *ldap.ModifyRequest)) writeCase {
		return writeCase{"modify " + dn + ": " + name, func(c *ldap.Conn) string {
			r := ldap.NewModifyRequest(dn+sfx, nil)
			f(r)
			return outcome(c.Modify(r))
		}}
	}
	compare := func(dn, attr, val string) writeCase {
		return writeCase{fmt.Sprintf("compare %s %s=%s", dn, attr, val), func(c *ldap.Conn) string {
			ok, err := c.Compare(dn+sfx, attr, val)
			if err != nil {
				return outcome(err)
			}
			return fmt.Sprint("compare ", ok)
		}}
	}
	asserted := func(dn, filter string) writeCase {
		return writeCase{"modify " + dn + " asserting " + filter, func(c *ldap.Conn) string {
			pkt, err := ldap.CompileFilter(filter)
			if err != nil {
				return outcome(err)
			}
			r := ldap.NewModifyRequest(dn+sfx, []ldap.Control{ldap.NewControlString("1.3.6.1.1.12", true, string(pkt.Bytes()))})
			r.Replace("description", []string{"asserted " + filter})
			return outcome(c.Modify(r))
		}}
	}
	search := func(filter string) writeCase {
		return writeCase{"search " + filter, func(c *ldap.Conn) string {
			return searchOutcome(c, ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree,
				ldap.NeverDerefAliases, 0, 0, false, filter, []string{"1.1"}, nil))
		}}
	}
	return []writeCase{
		ou("ou=x,ou=toalice,ou=links"),      // parent is an alias
		ou("ou=y,ou=x,ou=toalice,ou=links"), // the name passes through an alias
		ou("ou=x,ou=dangling,ou=links"),     // a broken alias is still an alias
		ou("ou=x,ou=loop1,ou=links"),        // so is one in a loop
		ou("ou=x,ou=nothere,ou=links"),      // a plain missing parent
		move("cn=g1,ou=groups", "cn=g1", "ou=togroups,ou=links"),
		move("cn=g1,ou=groups", "cn=g1", "ou=dangling,ou=links"),
		move("cn=g1,ou=groups", "cn=g1", "ou=q,ou=togroups,ou=links"),
		move("cn=g1,ou=groups", "cn=g1", "ou=q,ou=groups"),
		move("ou=x,ou=toalice,ou=links", "ou=z", ""), // the entry's name passes through an alias
		alias("ou=a2,ou=links", "ou=people,dc=example,dc=com", "ou=groups,dc=example,dc=com"),
		alias("ou=a3,ou=links", "not a dn"),
		alias("ou=a4,ou=links"),
		alias("ou=a5,ou=links", ""),
		alias("ou=a6,ou=links", "ou=a6,ou=links,dc=example,dc=com"),
		ou("ou=a8,ou=links", "objectClass: extensibleObject", "aliasedObjectName: ou=people,dc=example,dc=com"),
		modify("second aliasedObjectName", "ou=toalice,ou=links", func(r *ldap.ModifyRequest) {
			r.Add("aliasedObjectName", []string{"ou=people,dc=example,dc=com"})
		}),
		modify("bad aliasedObjectName", "ou=toalice,ou=links", func(r *ldap.ModifyRequest) {
			r.Replace("aliasedObjectName", []string{"=bad"})
		}),
		modify("no aliasedObjectName", "ou=toalice,ou=links", func(r *ldap.ModifyRequest) {
			r.Delete("aliasedObjectName", nil)
		}),
		modify("aliasedObjectName on a container", "ou=groups", func(r *ldap.ModifyRequest) {
			r.Add("objectClass", []string{"extensibleObject"})
			r.Add("aliasedObjectName", []string{"ou=people,dc=example,dc=com"})
		}),
		modify("retarget", "ou=toalice2,ou=links", func(r *ldap.ModifyRequest) {
			r.Replace("aliasedObjectName", []string{"uid=bob,ou=people,dc=example,dc=com"})
		}),
		move("ou=toalice,ou=links", "ou=renamed", ""),
		move("ou=togroups,ou=links", "ou=togroups", "ou=people"),
		ou("ou=x,ou=togroups,ou=people"),
		compare("uid=alice,ou=people", "objectClass", "person"),
		compare("uid=alice,ou=people", "objectClass", "organizationalPerson"),
		compare("uid=alice,ou=people", "objectClass", "top"),
		compare("uid=alice,ou=people", "objectClass", "2.5.6.6"),
		compare("uid=alice,ou=people", "objectClass", "inetOrgPerson"),
		compare("uid=alice,ou=people", "objectClass", "organizationalUnit"),
		compare("ou=people", "objectClass", "person"),
		compare("ou=toalice2,ou=links", "objectClass", "top"),
		asserted("uid=alice,ou=people", "(objectClass=person)"),
		asserted("uid=alice,ou=people", "(objectClass=organizationalUnit)"),
		asserted("uid=bob,ou=people", "(&(objectClass=organizationalPerson)(uid=bob))"),
		asserted("cn=g1,ou=groups", "(!(objectClass=person))"),
		search("(objectClass=person)"),
		search("(objectClass=organizationalPerson)"),
		search("(objectClass=top)"),
		search("(!(objectClass=person))"),
		search("(&(objectClass=person)(uid=alice))"),
		search("(objectClass:=person)"),
		search("(objectClass:objectIdentifierMatch:=person)"),
		search("(|(objectClass=organizationalPerson)(objectClass=alias))"),
	}
}

// outcome is "success" or an operation's result code, matched DN (as
// returned: both servers return it in the stored form) and referral URLs.
func outcome(err error) string {
	var le *ldap.Error
	if errors.As(err, &le) {
		out := fmt.Sprintf("code %d matched %q", le.ResultCode, le.MatchedDN)
		if le.Packet != nil && len(le.Packet.Children) > 1 {
			for _, c := range le.Packet.Children[1].Children {
				if c.ClassType == ber.ClassContext && c.Tag == 3 {
					for _, u := range c.Children {
						out += fmt.Sprintf(" ref %v", u.Value)
					}
				}
			}
		}
		return out
	}
	if err != nil {
		return "error " + err.Error()
	}
	return "success"
}

// dump lists the entries a search returns with the requested attributes,
// values lower-cased and sorted, one entry per line.
func dump(c *ldap.Conn, req *ldap.SearchRequest) string {
	res, err := c.Search(req)
	if err != nil {
		return outcome(err)
	}
	var lines []string
	for _, e := range res.Entries {
		line := strings.ToLower(e.DN)
		for _, name := range req.Attributes {
			vals := e.GetAttributeValues(name)
			for i := range vals {
				vals[i] = strings.ToLower(vals[i])
			}
			slices.Sort(vals)
			if len(vals) > 0 {
				line += fmt.Sprintf(" %s=%v", strings.ToLower(name), vals)
			}
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
