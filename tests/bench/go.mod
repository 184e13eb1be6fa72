module lightdir/tests/bench

go 1.26.0

require (
	github.com/PowerDNS/lmdb-go v1.9.2
	go.etcd.io/bbolt v1.5.0
	lightdir v0.0.0
)

require golang.org/x/sys v0.49.0 // indirect

replace lightdir => ../..
