package schema

import "fmt"

// Assertion is a leaf filter resolved against a Registry, with its values
// normalized by the rule evaluation will use. The backend derives index
// keys from it (Value for equality/approx/ordering keys, the chunks for
// substring keys) and the Matcher evaluates with the very same bytes, so
// index lookups and filter tests agree by construction.
type Assertion struct {
	Op FilterOp
	// Type is the asserted attribute type; nil only for an extensible match
	// without an attribute.
	Type *AttributeType
	// Options are the subtype options of the description (lower-case,
	// "binary" dropped); only values carrying all of them match.
	Options []string
	// Rule is the matching rule used: Type's equality, ordering, substrings
	// or approximate rule, or the extensible match's rule. Nil for Present.
	Rule *MatchingRule
	// Value is the normalized assertion value (not for Present/Substrings).
	Value []byte
	// Initial, Any and Final are the normalized substring chunks (Initial
	// and Final nil when absent). Also set for an extensible match with a
	// substrings rule.
	Initial []byte
	Any     [][]byte
	Final   []byte
	// DNAttributes is the extensible match's ":dn" flag.
	DNAttributes bool
}

// Assertion resolves a leaf filter (any Op except And/Or/Not). An
// extensible match may name any implemented rule: equality and
// approximate rules test equality, an ordering rule tests "value is less
// than the assertion", a substrings rule takes an RFC 4517 substring
// assertion ("a*b*c"). Errors: ErrInvalidFilter for a malformed node,
// ErrUndefinedAttributeType when the type is unknown,
// ErrInappropriateMatching when the type lacks the needed rule or the
// named rule is unknown or not implemented, ErrInvalidSyntax (possibly
// wrapped) when the assertion value cannot be normalized. Per RFC 4511 such
// filters evaluate to Undefined (Present on an unknown type to FALSE).
func (r *Registry) Assertion(f *Filter) (*Assertion, error) {
	a := &Assertion{Op: f.Op, DNAttributes: f.DNAttributes}
	if f.Attr == "" && f.Op != FilterExtensible {
		return nil, fmt.Errorf("%w: filter item without an attribute", ErrUndefinedAttributeType)
	}
	if f.Attr != "" {
		ad, err := r.ParseAttributeDescription(f.Attr)
		if err != nil {
			return nil, err
		}
		// RFC 4512 §2.5: "Servers SHALL treat an attribute description
		// with an unrecognized attribute option as unrecognized", so the
		// item is Undefined (RFC 4511 §4.5.1.7), as in slapd; the options
		// recognized are those a stored attribute may carry.
		if o := unsupportedOption(ad.Type, f.Attr); o != "" {
			return nil, fmt.Errorf("%w %q: unrecognized option %q", ErrUndefinedAttributeType, f.Attr, o)
		}
		a.Type, a.Options = ad.Type, TagOptions(f.Attr)
	}
	var err error
	switch f.Op {
	case FilterPresent:
		return a, nil
	case FilterEquality:
		a.Rule = a.Type.Equality
	case FilterGreaterOrEqual, FilterLessOrEqual:
		a.Rule = a.Type.Ordering
	case FilterApprox:
		a.Rule = a.Type.Approx
		if a.Rule == nil {
			a.Rule = a.Type.Equality
		}
	case FilterSubstrings:
		if f.Initial == nil && len(f.Any) == 0 && f.Final == nil {
			return nil, fmt.Errorf("%w: substrings filter without components", ErrInvalidFilter)
		}
		a.Rule = a.Type.Substr
		if a.Rule == nil || !a.Rule.Implemented() {
			return nil, fmt.Errorf("%w: %s has no substrings rule", ErrInappropriateMatching, f.Attr)
		}
		return a, a.normalizeChunks(f.Initial, f.Any, f.Final)
	case FilterExtensible:
		if err = r.extensibleRule(a, f); err != nil {
			return nil, err
		}
		if a.Rule.Kind == RuleSubstrings {
			init, any, final := splitSubstringAssertion(f.Value)
			return a, a.normalizeChunks(init, any, final)
		}
	default:
		return nil, fmt.Errorf("%w: not a leaf filter", ErrInvalidFilter)
	}
	if a.Rule == nil || !a.Rule.Implemented() {
		return nil, fmt.Errorf("%w: %s has no rule for this filter", ErrInappropriateMatching, f.Attr)
	}
	// The assertion value must be valid for the rule's assertion syntax
	// (RFC 4517 §4.2): "01000" is no Integer, "true" no Boolean, "" no
	// Directory String. slapd validates it the same way; the item is then
	// Undefined (RFC 4511 §4.5.1.7).
	if s := a.Rule.Syntax; s != nil && !s.Validate(f.Value) {
		return nil, fmt.Errorf("%w: assertion value for %s is not a valid %s", ErrInvalidSyntax, f.Attr, s.Desc)
	}
	if a.Value, err = a.Rule.NormalizeAssertion(nil, f.Value); err != nil {
		return nil, fmt.Errorf("%w: assertion value for %s: %w", ErrInvalidSyntax, f.Attr, err)
	}
	return a, nil
}

func (r *Registry) extensibleRule(a *Assertion, f *Filter) error {
	if f.MatchingRule == "" {
		if a.Type == nil || a.Type.Equality == nil {
			return fmt.Errorf("%w: no equality rule for %q", ErrInappropriateMatching, f.Attr)
		}
		a.Rule = a.Type.Equality
		return nil
	}
	a.Rule = r.MatchingRule(f.MatchingRule)
	if a.Rule == nil || !a.Rule.Implemented() {
		return fmt.Errorf("%w: unknown or unsupported matching rule %q", ErrInappropriateMatching, f.MatchingRule)
	}
	if a.Type != nil && !ruleApplies(a.Rule, a.Type) {
		return fmt.Errorf("%w: %s does not apply to %s", ErrInappropriateMatching, a.Rule.Name(), a.Type.Name())
	}
	return nil
}

// ruleApplies reports whether an extensible match may use mr on values of
// at: the rule's assertion syntax is at's syntax (or Directory String for
// Printable String, Country String and Telephone Number, which RFC 4517
// §3.3.31 makes a PrintableString: slapd 2.5's compatible syntaxes of the
// Directory String rules, as its matchingRuleUse lists them; IA5 String
// and Numeric String are not among them, so (mail:caseIgnoreMatch:=...)
// is Undefined there), or the rule normalizes values the way at's own
// rules do.
func ruleApplies(mr *MatchingRule, at *AttributeType) bool {
	if at.Syntax != nil {
		if mr.SyntaxOID == at.Syntax.OID {
			return true
		}
		if mr.SyntaxOID == SyntaxDirectoryString {
			switch at.Syntax.OID {
			case syn + "44", syn + "11", syn + "50":
				return true
			}
		}
	}
	fam := mr.Family()
	for _, own := range []*MatchingRule{at.Equality, at.Ordering, at.Substr} {
		if own != nil && fam != "" && own.Family() == fam {
			return true
		}
	}
	return false
}

func (a *Assertion) normalizeChunks(initial []byte, any [][]byte, final []byte) error {
	var err error
	if initial != nil {
		if a.Initial, err = a.Rule.NormalizeSubstring(nil, initial, SubInitial); err != nil {
			return fmt.Errorf("%w: substring assertion: %w", ErrInvalidSyntax, err)
		}
	}
	for _, c := range any {
		n, err := a.Rule.NormalizeSubstring(nil, c, SubAny)
		if err != nil {
			return fmt.Errorf("%w: substring assertion: %w", ErrInvalidSyntax, err)
		}
		if len(n) > 0 {
			a.Any = append(a.Any, n)
		}
	}
	if final != nil {
		if a.Final, err = a.Rule.NormalizeSubstring(nil, final, SubFinal); err != nil {
			return fmt.Errorf("%w: substring assertion: %w", ErrInvalidSyntax, err)
		}
	}
	return nil
}

// splitSubstringAssertion splits an RFC 4517 SubstringAssertion
// ("ini*any*fin", '*' and '\' escaped as \2A and \5C).
func splitSubstringAssertion(v []byte) (initial []byte, any [][]byte, final []byte) {
	var parts [][]byte
	cur := []byte{}
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '*':
			parts = append(parts, cur)
			cur = []byte{}
		case v[i] == '\\' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]):
			cur = append(cur, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
		default:
			cur = append(cur, v[i])
		}
	}
	parts = append(parts, cur)
	if len(parts) == 1 {
		return parts[0], nil, nil // no '*': treat as an initial substring
	}
	if len(parts[0]) > 0 {
		initial = parts[0]
	}
	if last := parts[len(parts)-1]; len(last) > 0 {
		final = last
	}
	for _, p := range parts[1 : len(parts)-1] {
		if len(p) > 0 {
			any = append(any, p)
		}
	}
	return initial, any, final
}

// matchValue tests one normalized attribute value against the assertion.
func (a *Assertion) matchValue(nv []byte) bool {
	switch {
	case a.Op == FilterGreaterOrEqual:
		return a.Rule.Compare(nv, a.Value) >= 0
	case a.Op == FilterLessOrEqual:
		return a.Rule.Compare(nv, a.Value) <= 0
	case a.Rule.Kind == RuleSubstrings:
		return MatchSubstrings(nv, a.Initial, a.Any, a.Final)
	case a.Op == FilterExtensible && a.Rule.Kind == RuleOrdering:
		return a.Rule.Compare(nv, a.Value) < 0
	}
	return a.Rule.Match(nv, a.Value)
}

// canUseNorm reports whether an Attribute's stored equality-normalized
// values are exactly what a.Rule would produce for at.
func (a *Assertion) canUseNorm(at *AttributeType) bool {
	if at.Equality == nil || a.Rule == nil {
		return false
	}
	if at.Equality == a.Rule {
		return true
	}
	f := a.Rule.Family()
	return f != "" && f == at.Equality.Family()
}
