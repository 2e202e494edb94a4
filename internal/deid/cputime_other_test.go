//go:build !unix

package deid

func processCPU() int64 { return 0 }
