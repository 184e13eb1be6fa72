package schema

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestParseAttributeType_fields checks each keyword lands in its field.
func TestParseAttributeType_fields(t *testing.T) {
	at, err := ParseAttributeType(`( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'it\27s a \5Cname' OBSOLETE SUP name
		EQUALITY caseIgnoreMatch ORDERING caseIgnoreOrderingMatch SUBSTR caseIgnoreSubstringsMatch
		SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{64} SINGLE-VALUE NO-USER-MODIFICATION USAGE dSAOperation X-ORIGIN ( 'a' 'b' ) )`)
	if err != nil {
		t.Fatal(err)
	}
	want := &AttributeType{OID: "2.5.4.3", Names: []string{"cn", "commonName"}, Desc: `it's a \name`, Obsolete: true, SupName: "name",
		EqualityName: "caseIgnoreMatch", OrderingName: "caseIgnoreOrderingMatch", SubstrName: "caseIgnoreSubstringsMatch",
		SyntaxOID: "1.3.6.1.4.1.1466.115.121.1.15", SyntaxLen: 64, SingleValue: true, NoUserModification: true, Usage: DSAOperation,
		Extensions: []Extension{{Name: "X-ORIGIN", Values: []string{"a", "b"}}}}
	if !reflect.DeepEqual(at, want) {
		t.Fatalf("got %+v\nwant %+v", at, want)
	}
}

// TestParseObjectClass_fields checks kinds, SUP lists and MUST/MAY lists.
func TestParseObjectClass_fields(t *testing.T) {
	oc, err := ParseObjectClass("( 2.5.6.6 NAME 'person' DESC 'a person' SUP ( top $ x ) STRUCTURAL MUST ( sn $ cn ) MAY userPassword )")
	if err != nil {
		t.Fatal(err)
	}
	want := &ObjectClass{OID: "2.5.6.6", Names: []string{"person"}, Desc: "a person", SupNames: []string{"top", "x"}, Kind: Structural,
		MustNames: []string{"sn", "cn"}, MayNames: []string{"userPassword"}}
	if !reflect.DeepEqual(oc, want) {
		t.Fatalf("got %+v\nwant %+v", oc, want)
	}
}

// TestParseDescriptions_invalid checks malformed descriptions fail with ErrInvalidDescription.
func TestParseDescriptions_invalid(t *testing.T) {
	bad := []string{
		"", "2.5.4.3 NAME 'cn'", "( 2.5.4.3 NAME 'cn' SUP name", "( 2.5.4.3 NAME 'cn )", "( 2.5.4.3 NAME 'cn' BOGUS x )",
		"( 2.5.4.3 NAME 'cn' )", "( 2.5.4.3 SUP name USAGE nobody )", "( 2.5.4.3 SUP name SUP cn )", "( 2.5.4.3 SUP name ) trailing",
		"( 2.5.4.3 SUP name SYNTAX 1.2{x} )", "( 2.5.4.3 SUP name COLLECTIVE USAGE directoryOperation )",
		"( 2.5.4.3 SUP name NO-USER-MODIFICATION )", "( 2.5.4.3 NAME 'a b' SUP name )", "( 2.5.4.3 SUP name NAME )",
	}
	for _, s := range bad {
		if _, err := ParseAttributeType(s); !errors.Is(err, ErrInvalidDescription) {
			t.Errorf("ParseAttributeType(%q) error %v", s, err)
		}
	}
	for _, s := range []string{"( 1.2 ABSTRACT AUXILIARY )", "( 1.2 MUST )", "( 1.2 SYNTAX x )"} {
		if _, err := ParseObjectClass(s); !errors.Is(err, ErrInvalidDescription) {
			t.Errorf("ParseObjectClass(%q) error %v", s, err)
		}
	}
	if _, err := ParseMatchingRule("( 1.2 NAME 'x' )"); !errors.Is(err, ErrInvalidDescription) {
		t.Error("matching rule without SYNTAX accepted")
	}
	if _, err := ParseMatchingRuleUse("( 1.2 NAME 'x' )"); !errors.Is(err, ErrInvalidDescription) {
		t.Error("matching rule use without APPLIES accepted")
	}
}

// TestDescriptions_roundTrip checks parse -> String -> parse is the identity for every
// published definition of a registry loaded with all installed schema files.
func TestDescriptions_roundTrip(t *testing.T) {
	r := Default()
	files, _ := filepath.Glob(filepath.Join(systemSchemaDir, "*.schema"))
	if len(files) == 0 && os.Getenv("CI") != "" {
		t.Fatalf("no .schema files in %s; CI must install slapd", systemSchemaDir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.LoadSchemaFile(f, data); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range r.AttributeTypes() {
		again, err := ParseAttributeType(at.String())
		if err != nil {
			t.Fatalf("%s: %v", at.String(), err)
		}
		if again.String() != at.String() {
			t.Fatalf("round trip changed %q to %q", at.String(), again.String())
		}
	}
	for _, oc := range r.ObjectClasses() {
		again, err := ParseObjectClass(oc.String())
		if err != nil || again.String() != oc.String() {
			t.Fatalf("%s: %v %v", oc.String(), err, again)
		}
	}
	for _, mr := range r.MatchingRules() {
		again, err := ParseMatchingRule(mr.String())
		if err != nil || again.String() != mr.String() {
			t.Fatalf("%s: %v %v", mr.String(), err, again)
		}
	}
	for _, s := range r.Syntaxes() {
		again, err := ParseSyntax(s.String())
		if err != nil || again.String() != s.String() {
			t.Fatalf("%s: %v %v", s.String(), err, again)
		}
	}
}

// FuzzParseAttributeType checks the description parser never panics and that what it
// accepts prints to a description that parses to the same printed form.
func FuzzParseAttributeType(f *testing.F) {
	for _, s := range []string{
		"( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name )",
		"( 1.2.3 NAME 'x' DESC 'it\\27s' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{32} SINGLE-VALUE X-ORIGIN 'me' )",
		"( 1.2.3 SYNTAX 1.2 NO-USER-MODIFICATION USAGE directoryOperation )",
		"( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY userPassword )",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if at, err := ParseAttributeType(s); err == nil {
			again, err := ParseAttributeType(at.String())
			if err != nil || again.String() != at.String() {
				t.Fatalf("attribute type round trip of %q: %q, %v", s, at.String(), err)
			}
		}
		if oc, err := ParseObjectClass(s); err == nil {
			again, err := ParseObjectClass(oc.String())
			if err != nil || again.String() != oc.String() {
				t.Fatalf("object class round trip of %q: %q, %v", s, oc.String(), err)
			}
		}
		r := New()
		_ = r.LoadSchemaFile("fuzz", []byte("attributetype "+s))
	})
}

// TestRegistry_SubschemaEntry checks the published subschema parses back into the same definitions.
func TestRegistry_SubschemaEntry(t *testing.T) {
	r := Default()
	dn, _ := ParseDN(SubschemaDN)
	e := r.SubschemaEntry(dn)
	counts := map[string]int{}
	for _, a := range e.Attrs {
		counts[a.Desc] = len(a.Values)
	}
	if counts["attributeTypes"] != len(r.AttributeTypes()) || counts["objectClasses"] != len(r.ObjectClasses()) ||
		counts["matchingRules"] != len(r.MatchingRules()) || counts["ldapSyntaxes"] != len(r.Syntaxes()) || counts["matchingRuleUse"] == 0 {
		t.Fatalf("counts %v", counts)
	}
	if a := e.Get("cn"); a == nil || string(a.Values[0]) != "Subschema" {
		t.Fatal("cn missing")
	}
	// Load the published form into a fresh registry: it must reproduce it.
	var ldif []byte
	for _, a := range e.Attrs {
		for _, v := range a.Values {
			ldif = append(ldif, a.Desc+": "+string(v)+"\n"...)
		}
	}
	r2 := New()
	if err := r2.LoadLDIF("subschema", ldif); err != nil {
		t.Fatal(err)
	}
	if len(r2.AttributeTypes()) != len(r.AttributeTypes()) || len(r2.ObjectClasses()) != len(r.ObjectClasses()) {
		t.Fatalf("reloaded %d/%d types, %d/%d classes", len(r2.AttributeTypes()), len(r.AttributeTypes()), len(r2.ObjectClasses()), len(r.ObjectClasses()))
	}
	f, _ := ParseFilter("(attributeTypes=2.5.4.3)")
	if r.Match(f, e) != True {
		t.Fatal("objectIdentifierFirstComponentMatch does not find cn's description")
	}
	if !IsSubschemaDN("CN=subschema") || IsSubschemaDN("cn=subschema,dc=x") {
		t.Fatal("IsSubschemaDN")
	}
}
