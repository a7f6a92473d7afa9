//go:build !linux

package server

// pausable says whether listeners can be paused before they close here.
const pausable = false
