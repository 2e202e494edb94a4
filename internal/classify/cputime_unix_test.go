//go:build unix

package classify

import "syscall"

// processCPU returns the CPU time used by the process so far, in
// nanoseconds. Benchmarks report it per operation as well as wall time:
// on a shared machine wall time also counts the time other processes ran.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
