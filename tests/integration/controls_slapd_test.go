package integration

// Differential tests of request controls: the same requests, with the
// same controls, go to slapd 2.5 (back-mdb; with the sssvlv overlay where
// sorting is involved) and to lightdir, and the answers must agree.

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// serveBothSorting is serveBoth with slapd's sssvlv overlay loaded, so that
// slapd sorts (RFC 2891) too.
func serveBothSorting(t *testing.T, ldif string) (ours, theirs *ldap.Conn) {
	t.Helper()
	fixture := filepath.Join(t.TempDir(), "fixture.ldif")
	writeFile(t, fixture, ldif)
	slapdURL := startSlapd(t, fixture, []string{"core", "cosine", "inetorgperson", "nis"},
		"maxsize 104857600\nindex objectClass eq\nmoduleload sssvlv\noverlay sssvlv\nsssvlv-max 10000\nsssvlv-maxperconn 64\n")
	oursURL, _ := serveLDIFLightdirOnly(t, fixture, "")
	return dial(t, oursURL), dial(t, slapdURL)
}

// sortedSearch runs a one-level search under ou=people with the sort keys
// (attribute[:orderingRule][:r] each) and returns the result code and the
// RDNs in the order returned.
func sortedSearch(c *ldap.Conn, filter string, critical bool, keys ...string) string {
	var sk []*ldap.SortKey
	for _, k := range keys {
		parts := strings.Split(k, ":")
		key := &ldap.SortKey{AttributeType: parts[0]}
		for _, p := range parts[1:] {
			if p == "r" {
				key.Reverse = true
			} else {
				key.MatchingRule = p
			}
		}
		sk = append(sk, key)
	}
	ctl := &ldap.ControlServerSideSorting{SortKeys: sk}
	var ctls []ldap.Control = []ldap.Control{ctl}
	if critical {
		ctls = []ldap.Control{criticalControl{ctl}}
	}
	res, err := c.Search(ldap.NewSearchRequest(people, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		filter, []string{"1.1"}, ctls))
	out := "resultCode 0"
	var le *ldap.Error
	if errors.As(err, &le) {
		out = fmt.Sprintf("resultCode %d", le.ResultCode)
	} else if err != nil {
		return "error " + err.Error()
	}
	if res != nil {
		for _, e := range res.Entries {
			rdn, _, _ := strings.Cut(e.DN, ",")
			out += " " + rdn
		}
	}
	return out
}

// criticalControl sends a control with criticality TRUE.
type criticalControl struct{ ldap.Control }

func (c criticalControl) Encode() *ber.Packet {
	p := c.Control.Encode()
	out := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
	out.AppendChild(p.Children[0])
	out.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, true, "Criticality"))
	for _, k := range p.Children[1:] {
		if k.ClassType != ber.ClassUniversal || k.Tag != ber.TagBoolean {
			out.AppendChild(k)
		}
	}
	return out
}

// A sort request may name an attribute type more than once (RFC 2891 does
// not forbid it): a tagged subtype (cn;lang-de) next to the plain type,
// the same type under another name, or a case-insensitive key with a
// case-sensitive tie-breaker. slapd's sssvlv sorts by every key; lightdir
// refused the request ("appears twice": unwillingToPerform in the sort
// response and unsorted results, unavailableCriticalExtension when
// critical).
func TestSlapdControls_sortSameAttributeTwice(t *testing.T) {
	var ldif strings.Builder
	ldif.WriteString(peopleBase)
	// Case-insensitively the least cn of each entry is the same "abc".
	for i, v := range []string{"Abc", "abc", "ABC"} {
		fmt.Fprintf(&ldif, "dn: cn=t%d,ou=people,dc=example,dc=com\nobjectClass: person\ncn: t%d\ncn: %s\ncn;lang-de: zz %c\nsn: s\n\n",
			i+1, i+1, v, "bac"[i])
	}
	ours, theirs := serveBothSorting(t, ldif.String())
	for _, keys := range [][]string{
		{"cn;lang-de:caseIgnoreOrderingMatch", "cn:caseIgnoreOrderingMatch"},
		{"cn:caseIgnoreOrderingMatch", "cn;lang-de:caseIgnoreOrderingMatch:r"},
		{"cn:caseIgnoreOrderingMatch:r", "commonName:caseIgnoreOrderingMatch"},
	} {
		for _, critical := range []bool{false, true} {
			got, want := sortedSearch(ours, "(cn=t*)", critical, keys...), sortedSearch(theirs, "(cn=t*)", critical, keys...)
			if got != want {
				t.Errorf("sort %v critical=%v\nlightdir: %s\nslapd:    %s", keys, critical, got, want)
			}
		}
	}
	// sssvlv compares cn's equality-normalized (case-folded) values under
	// every ordering rule, so its case-sensitive tie-breaker ties too;
	// RFC 2891 orders by the rule named: "ABC" < "Abc" < "abc".
	keys := []string{"cn:caseIgnoreOrderingMatch:r", "cn:caseExactOrderingMatch"}
	if got, want := sortedSearch(ours, "(cn=t*)", true, keys...), "resultCode 0 cn=t3 cn=t1 cn=t2"; got != want {
		t.Errorf("sort %v\ngot  %s\nwant %s", keys, got, want)
	}
}

// TestSlapdControls_permissiveModifyOnAdd: the permissive modify control
// applies to modify only; critical on an add it is
// unavailableCriticalExtension (12) in both servers, and ignored when not
// critical.
func TestSlapdControls_permissiveModifyOnAdd(t *testing.T) {
	oursURL, theirsURL := serveLDIF(t, authFixture)
	for i, critical := range []bool{true, false} {
		var codes []string
		for _, url := range []string{oursURL, theirsURL} {
			c := dial(t, url)
			if err := c.Bind(rootDN, "secret"); err != nil {
				t.Fatal(err)
			}
			var ctl ldap.Control = ldap.NewControlString("1.2.840.113556.1.4.1413", false, "")
			if critical {
				ctl = ldap.NewControlString("1.2.840.113556.1.4.1413", true, "")
			}
			add := ldap.NewAddRequest(fmt.Sprintf("cn=perm%d,dc=example,dc=com", i), []ldap.Control{ctl})
			add.Attribute("objectClass", []string{"device"})
			add.Attribute("cn", []string{fmt.Sprintf("perm%d", i)})
			codes = append(codes, outcome(c.Add(add)))
			c.Close()
		}
		if codes[0] != codes[1] {
			t.Errorf("critical %v: add with permissive modify: lightdir %s, slapd %s", critical, codes[0], codes[1])
		}
	}
}

// TestSlapdControls_repeated: a control given twice in one request is
// protocolError (2) in both servers ("specified multiple times" in slapd);
// lightdir used the last one.
func TestSlapdControls_repeated(t *testing.T) {
	oursURL, theirsURL := serveLDIF(t, authFixture)
	paged := func() ldap.Control { return ldap.NewControlPaging(10) }
	manage := func() ldap.Control { return ldap.NewControlManageDsaIT(false) }
	for _, tc := range []struct {
		name string
		ctls []ldap.Control
	}{
		{"paged twice", []ldap.Control{paged(), paged()}},
		{"manageDsaIT twice", []ldap.Control{manage(), manage()}},
		{"paged and manageDsaIT", []ldap.Control{paged(), manage()}},
	} {
		var codes []string
		for _, url := range []string{oursURL, theirsURL} {
			c := dial(t, url)
			_, err := c.Search(ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
				"(objectClass=*)", []string{"1.1"}, tc.ctls))
			codes = append(codes, outcome(err))
			c.Close()
		}
		if codes[0] != codes[1] {
			t.Errorf("%s: lightdir %s, slapd %s", tc.name, codes[0], codes[1])
		}
	}
}
