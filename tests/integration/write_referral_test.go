package integration

import (
	"net"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// compareWith sends one compare request with ctrls on a new anonymous
// connection to url and returns its result as go-ldap's Compare would, but
// with compareTrue (6) and compareFalse (5) as errors; go-ldap's Compare
// sends no controls.
func compareWith(t *testing.T, url string, ctrls []ldap.Control, dn, attr, value string) error {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "ldap://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	msg := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 1, "MessageID"))
	req := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationCompareRequest, nil, "Compare Request")
	req.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, dn, "DN"))
	ava := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "AttributeValueAssertion")
	ava.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, attr, "AttributeDesc"))
	ava.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, value, "AssertionValue"))
	req.AppendChild(ava)
	msg.AppendChild(req)
	if len(ctrls) > 0 {
		cs := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
		for _, c := range ctrls {
			cs.AppendChild(c.Encode())
		}
		msg.AppendChild(cs)
	}
	if _, err := conn.Write(msg.Bytes()); err != nil {
		t.Fatal(err)
	}
	resp, err := ber.ReadPacket(conn)
	if err != nil {
		t.Fatal(err)
	}
	return ldap.GetLDAPError(resp)
}

// TestUpdate_referrals_matchesSlapd: without ManageDsaIT, an update or
// compare that names a referral object, or an entry below one, ends with
// a referral result carrying the object's ref URLs with the target's DN,
// as slapd (back-mdb) answers; with ManageDsaIT the referral object is an
// ordinary entry. Both servers get the same operations in the same order;
// where lightdir answers differently on purpose, the test says why and
// undoes what slapd refused, so that later operations compare like with
// like.
func TestUpdate_referrals_matchesSlapd(t *testing.T) {
	ldif := numberedPeople(2) + "dn: ou=remote,dc=example,dc=com\nobjectClass: referral\nobjectClass: extensibleObject\nou: remote\n" +
		"ref: ldap://other.example.net/ou=remote,dc=example,dc=com\nref: ldap://third.example.net/ou=elsewhere,dc=example,dc=net\n\n"
	const remote = "ou=remote,dc=example,dc=com"
	addPerson := func(c *ldap.Conn, dn string, ctrls []ldap.Control) error {
		r := ldap.NewAddRequest(dn, ctrls)
		r.Attribute("objectClass", []string{"person"})
		r.Attribute("cn", []string{"new"})
		r.Attribute("sn", []string{"new"})
		return c.Add(r)
	}
	rename := func(dn, rdn, superior string) func(c *ldap.Conn, ctrls []ldap.Control) error {
		return func(c *ldap.Conn, ctrls []ldap.Control) error {
			return c.ModifyDN(ldap.NewModifyDNWithControlsRequest(dn, rdn, true, superior, ctrls))
		}
	}
	modify := func(dn string) func(c *ldap.Conn, ctrls []ldap.Control) error {
		return func(c *ldap.Conn, ctrls []ldap.Control) error {
			r := ldap.NewModifyRequest(dn, ctrls)
			r.Replace("description", []string{"d"})
			return c.Modify(r)
		}
	}
	type op struct {
		name string
		run  func(c *ldap.Conn, ctrls []ldap.Control) error
		// ours, when set, is lightdir's deliberate answer (by ManageDsaIT);
		// undo reverts on lightdir what such an operation changed when it
		// succeeded.
		ours map[bool]string
		undo func(c *ldap.Conn) error
		// compare, when set, is a compare (DN, attribute, value) sent in
		// place of run by compareWith, so that it carries the controls.
		compare []string
	}
	// With ManageDsaIT slapd still answers referral for a name below a
	// referral object; RFC 3296 §3: the server MUST NOT generate a referral
	// from a referral object, which is then an ordinary entry without that
	// child.
	belowManaged := `code 32 matched "ou=remote,dc=example,dc=com"`
	ops := []op{
		{name: "add below", run: func(c *ldap.Conn, ctrls []ldap.Control) error { return addPerson(c, "cn=new,"+remote, ctrls) },
			ours: map[bool]string{true: "success"},
			undo: func(c *ldap.Conn) error {
				return c.Del(ldap.NewDelRequest("cn=new,"+remote, []ldap.Control{ldap.NewControlManageDsaIT(true)}))
			}},
		{name: "add two below", run: func(c *ldap.Conn, ctrls []ldap.Control) error { return addPerson(c, "cn=new,ou=x,"+remote, ctrls) },
			ours: map[bool]string{true: belowManaged}},
		{name: "add referral itself", run: func(c *ldap.Conn, ctrls []ldap.Control) error {
			r := ldap.NewAddRequest(remote, ctrls)
			r.Attribute("objectClass", []string{"organizationalUnit"})
			r.Attribute("ou", []string{"remote"})
			return c.Add(r)
		}},
		{name: "modify referral", run: modify(remote)},
		{name: "modify below", run: modify("cn=x," + remote), ours: map[bool]string{true: belowManaged}},
		{name: "compare referral", compare: []string{remote, "ou", "remote"}},
		{name: "compare below", compare: []string{"cn=x," + remote, "cn", "x"}, ours: map[bool]string{true: belowManaged}},
		{name: "rename below", run: rename("cn=x,"+remote, "cn=y", ""), ours: map[bool]string{true: belowManaged}},
		// slapd answers other (80) with "newSuperior is a referral object",
		// with ManageDsaIT too.
		{name: "move under referral", run: rename("uid=p000,ou=people,dc=example,dc=com", "uid=p000", remote),
			ours: map[bool]string{false: `code 71 matched ""`, true: "success"},
			undo: func(c *ldap.Conn) error {
				return c.ModifyDN(ldap.NewModifyDNWithControlsRequest("uid=p000,"+remote, "uid=p000", true,
					"ou=people,dc=example,dc=com", []ldap.Control{ldap.NewControlManageDsaIT(true)}))
			}},
		{name: "move below referral", run: rename("uid=p001,ou=people,dc=example,dc=com", "uid=p001", "ou=x,"+remote)},
		{name: "rename referral", run: rename(remote, "ou=moved", "")},
		{name: "rename back", run: rename("ou=moved,dc=example,dc=com", "ou=remote", "")},
		{name: "delete below", run: func(c *ldap.Conn, ctrls []ldap.Control) error {
			return c.Del(ldap.NewDelRequest("cn=x,"+remote, ctrls))
		}, ours: map[bool]string{true: belowManaged}},
		{name: "delete referral", run: func(c *ldap.Conn, ctrls []ldap.Control) error {
			return c.Del(ldap.NewDelRequest(remote, ctrls))
		}},
	}
	for _, manage := range []bool{false, true} {
		ourURL, theirURL := serveLDIF(t, ldif)
		ours, theirs := dial(t, ourURL), dial(t, theirURL)
		bindRoot(t, ours, theirs)
		var ctrls []ldap.Control
		if manage {
			ctrls = append(ctrls, ldap.NewControlManageDsaIT(true))
		}
		for _, o := range ops {
			do := func(c *ldap.Conn, url string) string {
				if o.compare != nil {
					return outcome(compareWith(t, url, ctrls, o.compare[0], o.compare[1], o.compare[2]))
				}
				return outcome(o.run(c, ctrls))
			}
			got, want := do(ours, ourURL), do(theirs, theirURL)
			if w, ok := o.ours[manage]; ok {
				t.Logf("%s manageDsaIT=%v: slapd: %s", o.name, manage, want)
				want = w
				if o.undo != nil && got == "success" {
					if err := o.undo(ours); err != nil {
						t.Fatalf("%s: undo: %v", o.name, err)
					}
				}
			}
			if got != want {
				t.Errorf("%s manageDsaIT=%v:\nlightdir: %s\nwant:     %s", o.name, manage, got, want)
			}
		}
	}
}
