package importer_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZMutate(t *testing.T) {
	seeds := []string{"title.csv", "bom.csv", "tab.csv", "duplicates.csv", "truncated.csv", "invalid.csv", "noheader.csv"}
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	start := time.Now()
	for i := 0; i < 3000; i++ {
		b, _ := os.ReadFile(filepath.Join("testdata", seeds[rng.Intn(len(seeds))]))
		for k := 0; k < 1+rng.Intn(8); k++ {
			switch rng.Intn(4) {
			case 0:
				if len(b) > 0 {
					b[rng.Intn(len(b))] = byte(rng.Intn(256))
				}
			case 1:
				if len(b) > 1 {
					j := rng.Intn(len(b))
					b = append(b[:j], b[j+1:]...)
				}
			case 2:
				j := rng.Intn(len(b) + 1)
				b = append(b[:j], append([]byte{"\",\n\r\t;"[rng.Intn(6)]}, b[j:]...)...)
			case 3:
				b = b[:rng.Intn(len(b)+1)]
			}
		}
		p := filepath.Join(dir, fmt.Sprintf("f%d.csv", i))
		os.WriteFile(p, b, 0o644)
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				panic(fmt.Sprintf("HANG on %q", b))
			}
		}()
		checkAccounting(t, p)
		close(done)
		if t.Failed() {
			t.Fatalf("input %q", b)
		}
	}
	t.Log(time.Since(start))
}
