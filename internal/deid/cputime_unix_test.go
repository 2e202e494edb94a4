//go:build unix

package deid

import "syscall"

// processCPU returns the CPU time the process has used, in nanoseconds.
// BenchmarkSpans reports throughput per CPU second as well as per wall
// second: on a shared machine wall time also counts other processes.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
