// Package waitset keeps descriptors that wait for input in an epoll
// instance, each with a value and a deadline, without a goroutine or a
// buffer per descriptor (Linux).
//
// A descriptor is added level-triggered, for input and the
// peer's half-close, with a token that names its slot and the slot's
// generation, so that an event for a descriptor taken out meanwhile is told
// apart from one for the slot's next holder. Deadlines are kept in a heap.
// A Set is not safe for concurrent use: one event loop owns it.
package waitset
