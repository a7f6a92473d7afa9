package wire

import (
	"net/http"
	"testing"
)

// TestStatusText checks the server's reason phrases against net/http's,
// which the package does not import.
func TestStatusText(t *testing.T) {
	for code := 0; code < 700; code++ {
		if got, want := statusText(code), http.StatusText(code); got != want {
			t.Errorf("statusText(%d) = %q, want %q", code, got, want)
		}
	}
}
