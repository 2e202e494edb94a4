//go:build !linux

package search

func processCPU() int64 { return 0 }

func threadCPU() int64 { return 0 }
