package hostport

import "testing"

func TestSplit(t *testing.T) {
	tests := []struct {
		in          string
		name, port  string
		hasPort, ok bool
	}{
		{"admin.example", "admin.example", "", false, true},
		{"admin.example:7071", "admin.example", "7071", true, true},
		{"admin.example:", "admin.example", "", true, true},
		{"127.0.0.1:7071", "127.0.0.1", "7071", true, true},
		{"[::1]", "::1", "", false, true},
		{"[::1]:7071", "::1", "7071", true, true},
		{"[::1]:", "::1", "", true, true},
		{"[fe80::1%25eth0]:7071", "fe80::1%25eth0", "7071", true, true},
		{"", "", "", false, true},
		{"::1", "", "", false, false},
		{"2001:db8::1:7071", "", "", false, false},
		{"[::1", "", "", false, false},
		{"[::1]7071", "", "", false, false},
		{"[::1]]:7071", "", "", false, false},
		{"a:b:c", "", "", false, false},
	}
	for _, tt := range tests {
		name, port, hasPort, ok := Split(tt.in)
		if name != tt.name || port != tt.port || hasPort != tt.hasPort || ok != tt.ok {
			t.Errorf("Split(%q) = %q, %q, %v, %v; want %q, %q, %v, %v",
				tt.in, name, port, hasPort, ok, tt.name, tt.port, tt.hasPort, tt.ok)
		}
	}
}
