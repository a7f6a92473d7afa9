package main

import "time"

// cpuTime is a process's user and system CPU time.
type cpuTime struct {
	user, system time.Duration
}

func (c cpuTime) sub(o cpuTime) cpuTime {
	return cpuTime{user: c.user - o.user, system: c.system - o.system}
}

func (c cpuTime) total() time.Duration { return c.user + c.system }
