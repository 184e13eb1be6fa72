package schema

import "testing"

// TestHasOptions_languageRanges: a language range (RFC 3866 §3.3) in the
// wanted options is carried by the language tags it covers, a tag only by
// itself.
func TestHasOptions_languageRanges(t *testing.T) {
	for _, tc := range []struct {
		desc string
		want []string
		ok   bool
	}{
		{"cn;lang-en", []string{"lang-"}, true},
		{"cn;LANG-EN-US", []string{"lang-"}, true},
		{"cn", []string{"lang-"}, false},
		{"cn;x-foo", []string{"lang-"}, false},
		{"cn;lang-en", []string{"lang-en-"}, true},
		{"cn;lang-en-us", []string{"lang-en-"}, true},
		{"cn;Lang-En-Us", []string{"lang-en-"}, true},
		{"cn;lang-eng", []string{"lang-en-"}, false},
		{"cn;lang-e", []string{"lang-en-"}, false},
		{"cn;lang-en", []string{"lang-en-us-"}, false},
		{"cn;lang-en", []string{"lang-en"}, true},
		{"cn;lang-en-us", []string{"lang-en"}, false},
		{"cn;lang-de;x-a", []string{"x-a", "lang-"}, true},
		{"cn;lang-de", []string{"x-a", "lang-"}, false},
	} {
		if got := HasOptions(tc.desc, tc.want); got != tc.ok {
			t.Errorf("HasOptions(%q, %q) = %v, want %v", tc.desc, tc.want, got, tc.ok)
		}
	}
	for o, want := range map[string]bool{"lang-": true, "LANG-EN-": true, "lang-en": false, "lang": false, "x-a-": false, "-": false} {
		if IsLangRange(o) != want {
			t.Errorf("IsLangRange(%q) = %v, want %v", o, !want, want)
		}
	}
}
