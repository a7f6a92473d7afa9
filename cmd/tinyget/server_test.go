package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"log/slog"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/respond"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// startTinyhttpd serves the default routes with a real tinyhttpd server on
// a loopback port and returns its address.
func startTinyhttpd(t *testing.T) string {
	t.Helper()
	return startTinyhttpdTLS(t, nil)
}

// startTinyhttpdTLS is startTinyhttpd with the server's TLSConfig: over
// TLS when cfg is not nil.
func startTinyhttpdTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	routes, err := config.DefaultRoutes()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveTinyhttpd(t, routes, l, cfg)
	return l.Addr().String()
}

// serveTinyhttpd serves routes with a real tinyhttpd server on l until the
// test ends, over TLS when cfg is not nil.
func serveTinyhttpd(t *testing.T, routes *route.Routes, l net.Listener, cfg *tls.Config) {
	t.Helper()
	table, err := respond.NewTable(routes)
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Logger: slog.New(slog.DiscardHandler), TLSConfig: cfg}
	srv.SetRoutes(table)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
}

// TestAgainstTinyhttpd runs tinyget against the real server and its default
// routes: the exchange itself, and every exit code that the routes, a
// refused port, a name that cannot resolve, the command line or the local
// files can produce. Codes that need a misbehaving server of another kind
// (8, 55) are in TestExitCodes.
func TestAgainstTinyhttpd(t *testing.T) {
	addr := startTinyhttpd(t)
	refused := testenv.ClosedAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   exitCode
		stdout string
		stderr string
	}{
		{"hello", []string{"tiny://" + addr + "/hello"}, exitOK, "hello, world\n", ""},
		{"bare host:port", []string{addr + "/hello"}, exitOK, "hello, world\n", ""},
		{"echo", []string{"-d", "ping", addr + "/echo"}, exitOK, "ping", ""},
		{"echo binary", []string{"--data-binary", "@-", addr + "/echo"}, exitOK, "line 1\r\nline 2\n", ""},
		{"verbose steps", []string{"-v", addr + "/hello"}, exitOK, "hello, world\n", "write side closed"},
		{"include headers", []string{"-i", addr + "/hello"}, exitOK, "HTTP/1.0 200 OK\r\n", ""},
		{"404 without -f", []string{addr + "/missing"}, exitOK, "no route for /missing\n", ""},
		{"HTTP/1.1 request", []string{"--http1.1", "-w", "%{http_version}", addr + "/hello"}, exitOK, "hello, world\n1", ""},
		{"PUT with -T -", []string{"-T", "-", addr + "/echo"}, exitOK, "line 1\r\nline 2\n", ""},
		{"--json", []string{"--json", `{"a":1}`, addr + "/echo"}, exitOK, `{"a":1}`, ""},
		{"-G --data-urlencode", []string{"-G", "--data-urlencode", "q=a b", "-w", "%{http_code}", addr + "/hello"}, exitOK, "hello, world\n200", ""},
		{"-Z", []string{"-Z", addr + "/hello", addr + "/hello"}, exitOK, "hello, world\nhello, world\n", ""},
		{"-D -", []string{"-D", "-", "-o", os.DevNull, addr + "/teapot"}, exitOK, "HTTP/1.0 418 I'm a teapot\r\n", ""},
		{"dot segments", []string{"tiny://" + addr + "/public/../hello"}, exitOK, "hello, world\n", ""},
		{"--path-as-is", []string{"--path-as-is", "tiny://" + addr + "/public/../hello"}, exitOK, "path has a \".\" or \"..\" segment\n", ""},
		{"--max-filesize", []string{"--max-filesize", "5", addr + "/hello"}, exitFileTooLarge, "", "(63) Maximum file size exceeded"},
		{"unsupported protocol", []string{"ftp://" + addr + "/"}, exitUnsupportedProtocol, "", `(1) Protocol "ftp" not supported`},
		{"usage", []string{"--bogus", addr + "/"}, exitUsage, "", "(2) unknown flag: --bogus"},
		{"malformed URL", []string{"tiny://" + addr + "/a b"}, exitMalformedURL, "", "(3) URL rejected: "},
		{"unresolvable name", []string{"nonexistent.invalid:" + port + "/hello"}, exitResolve, "", "(6) Could not resolve host: nonexistent.invalid"},
		{"refused port", []string{refused + "/hello"}, exitConnect, "", "(7) Failed to connect to 127.0.0.1 port "},
		{"truncated", []string{addr + "/broken/truncate"}, exitPartial, "this reply stops short", "(18) Transfer closed with 56 bytes remaining to read"},
		{"fail on 404", []string{"-f", addr + "/missing"}, exitHTTPError, "", "(22) The requested URL returned error: 404"},
		{"fail with body", []string{"--fail-with-body", addr + "/teapot"}, exitHTTPError, "I'm a teapot\n", "(22) The requested URL returned error: 418"},
		{"unwritable -o", []string{"-o", filepath.Join(notADir, "out"), addr + "/hello"}, exitWriteError, "", "(23) Failed to open the file " + notADir + "/out: not a directory"},
		{"-O without a name", []string{"-O", addr + "/"}, exitWriteError, "", "(23) Remote file name has no length"},
		{"missing -d @file", []string{"-d", "@" + filepath.Join(notADir, "x"), addr + "/echo"}, exitReadError, "", "(26) Failed to open/read local data from file/application"},
		{"max time on the slow route", []string{"-m", "0.5", addr + "/slow"}, exitTimeout, "", "(28) Operation timed out after "},
		{"empty reply", []string{addr + "/broken/close"}, exitEmptyReply, "", "(52) Empty reply from server"},
		{"reset", []string{addr + "/broken/reset"}, exitRecvError, "", "(56) Recv failure: connection reset by peer"},
		{"-w url_effective with the scheme and without dot segments", []string{"-w", "%{url_effective}", addr + "/x/../hello"}, exitOK, "hello, world\ntiny://" + addr + "/hello", ""},
		{"-L across two redirect routes", []string{"-L", "-w", "%{num_redirects} %{url_effective}", addr + "/moved/twice"}, exitOK, "hello, world\n2 tiny://" + addr + "/hello", ""},
		{"-I -L shows each hop", []string{"-s", "-I", "-L", addr + "/moved/twice"}, exitOK, "HTTP/1.0 302 Found\r\n", ""},
		{"redirect without -L", []string{"-w", "%{http_code} %{redirect_url}", addr + "/moved/once"}, exitOK, "redirect to /hello\n308 tiny://" + addr + "/hello", ""},
		{"-r on a dir route", []string{"-r", "6-9", "-w", " %{http_code}", addr + "/public/hello.txt"}, exitOK, "from 206", ""},
		{"--compressed gets the .gz variant", []string{"--compressed", "-w", "%{size_download}", addr + "/public/data.json"}, exitOK, "{\n  \"name\": \"tinyhttpd\",", ""},
		{"--compressed decodes all of it", []string{"--compressed", "-o", os.DevNull, "-w", "%{size_download}", addr + "/public/data.json"}, exitOK, "121", ""},
		{"--max-redirs 1", []string{"-L", "--max-redirs", "1", addr + "/moved/twice"}, exitTooManyRedirects, "", "(47) Maximum (1) redirects followed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader("line 1\r\nline 2\n"), &stdout, &stderr)
			if code != int(tt.code) {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tt.stdout) || (tt.stdout == "" && stdout.Len() > 0) {
				t.Errorf("stdout %q, want it to start with %q", stdout.String(), tt.stdout)
			}
			if tt.code != exitOK && !strings.HasPrefix(stderr.String(), "tinyget: "+tt.stderr) {
				t.Errorf("stderr %q, want it to start with %q", stderr.String(), "tinyget: "+tt.stderr)
			}
			if tt.code == exitOK && !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.stderr)
			}
		})
	}
}

// TestEveryExitCodeTested checks that the exit codes in --help are those
// that the tests above and flagCases make happen, so that --help lists no code tinyget
// cannot produce.
func TestEveryExitCodeTested(t *testing.T) {
	tested := []exitCode{exitOK, exitUnsupportedProtocol, exitUsage, exitMalformedURL, exitResolve, exitConnect,
		exitWeirdReply, exitPartial, exitHTTPError, exitWriteError, exitReadError, exitTimeout, exitRangeError,
		exitTLSConnect, exitAborted, exitTooManyRedirects, exitOptionSyntax, exitEmptyReply, exitSendError, exitRecvError, exitCertProblem,
		exitPeerVerification, exitBadEncoding, exitFileTooLarge, exitCACertFile, exitPinnedKey}
	listed := slices.Sorted(maps.Keys(exitSummaries))
	if !slices.Equal(listed, tested) {
		t.Errorf("--help lists %v, the tests produce %v", listed, tested)
	}
}
