//go:build !unix

package extract

func processCPU() int64 { return 0 }
