package client

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
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

// TestTLSHandshakeErrors checks the Kind of each way a handshake fails:
// curl's exit codes 60, 35 and 90 depend on it.
func TestTLSHandshakeErrors(t *testing.T) {
	x := testenv.NewTLS(t)
	srvCfg := x.ServerConfig(t)
	tlsAddr := testenv.Serve(t, func(c *net.TCPConn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		tc := tls.Server(c, srvCfg)
		if tc.Handshake() == nil {
			io.ReadAll(tc)
			io.WriteString(tc, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
			tc.Close()
		}
	})
	plainAddr := testenv.Serve(t, func(c *net.TCPConn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "HTTP/1.0 400 Bad Request\r\n\r\nnot TLS\n")
	})
	own := sha256.Sum256(x.Server.Cert.RawSubjectPublicKeyInfo)
	other := sha256.Sum256(x.CA.Cert.RawSubjectPublicKeyInfo)
	tests := []struct {
		name string
		addr string
		c    *Client
		want Kind
	}{
		{"authority not trusted", tlsAddr, &Client{TLSConfig: &tls.Config{}}, TLSVerify},
		{"name not in the certificate", tlsAddr, &Client{TLSConfig: &tls.Config{RootCAs: x.ClientConfig().RootCAs, ServerName: "example.com"}}, TLSVerify},
		{"server without TLS", plainAddr, &Client{TLSConfig: x.ClientConfig()}, TLSHandshake},
		{"TLS 1.3 at least", tlsAddr, &Client{TLSConfig: tls13(x.ClientConfig())}, Unknown},
		{"pinned key", tlsAddr, &Client{TLSConfig: x.ClientConfig(), PinnedKeys: [][sha256.Size]byte{other, own}}, Unknown},
		{"another key pinned", tlsAddr, &Client{TLSConfig: x.ClientConfig(), PinnedKeys: [][sha256.Size]byte{other}}, PinnedKey},
		{"another key pinned, not verified", tlsAddr, &Client{TLSConfig: &tls.Config{InsecureSkipVerify: true}, PinnedKeys: [][sha256.Size]byte{other}}, PinnedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			resp, err := tt.c.Do(ctx, tt.addr, &Request{Method: "GET", Target: "/"})
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			var e *Error
			switch {
			case tt.want == Unknown && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != Unknown && (!errors.As(err, &e) || e.Kind != tt.want || e.Op != "tls handshake"):
				t.Errorf("error %#v, want Kind %v, Op tls handshake", err, tt.want)
			}
		})
	}
}

// TestConnectTimeoutCoversHandshake checks that ConnectTimeout bounds the
// TLS handshake too, as curl's --connect-timeout does: a server that
// accepts and never answers the ClientHello fails the exchange with
// Timeout at ConnectTimeout, long before the context's own deadline.
func TestConnectTimeoutCoversHandshake(t *testing.T) {
	x := testenv.NewTLS(t)
	silent := testenv.Serve(t, func(c *net.TCPConn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.Copy(io.Discard, c)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := &Client{TLSConfig: x.ClientConfig(), ConnectTimeout: 200 * time.Millisecond}
	start := time.Now()
	_, err := c.Do(ctx, silent, &Request{Method: "GET", Target: "/"})
	elapsed := time.Since(start)
	var e *Error
	if !errors.As(err, &e) || e.Kind != Timeout || e.Op != "tls handshake" {
		t.Fatalf("error %#v, want Kind Timeout, Op tls handshake", err)
	}
	if elapsed > 5*time.Second {
		t.Errorf("failed after %v: the context's deadline, not ConnectTimeout's", elapsed)
	}
}

// tls13 returns cfg asking for TLS 1.3 at least.
func tls13(cfg *tls.Config) *tls.Config {
	cfg.MinVersion = tls.VersionTLS13
	return cfg
}

// TestTLSTrace checks the TLS events: the handshake's state, and whether
// the server ended with close_notify or a bare FIN.
func TestTLSTrace(t *testing.T) {
	x := testenv.NewTLS(t)
	srvCfg := x.ServerConfig(t)
	for _, closeNotify := range []bool{true, false} {
		t.Run(fmt.Sprint("close_notify ", closeNotify), func(t *testing.T) {
			addr := testenv.Serve(t, func(c *net.TCPConn) {
				c.SetDeadline(time.Now().Add(5 * time.Second))
				tc := tls.Server(c, srvCfg)
				io.ReadAll(tc)
				io.WriteString(tc, "HTTP/1.0 200 OK\r\n\r\nup to the close\n")
				if closeNotify {
					tc.Close()
				} else {
					c.Close()
				}
			})
			var events []Event
			c := &Client{TLSConfig: x.ClientConfig(), Trace: func(e Event) { events = append(events, e) }}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			resp, err := c.Do(ctx, addr, &Request{Method: "GET", Target: "/"})
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(body) != "up to the close\n" {
				t.Fatalf("body %q, %v", body, err)
			}
			var kinds []EventKind
			var state *tls.ConnectionState
			var peer Event
			for _, e := range events {
				kinds = append(kinds, e.Kind)
				switch e.Kind {
				case EventTLSHandshake:
					state = e.TLS
				case EventPeerClosed:
					peer = e
				}
			}
			if len(kinds) < 3 || kinds[1] != EventConnected || kinds[2] != EventTLSHandshake {
				t.Errorf("events %v: want trying, connected, then the handshake", kinds)
			}
			if state == nil || state.Version < tls.VersionTLS12 || len(state.PeerCertificates) == 0 || state.PeerCertificates[0].Subject.CommonName != "localhost" {
				t.Errorf("handshake state %+v", state)
			}
			if peer.Kind != EventPeerClosed || peer.CloseNotify != closeNotify {
				t.Errorf("peer closed event %+v, want CloseNotify %v", peer, closeNotify)
			}
		})
	}
}
