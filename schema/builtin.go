package schema

import "fmt"

// New returns a Registry with the built-in syntaxes and matching rules
// and the system schema: RFC 4512 operational and subschema attributes,
// top, alias, extensibleObject, subschema, RFC 3296 referrals, and the
// operational attributes lightdir maintains (entryUUID, entryCSN,
// createTimestamp, modifyTimestamp, creatorsName, modifiersName,
// structuralObjectClass, hasSubordinates, numSubordinates,
// subschemaSubentry, entryDN). Use it as the base for loading a complete
// set of schema files (core.schema first); use Default for the standard
// user schemas.
func New() *Registry {
	r := newEmptyRegistry()
	set := &defSet{}
	for _, s := range builtinSyntaxes {
		syn := &Syntax{OID: s.oid, Desc: s.desc, Binary: s.binary, validate: s.validate}
		if s.binary {
			syn.Extensions = []Extension{{Name: "X-NOT-HUMAN-READABLE", Values: []string{"TRUE"}}}
		}
		set.syntaxes = append(set.syntaxes, syn)
	}
	for _, d := range builtinRules {
		set.rules = append(set.rules, &MatchingRule{OID: d.oid, Names: []string{d.name}, SyntaxOID: d.syntax, impl: d.impl})
	}
	if err := r.apply(set); err != nil {
		panic(fmt.Sprintf("schema: built-in syntaxes and rules: %v", err))
	}
	r.mustLoad("system", systemSchema)
	return r
}

// Default returns New plus the standard user schemas, written from the
// RFCs: RFC 4519 core (with RFC 4523 certificates), RFC 4524 COSINE,
// RFC 2798 inetOrgPerson and RFC 2307 NIS, with the older RFC 2256 and
// RFC 1274 definitions that slapd's core.schema and cosine.schema keep, so
// that it holds every type and class of the four files Debian's slapd loads
// by default. Each call builds a fresh Registry that the caller may extend
// with Load* calls.
func Default() *Registry {
	r := New()
	nAttrs, nClasses := len(r.attrList), len(r.classList)
	r.mustLoad("core", coreSchema)
	r.mustLoad("cosine", cosineSchema)
	r.mustLoad("inetorgperson", inetOrgPersonSchema)
	r.mustLoad("nis", nisSchema)
	for _, at := range r.attrList[nAttrs:] {
		at.standard = true
	}
	for _, oc := range r.classList[nClasses:] {
		oc.standard = true
	}
	return r
}

// mustLoad loads built-in text; a failure is a bug in this package.
func (r *Registry) mustLoad(name, text string) {
	if err := r.LoadSchemaFile("builtin:"+name, []byte(text)); err != nil {
		panic(err)
	}
}
