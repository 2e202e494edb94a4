//go:build !unix

package classify

func processCPU() int64 { return 0 }
