package keycount

import (
	"sync"
	"testing"
)

func TestCounts(t *testing.T) {
	var c Counts[string]
	for i := range 3 {
		if !c.Add("a", 3) {
			t.Fatalf("Add %d of 3 refused", i+1)
		}
	}
	if c.Add("a", 3) {
		t.Error("a fourth Add under a limit of 3 was counted")
	}
	if !c.Add("b", 3) {
		t.Error("another key was refused")
	}
	c.Remove("a")
	if !c.Add("a", 3) {
		t.Error("Add after a Remove was refused")
	}
	for range 3 {
		c.Remove("a")
	}
	c.Remove("b")
	if n := c.Len(); n != 0 {
		t.Errorf("%d keys left after every count was removed", n)
	}
}

// Concurrent Adds never count more than the limit.
func TestCountsConcurrent(t *testing.T) {
	var c Counts[int]
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted := 0
	for range 64 {
		wg.Go(func() {
			if c.Add(1, 10) {
				mu.Lock()
				admitted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if admitted != 10 {
		t.Errorf("%d admitted under a limit of 10", admitted)
	}
}
