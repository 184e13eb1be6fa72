package schema

import "strings"

// Attribute is one attribute of an entry: its description as stored (type
// name or OID plus options, e.g. "cn;lang-de") and its values.
//
// Norm, Type and the values are all optional accelerators a caller may fill
// in once (the backend does when it decodes an entry); evaluation and checks
// compute whatever is missing:
//   - Norm[i], if Norm is non-nil, must be Values[i] normalized by the
//     type's equality rule (AttributeType.NormalizeValue).
//   - Type, if non-nil, must be the registry's type for Desc.
type Attribute struct {
	Desc   string
	Values [][]byte
	Norm   [][]byte
	Type   *AttributeType
}

// Entry is a directory entry as this package sees it: a DN and attributes.
// Several Attributes may share a type when their options differ
// ("cn" and "cn;lang-de"); one Attribute per description is expected.
type Entry struct {
	DN    DN
	Attrs []Attribute
}

// Get returns the attribute whose description equals desc (ASCII
// case-insensitively, options included), or nil.
func (e *Entry) Get(desc string) *Attribute {
	for i := range e.Attrs {
		if strings.EqualFold(e.Attrs[i].Desc, desc) {
			return &e.Attrs[i]
		}
	}
	return nil
}

// attrType returns a's type, resolving Desc if Type is not set.
func (r *Registry) attrType(a *Attribute) *AttributeType {
	if a.Type != nil {
		return a.Type
	}
	typ := a.Desc
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = typ[:i]
	}
	return r.AttributeType(typ)
}

// HasOptions reports whether desc carries every option in want (lower-case,
// "binary" already removed), compared case-insensitively. A language
// range in want (RFC 3866 §3.3: "lang-" or a language tag option ending
// in "-", such as "lang-en-") is carried by every language tag option it
// covers: "lang-" by all of them, "lang-en-" by lang-en and lang-en-us,
// as slapd's tag ranges.
func HasOptions(desc string, want []string) bool {
	for _, w := range want {
		found := false
		for o := range options(desc) {
			if found = optionCovers(w, o); found {
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// optionCovers reports whether the wanted option w selects the option o:
// the same option, or a language range and a tag in it ("lang-en-" covers
// lang-en and lang-en-us).
func optionCovers(w, o string) bool {
	if strings.EqualFold(o, w) {
		return true
	}
	if !IsLangRange(w) {
		return false
	}
	return len(o) > len(w) && strings.EqualFold(o[:len(w)], w) || len(w) > len("lang-") && strings.EqualFold(o, w[:len(w)-1])
}

// IsLangRange reports whether the option o is a language range option
// (RFC 3866 §3.3): "lang-" alone or a language tag option followed by
// "-". Ranges select attributes in attribute lists, filters, compares and
// sort keys; no stored attribute carries one.
func IsLangRange(o string) bool {
	return len(o) >= len("lang-") && strings.EqualFold(o[:len("lang-")], "lang-") && o[len(o)-1] == '-'
}

// TagOptions returns the options of desc that select subtypes (everything
// but the "binary" transfer option), lower-cased; nil when there are none.
func TagOptions(desc string) []string {
	_, opts, ok := strings.Cut(desc, ";")
	if !ok {
		return nil
	}
	var out []string
	for _, o := range strings.Split(strings.ToLower(opts), ";") {
		if o != "" && o != "binary" {
			out = append(out, o)
		}
	}
	return out
}

// PrepareEntry fills in Type and Norm for every attribute of e whose type
// is known and has an implemented equality rule, so that evaluation and
// index key generation need no further normalization. Values that cannot
// be normalized get a nil Norm entry and evaluate as Undefined. Unknown
// types are left untouched. PrepareEntry modifies e in place; the Norm
// slices are newly allocated.
func (r *Registry) PrepareEntry(e *Entry) {
	for i := range e.Attrs {
		a := &e.Attrs[i]
		at := r.attrType(a)
		if at == nil {
			continue
		}
		a.Type = at
		if at.Equality == nil || !at.Equality.Implemented() {
			a.Norm = nil
			continue
		}
		a.Norm = make([][]byte, len(a.Values))
		for j, v := range a.Values {
			if n, err := at.Equality.Normalize(nil, v); err == nil {
				if n == nil {
					n = []byte{}
				}
				a.Norm[j] = n
			}
		}
	}
}

// ObjectClassClosure returns the names of the given object classes plus all
// their superclasses, each once, superclasses first (RFC 4512 §2.4.1 says
// superclasses are implicitly present). Unknown names are kept as given.
func (r *Registry) ObjectClassClosure(values [][]byte) [][]byte {
	var out [][]byte
	seen := map[*ObjectClass]bool{}
	var add func(oc *ObjectClass)
	add = func(oc *ObjectClass) {
		if seen[oc] {
			return
		}
		seen[oc] = true
		for _, s := range oc.Sups {
			add(s)
		}
		out = append(out, []byte(oc.Name()))
	}
	for _, v := range values {
		if oc := r.ObjectClass(string(v)); oc != nil {
			add(oc)
		} else {
			out = append(out, v)
		}
	}
	return out
}
