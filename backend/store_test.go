package backend

import (
	"bytes"
	"testing"

	"lightdir/schema"
)

// TestCloneEntry_private: a clone equals its original, shares no bytes
// with it, keeps nil and empty values apart, and appending to one of its
// attributes (or values) leaves the others intact.
func TestCloneEntry_private(t *testing.T) {
	orig := &schema.Entry{DN: schema.DN{{{Type: "cn", Value: "x"}}}, Attrs: []schema.Attribute{
		{Desc: "cn", Values: [][]byte{[]byte("Alice"), []byte("")}, Norm: [][]byte{[]byte("alice"), nil}},
		{Desc: "description", Values: [][]byte{[]byte("d1")}},
		{Desc: "sn", Values: [][]byte{}, Norm: [][]byte{}},
	}}
	c := cloneEntry(orig)
	if len(c.Attrs) != 3 || c.DN.String() != "cn=x" {
		t.Fatalf("clone %+v", c)
	}
	for i := range orig.Attrs {
		o, k := &orig.Attrs[i], &c.Attrs[i]
		if o.Desc != k.Desc || len(o.Values) != len(k.Values) || len(o.Norm) != len(k.Norm) || (o.Norm == nil) != (k.Norm == nil) {
			t.Fatalf("attribute %d: %+v, want %+v", i, k, o)
		}
		for j := range o.Values {
			if !bytes.Equal(o.Values[j], k.Values[j]) || k.Values[j] == nil {
				t.Fatalf("attribute %d value %d: %q", i, j, k.Values[j])
			}
		}
		for j := range o.Norm {
			if !bytes.Equal(o.Norm[j], k.Norm[j]) || (o.Norm[j] == nil) != (k.Norm[j] == nil) {
				t.Fatalf("attribute %d norm %d: %q", i, j, k.Norm[j])
			}
		}
	}
	orig.Attrs[0].Values[0][0] = 'X'
	orig.Attrs[0].Norm[0][0] = 'X'
	if string(c.Attrs[0].Values[0]) != "Alice" || string(c.Attrs[0].Norm[0]) != "alice" {
		t.Fatal("clone shares bytes with the original")
	}
	c.Attrs[0].Values = append(c.Attrs[0].Values, []byte("extra"))
	c.Attrs[0].Values[0] = append(c.Attrs[0].Values[0], "Smith"...)
	if string(c.Attrs[0].Values[1]) != "" || string(c.Attrs[0].Norm[0]) != "alice" ||
		string(c.Attrs[1].Values[0]) != "d1" || len(c.Attrs[2].Values) != 0 {
		t.Fatalf("appending ran into neighbours: %+v", c.Attrs)
	}
}
