package schema

import (
	"errors"
	"fmt"
	"strings"
)

// defSet is a batch of parsed definitions added to a Registry at once:
// either every definition is added and resolved, or none is.
type defSet struct {
	syntaxes []*Syntax
	rules    []*MatchingRule
	attrs    []*AttributeType
	classes  []*ObjectClass
	uses     []*MatchingRuleUse
	content  []*DITContentRule
	macros   map[string]string
	// lines maps each definition to the line of the file it came from.
	lines map[any]int
}

// lineError is an error about the definition on a line of the file being
// loaded; the loader reports it as FILE:LINE.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }
func (e *lineError) Unwrap() error { return e.err }

// at attaches the line of definition def to err, unless err already names
// a line (that of a definition def depends on).
func (a *adder) at(def any, err error) error {
	var le *lineError
	if err == nil || errors.As(err, &le) {
		return err
	}
	if line, ok := a.lines[def]; ok {
		return &lineError{line: line, err: err}
	}
	return err
}

// adder applies a defSet, remembering what it added so it can roll back.
type adder struct {
	r        *Registry
	lines    map[any]int
	keys     []func() // undo functions for map insertions
	lens     [5]int
	attrDone map[*AttributeType]int8 // 1 resolving, 2 resolved
	ocDone   map[*ObjectClass]int8
	// redefined is set when the set replaced a standard definition: every
	// type and class is then resolved again, as their closures and
	// inherited rules may have copied the old one.
	redefined bool
}

func (r *Registry) apply(set *defSet) error {
	a := &adder{r: r, lines: set.lines, attrDone: map[*AttributeType]int8{}, ocDone: map[*ObjectClass]int8{},
		lens: [5]int{len(r.syntaxList), len(r.ruleList), len(r.attrList), len(r.classList), len(r.contentRules)}}
	if err := a.run(set); err != nil {
		a.rollback()
		if a.redefined {
			// The definitions are restored; resolve them again so that
			// nothing keeps what the failed set's redefinitions made.
			b := &adder{r: r, attrDone: map[*AttributeType]int8{}, ocDone: map[*ObjectClass]int8{}}
			if rerr := b.resolveAll(); rerr != nil {
				panic(fmt.Sprintf("schema: restoring redefined definitions: %v", rerr))
			}
		}
		return err
	}
	for k, v := range set.macros {
		r.macros[k] = v
	}
	return nil
}

func (a *adder) rollback() {
	for i := len(a.keys) - 1; i >= 0; i-- {
		a.keys[i]()
	}
	r := a.r
	r.syntaxList = r.syntaxList[:a.lens[0]]
	r.ruleList = r.ruleList[:a.lens[1]]
	r.attrList = r.attrList[:a.lens[2]]
	r.classList = r.classList[:a.lens[3]]
	r.contentRules = r.contentRules[:a.lens[4]]
}

func insert[T any](a *adder, m map[string]T, key string, v T) {
	old, had := m[key]
	m[key] = v
	a.keys = append(a.keys, func() {
		if had {
			m[key] = old
		} else {
			delete(m, key)
		}
	})
}

// claim checks oid and names against m. It returns skip=true when the
// same OID is already defined with the same primary name (a file that
// repeats a built-in definition), and ErrDuplicate on any conflict.
func claim[T any](m map[string]T, kind, oid string, names []string, nameOf func(T) (string, []string)) (skip bool, err error) {
	if !isNumericOID(oid) {
		return false, fmt.Errorf("%w: %s %q: OID %q is not numeric (unknown macro?)", ErrUnresolved, kind, firstName(names, oid), oid)
	}
	if old, ok := m[oid]; ok {
		_, oldNames := nameOf(old)
		if len(names) == 0 || len(oldNames) > 0 && strings.EqualFold(oldNames[0], names[0]) {
			return true, nil
		}
		return false, fmt.Errorf("%w: %s %s: OID already used by %q", ErrDuplicate, kind, oid, firstName(oldNames, oid))
	}
	for _, n := range names {
		if old, ok := m[strings.ToLower(n)]; ok {
			oldOID, _ := nameOf(old)
			return false, fmt.Errorf("%w: %s name %q already used by %s", ErrDuplicate, kind, n, oldOID)
		}
	}
	return false, nil
}

// run adds the set in dependency order: syntaxes, rules, then attribute
// types and object classes (indexed first so they may refer to each other
// in any order, resolved second), then uses and content rules.
func (a *adder) run(set *defSet) error {
	if err := a.addSyntaxes(set); err != nil {
		return err
	}
	for _, mr := range set.rules {
		if err := a.addRule(mr); err != nil {
			return a.at(mr, err)
		}
	}
	newAttrs, err := a.addAttrs(set.attrs)
	if err != nil {
		return err
	}
	newClasses, err := a.addClasses(set.classes)
	if err != nil {
		return err
	}
	if a.redefined {
		if err := a.resolveAll(); err != nil {
			return err
		}
	}
	for _, at := range newAttrs {
		if err := a.resolveAttr(at); err != nil {
			return err
		}
	}
	for _, oc := range newClasses {
		if err := a.resolveClass(oc); err != nil {
			return err
		}
	}
	for _, u := range set.uses {
		if a.r.MatchingRule(u.OID) == nil {
			return a.at(u, fmt.Errorf("%w: matching rule use for unknown rule %s", ErrUnresolved, u.OID))
		}
		insert(a, a.r.uses, u.OID, u)
	}
	for _, cr := range set.content {
		if err := a.checkContentRule(cr); err != nil {
			return a.at(cr, err)
		}
		a.r.contentRules = append(a.r.contentRules, cr)
	}
	return nil
}

func (a *adder) addSyntaxes(set *defSet) error {
	r := a.r
	for _, s := range set.syntaxes {
		if _, ok := r.syntaxes[s.OID]; ok {
			continue
		}
		if !isNumericOID(s.OID) {
			return a.at(s, fmt.Errorf("%w: syntax OID %q is not numeric", ErrUnresolved, s.OID))
		}
		if s.subst != "" {
			target := r.syntaxes[a.expand(s.subst, set)]
			if target == nil {
				return a.at(s, fmt.Errorf("%w: syntax %s: X-SUBST %q", ErrUnresolved, s.OID, s.subst))
			}
			s.validate, s.Binary = target.validate, target.Binary
		}
		s.reg = r
		insert(a, r.syntaxes, s.OID, s)
		r.syntaxList = append(r.syntaxList, s)
	}
	return nil
}

func (a *adder) addAttrs(attrs []*AttributeType) ([]*AttributeType, error) {
	r := a.r
	var added []*AttributeType
	for _, at := range attrs {
		skip, err := claim(r.attrs, "attribute type", at.OID, at.Names, func(o *AttributeType) (string, []string) { return o.OID, o.Names })
		if err != nil {
			return nil, a.at(at, err)
		}
		if skip {
			old := r.attrs[at.OID]
			if err := addAliases(a, r.attrs, "attribute type", old, &old.Names, at.Names); err != nil {
				return nil, a.at(at, err)
			}
			if old.standard && a.attrDiffers(old, at) {
				redefine(a, old, at, func(def, saved *AttributeType) { def.Names, def.standard = saved.Names, false })
			}
			continue
		}
		a.attrDone[at] = 0
		index(a, r.attrs, at.OID, at.Names, at)
		r.attrList = append(r.attrList, at)
		added = append(added, at)
	}
	return added, nil
}

func (a *adder) addClasses(classes []*ObjectClass) ([]*ObjectClass, error) {
	r := a.r
	var added []*ObjectClass
	for _, oc := range classes {
		skip, err := claim(r.classes, "object class", oc.OID, oc.Names, func(o *ObjectClass) (string, []string) { return o.OID, o.Names })
		if err != nil {
			return nil, a.at(oc, err)
		}
		if skip {
			old := r.classes[oc.OID]
			if err := addAliases(a, r.classes, "object class", old, &old.Names, oc.Names); err != nil {
				return nil, a.at(oc, err)
			}
			if old.standard && a.classDiffers(old, oc) {
				redefine(a, old, oc, func(def, saved *ObjectClass) { def.Names, def.standard = saved.Names, false })
			}
			continue
		}
		a.ocDone[oc] = 0
		index(a, r.classes, oc.OID, oc.Names, oc)
		r.classList = append(r.classList, oc)
		added = append(added, oc)
	}
	return added, nil
}

// addAliases registers the names of a skipped repeated definition that the
// registered one lacks (core.schema's facsimileTelephoneNumber is also
// 'fax'), so that a file's names work as they do in slapd. A name that
// belongs to another definition is ErrDuplicate.
func addAliases[T comparable](a *adder, m map[string]T, kind string, old T, oldNames *[]string, names []string) error {
	for _, n := range names {
		if cur, ok := m[strings.ToLower(n)]; ok {
			if cur != old {
				return fmt.Errorf("%w: %s name %q already used by another definition", ErrDuplicate, kind, n)
			}
			continue
		}
		insert(a, m, strings.ToLower(n), old)
		prev := *oldNames
		*oldNames = append(prev[:len(prev):len(prev)], n)
		a.keys = append(a.keys, func() { *oldNames = prev })
	}
	return nil
}

// index registers v under its OID and its lower-cased names.
func index[T any](a *adder, m map[string]T, oid string, names []string, v T) {
	insert(a, m, oid, v)
	for _, n := range names {
		insert(a, m, strings.ToLower(n), v)
	}
}

func (a *adder) expand(s string, set *defSet) string {
	if v, ok := set.macros[strings.ToLower(s)]; ok {
		return v
	}
	if v, ok := a.r.macros[strings.ToLower(s)]; ok {
		return v
	}
	return s
}

func (a *adder) addRule(mr *MatchingRule) error {
	r := a.r
	skip, err := claim(r.rules, "matching rule", mr.OID, mr.Names, func(o *MatchingRule) (string, []string) { return o.OID, o.Names })
	if err != nil || skip {
		return err
	}
	mr.reg = r
	mr.Syntax = r.syntaxes[mr.SyntaxOID]
	if mr.impl != nil {
		mr.Kind = mr.impl.kind
	}
	index(a, r.rules, mr.OID, mr.Names, mr)
	r.ruleList = append(r.ruleList, mr)
	return nil
}

func (a *adder) ruleRef(at *AttributeType, key, name string, want RuleKind) (*MatchingRule, error) {
	if name == "" {
		return nil, nil
	}
	mr := a.r.MatchingRule(name)
	if mr == nil {
		return nil, fmt.Errorf("%w: attribute type %q: %s %q", ErrUnresolved, at.Name(), key, name)
	}
	if mr.Kind != RuleUnknown && mr.Kind != want && !(want == RuleEquality && mr.impl.match != nil) {
		return nil, fmt.Errorf("%w: attribute type %q: %s %q is not a rule of that kind", ErrUnresolved, at.Name(), key, name)
	}
	return mr, nil
}

func (a *adder) resolveAttr(at *AttributeType) error {
	return a.at(at, a.resolveAttrDef(at))
}

func (a *adder) resolveAttrDef(at *AttributeType) error {
	switch a.attrDone[at] {
	case 1:
		return fmt.Errorf("%w: attribute type %q: SUP cycle", ErrUnresolved, at.Name())
	case 2:
		return nil
	}
	a.attrDone[at] = 1
	r := a.r
	if at.SupName != "" {
		at.Sup = r.AttributeType(at.SupName)
		if at.Sup == nil {
			return fmt.Errorf("%w: attribute type %q: SUP %q", ErrUnresolved, at.Name(), at.SupName)
		}
		if _, pending := a.attrDone[at.Sup]; pending {
			if err := a.resolveAttr(at.Sup); err != nil {
				return err
			}
		}
		if at.Sup.Usage != at.Usage {
			return fmt.Errorf("%w: attribute type %q: USAGE differs from its SUP %q", ErrUnresolved, at.Name(), at.SupName)
		}
		at.Equality, at.Ordering, at.Substr, at.Syntax = at.Sup.Equality, at.Sup.Ordering, at.Sup.Substr, at.Sup.Syntax
		if at.SyntaxLen == 0 && at.SyntaxOID == "" {
			at.SyntaxLen = at.Sup.SyntaxLen
		}
	}
	if at.SyntaxOID != "" {
		at.Syntax = r.syntaxes[at.SyntaxOID]
		if at.Syntax == nil {
			return fmt.Errorf("%w: attribute type %q: SYNTAX %q", ErrUnresolved, at.Name(), at.SyntaxOID)
		}
	}
	var err error
	for _, ref := range []struct {
		key, name string
		kind      RuleKind
		dst       **MatchingRule
	}{{"EQUALITY", at.EqualityName, RuleEquality, &at.Equality}, {"ORDERING", at.OrderingName, RuleOrdering, &at.Ordering},
		{"SUBSTR", at.SubstrName, RuleSubstrings, &at.Substr}} {
		var mr *MatchingRule
		if mr, err = a.ruleRef(at, ref.key, ref.name, ref.kind); err != nil {
			return err
		}
		if mr != nil {
			*ref.dst = mr
		}
	}
	at.Approx = a.approxFor(at)
	at.lname = strings.ToLower(at.Name())
	a.attrDone[at] = 2
	return nil
}

// approxFor picks the approximate rule for string-valued types; others
// use their equality rule for ~= filters.
func (a *adder) approxFor(at *AttributeType) *MatchingRule {
	if at.Equality == nil {
		return nil
	}
	switch at.Equality.Family() {
	case "caseIgnore", "caseExact", "caseIgnoreList":
		return a.r.rules[ruleDirectoryStringApprox]
	case "caseIgnoreIA5", "caseExactIA5":
		return a.r.rules[ruleIA5StringApprox]
	}
	return nil
}

func (a *adder) resolveClass(oc *ObjectClass) error {
	return a.at(oc, a.resolveClassDef(oc))
}

func (a *adder) resolveClassDef(oc *ObjectClass) error {
	switch a.ocDone[oc] {
	case 1:
		return fmt.Errorf("%w: object class %q: SUP cycle", ErrUnresolved, oc.Name())
	case 2:
		return nil
	}
	a.ocDone[oc] = 1
	r := a.r
	oc.Sups, oc.Must, oc.May, oc.allowed = nil, nil, nil, nil
	for _, name := range oc.SupNames {
		sup := r.ObjectClass(name)
		if sup == nil {
			return fmt.Errorf("%w: object class %q: SUP %q", ErrUnresolved, oc.Name(), name)
		}
		if _, pending := a.ocDone[sup]; pending {
			if err := a.resolveClass(sup); err != nil {
				return err
			}
		}
		if sup.Kind != Abstract && sup.Kind != oc.Kind {
			return fmt.Errorf("%w: object class %q (%s) cannot inherit from %q (%s)", ErrUnresolved, oc.Name(), oc.Kind, sup.Name(), sup.Kind)
		}
		oc.Sups = append(oc.Sups, sup)
	}
	seen := map[*AttributeType]bool{}
	addAll := func(dst *[]*AttributeType, list []*AttributeType) {
		for _, at := range list {
			if !seen[at] {
				seen[at] = true
				*dst = append(*dst, at)
			}
		}
	}
	own := func(names []string, key string) ([]*AttributeType, error) {
		var out []*AttributeType
		for _, n := range names {
			at := r.AttributeType(n)
			if at == nil {
				return nil, fmt.Errorf("%w: object class %q: %s %q", ErrUnresolved, oc.Name(), key, n)
			}
			out = append(out, at)
		}
		return out, nil
	}
	must, err := own(oc.MustNames, "MUST")
	if err != nil {
		return err
	}
	may, err := own(oc.MayNames, "MAY")
	if err != nil {
		return err
	}
	for _, s := range oc.Sups {
		addAll(&oc.Must, s.Must)
	}
	addAll(&oc.Must, must)
	for _, s := range oc.Sups {
		addAll(&oc.May, s.May)
	}
	addAll(&oc.May, may)
	oc.allowed = seen
	a.ocDone[oc] = 2
	return nil
}

func (a *adder) checkContentRule(cr *DITContentRule) error {
	r := a.r
	if oc := r.ObjectClass(cr.OID); oc == nil || oc.Kind != Structural {
		return fmt.Errorf("%w: DIT content rule %s: no such structural object class", ErrUnresolved, cr.OID)
	}
	for _, n := range cr.Aux {
		if r.ObjectClass(n) == nil {
			return fmt.Errorf("%w: DIT content rule %s: AUX %q", ErrUnresolved, cr.OID, n)
		}
	}
	for _, list := range [][]string{cr.Must, cr.May, cr.Not} {
		for _, n := range list {
			if r.AttributeType(n) == nil {
				return fmt.Errorf("%w: DIT content rule %s: attribute %q", ErrUnresolved, cr.OID, n)
			}
		}
	}
	return nil
}

// A schema file that repeats a definition of Default's standard schemas
// (same OID, same primary name) with other semantics replaces it: an
// operator who loads rfc2307bis.schema gets its AUXILIARY posixGroup and
// Directory String gecos, as slapd does when it loads that file instead
// of nis.schema. The definition is replaced in place (lookups and
// resolved references keep pointing at it), every type and class is
// resolved again, and a failed load restores it. A repetition that means
// the same (only DESC, extensions, bounds or name spellings differ), or one
// of a definition that is not standard, is skipped as before.

// attrDiffers reports whether nw means something else than the registered
// old: another SUP, syntax, matching rule, usage or flag.
func (a *adder) attrDiffers(old, nw *AttributeType) bool {
	r := a.r
	sameAttr := func(x, y string) bool {
		if strings.EqualFold(x, y) {
			return true
		}
		ax, ay := r.AttributeType(x), r.AttributeType(y)
		return ax != nil && ax == ay
	}
	sameRule := func(x, y string) bool {
		if strings.EqualFold(x, y) {
			return true
		}
		mx, my := r.MatchingRule(x), r.MatchingRule(y)
		return mx != nil && mx == my
	}
	return !sameAttr(old.SupName, nw.SupName) || old.SyntaxOID != nw.SyntaxOID ||
		!sameRule(old.EqualityName, nw.EqualityName) || !sameRule(old.OrderingName, nw.OrderingName) ||
		!sameRule(old.SubstrName, nw.SubstrName) || old.SingleValue != nw.SingleValue ||
		old.Collective != nw.Collective || old.NoUserModification != nw.NoUserModification ||
		old.Usage != nw.Usage || old.Obsolete != nw.Obsolete
}

// classDiffers reports whether nw means something else than old: another
// kind, superclasses, MUST or MAY types, or OBSOLETE.
func (a *adder) classDiffers(old, nw *ObjectClass) bool {
	r := a.r
	set := func(names []string, lookup func(string) any) map[any]bool {
		m := map[any]bool{}
		for _, n := range names {
			if v := lookup(n); v != nil {
				m[v] = true
			} else {
				m[strings.ToLower(n)] = true
			}
		}
		return m
	}
	attr := func(n string) any {
		if at := r.AttributeType(n); at != nil {
			return at
		}
		return nil
	}
	class := func(n string) any {
		if oc := r.ObjectClass(n); oc != nil {
			return oc
		}
		return nil
	}
	same := func(x, y map[any]bool) bool {
		if len(x) != len(y) {
			return false
		}
		for k := range x {
			if !y[k] {
				return false
			}
		}
		return true
	}
	return old.Kind != nw.Kind || old.Obsolete != nw.Obsolete ||
		!same(set(old.SupNames, class), set(nw.SupNames, class)) ||
		!same(set(old.MustNames, attr), set(nw.MustNames, attr)) ||
		!same(set(old.MayNames, attr), set(nw.MayNames, attr))
}

// redefine makes old (a standard type or class) the definition nw in
// place, so that lookups and resolved references keep pointing at it;
// keep gives it back its names (nw's were added as aliases) and marks it
// no longer standard. A failed load restores old.
func redefine[T any](a *adder, old, nw *T, keep func(def, saved *T)) {
	saved := *old
	*old = *nw
	keep(old, &saved)
	a.keys = append(a.keys, func() { *old = saved })
	if line, ok := a.lines[nw]; ok {
		a.lines[old] = line
	}
	a.redefined = true
}

// resolveAll resolves every attribute type and object class of the
// registry again.
func (a *adder) resolveAll() error {
	r := a.r
	for _, at := range r.attrList {
		a.attrDone[at] = 0
	}
	for _, oc := range r.classList {
		a.ocDone[oc] = 0
	}
	for _, at := range r.attrList {
		if err := a.resolveAttr(at); err != nil {
			return err
		}
	}
	for _, oc := range r.classList {
		if err := a.resolveClass(oc); err != nil {
			return err
		}
	}
	return nil
}
