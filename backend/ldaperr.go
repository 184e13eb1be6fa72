package backend

import (
	"errors"
	"fmt"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// ldapErr returns an *ldapserver.Error with a formatted diagnostic message.
func ldapErr(code ldapserver.ResultCode, format string, args ...any) *ldapserver.Error {
	return &ldapserver.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// asLDAP maps a schema failure onto the LDAP result it stands for; other
// errors are returned unchanged.
func asLDAP(err error) error {
	var se *schema.Error
	if errors.As(err, &se) {
		return &ldapserver.Error{Code: ldapserver.ResultCode(se.Code), Message: se.Msg}
	}
	return err
}

// noSuchObject is the error for a missing entry: matchedDN names the
// deepest existing ancestor (the last matched RDNs of dn, as given).
func noSuchObject(dn schema.DN, matched int) *ldapserver.Error {
	e := &ldapserver.Error{Code: ldapserver.NoSuchObject}
	if matched > 0 && matched <= len(dn) {
		e.MatchedDN = dn[len(dn)-matched:].String()
	}
	return e
}

// noSuchObjectAt is noSuchObject for a lookup that matched entry id: the
// matchedDN is that entry's DN as stored, as slapd returns it (the
// request's "uid=x,OU=PEOPLE,dc=example,dc=com" matches
// "ou=people,dc=example,dc=com", not "OU=PEOPLE,dc=example,dc=com").
func (b *Backend) noSuchObjectAt(txn *engine.Txn, id uint64, dn schema.DN, matched int) *ldapserver.Error {
	e := noSuchObject(dn, matched)
	if e.MatchedDN != "" {
		if stored, err := b.dnOf(txn, id, nil); err == nil {
			e.MatchedDN = stored
		}
	}
	return e
}
