package client

import "testing"

func TestParseStatusLine(t *testing.T) {
	tests := []struct {
		line   string
		ok     bool
		code   int
		status string
	}{
		{"HTTP/1.0 200 OK", true, 200, "200 OK"},
		{"HTTP/1.1 404 Not Found", true, 404, "404 Not Found"},
		{"HTTP/1.0 503", true, 503, "503"},
		{"HTTP/1.0 204 ", true, 204, "204"},
		{"HTTP/1.0 599 \tweird\xff reason", true, 599, "599 \tweird\xff reason"},
		{"HTTP/1.0 099 Low", false, 0, ""},
		{"HTTP/1.0 20 OK", false, 0, ""},
		{"HTTP/1.0 2000 OK", false, 0, ""},
		{"HTTP/1.0  200 OK", false, 0, ""},
		{"HTTP/2 200 OK", false, 0, ""},
		{"HTTP/1.x 200 OK", false, 0, ""},
		{"http/1.0 200 OK", false, 0, ""},
		{"HTTP/1.0 200 O\x00K", false, 0, ""},
		{"HTTP/1.0 200 O\rK", false, 0, ""},
		{"", false, 0, ""},
	}
	for _, tt := range tests {
		var resp Response
		ok := parseStatusLine(tt.line, &resp)
		if ok != tt.ok || resp.StatusCode != tt.code || resp.Status != tt.status {
			t.Errorf("parseStatusLine(%q) = %v, %d, %q; want %v, %d, %q", tt.line, ok, resp.StatusCode, resp.Status, tt.ok, tt.code, tt.status)
		}
	}
}

func TestParseHeaderLine(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
		want Header
	}{
		{"Content-Type: text/plain", true, Header{"Content-Type", "text/plain"}},
		{"X:value", true, Header{"X", "value"}},
		{"X: \t padded \t ", true, Header{"X", "padded"}},
		{"X:", true, Header{"X", ""}},
		{"X: a: b", true, Header{"X", "a: b"}},
		{"X: caf\xc3\xa9", true, Header{"X", "caf\xc3\xa9"}},
		{"X : value", false, Header{}},
		{" folded continuation", false, Header{}},
		{"\tfolded: x", false, Header{}},
		{": no name", false, Header{}},
		{"no colon", false, Header{}},
		{"Bad(Name): x", false, Header{}},
		{"X: nul\x00", false, Header{}},
		{"X: bare\rcr", false, Header{}},
		{"X: del\x7f", false, Header{}},
	}
	for _, tt := range tests {
		got, ok := parseHeaderLine(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseHeaderLine(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseContentLength(t *testing.T) {
	tests := []struct {
		value string
		prev  int64
		want  int64
		ok    bool
	}{
		{"0", -1, 0, true},
		{"13", -1, 13, true},
		{"007", -1, 7, true},
		{"13", 13, 13, true},
		{"13", 12, 0, false},
		{"", -1, 0, false},
		{"+1", -1, 0, false},
		{"-1", -1, 0, false},
		{"1 2", -1, 0, false},
		{"0x10", -1, 0, false},
		{"9223372036854775807", -1, 9223372036854775807, true},
		{"9223372036854775808", -1, 0, false},
	}
	for _, tt := range tests {
		got, err := parseContentLength(tt.value, tt.prev)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseContentLength(%q, %d) = %d, %v", tt.value, tt.prev, got, err)
		}
	}
}

func TestLastCoding(t *testing.T) {
	tests := map[string]string{
		"chunked":                    "chunked",
		"gzip, chunked":              "chunked",
		"gzip,chunked;ext=1":         "chunked",
		"chunked ; q=x , gzip ;a=b ": "gzip",
		"gzip, ,  ":                  "gzip",
		"":                           "",
		" , ;x":                      "",
	}
	for v, want := range tests {
		if got := lastCoding(v); got != want {
			t.Errorf("lastCoding(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestKeepsOpen(t *testing.T) {
	tests := []struct {
		proto, connection string
		want              bool
	}{
		{"HTTP/1.1", "", true},
		{"HTTP/1.1", "keep-alive", true},
		{"HTTP/1.1", "Close", false},
		{"HTTP/1.1", "Keep-Alive, CLOSE", false},
		{"HTTP/1.1", "closed", true},
		{"HTTP/1.0", "", false},
		{"HTTP/1.0", "Keep-Alive", true},
		{"HTTP/1.0", "keep-alive, close", false},
	}
	for _, tt := range tests {
		resp := &Response{Proto: tt.proto, ContentLength: 1}
		if tt.connection != "" {
			resp.Header = []Header{{Name: "connection", Value: tt.connection}}
		}
		if got := keepsOpen(resp, false); got != tt.want {
			t.Errorf("%s, Connection: %q: keepsOpen %v, want %v", tt.proto, tt.connection, got, tt.want)
		}
	}
}
