package main

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// startTinyhttpd serves the default routes with a real tinyhttpd server on
// a loopback port and returns its address.
func startTinyhttpd(t *testing.T) string {
	t.Helper()
	routes, err := config.DefaultRoutes()
	if err != nil {
		t.Fatal(err)
	}
	table, err := server.NewTable(routes)
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Logger: slog.New(slog.DiscardHandler)}
	srv.SetRoutes(table)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return l.Addr().String()
}

// TestAgainstTinyhttpd runs tinyget against the real server and its default
// routes: the exchange itself and every exit code the fault routes produce.
func TestAgainstTinyhttpd(t *testing.T) {
	addr := startTinyhttpd(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"hello", []string{"tiny://" + addr + "/hello"}, 0, "hello, world\n", ""},
		{"bare host:port", []string{addr + "/hello"}, 0, "hello, world\n", ""},
		{"echo", []string{"-d", "ping", addr + "/echo"}, 0, "ping", ""},
		{"verbose steps", []string{"-v", addr + "/hello"}, 0, "hello, world\n", "write side closed"},
		{"include headers", []string{"-i", addr + "/hello"}, 0, "HTTP/1.0 200 OK\r\n", ""},
		{"fail on 404", []string{"-f", addr + "/missing"}, 22, "", "(22)"},
		{"404 without -f", []string{addr + "/missing"}, 0, "no route for /missing\n", ""},
		{"reset", []string{addr + "/broken/reset"}, 56, "", "(56)"},
		{"empty reply", []string{addr + "/broken/close"}, 52, "", "(52)"},
		{"truncated", []string{addr + "/broken/truncate"}, 18, "", "(18)"},
		{"max time", []string{"-m", "0.2", addr + "/slow"}, 28, "", "(28)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, nil, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tt.stdout) || (tt.stdout == "" && tt.code != 18 && stdout.Len() > 0) {
				t.Errorf("stdout %q, want it to start with %q", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.stderr)
			}
		})
	}
}
