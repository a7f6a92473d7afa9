package client

import (
	"errors"
	"net"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url       string
		addr      string
		path      string
		host      string // Host header
		halfClose bool
		tls       bool
	}{
		{"tiny://127.0.0.1:7070/hello", "127.0.0.1:7070", "/hello", "127.0.0.1:7070", true, false},
		{"TINY://example.com/a?b=c", "example.com:7070", "/a?b=c", "example.com:7070", true, false},
		{"localhost:8080/x/y", "localhost:8080", "/x/y", "localhost:8080", true, false},
		{"localhost", "localhost:7070", "/", "localhost:7070", true, false},
		{"localhost:", "localhost:7070", "/", "localhost:7070", true, false},
		{"host?q=1", "host:7070", "/?q=1", "host:7070", true, false},
		{"host/page#section", "host:7070", "/page", "host:7070", true, false},
		{"tiny://127.0.0.1/x?y=1#frag", "127.0.0.1:7070", "/x?y=1", "127.0.0.1:7070", true, false},
		{"[::1]:7070/hello", "[::1]:7070", "/hello", "[::1]:7070", true, false},
		{"tiny://[::1]/", "[::1]:7070", "/", "[::1]:7070", true, false},
		{"tiny://[fe80::1%25eth0]:1/", "[fe80::1%eth0]:1", "/", "[fe80::1]:1", true, false},
		{"http://example.com/index.html", "example.com:80", "/index.html", "example.com", false, false},
		{"HTTP://127.0.0.1:81", "127.0.0.1:81", "/", "127.0.0.1:81", false, false},
		{"http://[::1]/", "[::1]:80", "/", "[::1]", false, false},
		{"host/caf\xc3\xa9", "host:7070", "/caf%C3%A9", "host:7070", true, false},
		{"host/100%25", "host:7070", "/100%25", "host:7070", true, false},
		{"tinys://127.0.0.1/hello", "127.0.0.1:7070", "/hello", "127.0.0.1:7070", true, true},
		{"TinyS://[::1]:7443/", "[::1]:7443", "/", "[::1]:7443", true, true},
		{"https://example.com/a", "example.com:443", "/a", "example.com", false, true},
		{"https://example.com:8443/a", "example.com:8443", "/a", "example.com:8443", false, true},
		{"https://example.com:80/", "example.com:80", "/", "example.com:80", false, true},
		{"http://example.com:443/", "example.com:443", "/", "example.com:443", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := ParseURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got.Addr() != tt.addr || got.Path != tt.path || got.HostHeader() != tt.host || got.HalfClose() != tt.halfClose || got.TLS() != tt.tls {
				t.Errorf("got addr %q path %q host %q half-close %v TLS %v", got.Addr(), got.Path, got.HostHeader(), got.HalfClose(), got.TLS())
			}
		})
	}
}

func TestParseURLRejects(t *testing.T) {
	tests := []struct {
		url    string
		scheme string // set for a scheme refused as unsupported
	}{
		{"ftps://example.com/", "ftps"},
		{"FTP://example.com/", "ftp"},
		{"://example.com/", ""},
		{"", ""},
		{"/path", ""},
		{"tiny:///path", ""},
		{"host:0/", ""},
		{"host:65536/", ""},
		{"host:http/", ""},
		{"::1/", ""},
		{"[::1/", ""},
		{"[::1]x/", ""},
		{"[127.0.0.1]/", ""},
		{"us er:pw@host/", ""},
		{"user:%zz@host/", ""},
		{"user:pw@/", ""},
		{"ho st/", ""},
		{"host/a b", ""},
		{"host/a\r\nX: y", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := ParseURL(tt.url)
			var ue *URLError
			if !errors.As(err, &ue) {
				t.Fatalf("got %+v, %v; want a *URLError", got, err)
			}
			if ue.URL != tt.url || ue.Scheme != tt.scheme || (ue.Scheme == "") == (ue.Err == nil) {
				t.Errorf("error %#v: want URL %q, scheme %q, and a reason only without one", ue, tt.url, tt.scheme)
			}
		})
	}
}

// TestParseURLErrorsHideTheAuthority checks that no error quotes what was
// taken for the host or port, which may be a user name and password that
// hold a "/", cut at it.
func TestParseURLErrorsHideTheAuthority(t *testing.T) {
	tests := []struct{ url, want string }{
		{"http://zqu:s3cr/et@127.0.0.1:1/", "port number is not a decimal number between 1 and 65535"},
		{"http://zqu:99999/et@127.0.0.1/", "port number is not a decimal number between 1 and 65535"},
		{"http://zq!u:s3cr/et@127.0.0.1/", "bad host name"},
		{"http://[zq!u]:s3cr/et@127.0.0.1/", "bad IPv6 address"},
	}
	for _, tt := range tests {
		_, err := ParseURL(tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v; want one saying %q", tt.url, err, tt.want)
			continue
		}
		for _, secret := range []string{"zq", "s3cr", "99999"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error %q shows %q", tt.url, err, secret)
			}
		}
	}
}

func TestParseURLUserInfo(t *testing.T) {
	tests := []struct{ url, user, password, addr, path string }{
		{"http://user:pw@127.0.0.1:8080/x", "user", "pw", "127.0.0.1:8080", "/x"},
		{"u%40s:p%3Ass@host/", "u@s", "p:ss", "host:7070", "/"},
		{"alone@host", "alone", "", "host:7070", "/"},
		{"a:b@c@host/d@e", "a", "b@c", "host:7070", "/d@e"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if u.User != tt.user || u.Password != tt.password || u.Addr() != tt.addr || u.Path != tt.path {
			t.Errorf("%s: got user %q password %q addr %q path %q", tt.url, u.User, u.Password, u.Addr(), u.Path)
		}
	}
}

func TestURLString(t *testing.T) {
	tests := []struct{ url, want string }{
		{"127.0.0.1:8080/a?b=1#frag", "tiny://127.0.0.1:8080/a?b=1"},
		{"tiny://host", "tiny://host/"},
		{"tiny://host:7070/", "tiny://host/"},
		{"http://user:pw@host:80/x", "http://host/x"},
		{"https://host:8443/x", "https://host:8443/x"},
		{"tinys://[fe80::1%25eth0]:9/p", "tinys://[fe80::1%25eth0]:9/p"},
		{"http://[::1]/caf\u00e9", "http://[::1]/caf%C3%A9"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if got := u.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.url, got, tt.want)
		}
		if again, err := ParseURL(u.String()); err != nil || again.String() != u.String() {
			t.Errorf("%s: %q does not parse to itself: %v", tt.url, u.String(), err)
		}
	}
}

func TestRemoveDotSegments(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/a/../echo/./x", "/echo/x"},
		{"/a/b/c/./../../g", "/a/g"},
		{"/..", "/"},
		{"/../../x", "/x"},
		{"/a/..", "/"},
		{"/a/.", "/a/"},
		{"/a/./", "/a/"},
		{"/.hidden/..x/x..", "/.hidden/..x/x.."},
		{"/a/../b?c=/../d", "/b?c=/../d"},
		{"/plain?x=.", "/plain?x=."},
		{"//a/../b", "//b"},
	}
	for _, tt := range tests {
		if got := RemoveDotSegments(tt.in); got != tt.want {
			t.Errorf("RemoveDotSegments(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseURL checks that whatever ParseURL accepts can be dialed and put
// on a request line and in a Host header as it is: a host:port address, and
// a path and Host with no space, control character or byte beyond ASCII.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"tiny://127.0.0.1:7070/hello", "localhost", "http://[::1]/", "tiny://[fe80::1%25eth0]:1/", "tinys://h/", "https://h:1/", "host/caf\xc3\xa9?q=1#f", "user@host/", "[::1]x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) || ue.URL != s {
				t.Fatalf("error %v is not a *URLError for the URL", err)
			}
			return
		}
		if u.Scheme != SchemeTiny && u.Scheme != SchemeTinyS && u.Scheme != SchemeHTTP && u.Scheme != SchemeHTTPS {
			t.Fatalf("scheme %q", u.Scheme)
		}
		if host, port, err := net.SplitHostPort(u.Addr()); err != nil || host != u.Host || port != u.Port || port == "" {
			t.Fatalf("Addr %q does not split into %q and %q: %v", u.Addr(), u.Host, u.Port, err)
		}
		if !strings.HasPrefix(u.Path, "/") {
			t.Fatalf("path %q does not start with /", u.Path)
		}
		for _, v := range []string{u.Path, u.HostHeader()} {
			for i := 0; i < len(v); i++ {
				if c := v[i]; c <= ' ' || c >= 0x7f {
					t.Fatalf("%q holds byte %#x", v, c)
				}
			}
		}
	})
}

func TestRedacted(t *testing.T) {
	for in, want := range map[string]string{
		"http://u:pw@127.0.0.1:99999/x#f":       "http://127.0.0.1:99999/x",
		"u:pw@host/a b":                         "host/a b",
		"tiny://host/p@q?r=@#s":                 "tiny://host/p@q?r=@",
		"a:b@c@host":                            "host",
		"http://u:pw@[::1]:99999/a@b":           "http://[::1]:99999/a@b",
		"u:pw@127.0.0.1:99999/?next=http://a/b": "127.0.0.1:99999/?next=http://a/b",
		"127.0.0.1:99999/?next=http://u:pw@a/b": "127.0.0.1:99999/?next=http://u:pw@a/b",
		"ftp://user@example.org/file":           "ftp://example.org/file",
	} {
		if got := Redacted(in); got != want {
			t.Errorf("Redacted(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseURLSchemeOnlyBeforeTheHost(t *testing.T) {
	if u, err := ParseURL("u:pw@127.0.0.1:7070/?next=http://a/b"); err != nil || u.Scheme != SchemeTiny || u.User != "u" || u.Path != "/?next=http://a/b" {
		t.Errorf("a :// in the query was taken for a scheme: %+v, %v", u, err)
	}
	if u, err := ParseURL("127.0.0.1:7070/go?to=http://a/b"); err != nil || u.Scheme != SchemeTiny || u.Path != "/go?to=http://a/b" {
		t.Errorf("got %+v, %v", u, err)
	}
	// Credentials before a scheme, or a "://" in a password, must not send
	// the credentials to a host made of the scheme's name.
	for _, s := range []string{"alice:pw@http://example.org/", "u@tiny://127.0.0.1:7070/x", "u:pa://ss@127.0.0.1:7070/", "a@b://c"} {
		if u, err := ParseURL(s); err == nil {
			t.Errorf("ParseURL(%q) = %+v; want an error", s, u)
		} else if strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "ss@") {
			t.Errorf("ParseURL(%q): the error %q shows the password", s, err)
		}
	}
}
