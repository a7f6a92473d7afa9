// Package faults is tinyhttpd's fault suite: the reliability proof that the
// server survives hostile and broken clients, signals, reloads and running
// out of file descriptors, without failing the well-behaved clients beside
// them and without leaking goroutines, file descriptors or memory.
//
// The package has no code of its own; its tests are guarded by the build
// tag "faults", so that "go test ./..." does not run them. Each scenario
// builds and starts the real tinyhttpd binary on 127.0.0.1, drives it over
// loopback only, and reports what every kind of client got, with the
// server's goroutines, open file descriptors and resident memory before and
// after. The drain through HAProxy runs package deploy's rolling restart by
// health checks and reports its figures.
//
//	go test -tags faults -count=1 -v ./faults          # full scale
//	go test -tags faults -count=1 -short -v ./faults   # short scale, for CI
//
// TINYHTTPD_FAULTS_SCALE=short or =full overrides -short. docs/RELIABILITY.md
// describes each scenario and the figures measured.
package faults
