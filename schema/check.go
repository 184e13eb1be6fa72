package schema

import (
	"bytes"
	"fmt"
	"iter"
	"sort"
	"strings"
)

// CheckOptions says who is writing an entry.
type CheckOptions struct {
	// Internal allows NO-USER-MODIFICATION attributes: set it for writes by
	// the server itself, replication and LDIF import, never for clients.
	Internal bool
}

func checkErr(code ResultCode, sentinel error, format string, args ...any) *Error {
	return &Error{Code: code, Err: sentinel, Msg: fmt.Sprintf(format, args...)}
}

// CheckEntry verifies that e may be stored: every attribute type is
// defined, values conform to their syntax and are not repeated,
// SINGLE-VALUE types have one value, NO-USER-MODIFICATION and OBSOLETE
// types are absent (unless opts.Internal), no object class is OBSOLETE,
// the object classes form exactly one structural
// chain, MUST attributes are present, every user attribute is allowed by
// some class (or extensibleObject is present), the DIT content rule of the
// structural class (if any) is met, and the RDN's values are in the entry. The first problem found is returned as an *Error whose
// Code is the LDAP result code and whose Err is one of
// ErrUndefinedAttributeType, ErrConstraintViolation, ErrInvalidSyntax,
// ErrValueExists, ErrObjectClassViolation or ErrNamingViolation.
// It does not modify e.
func (r *Registry) CheckEntry(e *Entry, opts CheckOptions) error {
	return r.checkEntry(e, nil, opts)
}

// checkEntry is CheckEntry; with old (a modify's entry before the
// change) it also requires old's structural object class. The checks run
// in the order of slapd's entry_schema_check, so that an entry with
// several problems gets the same result code: attributes and values, the
// classes, the structural class (and its change: objectClassModsProhibited),
// the RDN values (namingViolation), the DIT content rule, then MUST and
// MAY (objectClassViolation).
func (r *Registry) checkEntry(e, old *Entry, opts CheckOptions) error {
	types, err := r.checkAttributes(e, opts)
	if err != nil {
		return err
	}
	classes, err := r.entryClasses(e)
	if err != nil {
		return err
	}
	structural, err := structuralOf(classes)
	if err != nil {
		return err
	}
	if old != nil {
		if oldSC, err := r.StructuralObjectClass(old); err == nil && oldSC != structural {
			return checkErr(ObjectClassModsProhibited, ErrObjectClassViolation,
				"structural object class modification from %q to %q not allowed", oldSC.Name(), structural.Name())
		}
	}
	if err := r.checkRDN(e, NamingViolation, ErrNamingViolation); err != nil {
		return err
	}
	extra, err := r.checkContentRule(structural, classes, types)
	if err != nil {
		return err
	}
	return checkContent(classes, types, extra)
}

// CheckModify verifies the result of a modify: updated must pass
// CheckEntry, keep the structural object class of old
// (objectClassModsProhibited otherwise) and keep the RDN values
// (namingViolation otherwise, as slapd answers).
func (r *Registry) CheckModify(old, updated *Entry, opts CheckOptions) error {
	return r.checkEntry(updated, old, opts)
}

// CheckUserModifiable reports whether clients may write attribute desc:
// an *Error with UndefinedAttributeType for unknown types and
// ConstraintViolation for NO-USER-MODIFICATION types, nil otherwise.
func (r *Registry) CheckUserModifiable(desc string) error {
	ad, err := r.ParseAttributeDescription(desc)
	if err != nil {
		return checkErr(UndefinedAttributeType, ErrUndefinedAttributeType, "attribute type %q undefined", desc)
	}
	if ad.Type.NoUserModification {
		return checkErr(ConstraintViolation, ErrConstraintViolation, "attribute %q is maintained by the server and cannot be modified", ad.Type.Name())
	}
	return nil
}

// CheckDescOptions reports whether a client may write under the attribute
// description desc, whose type is defined: every option must be one the
// server recognizes (unsupportedOption), and ";binary" is required
// exactly on the syntaxes whose values travel in binary (RFC 4522; RFC
// 4523 §2.1: certificates "MUST only be transferred using the ;binary
// transfer option"). Otherwise it returns an *Error with
// UndefinedAttributeType, worded as slapd's slap_mods_check. Undefined
// types are left to the caller (nil).
func (r *Registry) CheckDescOptions(desc string) error {
	ad, err := r.ParseAttributeDescription(desc)
	if err != nil {
		return nil
	}
	return checkOptions(ad.Type, desc, true)
}

// checkOptions is CheckDescOptions for desc of the defined type at, with
// the ";binary" requirement only when binary is set (stored data and the
// server's own writes are taken as they are).
func checkOptions(at *AttributeType, desc string, binary bool) error {
	if o := storedRangeOption(desc); o != "" {
		return checkErr(UndefinedAttributeType, ErrUndefinedAttributeType, "%s: inappropriate use of tag range option", desc)
	}
	if o := unsupportedOption(at, desc); o != "" {
		if strings.EqualFold(o, "binary") {
			return checkErr(UndefinedAttributeType, ErrUndefinedAttributeType, "%s: option \"binary\" not supported with type", desc)
		}
		return checkErr(UndefinedAttributeType, ErrUndefinedAttributeType, "%s: attribute option %q not supported", desc, o)
	}
	if !binary {
		return nil
	}
	return requireBinary(at, desc)
}

// requireBinary returns an *Error with UndefinedAttributeType when at's
// values travel in binary and desc lacks the ";binary" option.
func requireBinary(at *AttributeType, desc string) error {
	if !binaryTransfer(at) {
		return nil
	}
	for o := range options(desc) {
		if strings.EqualFold(o, "binary") {
			return nil
		}
	}
	return checkErr(UndefinedAttributeType, ErrUndefinedAttributeType, "%s: requires ;binary transfer", desc)
}

// unsupportedOption returns the first option of desc that a stored
// attribute may not carry, "" when all may. RFC 4512 §2.5: a server treats
// an attribute description with an option it does not recognize as an
// unrecognized attribute, as slapd does. Recognized: language tags
// (lang-), private x- tags, and binary (RFC 4522) on the certificate
// syntaxes, whose values travel in binary. An empty option ("cn;",
// "cn;;lang-en") or one with other characters than letters, digits and
// hyphens is no option at all: it is returned as ";" or as written.
func unsupportedOption(at *AttributeType, desc string) string {
	for o := range options(desc) {
		lo := strings.ToLower(o)
		switch {
		case o == "":
			return ";"
		case !isOptionChars(o):
			return o
		case strings.HasPrefix(lo, "lang-"), strings.HasPrefix(lo, "x-"):
		case lo == "binary" && binaryTransfer(at):
		default:
			return o
		}
	}
	return ""
}

// options yields the options of the attribute description desc as
// written, empty ones included ("cn;" has one).
func options(desc string) iter.Seq[string] {
	return func(yield func(string) bool) {
		_, opts, ok := strings.Cut(desc, ";")
		for ok {
			var o string
			o, opts, ok = strings.Cut(opts, ";")
			if !yield(o) {
				return
			}
		}
	}
}

// isOptionChars reports whether o holds only the characters of an option
// (RFC 4512 §2.5: keychar).
func isOptionChars(o string) bool {
	for i := 0; i < len(o); i++ {
		if c := o[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// storedRangeOption returns the first language range option of desc
// (IsLangRange), "" when it has none: a range selects language tags but
// is none itself, so no stored attribute carries one (RFC 3866 §3.3;
// slapd: "inappropriate use of tag range option").
func storedRangeOption(desc string) string {
	for o := range options(desc) {
		if IsLangRange(o) {
			return o
		}
	}
	return ""
}

// UnsupportedOption returns the first option of the attribute description
// desc (of type at) that the server does not recognize, "" when it
// recognizes them all (see unsupportedOption).
func UnsupportedOption(at *AttributeType, desc string) string { return unsupportedOption(at, desc) }

// binaryTransfer reports whether values of at travel with ;binary (RFC
// 4522): Certificate, Certificate List, Certificate Pair and Supported
// Algorithm.
func binaryTransfer(at *AttributeType) bool {
	if at.Syntax == nil {
		return false
	}
	switch at.Syntax.OID {
	case oidLDAPSyntaxPrefix + "8", oidLDAPSyntaxPrefix + "9", oidLDAPSyntaxPrefix + "10", oidLDAPSyntaxPrefix + "49":
		return true
	}
	return false
}

// typeSet is the set of attribute types an entry holds. Entries have few
// types, so a slice scanned linearly costs less than building a map.
type typeSet []*AttributeType

func (s typeSet) has(at *AttributeType) bool {
	for _, t := range s {
		if t == at {
			return true
		}
	}
	return false
}

// checkAttributes checks each attribute on its own and returns the set of
// types present.
func (r *Registry) checkAttributes(e *Entry, opts CheckOptions) (typeSet, error) {
	types := make(typeSet, 0, len(e.Attrs))
	seen := attrSeen{}
	var nbuf []byte
	var repeatErr, obsoleteErr error
	for i := range e.Attrs {
		a := &e.Attrs[i]
		at := r.attrType(a)
		if at == nil || checkAttrDesc(a.Desc) != nil {
			return nil, checkErr(UndefinedAttributeType, ErrUndefinedAttributeType, "attribute type %q undefined", a.Desc)
		}
		// A client writes certificates with ";binary" (stored data, the
		// server's own writes and imports are taken as they are).
		if err := checkOptions(at, a.Desc, !opts.Internal); err != nil {
			return nil, err
		}
		// An attribute given twice is reported after every attribute's
		// own checks, as slapd (which checks each as given, then merges).
		if !seen.add(at, a.Desc) && repeatErr == nil {
			repeatErr = checkErr(AttributeOrValueExists, ErrValueExists, "attribute %q provided more than once", a.Desc)
		}
		if !types.has(at) {
			types = append(types, at)
		}
		if at.NoUserModification && !opts.Internal {
			return nil, checkErr(ConstraintViolation, ErrConstraintViolation, "attribute %q is maintained by the server and cannot be set", a.Desc)
		}
		// An OBSOLETE type may not be given a value by a client (RFC
		// 4512 §4.1.2: it is not active). slapd checks this after every
		// attribute's values and before a repeated attribute; an import
		// (Internal), like slapadd, accepts it.
		if at.Obsolete && !opts.Internal && obsoleteErr == nil {
			obsoleteErr = checkErr(ConstraintViolation, ErrConstraintViolation, "%s: attribute is obsolete", a.Desc)
		}
		if len(a.Values) == 0 {
			return nil, checkErr(InvalidAttributeSyntax, ErrInvalidSyntax, "attribute %q has no values", a.Desc)
		}
		// Values are checked against the syntax before their number, as
		// slapd does (slap_mods_check).
		for j, v := range a.Values {
			if !at.Validate(v) {
				return nil, checkErr(InvalidAttributeSyntax, ErrInvalidSyntax, "%s: value #%d is not a valid %s", a.Desc, j, syntaxName(at))
			}
		}
		if at.SingleValue && len(a.Values) > 1 {
			return nil, checkErr(ConstraintViolation, ErrConstraintViolation, "attribute %q is single-valued but has %d values", a.Desc, len(a.Values))
		}
		// An unknown class is a bad objectClass value, found in
		// attribute order as slapd does (before a repeated value of a
		// later attribute).
		if at.OID == oidObjectClass {
			for _, v := range a.Values {
				if r.ObjectClass(string(v)) == nil {
					return nil, checkErr(InvalidAttributeSyntax, ErrInvalidSyntax, "objectClass: unknown object class %q", v)
				}
			}
		}
		var err error
		if nbuf, err = checkDuplicates(at, a, nbuf); err != nil {
			return nil, err
		}
	}
	if obsoleteErr != nil {
		return nil, obsoleteErr
	}
	if repeatErr != nil {
		return nil, repeatErr
	}
	return types, nil
}

// attrSeen remembers the (type, tag options) pairs of an entry's
// attributes: two attributes with equal pairs are one attribute given
// twice. Tags are compared as a set, lower-cased, "binary" ignored.
type attrSeen struct {
	small [seenLinear]seenAttr // list's first storage
	n     int
	big   map[string]bool // past seenLinear attributes: OID;tag;tag...
}

type seenAttr struct {
	at   *AttributeType
	tags string // sorted tag options joined by ';', "" for none
}

const seenLinear = 32

// add records at with desc's tags; false means the pair was seen before.
func (s *attrSeen) add(at *AttributeType, desc string) bool {
	tags := ""
	if strings.IndexByte(desc, ';') >= 0 {
		t := TagOptions(desc)
		sort.Strings(t)
		tags = strings.Join(t, ";")
	}
	if s.big != nil {
		key := at.OID + ";" + tags
		if s.big[key] {
			return false
		}
		s.big[key] = true
		return true
	}
	for _, x := range s.small[:s.n] {
		if x.at == at && x.tags == tags {
			return false
		}
	}
	if s.n < seenLinear {
		s.small[s.n] = seenAttr{at: at, tags: tags}
		s.n++
		return true
	}
	s.big = make(map[string]bool, 4*seenLinear)
	for _, x := range s.small {
		s.big[x.at.OID+";"+x.tags] = true
	}
	s.big[at.OID+";"+tags] = true
	return true
}

func syntaxName(at *AttributeType) string {
	if at.Syntax != nil && at.Syntax.Desc != "" {
		return at.Syntax.Desc
	}
	return "value"
}

// dupLinear is the number of values up to which checkDuplicates compares
// every pair; above it a map finds repeats in linear time (a group with
// thousands of members is checked on every modify).
const dupLinear = 16

// checkDuplicates rejects values that are equal under the equality rule
// (byte-equal when the type has none). Stored normalized values (Norm)
// are used as they are; the others are normalized here. The error names
// the first value that repeats an earlier one, and the earliest such one.
func checkDuplicates(at *AttributeType, a *Attribute, buf []byte) ([]byte, error) {
	if len(a.Values) < 2 {
		return buf, nil
	}
	rule := at.Equality != nil && at.Equality.Implemented()
	prepared := rule && len(a.Norm) == len(a.Values)
	norms := make([][]byte, len(a.Values))
	for j, v := range a.Values {
		n := v
		switch {
		case prepared && a.Norm[j] != nil:
			n = a.Norm[j]
		case rule:
			start := len(buf)
			var err error
			if buf, err = at.Equality.Normalize(buf, v); err != nil {
				return buf, checkErr(InvalidAttributeSyntax, ErrInvalidSyntax, "%s: value #%d is not a valid %s", a.Desc, j, syntaxName(at))
			}
			n = buf[start:]
		}
		norms[j] = n
	}
	if j, k := firstRepeat(norms); j >= 0 {
		return buf, checkErr(AttributeOrValueExists, ErrValueExists, "%s: value #%d repeats value #%d", a.Desc, j, k)
	}
	return buf[:0], nil
}

// firstRepeat returns the smallest j such that vals[j] equals an earlier
// value, and the first index k of that value; -1, -1 when all differ.
func firstRepeat(vals [][]byte) (j, k int) {
	if len(vals) <= dupLinear {
		for j := range vals {
			for k := 0; k < j; k++ {
				if bytes.Equal(vals[j], vals[k]) {
					return j, k
				}
			}
		}
		return -1, -1
	}
	first := make(map[string]int, len(vals))
	for j, v := range vals {
		if k, ok := first[string(v)]; ok {
			return j, k
		}
		first[string(v)] = j
	}
	return -1, -1
}

// entryClasses resolves the objectClass values.
func (r *Registry) entryClasses(e *Entry) ([]*ObjectClass, error) {
	var classes []*ObjectClass
	found := false
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if at := r.attrType(a); at == nil || at.OID != oidObjectClass {
			continue
		}
		found = true
		for _, v := range a.Values {
			oc := r.ObjectClass(string(v))
			if oc == nil {
				return nil, checkErr(InvalidAttributeSyntax, ErrInvalidSyntax, "objectClass: unknown object class %q", v)
			}
			classes = append(classes, oc)
		}
	}
	if !found {
		return nil, checkErr(ObjectClassViolation, ErrObjectClassViolation, "entry has no objectClass attribute")
	}
	return classes, nil
}

// oidGlue is the glue class: a placeholder for an ancestor a partial
// replica holds no data for. As in slapd, a glue entry need not hold its
// RDN's values, and nothing adds them.
const oidGlue = "1.3.6.1.4.1.4203.666.3.4"

// IsGlue reports whether e is of class glue.
func (r *Registry) IsGlue(e *Entry) bool {
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if at := r.attrType(a); at == nil || at.OID != oidObjectClass {
			continue
		}
		for _, v := range a.Values {
			if oc := r.ObjectClass(string(v)); oc != nil && oc.OID == oidGlue {
				return true
			}
		}
	}
	return false
}

// StructuralObjectClass returns the most specific structural class of e
// (what the structuralObjectClass attribute holds), or an *Error with
// ObjectClassViolation when there is none or there are two unrelated ones.
func (r *Registry) StructuralObjectClass(e *Entry) (*ObjectClass, error) {
	classes, err := r.entryClasses(e)
	if err != nil {
		return nil, err
	}
	return structuralOf(classes)
}

func structuralOf(classes []*ObjectClass) (*ObjectClass, error) {
	var best *ObjectClass
	for _, oc := range classes {
		if oc.Kind != Structural {
			continue
		}
		switch {
		case best == nil || oc.IsSubclassOf(best):
			best = oc
		case best.IsSubclassOf(oc):
		default:
			return nil, checkErr(ObjectClassViolation, ErrObjectClassViolation,
				"object classes %q and %q are structural but not in one superclass chain", best.Name(), oc.Name())
		}
	}
	if best == nil {
		return nil, checkErr(ObjectClassViolation, ErrObjectClassViolation, "no structural object class provided")
	}
	return best, nil
}

// checkContent checks that no class is OBSOLETE, and MUST and MAY against
// the classes' closures (plus the extra types a DIT content rule allows).
func checkContent(classes []*ObjectClass, types typeSet, extra map[*AttributeType]bool) error {
	extensible := false
	for _, oc := range classes {
		// As slapd (entry_schema_check), for every write and for an
		// import too: an OBSOLETE class is not active (RFC 4512 §4.1.1).
		if oc.Obsolete {
			return checkErr(ObjectClassViolation, ErrObjectClassViolation, "objectClass %q is OBSOLETE", oc.Name())
		}
		if oc.OID == "1.3.6.1.4.1.1466.101.120.111" {
			extensible = true
		}
		for _, at := range oc.Must {
			if !types.has(at) {
				return checkErr(ObjectClassViolation, ErrObjectClassViolation, "object class %q requires attribute %q", oc.Name(), at.Name())
			}
		}
	}
	if extensible {
		return nil
	}
	for _, at := range types {
		if !at.IsOperational() && !extra[at] && !classesAllow(classes, at) {
			return checkErr(ObjectClassViolation, ErrObjectClassViolation, "attribute %q is not allowed by the entry's object classes", at.Name())
		}
	}
	return nil
}

// classesAllow reports whether at is a MUST or MAY type of one of classes.
func classesAllow(classes []*ObjectClass, at *AttributeType) bool {
	for _, oc := range classes {
		if oc.allowed[at] {
			return true
		}
	}
	return false
}

// checkRDN requires every AVA of the entry's RDN among its values.
func (r *Registry) checkRDN(e *Entry, code ResultCode, sentinel error) error {
	if len(e.DN) == 0 || r.IsGlue(e) {
		return nil
	}
	for _, ava := range e.DN[0] {
		at := r.AttributeType(ava.Type)
		if at == nil {
			return checkErr(UndefinedAttributeType, ErrUndefinedAttributeType, "RDN attribute type %q undefined", ava.Type)
		}
		if !r.entryHasValue(e, at, []byte(ava.Value)) {
			return checkErr(code, sentinel, "naming attribute value %s is not in the entry", ava)
		}
	}
	return nil
}

// entryHasValue reports whether e holds v for type at, compared with the
// equality rule (or bytes when the type has none). Only the attribute
// without tag options counts, as in slapd (entry_naming_check): "cn;lang-en:
// x" does not hold the value of the RDN cn=x.
func (r *Registry) entryHasValue(e *Entry, at *AttributeType, v []byte) bool {
	eqr := at.Equality
	useRule := eqr != nil && eqr.Implemented()
	// want and buf share one buffer: buf appends after want.
	var want, buf []byte
	if useRule {
		var err error
		if want, err = eqr.Normalize(make([]byte, 0, 2*len(v)+64), v); err != nil {
			return false
		}
		buf = want[len(want):]
	}
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if r.attrType(a) != at || strings.IndexByte(a.Desc, ';') >= 0 && len(TagOptions(a.Desc)) > 0 {
			continue
		}
		for _, x := range a.Values {
			if !useRule {
				if bytes.Equal(x, v) {
					return true
				}
				continue
			}
			var err error
			if buf, err = eqr.Normalize(buf[:0], x); err == nil && eqr.Match(buf, want) {
				return true
			}
		}
	}
	return false
}

// checkContentRule applies the DIT content rule of the structural class,
// if one was loaded: auxiliary classes must be listed in AUX, MUST types
// present, NOT types absent. It returns the rule's MUST and MAY types,
// which the entry may hold in addition to its classes' attributes.
func (r *Registry) checkContentRule(structural *ObjectClass, classes []*ObjectClass, types typeSet) (map[*AttributeType]bool, error) {
	var cr *DITContentRule
	for _, c := range r.contentRules {
		if r.ObjectClass(c.OID) == structural {
			cr = c
		}
	}
	if cr == nil {
		return nil, nil
	}
	for _, oc := range classes {
		if oc.Kind != Auxiliary {
			continue
		}
		ok := false
		for _, n := range cr.Aux {
			ok = ok || r.ObjectClass(n) == oc
		}
		if !ok {
			return nil, checkErr(ObjectClassViolation, ErrObjectClassViolation,
				"auxiliary object class %q is not allowed by the DIT content rule of %q", oc.Name(), structural.Name())
		}
	}
	extra := map[*AttributeType]bool{}
	for _, n := range cr.Must {
		at := r.AttributeType(n)
		if !types.has(at) {
			return nil, checkErr(ObjectClassViolation, ErrObjectClassViolation,
				"the DIT content rule of %q requires attribute %q", structural.Name(), at.Name())
		}
		extra[at] = true
	}
	for _, n := range cr.May {
		extra[r.AttributeType(n)] = true
	}
	for _, n := range cr.Not {
		if at := r.AttributeType(n); at != nil && types.has(at) {
			return nil, checkErr(ObjectClassViolation, ErrObjectClassViolation,
				"the DIT content rule of %q precludes attribute %q", structural.Name(), at.Name())
		}
	}
	return extra, nil
}
