package ldapserver

import "testing"

// TestServer_RootDSE_compare: a compare of the Root DSE is answered by the
// server from the Root DSE, as slapd does (`ldapcompare "" namingContexts:...`
// is TRUE or FALSE, an attribute the Root DSE lacks noSuchAttribute); it went
// to the backend, which holds no entry "" and answered noSuchObject.
func TestServer_RootDSE_compare(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, false)
	for _, tc := range []struct {
		attr, value string
		want        ResultCode
	}{
		{"namingContexts", testSuffix, CompareTrue},
		{"NAMINGCONTEXTS", "o=elsewhere", CompareFalse},
		{"objectClass", "top", CompareTrue},
		{"supportedExtension", OIDWhoAmI, CompareTrue},
		{"subschemaSubentry", "cn=subschema", CompareTrue},
		{"description", "x", NoSuchAttribute},
		// SASL EXTERNAL is offered only on connections that could use it.
		{"supportedSASLMechanisms", "EXTERNAL", NoSuchAttribute},
	} {
		ok, err := c.Compare("", tc.attr, tc.value)
		got := ldapCode(t, err)
		if err == nil {
			got = CompareFalse
			if ok {
				got = CompareTrue
			}
		}
		if got != tc.want {
			t.Errorf("compare \"\" %s=%s: %v (%v), want %v", tc.attr, tc.value, got, err, tc.want)
		}
	}
}
