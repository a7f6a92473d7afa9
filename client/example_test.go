package client_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// One exchange, bounded as a whole by five seconds, with a server that
// does what tinyhttpd does: it reads the request up to the client's
// half-close, then replies and closes.
func ExampleClient_Do() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		req, _ := io.ReadAll(conn) // up to EOF: the client's half-close
		line, _, _ := strings.Cut(string(req), "\r\n")
		fmt.Println("server read:", line)
		io.WriteString(conn, "HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nhello, world\n")
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := &client.Client{ConnectTimeout: time.Second}
	addr := ln.Addr().String()
	req := &client.Request{Target: "/hello", Header: []client.Header{{Name: "Host", Value: addr}}}
	resp, err := c.Do(ctx, addr, req)
	if err != nil {
		fmt.Println(err, "kind:", client.KindOf(err))
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		fmt.Println(err, "kind:", client.KindOf(err))
	}
	<-served
	// Output:
	// server read: GET /hello HTTP/1.0
	// 200 OK
	// hello, world
}
