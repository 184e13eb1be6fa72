package conf

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// decode decodes data into c one key at a time. The TOML decoder stops at the
// first value of the wrong type, picked in map order (so each run of `lightdir
// test` could name another one, and never all), and positions a key of an
// array of tables at the line of its last element; here every such value is a
// problem of its own, at its own line, and the keys the configuration lacks are
// reported along with them. It returns nil when everything decoded.
func (c *Config) decode(data string) Problems {
	var top map[string]toml.Primitive
	md, err := toml.Decode(data, &top)
	if err != nil {
		return Problems{c.decodeProblem(err)}
	}
	var ps Problems
	c.decodeTable(&md, top, reflect.ValueOf(c).Elem(), "", "", &ps)
	slices.SortStableFunc(ps, func(a, b Problem) int { return a.Line - b.Line })
	return ps
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

// decodeTable decodes the keys of one table into the struct rv. path is the
// table's key path with array indices ("database[1]"), plain the same without
// them ("database"), as the decoder and the unknown-key messages spell it.
func (c *Config) decodeTable(md *toml.MetaData, table map[string]toml.Primitive, rv reflect.Value, path, plain string, ps *Problems) {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kpath, kplain := joinPath(path, k), joinPath(plain, k)
		f, ok := fieldFor(rv.Type(), k)
		if !ok {
			*ps = append(*ps, Problem{File: c.File, Line: c.lines.line(kpath), Key: kplain, Err: ErrUnknownKey})
			continue
		}
		fv := rv.FieldByIndex(f.Index)
		bad := func(err error) { *ps = append(*ps, c.valueProblem(err, kpath, kplain)) }
		switch t := f.Type; {
		case t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(textUnmarshalerType):
			var sub map[string]toml.Primitive
			if err := md.PrimitiveDecode(table[k], &sub); err != nil {
				bad(err)
				continue
			}
			c.decodeTable(md, sub, fv, kpath, kplain, ps)
		case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
			var elems []map[string]toml.Primitive
			if err := md.PrimitiveDecode(table[k], &elems); err != nil {
				bad(err)
				continue
			}
			fv.Set(reflect.MakeSlice(t, len(elems), len(elems)))
			for i, e := range elems {
				c.decodeTable(md, e, fv.Index(i), fmt.Sprintf("%s[%d]", kpath, i), kplain, ps)
			}
		default:
			if err := md.PrimitiveDecode(table[k], fv.Addr().Interface()); err != nil {
				bad(err)
			}
		}
	}
}

// fieldFor returns the field of struct type t that key sets: its toml tag, or
// its name, matched exactly or else without regard to case (as the decoder does).
func fieldFor(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			fold, found = f, true
		}
	}
	return fold, found
}

// valueProblem positions the decoder's error about the value of path. The
// decoder names the key it was in (below path for tables and maps) without the
// array indices, and the line of the last key so spelled.
func (c *Config) valueProblem(err error, path, plain string) Problem {
	last, msg := "", err.Error()
	var pe toml.ParseError
	if errors.As(err, &pe) {
		last, msg = pe.LastKey, pe.Message
		if inner := errors.Unwrap(pe); inner != nil && msg == "" {
			msg = inner.Error()
		}
	} else {
		// `toml: line N (last key "k"): message`, or without the line.
		msg = strings.TrimPrefix(msg, "toml: ")
		if i := strings.Index(msg, "(last key "); i >= 0 {
			if j := strings.Index(msg[i:], "): "); j >= 0 {
				last = strings.Trim(msg[i+len("(last key "):i+j], `"`)
				msg = msg[i+j+3:]
			}
		}
	}
	key := path
	if rest, ok := strings.CutPrefix(last, plain); ok && (rest == "" || rest[0] == '.') {
		key = path + rest
	}
	return Problem{File: c.File, Line: c.lines.line(key), Key: key, Err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
}
