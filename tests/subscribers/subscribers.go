// Package subscribers writes the telco subscriber LDIF that the benchmarks
// load into lightdir and into slapd: the suffix dc=example,dc=com,
// ou=subscribers, and per subscriber an inetOrgPerson entry named by its
// IMSI (uid) with its MSISDN (telephoneNumber), plus two children.
package subscribers

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// Suffix is the naming context of the generated entries.
const Suffix = "dc=example,dc=com"

// IMSI is subscriber i's uid: 15 digits.
func IMSI(i int) string { return fmt.Sprintf("00101%010d", i) }

// MSISDN is subscriber i's telephoneNumber: 12 digits.
func MSISDN(i int) string { return fmt.Sprintf("4670%08d", i) }

// DN is subscriber i's entry.
func DN(i int) string { return "uid=" + IMSI(i) + ",ou=subscribers," + Suffix }

// Entries is the number of entries WriteFile writes for n subscribers.
func Entries(n int) int { return 3*n + 2 }

// WriteFile writes the LDIF of n subscribers to path.
func WriteFile(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Write(f, n); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Write writes the LDIF of n subscribers to w.
func Write(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n", Suffix)
	fmt.Fprintf(bw, "dn: ou=subscribers,%s\nobjectClass: organizationalUnit\nou: subscribers\n\n", Suffix)
	for i := 0; i < n; i++ {
		dn := DN(i)
		fmt.Fprintf(bw, "dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ntelephoneNumber: %s\nmail: %s@example.com\ncn: Subscriber %d\nsn: %d\ndescription: plan-%d\n\n",
			dn, IMSI(i), MSISDN(i), MSISDN(i), i, i, i%7)
		fmt.Fprintf(bw, "dn: cn=hlr,%s\nobjectClass: organizationalRole\ncn: hlr\ndescription: msc 4670%d vlr %d\n\n", dn, i%100, i%977)
		fmt.Fprintf(bw, "dn: ou=services,%s\nobjectClass: organizationalUnit\nou: services\ndescription: voice data sms\n\n", dn)
	}
	return bw.Flush()
}
