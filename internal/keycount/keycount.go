// Package keycount counts what each key holds open, up to a limit per
// key: connections per client address, for the protocol server's
// MAX_CONNS_PER_IP and the admin endpoint's limit per source.
package keycount

import "sync"

// Counts counts per key. Its zero value is ready to use; it is safe for
// concurrent use. A key whose count falls to zero takes no memory.
type Counts[K comparable] struct {
	mu sync.Mutex
	n  map[K]int
}

// Add counts one more for k and reports true, unless limit are counted for
// k already, when it counts nothing and reports false.
func (c *Counts[K]) Add(k K, limit int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[k] >= limit {
		return false
	}
	if c.n == nil {
		c.n = make(map[K]int)
	}
	c.n[k]++
	return true
}

// Remove counts one less for k, which Add counted.
func (c *Counts[K]) Remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[k] <= 1 {
		delete(c.n, k)
		return
	}
	c.n[k]--
}

// Len returns the number of keys with a count above zero.
func (c *Counts[K]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.n)
}
