//go:build !unix

package main

// processCPU returns zero: getrusage is a Unix call, so the report's CPU
// figures are zero on this system.
func processCPU() cpuTime { return cpuTime{} }
