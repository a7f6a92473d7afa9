package server

import (
	"context"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// listenDeferred listens with TCP_DEFER_ACCEPT, which makes Serve read each
// connection eagerly on its accept goroutine.
func listenDeferred() (net.Listener, error) {
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_DEFER_ACCEPT, 1)
		}); err != nil {
			return err
		}
		return serr
	}}
	return lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
}

// TestEagerSuite runs the exchange tests again over a listener with
// TCP_DEFER_ACCEPT, where most exchanges are answered on the accept
// goroutine: the same replies must come back whether an exchange is
// answered there, waits for the rest of its request as a waiter, or goes
// on in a goroutine of its own.
func TestEagerSuite(t *testing.T) {
	old := testListen
	testListen = listenDeferred
	defer func() { testListen = old }()
	runExchangeSuite(t)
}

// TestPortableEagerSuite runs the exchange tests once more with raw accepts
// off, through the eager reads of net.Conn connections that Serve uses on
// systems other than Linux.
func TestPortableEagerSuite(t *testing.T) {
	oldListen, oldRaw := testListen, rawAccepts
	testListen, rawAccepts = listenDeferred, false
	defer func() { testListen, rawAccepts = oldListen, oldRaw }()
	runExchangeSuite(t)
}

// runExchangeSuite runs the exchange tests as subtests.
func runExchangeSuite(t *testing.T) {
	for _, tt := range []struct {
		name string
		test func(*testing.T)
	}{
		{"Exchange", TestExchange},
		{"RouteReplies", TestRouteReplies},
		{"IndexListsRoutes", TestIndexListsRoutes},
		{"HeadMatchesGet", TestHeadMatchesGet},
		{"EmbeddedFiles", TestEmbeddedFiles},
		{"MalformedRequestsOverTheWire", TestMalformedRequestsOverTheWire},
		{"OneByteAtATime", TestOneByteAtATime},
		{"NoHalfCloseGets408", TestNoHalfCloseGets408},
		{"TooLargeArrivesIntactWhileClientSends", TestTooLargeArrivesIntactWhileClientSends},
		{"RequestSizeBoundary", TestRequestSizeBoundary},
		{"LargeRequestGrowsBuffer", TestLargeRequestGrowsBuffer},
		{"ClientResetBeforeHalfClose", TestClientResetBeforeHalfClose},
		{"ClientResetAfterHalfClose", TestClientResetAfterHalfClose},
		{"Faults", TestFaults},
		{"WriteTimeoutFreesNeverReadingClient", TestWriteTimeoutFreesNeverReadingClient},
		{"LargeFileComplete", TestLargeFileComplete},
		{"PanicGets500", TestPanicGets500},
		{"ExchangeLogLine", TestExchangeLogLine},
		{"ShutdownAnswersInFlight", TestShutdownAnswersInFlight},
		{"ShutdownDeadlineClosesConnections", TestShutdownDeadlineClosesConnections},
		{"SetRoutesSwapsTable", TestSetRoutesSwapsTable},
		{"StatsCountBytesAndStates", TestStatsCountBytesAndStates},
		{"DelayEndsOnClose", TestDelayEndsOnClose},
		{"DrainKeepsServing", TestDrainKeepsServing},
		{"OnExchange", TestOnExchange},
		{"InFlightExchangeKeepsItsTable", TestInFlightExchangeKeepsItsTable},
		{"MaxConnsGets503", TestMaxConnsGets503},
	} {
		t.Run(tt.name, tt.test)
	}
}

// TestEagerPaths checks which way serveEager goes on with an exchange, and
// that each way replies in full. So that the client's half-close has
// surely arrived when the server reads, each exchange is accepted while the
// accept goroutine is held in the hook of a first, pacing connection.
func TestEagerPaths(t *testing.T) {
	for _, raw := range []bool{true, false} {
		name := map[bool]string{true: "raw", false: "portable"}[raw]
		t.Run(name, func(t *testing.T) {
			old := rawAccepts
			rawAccepts = raw
			defer func() { rawAccepts = old }()
			testEagerPaths(t)
		})
	}
}

func testEagerPaths(t *testing.T) {
	old := testListen
	testListen = listenDeferred
	defer func() { testListen = old }()
	hows := make(chan string)
	gate := make(chan struct{})
	testHookEager = func(how string) {
		// Bounded, so that a failed test cannot hold Serve forever.
		select {
		case hows <- how:
		case <-time.After(5 * time.Second):
			return
		}
		select {
		case <-gate:
		case <-time.After(5 * time.Second):
		}
	}
	defer func() { testHookEager = nil }()
	srv := &Server{MaxRequestBytes: 2048}
	addr := startServer(t, srv, testRoutes(t))

	tests := []struct {
		name    string
		first   string // sent before serveEager reads
		rest    string // sent after it, then the half-close
		wantHow string
		status  int
		body    string
	}{
		{"static reply", "GET /hello HTTP/1.0\r\n\r\n", "", eagerInline, 200, "hello, world\n"},
		{"no route", "GET /nowhere HTTP/1.0\r\n\r\n", "", eagerInline, 404, ""},
		{"bad request", "GET\r\n\r\n", "", eagerInline, 400, ""},
		{"file route", "GET /a.txt HTTP/1.0\r\n\r\n", "", eagerGoroutine, 200, "file a\n"},
		{"too large", "POST /echo HTTP/1.0\r\n\r\n" + strings.Repeat("x", 3000), "", eagerGoroutine, 413, ""},
		{"404 naming a long path", "GET /" + strings.Repeat("x", maxInlinePath) + " HTTP/1.0\r\n\r\n", "", eagerGoroutine, 404, ""},
		{"delayed route", "GET /slow HTTP/1.0\r\n\r\n", "", eagerGoroutine, 200, "late\n"},
		{"request in two parts", "GET /hel", "lo HTTP/1.0\r\n\r\n", eagerWait, 200, "hello, world\n"},
		{"echo in two parts", "POST /echo HTTP/1.0\r\n\r\nping", " pong", eagerWait, 200, "ping pong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pacer := dial(t, addr)
			io.WriteString(pacer, "GET /hello HTTP/1.0\r\n\r\n")
			pacer.CloseWrite()
			<-hows // the accept goroutine now waits in the hook

			c := dial(t, addr)
			if _, err := io.WriteString(c, tt.first); err != nil {
				t.Fatal(err)
			}
			if tt.rest == "" {
				c.CloseWrite()
			}
			gate <- struct{}{}
			select {
			case how := <-hows:
				if how != tt.wantHow {
					t.Errorf("served %s, want %s", how, tt.wantHow)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("serveEager never saw the connection")
			}
			gate <- struct{}{}
			if tt.rest != "" {
				io.WriteString(c, tt.rest)
				c.CloseWrite()
			}
			raw, err := io.ReadAll(c)
			if err != nil {
				t.Fatal(err)
			}
			r := parseReply(t, string(raw))
			checkFramed(t, r)
			if r.status != tt.status || (tt.body != "" && r.body != tt.body) {
				t.Errorf("got %d %q, want %d %q", r.status, r.body, tt.status, tt.body)
			}
			io.ReadAll(pacer)
		})
	}
}

// TestEagerWaiterReset checks that a reset seen while waiting for the rest
// of a request ends the exchange as a reset, not as a short request: the
// peek that notices a reset consumes it.
func TestEagerWaiterReset(t *testing.T) {
	old := testListen
	testListen = listenDeferred
	defer func() { testListen = old }()
	srv := &Server{}
	addr := startServer(t, srv, testRoutes(t))
	c := dial(t, addr)
	io.WriteString(c, "GET /hel")
	waitFor(t, "the server to read", func() bool { return srv.Stats().Reading == 1 })
	time.Sleep(20 * time.Millisecond) // let the waiter park
	c.SetLinger(0)
	c.Close()
	waitFor(t, "the reset to be counted", func() bool { return srv.Stats().Ends[EndReset] == 1 })
	if st := srv.Stats(); st.Replies[404] != 0 || st.Ends[EndClientGone] != 0 {
		t.Errorf("a reset request was answered: %+v", st)
	}
}
