package backend

import (
	"fmt"
	"testing"

	"lightdir/ldapserver"
)

// ";binary" is recognized only on the types whose values travel in binary
// (RFC 4522: certificates, certificate lists and pairs, supported
// algorithms); elsewhere it is an unrecognized option, which makes the
// description unrecognized (RFC 4512 §2.5), and an unrecognized
// description in a search's attribute list selects nothing (RFC 4511
// §4.5.1.8), as in slapd. lightdir dropped the option and returned cn for
// "cn;binary" and jpegPhoto for "jpegPhoto;binary".
func TestSearch_binaryOptionOnOtherTypesSelectsNothing(t *testing.T) {
	b := openTest(t, testOptions(t))
	dn := "uid=p," + testSuffix
	mustAdd(t, b, dn, person("p", "jpegPhoto: JFIF", "cn;lang-en: P")...)
	for _, tc := range []struct {
		attrs []string
		want  string
	}{
		{[]string{"cn;binary"}, "[]"},
		{[]string{"jpegPhoto;binary"}, "[]"},
		{[]string{"CN;BINARY", "sn"}, "[sn]"},
		{[]string{"cn;lang-en;binary"}, "[]"},
		{[]string{"jpegPhoto"}, "[jpegPhoto]"},
		{[]string{"cn;lang-en"}, "[cn;lang-en]"},
	} {
		c, err := doSearch(t, b, dn, ldapserver.ScopeBase, "(objectClass=*)", tc.attrs...)
		if err != nil || len(c.entries) != 1 {
			t.Fatalf("%q: %v", tc.attrs, err)
		}
		var got []string
		for _, a := range c.entries[0].Attributes {
			got = append(got, a.Type)
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("attributes %q: got %v, want %s", tc.attrs, got, tc.want)
		}
	}
}
