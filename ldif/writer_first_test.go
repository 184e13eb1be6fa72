package ldif

import "testing"

// TestWriteEntry_changetypeOrControlFirst: an entry whose first
// attribute is named changetype or control (both valid descriptions, e.g.
// the changelog schema's changeType) must be written so that it reads back
// as an entry with the same attributes, not as a change record or an error.
func TestWriteEntry_changetypeOrControlFirst(t *testing.T) {
	for _, first := range []string{"changeType", "control"} {
		in := &Entry{DN: "cn=1,dc=x", Attrs: []Attr{
			{Desc: first, Values: vals("add")}, {Desc: "objectClass", Values: vals("changeLogEntry")}, {Desc: "cn", Values: vals("1")}}}
		out := writeString(t, WriterOptions{}, in)
		recs, err := readAll(out, ReaderOptions{})
		if err != nil || len(recs) != 1 {
			t.Errorf("%s first: reading back %q: %v", first, out, err)
			continue
		}
		e, ok := recs[0].(*Entry)
		if !ok {
			t.Errorf("%s first: read back as %T:%s", first, recs[0], dump(recs))
			continue
		}
		for _, a := range in.Attrs {
			if got := e.Get(a.Desc); len(got) != 1 || string(got[0]) != string(a.Values[0]) {
				t.Errorf("%s first: %s = %q, want %q", first, a.Desc, got, a.Values)
			}
		}
	}
}
