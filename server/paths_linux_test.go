package server

import (
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/socket"
)

// listenDeferred listens with TCP_DEFER_ACCEPT, which makes most
// exchanges complete when their acceptor first reads them.
func listenDeferred() (net.Listener, error) {
	return listenTCP(socket.ListenOptions{DeferAccept: true})
}

// listenReusePort listens with SO_REUSEPORT and TCP_DEFER_ACCEPT, so that
// Serve gives each acceptor a socket of its own.
func listenReusePort() (net.Listener, error) {
	return listenTCP(socket.ListenOptions{DeferAccept: true, ReusePort: true})
}

// TestPathSuites runs the exchange tests again over every path Serve can
// take (see doc.go): the same replies must come back whether an exchange is
// answered on its acceptor, waits for the rest of its request as a waiter,
// or goes on in a goroutine of its own. Over a listener with
// TCP_DEFER_ACCEPT most exchanges are answered on their acceptor.
func TestPathSuites(t *testing.T) {
	for _, tt := range []struct {
		name   string
		listen func() (net.Listener, error)
		setup  func(*Server)
	}{
		{"raw deferred", listenDeferred, func(s *Server) { s.Acceptors = 1 }},
		{"portable deferred", listenDeferred, func(s *Server) { s.path, s.Acceptors = pathPortable, 1 }},
		{"plain", testListen, func(s *Server) { s.path = pathPlain }},
		{"four raw acceptors", listenDeferred, func(s *Server) { s.Acceptors = 4 }},
		{"four portable acceptors", testListen, func(s *Server) { s.path, s.Acceptors = pathPortable, 4 }},
		{"four SO_REUSEPORT sockets", listenReusePort, func(s *Server) { s.Acceptors = 4 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			oldListen, oldSetup := testListen, suiteSetup
			testListen, suiteSetup = tt.listen, tt.setup
			defer func() { testListen, suiteSetup = oldListen, oldSetup }()
			runExchangeSuite(t)
		})
	}
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
		{"MaxConnsPerIPGets503", TestMaxConnsPerIPGets503},
		{"MaxRequestMemoryGets503", TestMaxRequestMemoryGets503},
		{"EarlyReplyGivesBackRequestMemory", TestEarlyReplyGivesBackRequestMemory},
	} {
		t.Run(tt.name, tt.test)
	}
}

// TestNextDecisions checks how an acceptor goes on with an exchange, and
// that each way replies in full. So that the client's half-close has
// surely arrived when the server reads, each exchange is accepted while the
// one acceptor is held in the hook of a first, pacing connection.
func TestNextDecisions(t *testing.T) {
	for _, path := range []acceptPath{pathAuto, pathPortable} {
		name := map[acceptPath]string{pathAuto: "raw", pathPortable: "portable"}[path]
		t.Run(name, func(t *testing.T) { testNextDecisions(t, path) })
	}
}

func testNextDecisions(t *testing.T, path acceptPath) {
	old := testListen
	testListen = listenDeferred
	defer func() { testListen = old }()
	hows := make(chan next)
	gate := make(chan struct{})
	var paced atomic.Int32 // decisions the test still waits for
	srv := &Server{MaxRequestBytes: 2048, Acceptors: 1, path: path}
	srv.testOnNext = func(how next) {
		if paced.Add(-1) < 0 {
			paced.Add(1)
			return // a held exchange taken up again: not paced
		}
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
	addr := startServer(t, srv, testRoutes(t))

	tests := []struct {
		name    string
		first   string // sent before the acceptor reads
		rest    string // sent after it, then the half-close
		wantHow next
		status  int
		body    string
	}{
		{"static reply", "GET /hello HTTP/1.0\r\n\r\n", "", nextInline, 200, "hello, world\n"},
		{"no route", "GET /nowhere HTTP/1.0\r\n\r\n", "", nextInline, 404, ""},
		{"bad request", "GET\r\n\r\n", "", nextInline, 400, ""},
		{"file route", "GET /a.txt HTTP/1.0\r\n\r\n", "", nextGoroutine, 200, "file a\n"},
		{"too large", "POST /echo HTTP/1.0\r\n\r\n" + strings.Repeat("x", 3000), "", nextGoroutine, 413, ""},
		{"404 naming a long path", "GET /" + strings.Repeat("x", maxInlinePath) + " HTTP/1.0\r\n\r\n", "", nextGoroutine, 404, ""},
		{"delayed route", "GET /slow HTTP/1.0\r\n\r\n", "", nextGoroutine, 200, "late\n"},
		{"request in two parts", "GET /hel", "lo HTTP/1.0\r\n\r\n", nextWait, 200, "hello, world\n"},
		{"echo in two parts", "POST /echo HTTP/1.0\r\n\r\nping", " pong", nextWait, 200, "ping pong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paced.Store(2) // the pacer's decision and c's
			// Corked, the pacer's request and half-close arrive in one
			// segment, so that its exchange is answered inline.
			pacer := dial(t, addr)
			socket.SetCork(pacer)
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
				t.Fatal("the acceptor never saw the connection")
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

// TestEagerWaiterReset checks that a reset that comes while an acceptor
// holds an exchange in its wait set, for the rest of the request, ends the
// exchange as a reset, not as a short request. (The portable path's waiter
// is checked by the path suites' ClientResetBeforeHalfClose.)
func TestEagerWaiterReset(t *testing.T) {
	old := testListen
	testListen = listenDeferred
	defer func() { testListen = old }()
	srv := &Server{Acceptors: 1}
	addr := startServer(t, srv, testRoutes(t))
	c := dial(t, addr)
	io.WriteString(c, "GET /hel")
	waitFor(t, "the server to read", func() bool { return srv.Stats().Reading == 1 })
	time.Sleep(20 * time.Millisecond) // the exchange is held by now, nearly always
	c.SetLinger(0)
	c.Close()
	waitFor(t, "the reset to be counted", func() bool { return srv.Stats().Ends[EndReset] == 1 })
	if st := srv.Stats(); st.Replies[404] != 0 || st.Ends[EndClientGone] != 0 {
		t.Errorf("a reset request was answered: %+v", st)
	}
}
