package schema

import (
	"fmt"
	"sort"
)

// NormalizeDN returns the normalized form of dn: every attribute type is
// replaced by the lower-cased primary name of its type (the numeric OID
// for types without a name), every value by its equality-normalized form
// (types without an equality rule keep their value), and the AVAs of each
// multi-valued RDN are sorted by type, then value. Two DNs name the same
// entry exactly when their normalized forms are Equal, and the String of a
// normalized DN is a stable key.
//
// Errors are *Error values with code InvalidDNSyntax wrapping ErrInvalidDN
// and, for unknown types, ErrUndefinedAttributeType. The result shares no
// memory with dn.
func (r *Registry) NormalizeDN(dn DN) (DN, error) {
	n := 0
	for _, rdn := range dn {
		n += len(rdn)
	}
	avas := make([]AVA, n) // one array for all RDNs
	// The normalized values go one after another into buf, which becomes
	// one string; ends[k] is where the k-th value ends.
	var buf []byte
	var endsArr [16]int
	ends := endsArr[:0]
	k := 0
	for _, rdn := range dn {
		for _, ava := range rdn {
			at := r.AttributeType(ava.Type)
			if at == nil {
				return nil, &Error{Code: InvalidDNSyntax, Err: ErrUndefinedAttributeType,
					Msg: fmt.Sprintf("invalid DN: undefined attribute type %q", ava.Type)}
			}
			start := len(buf)
			buf = append(buf, ava.Value...)
			if !at.Validate(buf[start:]) {
				return nil, &Error{Code: InvalidDNSyntax, Err: ErrInvalidDN,
					Msg: fmt.Sprintf("invalid DN: value of %q is invalid", ava.Type)}
			}
			if at.Equality != nil && at.Equality.Implemented() {
				in := len(buf) // the raw value is buf[start:in]; its normal form follows it, then moves over it
				var err error
				buf, err = at.Equality.Normalize(buf, buf[start:in])
				if err != nil {
					return nil, &Error{Code: InvalidDNSyntax, Err: ErrInvalidDN,
						Msg: fmt.Sprintf("invalid DN: value of %q is invalid", ava.Type)}
				}
				buf = append(buf[:start], buf[in:]...)
			}
			ends = append(ends, len(buf))
			avas[k].Type = at.lname
			k++
		}
	}
	values := string(buf)
	out := make(DN, len(dn))
	k, prev := 0, 0
	for i, rdn := range dn {
		nrdn := avas[k : k+len(rdn) : k+len(rdn)]
		for j := range nrdn {
			nrdn[j].Value = values[prev:ends[k+j]]
			prev = ends[k+j]
		}
		k += len(rdn)
		if len(nrdn) > 1 {
			sort.Slice(nrdn, func(a, b int) bool {
				if nrdn[a].Type != nrdn[b].Type {
					return nrdn[a].Type < nrdn[b].Type
				}
				return nrdn[a].Value < nrdn[b].Value
			})
			for j := 1; j < len(nrdn); j++ {
				if nrdn[j].Type == nrdn[j-1].Type {
					return nil, &Error{Code: InvalidDNSyntax, Err: ErrInvalidDN,
						Msg: fmt.Sprintf("invalid DN: attribute type %q appears twice in one RDN", nrdn[j].Type)}
				}
			}
		}
		out[i] = nrdn
	}
	return out, nil
}

// NormalizeDNString parses s and returns the String of its normalized
// form, e.g. "CN=John  SMITH , DC=Example,dc=COM" gives
// "cn=john smith,dc=example,dc=com". Errors as ParseDN and NormalizeDN.
func (r *Registry) NormalizeDNString(s string) (string, error) {
	dn, err := ParseDN(s)
	if err != nil {
		return "", &Error{Code: InvalidDNSyntax, Err: err, Msg: "invalid DN syntax"}
	}
	n, err := r.NormalizeDN(dn)
	if err != nil {
		return "", err
	}
	return n.String(), nil
}

// appendNormalizedDN is the distinguishedNameMatch normalizer.
func (r *Registry) appendNormalizedDN(dst []byte, dn DN) ([]byte, error) {
	if r == nil {
		return append(dst, dn.String()...), nil
	}
	n, err := r.NormalizeDN(dn)
	if err != nil {
		return dst, ErrInvalidSyntax
	}
	return append(dst, n.String()...), nil
}

// validDNValues reports whether every AVA of dn names a defined attribute
// type with a value valid for its syntax, and no RDN names a type twice.
// It checks what NormalizeDN checks without building the normal form:
// syntax validation runs on every value of a DN-syntax attribute.
func (r *Registry) validDNValues(dn DN) bool {
	var buf []byte // one copy buffer for all values: Validate needs bytes
	for _, rdn := range dn {
		for i, ava := range rdn {
			at := r.AttributeType(ava.Type)
			if at == nil {
				return false
			}
			buf = append(buf[:0], ava.Value...)
			if !at.Validate(buf) {
				return false
			}
			for _, prev := range rdn[:i] {
				if r.AttributeType(prev.Type) == at {
					return false
				}
			}
		}
	}
	return true
}
