package schema

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// debianDefaultFiles are the schema files Debian's slapd package installs
// and loads in its default configuration, in dependency order. A user who
// loads no schema files gets only Default, so every definition in them must
// be in Default for adds that slapd accepts to be accepted as well.
var debianDefaultFiles = []string{"core", "cosine", "inetorgperson", "nis"}

// debianAllowed lists the deliberate differences between Default and the
// Debian files, keyed "KIND NAME: FIELD" as reported by
// TestDefault_coversDebianSchema, with the reason for each.
var debianAllowed = map[string]string{
	// core.schema keeps RFC 2256's spelling of this name; RFC 4519 writes
	// 'internationalISDNNumber'. Names are case-insensitive, so both files
	// and every client see one type; only the published spelling differs.
	"attributetype internationaliSDNNumber: primary name": "RFC 4519 spelling",
	// core.schema and cosine.schema keep RFC 1274's 'RFC822localPart';
	// RFC 4524 spells it 'rFC822localPart' (case only).
	"objectclass RFC822localPart: primary name": "RFC 4524 spelling",
}

// debianFile reads one of /etc/ldap/schema/NAME.schema into unresolved
// definitions with the package's .schema reader (statements, macros), without
// adding them to a registry: the comparison needs the definitions as written.
func debianFile(t *testing.T, name string) *defSet {
	t.Helper()
	path := filepath.Join(systemSchemaDir, name+".schema")
	data, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%v (install slapd)", err)
		}
		t.Fatalf("%v; CI must install slapd", err)
	}
	set := &defSet{macros: map[string]string{}, lines: map[any]int{}}
	ld := loader{r: newEmptyRegistry(), set: set, file: path}
	for _, st := range splitStatements(data) {
		keyword, rest, _ := strings.Cut(strings.ReplaceAll(st.text, "\t", " "), " ")
		if err := ld.statement(strings.ToLower(keyword), strings.TrimSpace(rest), st.line); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

// TestDefault_coversDebianSchema checks that every attribute type and
// object class of Debian's default schema files is in Default with the same
// OID, names, SUP, kind, MUST and MAY, flags, usage, syntax (bounds aside)
// and matching rules, and lists every difference not in debianAllowed.
func TestDefault_coversDebianSchema(t *testing.T) {
	var attrs []*AttributeType
	var classes []*ObjectClass
	for _, f := range debianDefaultFiles {
		set := debianFile(t, f)
		attrs = append(attrs, set.attrs...)
		classes = append(classes, set.classes...)
	}
	r := Default()
	byName := map[string]*AttributeType{}
	for _, at := range attrs {
		byName[at.OID] = at
		for _, n := range at.Names {
			byName[strings.ToLower(n)] = at
		}
	}
	// effective follows SUP inside the files (then into Default, for the
	// types slapd provides itself, such as name) and returns the syntax and
	// rules the type ends up with: its own, else its supertype's.
	effective := func(at *AttributeType) (eff [4]string) {
		for i := 0; i < 16; i++ {
			for j, v := range []string{at.SyntaxOID, at.EqualityName, at.OrderingName, at.SubstrName} {
				if eff[j] == "" {
					eff[j] = v
				}
			}
			if at.SupName == "" {
				return eff
			}
			if sup := byName[strings.ToLower(at.SupName)]; sup != nil {
				at = sup
				continue
			}
			if sup := r.AttributeType(at.SupName); sup != nil {
				for j, v := range []string{syntaxOID(sup.Syntax), ruleName(sup.Equality), ruleName(sup.Ordering), ruleName(sup.Substr)} {
					if eff[j] == "" {
						eff[j] = v
					}
				}
			}
			return eff
		}
		return eff
	}
	var diffs []string
	unused := maps.Clone(debianAllowed)
	report := func(kind, name, field, format string, args ...any) {
		key := kind + " " + name + ": " + field
		if _, ok := debianAllowed[key]; ok {
			delete(unused, key)
			return
		}
		diffs = append(diffs, key+": "+fmt.Sprintf(format, args...))
	}

	for _, want := range attrs {
		name := want.Name()
		got := r.AttributeType(want.OID)
		if got == nil {
			report("attributetype", name, "missing", "OID %s not in Default", want.OID)
			continue
		}
		compareNames(report, "attributetype", name, want.Names, got.Names)
		if wantSup := supOID(r, want.SupName); wantSup != oidOf(got.Sup) {
			report("attributetype", name, "SUP", "Debian %q, Default %q", want.SupName, nameOf(got.Sup))
		}
		eff := effective(want)
		if wantSyntax, gotSyntax := eff[0], syntaxOID(got.Syntax); wantSyntax != gotSyntax {
			report("attributetype", name, "SYNTAX", "Debian %s, Default %s", wantSyntax, gotSyntax)
		}
		for _, rr := range []struct {
			key  string
			want string
			got  *MatchingRule
		}{
			{"EQUALITY", eff[1], got.Equality},
			{"ORDERING", eff[2], got.Ordering},
			{"SUBSTR", eff[3], got.Substr},
		} {
			wantRule := r.MatchingRule(rr.want)
			if rr.want != "" && wantRule == nil {
				report("attributetype", name, rr.key, "Debian %s is not a rule Default knows", rr.want)
				continue
			}
			if wantRule != rr.got {
				report("attributetype", name, rr.key, "Debian %q, Default %q", rr.want, ruleName(rr.got))
			}
		}
		if want.SingleValue != got.SingleValue {
			report("attributetype", name, "SINGLE-VALUE", "Debian %v, Default %v", want.SingleValue, got.SingleValue)
		}
		if want.NoUserModification != got.NoUserModification {
			report("attributetype", name, "NO-USER-MODIFICATION", "Debian %v, Default %v", want.NoUserModification, got.NoUserModification)
		}
		if want.Usage != got.Usage {
			report("attributetype", name, "USAGE", "Debian %s, Default %s", want.Usage, got.Usage)
		}
		if want.Collective != got.Collective || want.Obsolete != got.Obsolete {
			report("attributetype", name, "COLLECTIVE/OBSOLETE", "Debian %v/%v, Default %v/%v", want.Collective, want.Obsolete, got.Collective, got.Obsolete)
		}
	}

	for _, want := range classes {
		name := want.Name()
		got := r.ObjectClass(want.OID)
		if got == nil {
			report("objectclass", name, "missing", "OID %s not in Default", want.OID)
			continue
		}
		compareNames(report, "objectclass", name, want.Names, got.Names)
		if w, g := classOIDs(r, want.SupNames), classOIDs(r, got.SupNames); !slices.Equal(w, g) {
			report("objectclass", name, "SUP", "Debian %v, Default %v", want.SupNames, got.SupNames)
		}
		if want.Kind != got.Kind {
			report("objectclass", name, "kind", "Debian %s, Default %s", want.Kind, got.Kind)
		}
		if want.Obsolete != got.Obsolete {
			report("objectclass", name, "OBSOLETE", "Debian %v, Default %v", want.Obsolete, got.Obsolete)
		}
		for _, l := range []struct {
			key       string
			want, got []string
		}{{"MUST", want.MustNames, got.MustNames}, {"MAY", want.MayNames, got.MayNames}} {
			w, g := attrOIDs(r, l.want), attrOIDs(r, l.got)
			if missing, extra := setDiff(w, g), setDiff(g, w); len(missing)+len(extra) > 0 {
				report("objectclass", name, l.key, "Default lacks %v, has extra %v", namesOf(r, missing), namesOf(r, extra))
			}
		}
	}

	sort.Strings(diffs)
	for _, d := range diffs {
		t.Error(d)
	}
	for k := range unused {
		t.Errorf("debianAllowed entry %q no longer matches a difference; remove it", k)
	}
}

// compareNames requires the same primary name (loading the file over
// Default skips a definition only then) and every name of the file as a
// name of Default's definition.
func compareNames(report func(kind, name, field, format string, args ...any), kind, name string, want, got []string) {
	if len(got) == 0 || len(want) > 0 && got[0] != want[0] {
		report(kind, name, "primary name", "Debian %q, Default %q", want, got)
	}
	var missing []string
	for _, n := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.EqualFold(g, n) }) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		report(kind, name, "names", "Default lacks %q (has %q)", missing, got)
	}
}

func ruleName(mr *MatchingRule) string {
	if mr == nil {
		return ""
	}
	return mr.Name()
}

func syntaxOID(s *Syntax) string {
	if s == nil {
		return ""
	}
	return s.OID
}

func oidOf(at *AttributeType) string {
	if at == nil {
		return ""
	}
	return at.OID
}

func nameOf(at *AttributeType) string {
	if at == nil {
		return ""
	}
	return at.Name()
}

func supOID(r *Registry, name string) string {
	if name == "" {
		return ""
	}
	if at := r.AttributeType(name); at != nil {
		return at.OID
	}
	return "unknown:" + name
}

func classOIDs(r *Registry, names []string) []string {
	return sortedOIDs(names, func(n string) string {
		if oc := r.ObjectClass(n); oc != nil {
			return oc.OID
		}
		return ""
	})
}

func attrOIDs(r *Registry, names []string) []string {
	return slices.Compact(sortedOIDs(names, func(n string) string { return oidOf(r.AttributeType(n)) }))
}

// sortedOIDs maps names to OIDs with oid ("unknown:NAME" where it gives
// ""), sorted.
func sortedOIDs(names []string, oid func(string) string) []string {
	var out []string
	for _, n := range names {
		if o := oid(n); o != "" {
			out = append(out, o)
		} else {
			out = append(out, "unknown:"+n)
		}
	}
	sort.Strings(out)
	return out
}

func setDiff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func namesOf(r *Registry, oids []string) []string {
	var out []string
	for _, o := range oids {
		if at := r.AttributeType(o); at != nil {
			out = append(out, at.Name())
		} else {
			out = append(out, o)
		}
	}
	return out
}
