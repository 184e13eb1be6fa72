package ldif

import (
	"fmt"
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
