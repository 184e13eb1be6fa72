package backend

import (
	"context"
	"testing"

	"lightdir/ldapserver"
)

// TestPasswordModify_schemaChecked: the password modify extended
// operation on an entry whose object classes do not allow userPassword
// is refused with objectClassViolation, as slapd does (it runs the change
// as a modify), and stores nothing; otherwise the entry is left
// violating its schema and every later modify of it fails.
func TestPasswordModify_schemaChecked(t *testing.T) {
	b := openTest(t, testOptions(t))
	ctx := context.Background()
	mustAdd(t, b, "cn=dev1,"+testSuffix, "objectClass: device", "cn: dev1")
	_, err := b.PasswordModify(ctx, &ldapserver.PasswordModifyRequest{Header: rootHdr(),
		UserIdentity: "dn:cn=dev1," + testSuffix, NewPassword: []byte("newpw")})
	if codeOf(err) != ldapserver.ObjectClassViolation {
		t.Errorf("password modify on a device: %v, want objectClassViolation", err)
	}
	_, err = b.Modify(ctx, &ldapserver.ModifyRequest{Header: rootHdr(), DN: mustDN(t, "cn=dev1,"+testSuffix),
		Changes: []ldapserver.Change{change(ldapserver.ModReplace, "description", "d")}})
	if err != nil {
		t.Errorf("modify of the device afterwards: %v", err)
	}
}
