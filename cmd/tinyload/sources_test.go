package main

import (
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// needSources skips the test when 127.0.0.n cannot be bound: a loopback
// configured with 127.0.0.1 alone, where tinyload falls back to one source.
func needSources(t *testing.T, n int) {
	t.Helper()
	if err := probeSource(sourceAddr(n - 1)); err != nil {
		testenv.Unavailable(t, "this loopback has no %s: %v", sourceAddr(n-1).IP, err)
	}
}

func TestNewClients(t *testing.T) {
	v4, v6, remote := netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1"), netip.MustParseAddr("192.0.2.1")
	want16 := 1
	if canBindSources {
		want16 = 16
	}
	for _, tt := range []struct {
		name    string
		sources int
		ips     []netip.Addr
		want    int
	}{
		{"IPv4 loopback", 16, []netip.Addr{v4, netip.MustParseAddr("127.0.0.2")}, want16},
		{"one source", 1, []netip.Addr{v4}, 1},
		{"IPv6 loopback", 16, []netip.Addr{v6}, 1},
		{"mixed families", 16, []netip.Addr{v4, v6}, 1},
		{"remote", 16, []netip.Addr{remote}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var targets []target
			for _, ip := range tt.ips {
				targets = append(targets, target{ip: ip})
			}
			if tt.want > 1 {
				needSources(t, tt.want)
			}
			clients, note := newClients(&options{sources: tt.sources, concurrency: 64}, targets)
			if note != "" {
				t.Fatalf("note %q", note)
			}
			if len(clients) != tt.want {
				t.Fatalf("%d clients, want %d", len(clients), tt.want)
			}
			for i, c := range clients {
				la := c.Dialer.LocalAddr
				if tt.want == 1 {
					if la != nil {
						t.Errorf("client %d binds %v; want the system's choice", i, la)
					}
					continue
				}
				if want := sourceAddr(i).String(); la == nil || la.String() != want {
					t.Errorf("client %d binds %v, want %s", i, la, want)
				}
			}
		})
	}
}

func TestSourcesAtMostWorkers(t *testing.T) {
	want := 1
	if canBindSources {
		needSources(t, 3)
		want = 3
	}
	clients, _ := newClients(&options{sources: 16, concurrency: 3}, []target{{ip: netip.MustParseAddr("127.0.0.1")}})
	if len(clients) != want {
		t.Errorf("%d clients for 3 workers, want %d", len(clients), want)
	}
}

// TestSourcesOverTheWire checks that a run's connections come from as many
// source addresses as -sources asks, and that all succeed. Each worker keeps
// one source and has one exchange in flight, so the server answers none
// until every worker has connected: the counts per source would otherwise
// follow the workers' pace, and a worker the scheduler starts late might
// find the run already over.
func TestSourcesOverTheWire(t *testing.T) {
	if !canBindSources {
		t.Skip("source addresses are chosen on Linux only")
	}
	needSources(t, 4)
	const workers = 8
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	allConnected := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for accepted := 1; ; accepted++ {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			seen[c.RemoteAddr().(*net.TCPAddr).IP.String()]++
			mu.Unlock()
			if accepted == workers {
				close(allConnected)
			}
			wg.Go(func() {
				defer c.Close()
				io.ReadAll(c)
				select {
				case <-allConnected:
					io.WriteString(c, helloReply)
				case <-t.Context().Done(): // fewer workers came: the test fails, not hangs
				}
			})
		}
	})
	r, code := runJSON(t, "-n", "40", "-c", strconv.Itoa(workers), "-sources", "4", l.Addr().String()+"/hello")
	if code != exitOK || r.OK != 40 || r.Sources != 4 {
		t.Fatalf("exit %d, %d ok, %d sources; want 0, 40, 4", code, r.OK, r.Sources)
	}
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, n := range seen {
		total += n
	}
	want := []string{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"}
	ok := len(seen) == len(want) && total == 40
	for _, ip := range want {
		ok = ok && seen[ip] > 0
	}
	if !ok {
		t.Fatalf("connections by source %v; want 40 from 127.0.0.1 to 127.0.0.4", seen)
	}
}
