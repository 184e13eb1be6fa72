package integration

// Differential tests of modify (and add) requests as administrators send
// them with ldapmodify and ldapadd, against slapd 2.5 (see
// write_slapd_test.go for the helpers).

import (
	"encoding/base64"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// An attribute description's options are checked in every change of a
// modify, as in add (slapd's slap_mods_check, RFC 4512 §2.5, RFC 4522):
// ";binary" only on the types whose syntax travels in binary, and there it
// is required (RFC 4523 §2.1: certificates "MUST only be transferred using
// the ;binary transfer option"). lightdir ignored ";binary" when it looked
// for the attribute a change names, so "delete: description;binary"
// deleted every description value; it took "userCertificate" without
// ";binary" in adds and modifies, and "delete: userCertificate" removed
// "userCertificate;binary". slapd answers undefinedAttributeType to all of
// these and leaves the entry alone.
func TestSlapdWrite_binaryOption(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	cert, _ := derCertAndCRL(t)
	const c1, c2 = "uid=c1," + people, "uid=c2," + people
	compareWrites(t, ours, theirs, []string{c1, c2},
		addStep("add with ;binary", c1, "objectClass: inetOrgPerson", "uid: c1", "cn: c", "sn: c", "userCertificate;binary: "+cert, "description: d"),
		addStep("add", c2, "objectClass: inetOrgPerson", "uid: c2", "cn: c", "sn: c", "description: d", "description: e"),
		addStep("add userCertificate without ;binary", "uid=c3,"+people, "objectClass: inetOrgPerson", "uid: c3", "cn: c", "sn: c", "userCertificate: "+cert),
		addStep("add description;binary", "uid=c4,"+people, "objectClass: inetOrgPerson", "uid: c4", "cn: c", "sn: c", "description;binary: x"),
		modStep("delete description;binary", c2, change(ldap.DeleteAttribute, "description;binary")),
		modStep("delete a value of description;binary", c2, change(ldap.DeleteAttribute, "description;binary", "d")),
		modStep("add to description;binary", c2, change(ldap.AddAttribute, "description;binary", "f")),
		modStep("replace description;binary", c2, change(ldap.ReplaceAttribute, "description;binary", "f")),
		modStep("delete description with an unknown option", c2, change(ldap.DeleteAttribute, "description;foo")),
		modStep("add userCertificate without ;binary", c2, change(ldap.AddAttribute, "userCertificate", cert)),
		modStep("replace userCertificate without ;binary", c2, change(ldap.ReplaceAttribute, "userCertificate", cert)),
		modStep("delete userCertificate without ;binary", c1, change(ldap.DeleteAttribute, "userCertificate")),
		modStep("delete a value of userCertificate without ;binary", c1, change(ldap.DeleteAttribute, "userCertificate", cert)),
		modStep("add userCertificate;binary", c2, change(ldap.AddAttribute, "userCertificate;binary", cert)),
		modStep("delete a value of userCertificate;binary", c1, change(ldap.DeleteAttribute, "userCertificate;binary", cert)),
	)
}

// Certificates and certificate lists must be DER X.509 structures (RFC
// 4523 §2.1, §2.2; slapd's certificateValidate and
// certificateListValidate): lightdir stored any non-empty value, so a PEM
// file written with "userCertificate;binary:< file://cert.pem" (a common
// mistake), a CRL given as a certificate or plain garbage went in, and
// every client reading the certificate then failed on it. slapd answers
// invalidAttributeSyntax.
func TestSlapdWrite_certificateSyntax(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	cert, crl := derCertAndCRL(t)
	pem := "-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString([]byte(cert)) + "\n-----END CERTIFICATE-----\n"
	const c1 = "uid=c1," + people
	person := func(uid string, extra ...string) []string {
		return append([]string{"objectClass: inetOrgPerson", "uid: " + uid, "cn: c", "sn: c"}, extra...)
	}
	cdp := func(cn, value string) writeStep {
		return addStep("add certificateRevocationList;binary: "+cn, "cn="+cn+","+people, "objectClass: cRLDistributionPoint", "cn: "+cn,
			"certificateRevocationList;binary: "+value)
	}
	compareWrites(t, ours, theirs, []string{c1, "cn=crl," + people},
		addStep("add a certificate", c1, person("c1", "userCertificate;binary: "+cert)...),
		addStep("add PEM as a certificate", "uid=c2,"+people, person("c2", "userCertificate;binary: "+pem)...),
		addStep("add a CRL as a certificate", "uid=c3,"+people, person("c3", "userCertificate;binary: "+crl)...),
		addStep("add garbage as a certificate", "uid=c4,"+people, person("c4", "userCertificate;binary: garbage")...),
		addStep("add a certificate cut short", "uid=c5,"+people, person("c5", "userCertificate;binary: "+cert[:len(cert)-1])...),
		addStep("add a certificate with trailing bytes", "uid=c6,"+people, person("c6", "userCertificate;binary: "+cert+"\x00\x00")...),
		addStep("add an empty SEQUENCE as a certificate", "uid=c7,"+people, person("c7", "userCertificate;binary: \x30\x00")...),
		cdp("crl", crl),
		cdp("crl2", cert),
		cdp("crl3", "garbage"),
		cdp("crl4", crl[:len(crl)-1]),
		modStep("modify add PEM", c1, change(ldap.AddAttribute, "userCertificate;binary", pem)),
		modStep("modify replace by garbage", c1, change(ldap.ReplaceAttribute, "userCertificate;binary", "garbage")),
		modStep("modify add a CA certificate", c1, change(ldap.AddAttribute, "objectClass", "pkiCA"), change(ldap.AddAttribute, "cACertificate;binary", cert)),
		modStep("modify add a CRL as a CA certificate", c1, change(ldap.AddAttribute, "objectClass", "pkiCA"), change(ldap.AddAttribute, "cACertificate;binary", crl)),
	)
}

// Values of an attribute without an equality rule (jpegPhoto, audio,
// photo) can be neither found to delete nor compared with the values an
// add brings: slapd answers inappropriateMatching to a modify that deletes
// some of them or adds more (X.511 §11.3.2 for removeValues), and takes
// replace and the deletion of the whole attribute. lightdir compared the
// octets and went on.
func TestSlapdWrite_noEqualityRule(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const p = "uid=p1," + people
	compareWrites(t, ours, theirs, []string{p},
		addStep("add", p, "objectClass: inetOrgPerson", "uid: p1", "cn: p", "sn: p", "jpegPhoto: \xff\xd8one"),
		modStep("add a value", p, change(ldap.AddAttribute, "jpegPhoto", "\xff\xd8two")),
		modStep("add the same value", p, change(ldap.AddAttribute, "jpegPhoto", "\xff\xd8one")),
		modStep("delete a value", p, change(ldap.DeleteAttribute, "jpegPhoto", "\xff\xd8one")),
		modStep("delete a value of an absent attribute", p, change(ldap.DeleteAttribute, "audio", "x")),
		modStep("add to an absent attribute", p, change(ldap.AddAttribute, "audio", "x")),
		modStep("replace", p, change(ldap.ReplaceAttribute, "jpegPhoto", "\xff\xd8three", "\xff\xd8four")),
		modStep("delete the attribute", p, change(ldap.DeleteAttribute, "audio")),
	)
}

// lightdir stores a cleartext userPassword hashed, so the value a client
// wrote is not the value stored; a modify that names the password it
// wrote (the delete-old/add-new change of a password, or adding it again)
// must still find it, as it finds it in slapd, which stores what it is
// given. lightdir answered noSuchAttribute to "delete: userPassword /
// userPassword: old" (the password could not be changed that way) and
// added a second hash of a password already present.
func TestSlapdWrite_userPasswordValues(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const p = "uid=p1," + people
	compareWrites(t, ours, theirs, nil,
		addStep("add", p, "objectClass: inetOrgPerson", "uid: p1", "cn: p", "sn: p", "userPassword: old"),
		modStep("add the same password", p, change(ldap.AddAttribute, "userPassword", "old")),
		modStep("delete a wrong old password, add a new one", p, change(ldap.DeleteAttribute, "userPassword", "wrong"), change(ldap.AddAttribute, "userPassword", "new")),
		modStep("delete the old password, add a new one", p, change(ldap.DeleteAttribute, "userPassword", "old"), change(ldap.AddAttribute, "userPassword", "new")),
	)
	for _, c := range []struct {
		pw   string
		want bool
	}{{"old", false}, {"new", true}} {
		for name, conn := range map[string]*ldap.Conn{"lightdir": ours, "slapd": theirs} {
			if err := conn.Bind(p, c.pw); (err == nil) != c.want {
				t.Errorf("%s: bind with %q: %v, want success %v", name, c.pw, err, c.want)
			}
		}
	}
}

// The RDN value an add or a modify DN puts into the entry is stored in the
// same canonical form as the values a modify writes (see
// TestSlapdWrite_prettyValues) and as the entry's DN shows it: slapd
// stores "member: uid=U1,ou=PEOPLE,dc=EXAMPLE,dc=COM" for the new RDN
// "member=UID=U1\,OU=PEOPLE\,DC=EXAMPLE\,DC=COM"; lightdir stored it as
// written.
func TestSlapdWrite_prettyRDNValues(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const g = "member=uid\\3Du1\\2Cou\\3Dpeople\\2Cdc\\3Dexample\\2Cdc\\3Dcom," + people
	const renamed = "member=UID\\3DU1\\2COU\\3DPEOPLE\\2CDC\\3DEXAMPLE\\2CDC\\3DCOM," + people
	compareWrites(t, ours, theirs, []string{renamed, "member=UID\\3Du2\\2C OU\\3Dpeople\\2Cdc\\3Dexample\\2Cdc\\3Dcom," + people},
		addStep("add a group named by its member", g, "objectClass: groupOfNames", "cn: g", "member: uid=u1,ou=people,dc=example,dc=com"),
		renameStep("rename to another spelling", g, "member=UID=U1\\,OU=PEOPLE\\,DC=EXAMPLE\\,DC=COM", true, ""),
		addStep("add a group whose RDN gives the member", "member=UID\\3Du2\\2C OU\\3Dpeople\\2Cdc\\3Dexample\\2Cdc\\3Dcom,"+people,
			"objectClass: groupOfNames", "cn: g2"),
	)
}

// A modify DN whose new name is one of the entry's ancestors is refused by
// name, as slapd does ("cannot place an entry above itself",
// unwillingToPerform), whether or not the entry exists; lightdir answered
// entryAlreadyExists, or noSuchObject for a missing entry. The random write
// test found it.
func TestSlapdWrite_renameAboveItself(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	const sub, c1 = "ou=sub2," + people, "cn=c1,ou=sub2," + people
	compareWrites(t, ours, theirs, []string{sub, c1},
		addStep("add", sub, "objectClass: organizationalUnit", "ou: sub2"),
		addStep("add", c1, "objectClass: person", "cn: c1", "sn: c"),
		renameStep("rename to the parent's name", c1, "ou=sub2", true, people),
		renameStep("rename to the grandparent's name", c1, "ou=people", true, "dc=example,dc=com"),
		renameStep("rename a missing entry to its parent's name", "cn=zz,"+sub, "ou=sub2", true, people),
		renameStep("rename below a missing parent to its name", "cn=zz,ou=nope,"+people, "ou=nope", true, people),
	)
}

// A DN of spaces alone is no DN: slapd answers invalidDNSyntax to a search,
// compare or bind naming it. lightdir took it for the empty DN (a compare
// of the Root DSE succeeded), or answered noSuchObject or
// invalidCredentials.
func TestSlapd_dnOfSpaces(t *testing.T) {
	ours, theirs := serveBothAsRoot(t, writeFixture)
	for name, c := range map[string]*ldap.Conn{"lightdir": ours, "slapd": theirs} {
		_, err := c.Search(ldap.NewSearchRequest("   ", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
		if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidDNSyntax) {
			t.Errorf("%s: search based at spaces: %v, want invalidDNSyntax", name, err)
		}
		if _, err := c.Compare("   ", "objectClass", "top"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidDNSyntax) {
			t.Errorf("%s: compare of spaces: %v, want invalidDNSyntax", name, err)
		}
		if err := c.Bind("   ", "x"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidDNSyntax) {
			t.Errorf("%s: bind as spaces: %v, want invalidDNSyntax", name, err)
		}
	}
}
