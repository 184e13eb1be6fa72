package engine

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// BenchmarkPut_append: sorted bulk load with Append, 10,000 puts per commit.
func BenchmarkPut_append(b *testing.B) {
	env, err := Open(b.TempDir(), &Options{MapSize: 4 << 30, Durability: NoSync})
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	key := make([]byte, 16)
	val := make([]byte, 100)
	b.ResetTimer()
	for i := 0; i < b.N; {
		txn, _ := env.BeginWrite()
		for n := 0; n < 10000 && i < b.N; n, i = n+1, i+1 {
			binary.BigEndian.PutUint64(key[8:], uint64(i))
			if err := txn.Put(MainDB, key, val, Append); err != nil {
				b.Fatal(err)
			}
		}
		if err := txn.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchEnv opens an environment (closed with the benchmark) holding n keys
// (8 zero bytes, then i big-endian) with 100-byte values, appended.
func benchEnv(b *testing.B, n int) *Env {
	env, err := Open(b.TempDir(), &Options{MapSize: 4 << 30, Durability: NoSync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { env.Close() })
	key := make([]byte, 16)
	val := make([]byte, 100)
	if err := env.Update(func(txn *Txn) error {
		for i := 0; i < n; i++ {
			binary.BigEndian.PutUint64(key[8:], uint64(i))
			if err := txn.Put(MainDB, key, val, Append); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return env
}

// BenchmarkGet_random: random gets over 200,000 keys, 100 per read transaction.
func BenchmarkGet_random(b *testing.B) {
	for _, n := range []int{2000, 20000, 200000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchGetRandom(b, n) })
	}
}

func benchGetRandom(b *testing.B, n int) {
	env := benchEnv(b, n)
	key := make([]byte, 16)
	b.ReportAllocs()
	b.ResetTimer()
	x := uint64(12345)
	for i := 0; i < b.N; {
		txn, _ := env.BeginRead()
		for j := 0; j < 100 && i < b.N; j, i = j+1, i+1 {
			x = x*6364136223846793005 + 1442695040888963407
			binary.BigEndian.PutUint64(key[8:], (x>>20)%uint64(n))
			if _, err := txn.Get(MainDB, key); err != nil {
				b.Fatal(err)
			}
		}
		txn.Abort()
	}
}

// BenchmarkCursor_next: forward scans of 20,000 (cached) and 1,000,000 keys
// (16-byte keys, 100-byte values, appended), one Next per op.
func BenchmarkCursor_next(b *testing.B) {
	for _, n := range []int{20000, 1000000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchCursorNext(b, n) })
	}
}

func benchCursorNext(b *testing.B, n int) {
	env := benchEnv(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		txn, _ := env.BeginRead()
		c, _ := txn.OpenCursor(MainDB)
		for ; i < b.N; i++ {
			if _, _, err := c.Get(nil, nil, Next); err != nil {
				if err == ErrNotFound {
					break
				}
				b.Fatal(err)
			}
		}
		txn.Abort()
	}
}
