// Command plaingo is the plain Go anchor of the benchmark: the half-close
// exchange written the obvious way, one goroutine per connection, standard
// library only, no pooling and no tuning. It answers GET /hello with a
// 13-byte body and GET /big with the file named by -big (sent with
// io.Copy from an *os.File, which uses sendfile); anything else gets 404.
//
// It exists so that tinyhttpd's figures can be read against what Go itself
// costs. It is loopback only and exits by itself after -lifetime.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"
)

const maxRequest = 1 << 20

var (
	hello    = []byte("HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\nConnection: close\r\n\r\nhello, world\n")
	notFound = []byte("HTTP/1.0 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n")
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address; loopback only")
	big := flag.String("big", "", "file served at /big")
	lifetime := flag.Duration("lifetime", 15*time.Minute, "exit after this long")
	flag.Parse()
	ap, err := netip.ParseAddrPort(*addr)
	if err != nil || !ap.Addr().IsLoopback() {
		log.Fatalf("plaingo: -addr %q: want a loopback ip:port", *addr)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	time.AfterFunc(*lifetime, func() { os.Exit(0) })
	for {
		c, err := l.Accept()
		if err != nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go serve(c, *big)
	}
}

// serve reads the request to the client's half-close, then replies and
// closes.
func serve(c net.Conn, big string) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	req, err := io.ReadAll(io.LimitReader(c, maxRequest))
	if err != nil {
		return
	}
	line, _, _ := bytes.Cut(req, []byte("\n"))
	switch {
	case bytes.HasPrefix(line, []byte("GET /hello ")):
		c.Write(hello)
	case bytes.HasPrefix(line, []byte("GET /big ")) && big != "":
		f, err := os.Open(big)
		if err != nil {
			c.Write(notFound)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return
		}
		fmt.Fprintf(c, "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %s\r\nConnection: close\r\n\r\n", strconv.FormatInt(st.Size(), 10))
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		io.Copy(c, f)
	default:
		c.Write(notFound)
	}
}
