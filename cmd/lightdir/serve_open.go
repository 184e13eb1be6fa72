// This file is the whole wiring of serve to backend.Open.

package main

import "lightdir/backend"

// The real databases: package backend.
func init() {
	openDatabase = func(o dbOptions) (database, error) {
		idx := make([]backend.IndexSpec, len(o.Indexes))
		for i, x := range o.Indexes {
			idx[i] = backend.IndexSpec{Attr: x.Attr, Kinds: x.Kinds}
		}
		b, err := backend.Open(backend.Options{
			Dir: o.Dir, Suffix: o.Suffix, MapSize: o.MapSize, Durability: o.Durability,
			SyncInterval: o.SyncInterval, Indexes: idx, RootDN: o.RootDN, RootPW: o.RootPW,
			SizeLimit: o.SizeLimit, TimeLimit: o.TimeLimit, ReadRequiresAuth: o.ReadRequiresAuth,
			Schema: o.Schema, Logger: o.Logger, ReadOnly: o.ReadOnly,
			// An index the configuration adds to a loaded database is built in
			// the background; searches use it once it is complete.
			BuildIndexesOnline: true,
		})
		if err != nil {
			return nil, err
		}
		return b, nil
	}
}
