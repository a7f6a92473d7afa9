package socket

import "syscall"

// Yield gives up the CPU once (sched_yield), so that the threads runnable
// on the same CPU run first, and reports whether it did. It waits for
// nothing, but the calling thread may stay off the CPU while those threads
// have their turn. Like the calls on bare descriptors, it is a raw system
// call that the Go scheduler does not see: the goroutine's P stays with the
// thread meanwhile, as it does when the thread is preempted, where a
// scheduled call would wake the runtime's monitor thread each time.
func Yield() bool {
	syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
	return true
}
