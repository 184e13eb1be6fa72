package backend

import (
	"errors"
	"slices"

	"lightdir/engine"
	"lightdir/ldapserver"
	"lightdir/schema"
)

// Alias dereferencing (RFC 4511 §4.5.1.3, aliases per RFC 4512 §2.6).
//
// Finding the base (derefFindingBaseObj, derefAlways): an alias base, or
// an alias met while resolving the base's name, is replaced by the entry
// its chain of aliases ends at. A broken chain fails the search the way
// slapd does: a loop or a missing target is aliasProblem, a chain longer
// than maxDerefDepth aliasDereferencingProblem (slapd 2.5 answers success
// with no entries there), each with the alias where it stopped as the
// matched DN.
//
// Searching (derefInSearching, derefAlways) in a one-level scope: every
// alias child of the base is replaced by its target entry. In a subtree or
// children scope: every alias in the scope is replaced by its target, and
// the target's subtree joins the scope, repeatedly until no new target
// appears. Aliases are never returned then (except an alias base that was
// not dereferenced when finding it), broken aliases are skipped silently
// as in slapd, and each entry is returned once even when several paths
// lead to it (slapd can return it several times).

// maxDerefDepth is the longest chain of aliases followed, slapd's default.
const maxDerefDepth = 15

// maxBaseRewrites bounds the retries of a base name that passes through
// aliases; each retry resolves at least one more RDN, so this is only a
// guard.
const maxBaseRewrites = 64

// aliasScope is what dereferencing while searching adds to a one-level,
// subtree or children search.
type aliasScope struct {
	aliases     []uint64        // sorted IDs of the alias entries: never returned
	targets     []uint64        // sorted, distinct: extra entries (one-level) or subtree roots
	roots       map[uint64]bool // subtree and children scopes: the base and the targets
	baseCovered bool            // children scope: the base lies under a target, so it is in scope
}

func (a *aliasScope) isAlias(id uint64) bool {
	_, ok := slices.BinarySearch(a.aliases, id)
	return ok
}

func (a *aliasScope) isTarget(id uint64) bool {
	_, ok := slices.BinarySearch(a.targets, id)
	return ok
}

// findBase resolves the normalized base to an entry ID, dereferencing
// aliases on the way when the request asks for it.
func (s *search) findBase(base *normBase) (uint64, error) {
	dn, ndn, rdns := s.req.Base, base.dn, base.rdns
	for range maxBaseRewrites {
		id, matched, found, err := s.b.lookupWith(s.txn, ndn, rdns, &s.lk)
		if err != nil {
			return 0, err
		}
		if !s.derefFind || (!found && id == rootID) {
			if !found {
				return 0, s.notFound(id, dn, matched)
			}
			return id, nil
		}
		alias, vals, err := s.readAlias(id)
		if err != nil {
			return 0, err
		}
		if !alias {
			if !found {
				return 0, s.notFound(id, dn, matched)
			}
			return id, nil
		}
		target, err := s.deref(id, vals)
		if err != nil || found {
			return target, err
		}
		// The name continues below an alias: go on below its target.
		tdn, err := s.b.dnOf(s.txn, target, nil)
		if err != nil {
			return 0, err
		}
		parsed, err := schema.ParseDN(tdn)
		if err != nil {
			return 0, err
		}
		dn = append(slices.Clone(dn[:len(dn)-matched]), parsed...)
		if ndn, err = s.b.normalizeDN(dn); err != nil {
			return 0, err
		}
		rdns = nil
	}
	return 0, ldapErr(ldapserver.AliasDereferencingProblem, "base name passes through too many aliases")
}

// readAlias decodes entry id and reports whether it is an alias, with
// its aliasedObjectName values copied out (a private decoder is used, so
// the search's current entry stays intact).
func (s *search) readAlias(id uint64) (bool, [][]byte, error) {
	if err := s.b.readEntry(s.txn, id, &s.ae, &s.adec); err != nil {
		if errors.Is(err, engine.ErrNotFound) {
			return false, nil, nil
		}
		return false, nil, err
	}
	if !s.b.isAliasEntry(&s.ae) {
		return false, nil, nil
	}
	var vals [][]byte
	for i := range s.ae.Attrs {
		a := &s.ae.Attrs[i]
		if a.Type != nil && a.Type == s.b.aliasAttr {
			for _, v := range a.Values {
				vals = append(vals, slices.Clone(v))
			}
		}
	}
	return true, vals, nil
}

// aliasFilter is (objectClass=alias), which aliasIDs plans with the indices.
var aliasFilter = &schema.Filter{Op: schema.FilterEquality, Attr: "objectClass", Value: []byte("alias")}

// isAliasEntry reports whether e is an alias.
func (b *Backend) isAliasEntry(e *schema.Entry) bool {
	return b.entryOfClass(e, b.aliasClass)
}

// deref follows the alias id (whose aliasedObjectName values are vals)
// to the first entry that is not an alias. Errors: *ldapserver.Error
// with AliasProblem (loop, missing or unusable target) or
// AliasDereferencingProblem (chain too long), matched DN the alias where
// it stopped; engine errors.
func (s *search) deref(id uint64, vals [][]byte) (uint64, error) {
	var seen [maxDerefDepth]uint64
	n := 0
	cur := id
	for {
		if n == maxDerefDepth {
			return 0, s.aliasErr(ldapserver.AliasDereferencingProblem, cur, "more than 15 aliases chained")
		}
		if slices.Contains(seen[:n], cur) {
			return 0, s.aliasErr(ldapserver.AliasProblem, cur, "alias loop")
		}
		seen[n] = cur
		n++
		if len(vals) != 1 {
			return 0, s.aliasErr(ldapserver.AliasProblem, cur, "alias needs exactly one aliasedObjectName value")
		}
		tdn, err := schema.ParseDN(string(vals[0]))
		if err != nil {
			return 0, s.aliasErr(ldapserver.AliasProblem, cur, "aliasedObjectName is not a valid DN")
		}
		ntdn, err := s.b.reg.NormalizeDN(tdn)
		if err != nil {
			return 0, s.aliasErr(ldapserver.AliasProblem, cur, "aliasedObjectName is not a valid DN")
		}
		next, _, found, err := s.b.lookup(s.txn, ntdn)
		if err != nil {
			return 0, err
		}
		if !found {
			return 0, s.aliasErr(ldapserver.AliasProblem, cur, "aliased entry not found")
		}
		alias, nvals, err := s.readAlias(next)
		if err != nil || !alias {
			return next, err
		}
		cur, vals = next, nvals
	}
}

// aliasErr is an alias failure at entry id (the matched DN).
func (s *search) aliasErr(code ldapserver.ResultCode, id uint64, msg string) error {
	dn, err := s.b.dnOf(s.txn, id, nil)
	if err != nil {
		return err
	}
	e := ldapErr(code, "%s", msg)
	e.MatchedDN = dn
	return e
}

// collectAliases fills s.al for a one-level, subtree or children search
// that dereferences aliases. It costs one objectClass index read when the
// database holds no alias.
func (s *search) collectAliases(p *planner) error {
	ids, err := s.aliasIDs(p)
	if err != nil || len(ids) == 0 {
		return err
	}
	s.al = &aliasScope{aliases: ids}
	if s.req.Scope == ldapserver.ScopeOne {
		return s.derefOneLevel()
	}
	return s.derefSubtree()
}

// derefOneLevel replaces the alias children of the base by their targets.
func (s *search) derefOneLevel() error {
	for _, a := range s.al.aliases {
		p, err := s.b.parentOf(s.txn, a)
		if err != nil {
			return err
		}
		if p != s.baseID {
			continue
		}
		if err := s.addTarget(a); err != nil {
			return err
		}
	}
	slices.Sort(s.al.targets)
	s.al.targets = slices.Compact(s.al.targets)
	return nil
}

// derefSubtree adds the targets of the aliases in scope as new roots
// until no alias below a root is left.
func (s *search) derefSubtree() error {
	s.al.roots = map[uint64]bool{s.baseID: true}
	done := make([]bool, len(s.al.aliases))
	for changed := true; changed; {
		changed = false
		for i, a := range s.al.aliases {
			if done[i] {
				continue
			}
			under, err := s.underRoot(a)
			if err != nil {
				return err
			}
			if !under {
				continue
			}
			done[i] = true
			n := len(s.al.targets)
			if err := s.addTarget(a); err != nil {
				return err
			}
			if len(s.al.targets) > n {
				changed = true
			}
		}
	}
	slices.Sort(s.al.targets)
	var err error
	s.al.baseCovered, err = s.underRoot(s.baseID)
	return err
}

// addTarget dereferences alias a and records its target, if new; broken
// aliases are skipped.
func (s *search) addTarget(a uint64) error {
	_, vals, err := s.readAlias(a)
	if err != nil {
		return err
	}
	t, err := s.deref(a, vals)
	var le *ldapserver.Error
	if errors.As(err, &le) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.al.roots != nil {
		if s.al.roots[t] {
			return nil
		}
		s.al.roots[t] = true
	}
	s.al.targets = append(s.al.targets, t)
	return nil
}

// underRoot reports whether a proper ancestor of id is a scope root.
func (s *search) underRoot(id uint64) (bool, error) {
	for id != rootID {
		p, err := s.b.parentOf(s.txn, id)
		if err != nil {
			return false, err
		}
		if s.al.roots[p] {
			return true, nil
		}
		id = p
	}
	return false, nil
}

// aliasIDs returns the sorted IDs of every alias entry, through the
// objectClass index when it can answer, else by reading every entry.
func (s *search) aliasIDs(p *planner) ([]uint64, error) {
	cands, all, err := p.candidates(aliasFilter, s.b.aliasMatch.Root())
	if err != nil {
		return nil, err
	}
	var out []uint64
	check := func(id uint64) error {
		alias, _, err := s.readAlias(id)
		if alias {
			out = append(out, id)
		}
		return err
	}
	if !all && !cands.IsRange() {
		for _, id := range cands.IDs() {
			if err := check(id); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	c, err := s.txn.OpenCursor(s.b.db.id2entry)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	k, _, err := c.Get(nil, nil, engine.First)
	for ; err == nil; k, _, err = c.Get(nil, nil, engine.Next) {
		if err := check(idOf(k)); err != nil {
			return nil, err
		}
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return nil, err
	}
	return out, nil
}
