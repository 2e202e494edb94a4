package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/importer"
)

type nop struct{}

func (nop) UpsertTickets(_ context.Context, t []core.Ticket, _ string) (core.UpsertResult, error) {
	return core.UpsertResult{Created: len(t)}, nil
}

func main() {
	f, _ := os.Create("/tmp/imp/x.prof")
	pprof.StartCPUProfile(f)
	start := time.Now()
	sum, err := importer.Import(context.Background(), nop{}, os.Args[1], importer.Options{})
	el := time.Since(start)
	pprof.StopCPUProfile()
	fmt.Println(sum.Created, sum.Rejected, sum.HashBytes, err, el, float64(sum.Created)/el.Seconds())
}
