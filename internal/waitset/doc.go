// Package waitset is an event loop's epoll instance (Linux): it watches a
// listening socket, holds descriptors that wait for input, each with a
// value and a deadline, without a goroutine or a buffer per descriptor, and
// has an eventfd that wakes the loop from other goroutines. The instance is
// waited on through Go's poller, so the loop's goroutine parks like any
// other.
//
// A descriptor is added level-triggered, for input and the peer's
// half-close, with a token that names its slot and the slot's generation,
// so that an event for a descriptor taken out meanwhile is told apart from
// one for the slot's next holder. Deadlines are kept in a heap. A Set is
// not safe for concurrent use, but for Wake: one event loop owns it.
package waitset
