// Package ldif reads and writes LDIF (RFC 2849): the format of
// `lightdir import` (the slapadd analogue), `lightdir export` (the
// slapcat analogue) and of the tests' fixtures.
//
// # Basics
//
// A Reader streams records from an io.Reader, one at a time, holding only
// the current record in memory, so files with millions of entries load in
// bounded memory:
//
//	r := ldif.NewReader(f, ldif.ReaderOptions{})
//	for {
//		e, err := r.NextEntry() // or r.Next() for change records too
//		if err == io.EOF {
//			break
//		}
//		if err != nil {
//			return err // "ldif: line 42: attribute value is not valid base64"
//		}
//		...
//	}
//
// The reader handles the version line, comments (folded ones included),
// folded lines, "attr:: base64", "attr:< file:///path", attribute options,
// "dn::", CRLF line endings, and change records (add, delete, modify with
// add/delete/replace/increment groups, modrdn/moddn, control lines), which
// it returns as *ChangeRecord. Entries keep attributes in file order, with
// repeated lines of one description grouped; values are raw bytes and the
// DN is the string as given (DN parsing belongs to package schema).
//
// Every reading error is an *Error with the 1-based number of the physical
// line where the offending line starts, and wraps a sentinel from errors.go
// (ErrSyntax, ErrURL, ErrRecordTooLarge, ErrChangeRecord). After a syntax
// error the Reader resumes at the next record.
//
// A Writer produces LDIF that this Reader, slapadd and ldapadd accept:
// "dn:" first, base64 for values that are not SAFE-STRINGs, lines folded
// like slapcat's (at most 78 bytes, see DefaultWidth), a blank line after
// every record, and an optional "version: 1" header.
//
// # Caveats
//
//   - Plain (non-base64) values are accepted with any bytes but NUL,
//     including raw UTF-8, as OpenLDAP does; RFC 2849 asks for ASCII there.
//     The Writer always base64-encodes such values.
//   - Spaces after the ":" of a plain value are separators and dropped;
//     trailing spaces are kept. The Writer base64-encodes values with
//     leading or trailing spaces so they survive.
//   - "attr:< URL" reads the whole file into memory (ReaderOptions.ReadFile
//     decides how, and may refuse); only file:// URLs on the local host are
//     accepted.
//   - A record, once unfolded, may not exceed ReaderOptions.MaxRecordSize.
//   - The "-" after the last group of a modify record may be omitted, as
//     ldapmodify allows; the Writer always writes it.
package ldif
