package loadgen

import "testing"

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		reply  string
		status int
		ok     bool
	}{
		{"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc", 200, true},
		{"HTTP/1.0 503 Service Unavailable\r\ncontent-length: 1\r\n\r\nx", 503, true},
		{"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nabc", 0, false},
		{"HTTP/1.0 200 OK\r\n\r\nabc", 0, false},
		{"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n", 0, false},
		{"garbage\r\n\r\n", 0, false},
	} {
		status, _, err := parse([]byte(tt.reply))
		if (err == nil) != tt.ok || status != tt.status {
			t.Errorf("parse(%q) = %d, %v; want %d, ok %v", tt.reply, status, err, tt.status, tt.ok)
		}
	}
}
