package client

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestTLSExchange checks the exchange over TLS: the request ends with
// close_notify, which the server reads as its EOF, and the reply ends with
// the server's.
func TestTLSExchange(t *testing.T) {
	x := testenv.NewTLS(t)
	srvCfg := x.ServerConfig(t)
	got := make(chan string, 1)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		tc := tls.Server(c, srvCfg)
		req, err := io.ReadAll(tc) // to the client's close_notify
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(req)
		io.WriteString(tc, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nhi\n")
		tc.Close()
	})
	cfg := x.ClientConfig()
	cfg.ServerName = "" // from the address
	c := &Client{TLSConfig: cfg}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.Do(ctx, addr, &Request{Method: "GET", Target: "/hello"})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "hi\n" || resp.StatusCode != 200 {
		t.Errorf("reply %d %q, %v", resp.StatusCode, body, err)
	}
	if r := <-got; r != "GET /hello HTTP/1.0\r\n\r\n" {
		t.Errorf("server read %q", r)
	}
}

func TestTLSHandshakeFailure(t *testing.T) {
	x := testenv.NewTLS(t)
	srvCfg := x.ServerConfig(t)
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		tls.Server(c, srvCfg).Handshake()
	})
	c := &Client{TLSConfig: &tls.Config{}} // the test authority is not trusted
	_, err := c.Do(context.Background(), addr, &Request{Method: "GET", Target: "/"})
	var e *Error
	if !errors.As(err, &e) || e.Kind != Connect || e.Op != "tls handshake" {
		t.Errorf("error %#v, want Kind Connect, Op tls handshake", err)
	}
}
