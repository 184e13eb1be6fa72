package mdbtool

import (
	"io"
	"testing"
)

// BenchmarkDump_deep measures dumping the deep fixture (20,000 keys) in hex.
func BenchmarkDump_deep(b *testing.B) {
	dir := copyFixture(b, "deep")
	env, err := openRead(dir, false)
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	for b.Loop() {
		if err := DumpEnv(io.Discard, env, DumpOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCopy_deep measures plain and compacting copies of the deep fixture.
func BenchmarkCopy_deep(b *testing.B) {
	dir := copyFixture(b, "deep")
	env, err := openRead(dir, false)
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	for _, compact := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "compact"}[compact]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(env.Info().LastPgno+1) * int64(env.PageSize()))
			for b.Loop() {
				if err := env.CopyTo(io.Discard, compact); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
