package schema

import "testing"

// TestDefault_loads checks that the built-in schemas load and resolve.
func TestDefault_loads(t *testing.T) {
	r := Default()
	for _, name := range []string{"cn", "commonName", "CN", "2.5.4.3", "sn", "mail", "uidNumber", "entryUUID", "entryCSN", "createTimestamp",
		"modifyTimestamp", "creatorsName", "modifiersName", "structuralObjectClass", "hasSubordinates", "numSubordinates", "subschemaSubentry", "entryDN"} {
		if r.AttributeType(name) == nil {
			t.Errorf("attribute type %q missing", name)
		}
	}
	for _, name := range []string{"top", "person", "inetOrgPerson", "posixAccount", "shadowAccount", "posixGroup", "subschema", "dcObject", "domain", "account"} {
		if r.ObjectClass(name) == nil {
			t.Errorf("object class %q missing", name)
		}
	}
}
