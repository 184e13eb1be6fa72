package ldif

import (
	"fmt"
	"reflect"
	"strings"
)

// dump renders records for failure messages.
func dump(recs []Record) string {
	var b strings.Builder
	for _, r := range recs {
		switch r := r.(type) {
		case *Entry:
			fmt.Fprintf(&b, "\n  Entry{DN:%q Line:%d", r.DN, r.Line)
			for _, a := range r.Attrs {
				fmt.Fprintf(&b, " %s@%d=%q", a.Desc, a.Line, a.Values)
			}
			b.WriteString("}")
		default:
			fmt.Fprintf(&b, "\n  %+v", r)
		}
	}
	return b.String()
}

// sameRecords compares records ignoring the Line fields, which the Writer
// does not take from its input.
func sameRecords(a, b []Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(stripLines(a[i]), stripLines(b[i])) {
			return false
		}
	}
	return true
}

// stripLines returns a copy of r with all Line fields zero and empty value
// slices normalized to nil.
func stripLines(r Record) Record {
	fix := func(attrs []Attr) []Attr {
		if len(attrs) == 0 {
			return nil
		}
		out := make([]Attr, len(attrs))
		for i, a := range attrs {
			out[i] = Attr{Desc: a.Desc, Values: normVals(a.Values)}
		}
		return out
	}
	switch r := r.(type) {
	case *Entry:
		return &Entry{DN: r.DN, Attrs: fix(r.Attrs)}
	case *ChangeRecord:
		c := *r
		c.Line = 0
		c.Attrs = fix(r.Attrs)
		if len(r.Controls) == 0 {
			c.Controls = nil
		} else {
			c.Controls = make([]Control, len(r.Controls))
			for i, ctl := range r.Controls {
				if len(ctl.Value) == 0 {
					ctl.Value = nil
				}
				c.Controls[i] = ctl
			}
		}
		c.Mods = nil
		for _, m := range r.Mods {
			c.Mods = append(c.Mods, Mod{Op: m.Op, Attr: Attr{Desc: m.Attr.Desc, Values: normVals(m.Attr.Values)}})
		}
		return &c
	}
	return r
}

func normVals(vs [][]byte) [][]byte {
	if len(vs) == 0 {
		return nil
	}
	out := make([][]byte, len(vs))
	for i, v := range vs {
		if len(v) == 0 {
			v = []byte{}
		}
		out[i] = v
	}
	return out
}
