package schema

import (
	"fmt"
	"testing"
)

// BenchmarkNormalize_caseIgnore measures the ASCII fast path of RFC 4518 preparation.
func BenchmarkNormalize_caseIgnore(b *testing.B) {
	mr := Default().MatchingRule("caseIgnoreMatch")
	v := []byte("  John   SMITH  of Example Corp ")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = mr.Normalize(buf[:0], v)
	}
}

// BenchmarkNormalize_caseIgnoreUnicode measures the general Unicode path.
func BenchmarkNormalize_caseIgnoreUnicode(b *testing.B) {
	mr := Default().MatchingRule("caseIgnoreMatch")
	v := []byte("  Jürgen   STRAßE  Ærøskøbing ")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = mr.Normalize(buf[:0], v)
	}
}

// BenchmarkNormalize_telephone measures telephoneNumberMatch normalization of an MSISDN.
func BenchmarkNormalize_telephone(b *testing.B) {
	mr := Default().MatchingRule("telephoneNumberMatch")
	v := []byte("+49 170 000-4242")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = mr.Normalize(buf[:0], v)
	}
}

// BenchmarkNormalizeDN measures full DN normalization.
func BenchmarkNormalizeDN(b *testing.B) {
	r := Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.NormalizeDNString("UID=jsmith, OU=People, DC=Example, DC=COM"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatcher_Match evaluates a typical search filter against a typical entry, with
// the entry's values already normalized (as the backend stores them) and without.
func BenchmarkMatcher_Match(b *testing.B) {
	r := Default()
	f, err := ParseFilter("(&(objectClass=inetOrgPerson)(|(telephoneNumber=+49 151 2345)(cn=john sm*)))")
	if err != nil {
		b.Fatal(err)
	}
	m := r.Compile(f)
	b.Run("prepared", func(b *testing.B) {
		e := johnEntry(b)
		r.PrepareEntry(e)
		b.ReportAllocs()
		for b.Loop() {
			if m.Match(e) != True {
				b.Fatal("no match")
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		e := johnEntry(b)
		b.ReportAllocs()
		for b.Loop() {
			if m.Match(e) != True {
				b.Fatal("no match")
			}
		}
	})
}

// BenchmarkParseFilter measures parsing a typical filter string.
func BenchmarkParseFilter(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFilter("(&(objectClass=inetOrgPerson)(|(telephoneNumber=+49 151 2345)(cn=john sm*)))"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckEntry checks a telco subscriber entry as an add or an
// import does (types already resolved).
func BenchmarkCheckEntry(b *testing.B) {
	r := Default()
	dn, err := ParseDN("uid=001010000012345,ou=subscribers,dc=example,dc=com")
	if err != nil {
		b.Fatal(err)
	}
	e := &Entry{DN: dn}
	for _, a := range [][2]string{{"objectClass", "inetOrgPerson"}, {"uid", "001010000012345"},
		{"telephoneNumber", "467000012345"}, {"mail", "467000012345@example.com"}, {"cn", "Subscriber 12345"},
		{"sn", "12345"}, {"description", "plan-3"}} {
		e.Attrs = append(e.Attrs, Attribute{Desc: a[0], Values: [][]byte{[]byte(a[1])}, Type: r.AttributeType(a[0])})
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.CheckEntry(e, CheckOptions{Internal: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatcher_Match_objectClassMiss evaluates (objectClass=X) on a
// prepared entry of another class, the case where every value is tested.
func BenchmarkMatcher_Match_objectClassMiss(b *testing.B) {
	r := Default()
	f, err := ParseFilter("(objectClass=organizationalUnit)")
	if err != nil {
		b.Fatal(err)
	}
	m := r.Compile(f)
	e := johnEntry(b)
	r.PrepareEntry(e)
	b.ReportAllocs()
	for b.Loop() {
		if m.Match(e) != False {
			b.Fatal("match")
		}
	}
}

// BenchmarkCheckEntry_group checks a groupOfNames with 2000 prepared
// members, as a modify that adds one member does.
func BenchmarkCheckEntry_group(b *testing.B) {
	r := Default()
	dn, err := ParseDN("cn=staff,ou=groups,dc=example,dc=com")
	if err != nil {
		b.Fatal(err)
	}
	members := make([][]byte, 2000)
	for i := range members {
		members[i] = fmt.Appendf(nil, "uid=user%d,ou=people,dc=example,dc=com", i)
	}
	e := &Entry{DN: dn, Attrs: []Attribute{
		{Desc: "objectClass", Values: [][]byte{[]byte("groupOfNames")}},
		{Desc: "cn", Values: [][]byte{[]byte("staff")}},
		{Desc: "member", Values: members},
	}}
	r.PrepareEntry(e)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.CheckEntry(e, CheckOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalize_dn measures distinguishedNameMatch normalization of a
// member value (groups, import and CheckEntry of new values).
func BenchmarkNormalize_dn(b *testing.B) {
	mr := Default().MatchingRule("distinguishedNameMatch")
	v := []byte("uid=User12,OU=People, dc=example,dc=com")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = mr.Normalize(buf[:0], v)
	}
}

// BenchmarkParseDN parses a typical entry DN.
func BenchmarkParseDN(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDN("uid=User12,OU=People, dc=example,dc=com"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDN_String prints a typical entry DN.
func BenchmarkDN_String(b *testing.B) {
	dn, err := ParseDN("uid=User12,OU=People, dc=example,dc=com")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = dn.String()
	}
}
