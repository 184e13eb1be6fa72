// Package backend stores one LDAP naming context (suffix) in an engine
// environment, the way back-mdb does: entries by ID, an RDN-only DN tree,
// attribute indices as sorted ID duplicates, and a search that takes its
// candidates from the indices or the scope, whichever is smaller, and
// re-tests every candidate against the full filter. *Backend implements
// ldapserver.Backend.
//
// # Basics
//
// Open(Options) opens or creates the database in Options.Dir; the layout
// is described in layout.go. Reads (Search, Compare, Bind) run in their own
// read transaction each and never block; every write (Add, Delete,
// Modify, ModifyDN, PasswordModify) is one write transaction, so a failed
// operation leaves nothing behind, and the no-op control aborts it.
//
// Access policy: everyone may read (anonymous reads are refused with
// strongerAuthRequired when Options.ReadRequiresAuth is set); only
// Options.RootDN and the ldapi root identity (uid 0 over peer credentials)
// write; userPassword is returned to, compared by and filtered on by the
// root identities only (for others the attribute does not exist).
// Cleartext userPassword values written by clients are stored hashed.
//
// Search returns results in ascending ID order (creation order), or in
// sort order with the sort control. Paged results cookies are
// self-contained (last ID, or last sort keys and ID, plus a request
// hash and the number of entries returned so far, since a size limit
// bounds the whole paged search), so no per-connection state exists.
// Referral objects (RFC 3296) give referrals and search result
// references, and refuse updates and compares at or below them with a
// referral, unless the ManageDsaIT control is present
// (search_referral.go, referral_write.go). Operational attributes
// entryUUID, entryCSN, createTimestamp, modifyTimestamp, creatorsName,
// modifiersName and structuralObjectClass are stored; entryDN,
// hasSubordinates, numSubordinates and subschemaSubentry are computed
// when asked for.
//
// Offline tools: Import (slapadd -q), Export (slapcat, online too),
// Reindex (slapindex) and Check; indices can also be built online.
//
// # Caveats
//
//   - An index configured after entries exist is maintained by writes but
//     not used by searches until Reindex, or the online builder
//     (Options.BuildIndexesOnline, index_online.go), has built it. An
//     interrupted online build starts over at the next Open. So is an
//     index (or index kind) that was left out of the configuration for a
//     writable Open and then configured again: its keys went stale. The
//     kinds that stayed configured were maintained and stay in use.
//   - Entries keep their values' equality-normalized forms, and the DN
//     tree and indices keys made by the schema's rules. A schema under
//     which a stored type normalizes differently (NormalizationID, recorded
//     per type in the meta DB) is refused by Open (ErrNormalizationChanged)
//     unless Options.StoredValuesOnly is set for an export: the way over
//     is export and import.
//   - An RDN is limited by the engine's key size (about 500 bytes).
//   - Sorting (RFC 2891) re-runs the whole search for every page of a
//     sorted, paged search (the cookie holds the last sort keys and ID);
//     see search_sort.go. Attributes without an ordering rule sort by
//     their equality-normalized bytes.
//   - Alias dereferencing (search_alias.go) follows slapd, except that an
//     entry reached through several aliases is returned once and a chain
//     of more than 15 aliases is aliasDereferencingProblem. Nothing can
//     be added or moved below an alias (alias_write.go); entries already
//     there from an import stay.
//   - hasSubordinates/numSubordinates cost a scan of the children.
package backend
