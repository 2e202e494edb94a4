//go:build linux

package search

import "syscall"

// processCPU returns the CPU time the process has used, and threadCPU the
// time the calling OS thread has, in nanoseconds. The benchmarks report
// throughput per CPU second and latency in CPU time beside the wall-clock
// figures: on a shared machine wall time also counts other processes.
func processCPU() int64 { return rusage(syscall.RUSAGE_SELF) }

func threadCPU() int64 { return rusage(1) } // RUSAGE_THREAD

func rusage(who int) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
