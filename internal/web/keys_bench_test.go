package web

import (
	"context"
	"testing"

	"jiceng/internal/core"
)

// BenchmarkOpen311Client is the key check of every Open311 POST: a key in
// force, and an unknown one of the right shape (refused after the lookup)
// and of a wrong shape (refused before it). Run:
//
//	go test ./internal/web -run '^$' -bench Open311Client
func BenchmarkOpen311Client(b *testing.B) {
	f := newFixture(b)
	good, _ := open311Key(b, f, "压测", core.APIKeyOpen311)
	svc := f.server.cases()
	ctx := context.Background()
	for _, bc := range []struct {
		name, secret string
		ok           bool
	}{
		{"in-force", good, true},
		{"unknown", "jc_" + "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst", false},
		{"malformed", "no-such-key", false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Open311Client(ctx, bc.secret); (err == nil) != bc.ok {
					b.Fatalf("err = %v", err)
				}
			}
		})
	}
}
