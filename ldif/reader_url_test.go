package ldif

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReader_Next_fileURLHashAndQuery: "attr:< file:///dir/photo#1.jpg"
// names the file photo#1.jpg, as OpenLDAP's slapadd and ldapmodify read
// it (their ldif_fetch_url opens the path after "file://", %XX decoded,
// with no query or fragment). The value must not come from dir/photo
// with "#1.jpg" silently dropped.
func TestReader_Next_fileURLHashAndQuery(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"photo":       "the wrong file",
		"photo#1.jpg": "hash",
		"photo?x":     "question mark",
		"a b#c":       "space and hash",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ url, want string }{
		{"file://" + dir + "/photo#1.jpg", "hash"},
		{"file://" + dir + "/photo?x", "question mark"},
		{"file://" + dir + "/a%20b#c", "space and hash"},
		{"file://localhost" + dir + "/photo%231.jpg", "hash"},
	} {
		recs, err := readAll("dn: cn=a\naudio:< "+c.url+"\n", ReaderOptions{})
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if got := string(recs[0].(*Entry).Attrs[0].Values[0]); got != c.want {
			t.Errorf("%s: read %q, want %q", c.url, got, c.want)
		}
	}
}

// TestReader_Next_fileURLForms: the URL forms accepted before stay
// accepted (file:/path, upper-case scheme) and the others refused.
func TestReader_Next_fileURLForms(t *testing.T) {
	var asked []string
	opts := ReaderOptions{ReadFile: func(p string) ([]byte, error) { asked = append(asked, p); return []byte("x"), nil }}
	for _, u := range []string{"file:/tmp/x", "FILE:///tmp/x", "file://localhost/tmp/x", "file:///tmp/%78"} {
		asked = nil
		if _, err := readAll("dn: cn=a\naudio:< "+u+"\n", opts); err != nil || len(asked) != 1 || asked[0] != "/tmp/x" {
			t.Errorf("%s: read %v, %v", u, asked, err)
		}
	}
	for _, u := range []string{"file://otherhost/x", "file:x", "file://", "http://h/x", "/tmp/x", "file:///tmp/%zz"} {
		if _, err := readAll("dn: cn=a\naudio:< "+u+"\n", opts); !errors.Is(err, ErrURL) {
			t.Errorf("%s: %v, want ErrURL", u, err)
		}
	}
}
