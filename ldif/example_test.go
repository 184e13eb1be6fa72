package ldif_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"lightdir/ldif"
)

func ExampleReader() {
	in := "version: 1\n# a comment\ndn: uid=262010000000001,ou=subscribers,dc=example,dc=com\n" +
		"objectClass: inetOrgPerson\ncn:: TcO8bGxlcg==\nsn: M\n üller\n\n" +
		"dn: cn=x,dc=example,dc=com\nchangetype: delete\n"
	r := ldif.NewReader(strings.NewReader(in), ldif.ReaderOptions{})
	for {
		e, err := r.NextEntry()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("line %d: %s, cn=%s sn=%s\n", e.Line, e.DN, e.Get("cn")[0], e.Get("sn")[0])
	}
	// Output:
	// line 3: uid=262010000000001,ou=subscribers,dc=example,dc=com, cn=Müller sn=Müller
	// ldif: line 9: change record (changetype: delete) not accepted here; only entries can be loaded
}

func ExampleWriter() {
	w := ldif.NewWriter(os.Stdout, ldif.WriterOptions{})
	w.WriteEntry(&ldif.Entry{DN: "cn=Müller,dc=example,dc=com", Attrs: []ldif.Attr{
		{Desc: "cn", Values: [][]byte{[]byte("Müller")}},
		{Desc: "description", Values: [][]byte{[]byte(" leading space"), []byte("plain")}},
	}})
	w.Flush()
	// Output:
	// dn:: Y249TcO8bGxlcixkYz1leGFtcGxlLGRjPWNvbQ==
	// cn:: TcO8bGxlcg==
	// description:: IGxlYWRpbmcgc3BhY2U=
	// description: plain
}
