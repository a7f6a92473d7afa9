package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/internal/reload"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/server"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testToken = "s3cret-token"

// fixture is a protocol server with an admin endpoint in front of it.
type fixture struct {
	srv       *server.Server
	admin     *Admin
	adminURL  string
	protoAddr string
	routes    string // the routes file
	startSrv  func()
	stopAdmin func() // closes the admin endpoint before the test ends
}

// newFixture starts an admin endpoint over a protocol server whose routes
// come from a file. The protocol server starts serving only when startSrv
// is called, unless serve is true. opts.Reloader, when a test sets one
// (for its Certs), is completed to reload the fixture's routes.
func newFixture(t *testing.T, serve bool, opts Options) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{routes: filepath.Join(dir, "routes.yaml")}
	testenv.WriteFile(t, f.routes, "routes:\n  - path: /hello\n    body: \"hello\\n\"\n  - path: /slow\n    body: \"late\\n\"\n    delay: 200ms\n")
	f.srv = &server.Server{Logger: slog.New(slog.DiscardHandler)}
	rl := opts.Reloader // a test's, with its Certs, or a new one
	if rl == nil {
		rl = &reload.Reloader{}
	}
	rl.Server, rl.File, rl.Logger = f.srv, f.routes, slog.New(slog.DiscardHandler)
	if err := rl.Reload("test"); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.protoAddr = l.Addr().String()

	ts := httptest.NewUnstartedServer(nil)
	opts.Server, opts.Reloader, opts.Addr, opts.ProtocolAddr = f.srv, rl, ts.Listener.Addr(), f.protoAddr
	f.admin = New(opts)
	f.srv.OnExchange = f.admin.Observe
	ts.Config = f.admin.HTTPServer() // as tinyhttpd serves it, on a Listener
	ts.Listener = Listener(ts.Listener)
	ts.Start()
	f.adminURL, f.stopAdmin = ts.URL, ts.Close

	served := make(chan error, 1)
	started := false
	f.startSrv = func() {
		started = true
		go func() { served <- f.srv.Serve(l) }()
		deadline := time.Now().Add(5 * time.Second)
		for !f.srv.Ready() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	t.Cleanup(func() {
		ts.Close()
		f.srv.Close()
		if started {
			if err := <-served; !errors.Is(err, server.ErrServerClosed) {
				t.Errorf("Serve: %v", err)
			}
		} else {
			l.Close()
		}
	})
	if serve {
		f.startSrv()
	}
	return f
}

// exchange makes one half-close exchange with the protocol server.
func (f *fixture) exchange(t *testing.T, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", f.protoAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, req)
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitExchanges waits until the admin has observed n exchanges.
func (f *fixture) waitExchanges(t *testing.T, n uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for f.admin.snapshot(time.Now()).Latency.Count < n {
		if time.Now().After(deadline) {
			t.Fatalf("admin did not observe %d exchanges", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// do sends a request to the admin endpoint and returns status and body.
func (f *fixture) do(t *testing.T, method, path string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.adminURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// checkJSONError checks the one error shape of the admin API.
func checkJSONError(t *testing.T, body string, status int, want string) {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	if e.Status != status || !strings.Contains(e.Error, want) {
		t.Errorf("error %+v, want status %d with %q", e, status, want)
	}
}

// checkRefused checks a refusal: its status, its JSON error naming want,
// and no sign of the token.
func checkRefused(t *testing.T, code int, body string, status int, want string) {
	t.Helper()
	if code != status {
		t.Errorf("status %d, want %d: %s", code, status, body)
	}
	checkJSONError(t, body, status, want)
	if strings.Contains(body, testToken) {
		t.Errorf("error shows the token: %s", body)
	}
}

func TestLivezReadyz(t *testing.T) {
	f := newFixture(t, false, Options{Token: testToken})
	if code, body := f.do(t, "GET", "/livez", nil); code != 200 || body != "ok\n" {
		t.Errorf("livez: %d %q", code, body)
	}
	if code, body := f.do(t, "GET", "/livez?verbose", nil); code != 200 || !strings.Contains(body, "[+]ping ok\nlivez check passed") {
		t.Errorf("livez?verbose: %d %q", code, body)
	}
	if code, body := f.do(t, "GET", "/readyz?verbose", nil); code != 503 || !strings.Contains(body, "[-]listener failed") {
		t.Errorf("readyz before the listener: %d %q", code, body)
	}
	f.startSrv()
	if code, body := f.do(t, "GET", "/readyz", nil); code != 200 || body != "ok\n" {
		t.Errorf("readyz: %d %q", code, body)
	}
	f.srv.Drain()
	if code, body := f.do(t, "GET", "/readyz?verbose", nil); code != 503 || !strings.Contains(body, "[+]listener ok\n[-]draining failed: server is draining") {
		t.Errorf("readyz while draining: %d %q", code, body)
	}
	f.srv.Close()
	for deadline := time.Now().Add(5 * time.Second); f.srv.Listening() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // until Serve returns
	}
	if code, body := f.do(t, "GET", "/readyz?verbose", nil); code != 503 || !strings.Contains(body, "[-]listener failed") {
		t.Errorf("readyz after Close: %d %q", code, body)
	}
}

func TestStatus(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken, Settings: config.Settings{AdminToken: testToken, Addr: "127.0.0.1:7070"}})
	for range 3 {
		f.exchange(t, "GET /hello\n")
	}
	f.exchange(t, "GET /missing\n")
	f.exchange(t, "BROKEN\n")
	f.waitExchanges(t, 5)
	code, body := f.do(t, "GET", "/api/status", nil)
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	if strings.Contains(body, testToken) {
		t.Errorf("status shows the admin token: %s", body)
	}
	var s Status
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if s.Totals.Accepted != 5 || s.Totals.Delivered != 5 || s.Totals.Malformed != 1 ||
		s.Totals.Replies["200"] != 3 || s.Totals.Replies["404"] != 1 || s.Routes["/hello"] != 3 || s.Routes[noRoute] != 2 {
		t.Errorf("totals %+v, routes %v", s.Totals, s.Routes)
	}
	if s.Totals.Busy != 0 || s.Totals.Timeouts != 0 {
		t.Errorf("busy %d, timeouts %d before any", s.Totals.Busy, s.Totals.Timeouts)
	}
	if s.Latency.Count != 5 || s.Latency.P50 <= 0 || s.Latency.P99 < s.Latency.P50 {
		t.Errorf("latency %+v", s.Latency)
	}
	if !s.Ready || s.Draining || s.Addresses.Protocol != f.protoAddr || s.Settings["TINYHTTPD_ADMIN_TOKEN"] != "REDACTED" {
		t.Errorf("status %+v", s)
	}
	if s.Bytes.In == 0 || s.Bytes.Out == 0 {
		t.Errorf("bytes %+v", s.Bytes)
	}
	var accepted uint64
	for i, a := range s.Acceptors {
		if a.ID != i {
			t.Errorf("acceptor %d has ID %d", i, a.ID)
		}
		accepted += a.Accepted
	}
	if len(s.Acceptors) == 0 || accepted != 5 {
		t.Errorf("acceptors %+v: want them to have accepted 5 in all", s.Acceptors)
	}

	// Routes replying 503 and 408 are not the server busy or timing out.
	testenv.WriteFile(t, f.routes, "routes:\n  - path: /maint\n    status: 503\n    body: \"later\\n\"\n  - path: /gone\n    status: 408\n    body: \"x\\n\"\n")
	if err := f.admin.opts.Reloader.Reload("test"); err != nil {
		t.Fatal(err)
	}
	f.exchange(t, "GET /maint\n")
	f.exchange(t, "GET /gone\n")
	f.waitExchanges(t, 7)
	var after Status
	if _, body := f.do(t, "GET", "/api/status", nil); json.Unmarshal([]byte(body), &after) != nil {
		t.Fatalf("status: %s", body)
	}
	if after.Totals.Replies["503"] != 1 || after.Totals.Replies["408"] != 1 || after.Totals.Busy != 0 || after.Totals.Timeouts != 0 {
		t.Errorf("after a route's 503 and 408: replies %v, busy %d, timeouts %d; want busy and timeouts 0", after.Totals.Replies, after.Totals.Busy, after.Totals.Timeouts)
	}
}

func TestRoutesAndRequests(t *testing.T) {
	f := newFixture(t, true, Options{Recent: 3})
	for i, p := range []string{"/hello", "/a", "/b", "/c", "/hello"} {
		f.exchange(t, "GET "+p+"\n")
		f.waitExchanges(t, uint64(i+1)) // an exchange is observed after its close
	}

	code, body := f.do(t, "GET", "/api/requests", nil)
	var reqs struct {
		Size     int       `json:"size"`
		Requests []Request `json:"requests"`
	}
	if err := json.Unmarshal([]byte(body), &reqs); code != 200 || err != nil {
		t.Fatalf("requests: %d %v %s", code, err, body)
	}
	if reqs.Size != 3 || len(reqs.Requests) != 3 {
		t.Fatalf("ring of 3 holds %d: %+v", len(reqs.Requests), reqs)
	}
	if r := reqs.Requests[0]; r.Target != "/hello" || r.Status != 200 || r.End != "delivered" || r.Route != "/hello" {
		t.Errorf("most recent %+v", r)
	}
	if reqs.Requests[2].Target != "/b" {
		t.Errorf("oldest kept %+v, want /b", reqs.Requests[2])
	}
	code, body = f.do(t, "GET", "/api/requests?limit=2", nil)
	if err := json.Unmarshal([]byte(body), &reqs); code != 200 || err != nil || len(reqs.Requests) != 2 || reqs.Requests[1].Target != "/c" {
		t.Errorf("limit=2: %d %v %s; want the 2 most recent", code, err, body)
	}
	for _, bad := range []string{"0", "-1", "x", strconv.Itoa(MaxRequestsLimit + 1)} {
		if code, body := f.do(t, "GET", "/api/requests?limit="+bad, nil); code != 400 {
			t.Errorf("limit=%s: %d %s; want 400", bad, code, body)
		}
	}
	long := "/" + strings.Repeat("a", 4000)
	f.exchange(t, "GET "+long+"\n")
	f.waitExchanges(t, 6)
	code, body = f.do(t, "GET", "/api/requests?limit=1", nil)
	if err := json.Unmarshal([]byte(body), &reqs); code != 200 || err != nil || len(reqs.Requests) != 1 {
		t.Fatalf("after a long target: %d %v %s", code, err, body)
	}
	if got := reqs.Requests[0].Target; len(got) != maxRecentTarget || !strings.HasPrefix(long, strings.TrimSuffix(got, cutMark)) || !strings.HasSuffix(got, cutMark) {
		t.Errorf("a 4001-byte target is kept as %q (%d bytes); want its first bytes and %q, %d bytes in all", got, len(got), cutMark, maxRecentTarget)
	}

	code, body = f.do(t, "GET", "/api/routes", nil)
	var routes RoutesBody
	if err := json.Unmarshal([]byte(body), &routes); code != 200 || err != nil {
		t.Fatalf("routes: %d %v %s", code, err, body)
	}
	if routes.Source != f.routes || len(routes.Routes) != 2 || routes.Routes[0].Path != "/hello" || routes.Routes[0].Requests != 2 ||
		routes.Routes[1].Delay != "200ms" || routes.Routes[0].Detail != "6 bytes" {
		t.Errorf("routes %+v", routes)
	}
}

// TestRequestsBounded shows that one /api/requests reply holds at most
// MaxRequestsLimit exchanges however many the ring keeps, by default and
// when asked for.
func TestRequestsBounded(t *testing.T) {
	f := newFixture(t, false, Options{Recent: MaxRequestsLimit + 500})
	target := "/" + strings.Repeat("a", 300)
	for i := range MaxRequestsLimit + 500 {
		f.admin.Observe(&server.Exchange{Start: time.Now(), Method: "GET", Target: target + strconv.Itoa(i), Status: 404})
	}
	var reqs struct {
		Size     int       `json:"size"`
		Requests []Request `json:"requests"`
	}
	for _, q := range []string{"", "?limit=" + strconv.Itoa(MaxRequestsLimit)} {
		code, body := f.do(t, "GET", "/api/requests"+q, nil)
		if err := json.Unmarshal([]byte(body), &reqs); code != 200 || err != nil {
			t.Fatalf("requests%s: %d %v", q, code, err)
		}
		if reqs.Size != MaxRequestsLimit+500 || len(reqs.Requests) != MaxRequestsLimit {
			t.Errorf("requests%s from a ring of %d: size %d, %d exchanges; want %d", q, MaxRequestsLimit+500, reqs.Size, len(reqs.Requests), MaxRequestsLimit)
		}
	}
	code, body := f.do(t, "GET", "/api/requests?limit="+strconv.Itoa(MaxRequestsLimit+1), nil)
	checkJSONError(t, body, 400, "limit must be a whole number from 1 to "+strconv.Itoa(MaxRequestsLimit))
	if code != 400 {
		t.Errorf("limit above MaxRequestsLimit: %d", code)
	}
}

func TestSeriesAPI(t *testing.T) {
	f := newFixture(t, true, Options{})
	if code, body := f.do(t, "GET", "/api/series?seconds=0", nil); code != 400 {
		t.Errorf("seconds=0: %d %s", code, body)
	} else {
		checkJSONError(t, body, 400, "seconds must be")
	}
	code, body := f.do(t, "GET", "/api/series?seconds=10", nil)
	var s struct{ Points []Point }
	if err := json.Unmarshal([]byte(body), &s); code != 200 || err != nil || len(s.Points) != 10 {
		t.Errorf("series: %d %v %d points", code, err, len(s.Points))
	}
}

func TestMetricsCountExactly(t *testing.T) {
	f := newFixture(t, true, Options{})
	const n = 7
	for range n {
		f.exchange(t, "GET /hello\n")
	}
	f.exchange(t, "DELETE /hello\n")
	f.waitExchanges(t, n+1)

	code, body := f.do(t, "GET", "/metrics", nil)
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		mf, ok := families[name]
		if !ok {
			t.Fatalf("no metric %s", name)
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
		t.Fatalf("no %s with %v", name, labels)
		return 0
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"tinyhttpd_connections_accepted_total", nil, n + 1},
		{"tinyhttpd_replies_total", map[string]string{"status": "200"}, n},
		{"tinyhttpd_replies_total", map[string]string{"status": "405"}, 1},
		{"tinyhttpd_exchanges_total", map[string]string{"end": "delivered"}, n + 1},
		{"tinyhttpd_route_requests_total", map[string]string{"route": "/hello"}, n + 1},
		{"tinyhttpd_exchange_duration_seconds", nil, n + 1},
		{"tinyhttpd_ready", nil, 1},
		{"tinyhttpd_request_memory_bytes", nil, 0}, // no request being read
		{"tinyhttpd_routes", nil, 2},
		{"tinyhttpd_route_reloads_total", map[string]string{"result": "ok"}, 1},
	}
	for _, c := range checks {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	var acceptors, accepted float64
	for _, m := range families["tinyhttpd_acceptor_accepted_total"].GetMetric() {
		acceptors++
		accepted += m.GetCounter().GetValue()
	}
	if want := float64(len(f.srv.Stats().Acceptors)); acceptors != want || accepted != n+1 {
		t.Errorf("tinyhttpd_acceptor_accepted_total: %v acceptors accepted %v; want %v accepting %v", acceptors, accepted, want, n+1)
	}
	for name, mf := range families {
		if mf.GetType().String() == "COUNTER" && !strings.HasSuffix(name, "_total") {
			t.Errorf("counter %s does not end in _total", name)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "tinyhttpd_build_info"} {
		if _, ok := families[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}

func TestWritesNeedToken(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	host := strings.TrimPrefix(f.adminURL, "http://")
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		status int
		want   string
	}{
		{"reload without token", "POST", "/api/reload", nil, 401, "missing or wrong bearer token"},
		{"reload with wrong token", "POST", "/api/reload", bearer("wrong"), 401, "missing or wrong"},
		{"reload with token prefix", "POST", "/api/reload", bearer(testToken[:5]), 401, "missing or wrong"},
		{"drain without token", "POST", "/api/drain", nil, 401, "missing or wrong"},
		{"basic auth instead of bearer", "POST", "/api/reload", map[string]string{"Authorization": "Basic " + testToken}, 401, "missing or wrong"},
		{"pprof without token", "GET", "/debug/pprof/", nil, 401, "missing or wrong"},
		{"pprof heap without token", "GET", "/debug/pprof/heap", nil, 401, "missing or wrong"},
		{"foreign origin", "POST", "/api/reload", map[string]string{"Authorization": "Bearer " + testToken, "Origin": "http://evil.example"}, 403, "may not write"},
		{"foreign host on a read", "GET", "/api/status", map[string]string{"Host": "evil.example"}, 403, "is not this admin endpoint"},
		{"rebinding host with our port", "GET", "/metrics", map[string]string{"Host": "evil.example:" + strings.Split(host, ":")[1]}, 403, "is not this admin endpoint"},
		{"foreign host on a write", "POST", "/api/reload", map[string]string{"Authorization": "Bearer " + testToken, "Host": "evil.example"}, 403, "is not this admin endpoint"},
		{"GET on a write endpoint", "GET", "/api/reload", bearer(testToken), 405, "not allowed"},
		{"unknown endpoint", "GET", "/api/nope", nil, 404, "no admin endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := f.do(t, tt.method, tt.path, tt.header)
			checkRefused(t, code, body, tt.status, tt.want)
		})
	}
	if f.srv.Draining() {
		t.Error("a rejected drain drained the server")
	}
	if code, _ := f.do(t, "GET", "/debug/pprof/heap?debug=1", bearer(testToken)); code != 200 {
		t.Errorf("pprof with token: %d", code)
	}
	if code, _ := f.do(t, "GET", "/api/status", map[string]string{"Host": "localhost:" + strings.Split(host, ":")[1]}); code != 200 {
		t.Errorf("localhost Host: %d", code)
	}
	for _, origin := range []string{"http://" + host, "https://" + host} {
		same := map[string]string{"Authorization": "Bearer " + testToken, "Origin": origin}
		if code, body := f.do(t, "POST", "/api/reload", same); code != 200 {
			t.Errorf("reload from %s: %d %s", origin, code, body)
		}
	}
}

func TestNoTokenConfiguredRefusesWrites(t *testing.T) {
	f := newFixture(t, true, Options{})
	code, body := f.do(t, "POST", "/api/reload", bearer(""))
	if code != 403 {
		t.Errorf("status %d", code)
	}
	checkJSONError(t, body, 403, "TINYHTTPD_ADMIN_TOKEN")
}

func TestReload(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	if r := f.exchange(t, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\nhello\n") {
		t.Fatalf("before: %q", r)
	}
	testenv.WriteFile(t, f.routes, "routes:\n  - path: /hello\n    body: \"reloaded\\n\"\n")
	code, body := f.do(t, "POST", "/api/reload", bearer(testToken))
	if code != 200 || !strings.Contains(body, `"reloaded": true`) {
		t.Fatalf("reload: %d %s", code, body)
	}
	if r := f.exchange(t, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\nreloaded\n") {
		t.Errorf("after reload: %q", r)
	}

	testenv.WriteFile(t, f.routes, "routes:\n  - path: /hello\n    body: \"broken\\n\"\n    fault: reset\n")
	code, body = f.do(t, "POST", "/api/reload", bearer(testToken))
	if code != 400 {
		t.Errorf("bad reload: %d %s", code, body)
	}
	checkJSONError(t, body, 400, "routes.yaml:4:5: body and fault both set")
	if r := f.exchange(t, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\nreloaded\n") {
		t.Errorf("after a failed reload the old table is gone: %q", r)
	}
	var s Status
	_, body = f.do(t, "GET", "/api/status", nil)
	json.Unmarshal([]byte(body), &s)
	if s.Reloads.OK != 2 || s.Reloads.Failed != 1 || s.Reloads.Last == nil || s.Reloads.Last.Error == "" {
		t.Errorf("reloads %+v", s.Reloads)
	}
}

// TestDrain checks that POST /api/drain turns /readyz to 503 while new
// exchanges are still served and the one in flight finishes.
func TestDrain(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	inFlight := make(chan string, 1)
	go func() {
		c, err := net.Dial("tcp", f.protoAddr)
		if err != nil {
			inFlight <- err.Error()
			return
		}
		defer c.Close()
		io.WriteString(c, "GET /slow\n")
		c.(*net.TCPConn).CloseWrite()
		b, _ := io.ReadAll(c)
		inFlight <- string(b)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for f.srv.Stats().Writing == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	code, body := f.do(t, "POST", "/api/drain", bearer(testToken))
	if code != 202 {
		t.Fatalf("drain: %d %s", code, body)
	}
	if code, _ := f.do(t, "GET", "/readyz", nil); code != 503 {
		t.Errorf("readyz after drain: %d", code)
	}
	if r := f.exchange(t, "GET /hello\n"); !strings.HasPrefix(r, "HTTP/1.0 200 ") {
		t.Errorf("new exchange while draining: %q", r)
	}
	if r := <-inFlight; !strings.HasSuffix(r, "\r\n\r\nlate\n") {
		t.Errorf("in-flight exchange: %q", r)
	}
}

// TestEndDrain checks that DELETE /api/drain ends a drain, and that it
// cannot end a shutdown.
func TestEndDrain(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	if code, body := f.do(t, "POST", "/api/drain", bearer(testToken)); code != 202 {
		t.Fatalf("drain: %d %s", code, body)
	}
	code, body := f.do(t, "DELETE", "/api/drain", bearer(testToken))
	if code != 200 || !strings.Contains(body, `"draining": false`) {
		t.Fatalf("end drain: %d %s", code, body)
	}
	if code, _ := f.do(t, "GET", "/readyz", nil); code != 200 {
		t.Errorf("readyz after the drain ended: %d", code)
	}
	if r := f.exchange(t, "GET /hello\n"); !strings.HasPrefix(r, "HTTP/1.0 200 ") {
		t.Errorf("exchange after the drain ended: %q", r)
	}
	if code, _ := f.do(t, "DELETE", "/api/drain", bearer(testToken)); code != 200 {
		t.Errorf("ending no drain: %d, want 200", code)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel() // Shutdown begins and returns at once
	f.srv.Shutdown(ctx)
	if code, body := f.do(t, "DELETE", "/api/drain", bearer(testToken)); code != 409 || !strings.Contains(body, "shutting down") {
		t.Errorf("end drain while shutting down: %d %s", code, body)
	}
	if f.srv.Ready() {
		t.Error("a shutting-down server is ready again")
	}
}

func TestDashboardServed(t *testing.T) {
	f := newFixture(t, true, Options{})
	code, body := f.do(t, "GET", "/", nil)
	if code != 200 || !strings.Contains(body, `<canvas id="rps-chart"`) {
		t.Errorf("dashboard: %d", code)
	}
	for _, asset := range []string{"/assets/app.js", "/assets/style.css"} {
		if code, body := f.do(t, "GET", asset, nil); code != 200 || len(body) < 100 {
			t.Errorf("%s: %d, %d bytes", asset, code, len(body))
		}
	}
}

func TestHTTPServerHasLimits(t *testing.T) {
	s := New(Options{Server: &server.Server{}}).HTTPServer()
	if s.ReadHeaderTimeout == 0 || s.ReadTimeout == 0 || s.WriteTimeout == 0 || s.MaxHeaderBytes == 0 {
		t.Errorf("http.Server without explicit limits: %+v", s)
	}
	// No connection outlives its reply, so none idles on a Listener slot.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(Listener(l))
	defer s.Close()
	res, err := http.Get("http://" + l.Addr().String() + "/livez")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !res.Close {
		t.Error("the admin endpoint keeps connections open after their replies")
	}
}

func TestGuardHosts(t *testing.T) {
	names := []string{"Admin.Example", "tiny.internal:8080", "fqdn.example.", "[2001:DB8:0::1]"}
	any := &net.TCPAddr{IP: net.IPv4zero, Port: 7071}
	loopback := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7071}
	tests := []struct {
		name   string
		addr   *net.TCPAddr
		names  []string
		accept []string
		refuse []string
	}{
		{"every interface, names", any, names,
			[]string{"admin.example", "ADMIN.example:7071", "admin.example.:7071", "tiny.internal:8080", "fqdn.example:7071", "fqdn.example.",
				"[2001:db8::1]:7071", "10.0.0.5:7071", "10.0.0.5", "[2001:db8::2]:7071", "localhost:7071", "LOCALHOST"},
			[]string{"evil.example:7071", "admin.example:80", "tiny.internal:7071", "admin.example.evil.example:7071",
				"localhost.evil.example:7071", "127.0.0.1.nip.io:7071", "[fe80::1%25eth0]:7071", ""}},
		{"every interface, no names", any, nil,
			[]string{"10.0.0.5:7071", "10.0.0.5", "[2001:db8::2]:7071", "localhost:7071", "LOCALHOST"},
			[]string{"evil.example:7071", "anything", "admin.example", "127.0.0.1.nip.io:7071", "localhost.evil.example", ""}},
		{"loopback, no names", loopback, nil,
			[]string{"127.0.0.1:7071", "localhost:7071", "LocalHost:7071"},
			[]string{"evil.example:7071", "localhost.evil.example:7071", "admin.example:7071", "127.0.0.2:7071", "127.0.0.1", "localhost.:7071", ""}},
		{"IPv6 loopback", &net.TCPAddr{IP: net.IPv6loopback, Port: 7071}, nil,
			[]string{"[::1]:7071", "localhost:7071"},
			[]string{"127.0.0.1:7071", "[::1]:7072"}},
		{"loopback, names", loopback, names,
			[]string{"127.0.0.1:7071", "admin.example:7071", "admin.example.", "[2001:db8::1]:7071"},
			[]string{"evil.example:7071", "127.0.0.2:7071", "[2001:db8::2]:7071"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuard(testToken, tt.addr, tt.names)
			for _, h := range tt.accept {
				if !g.acceptsHost(h) {
					t.Errorf("refuses Host %q", h)
				}
			}
			for _, h := range tt.refuse {
				if g.acceptsHost(h) {
					t.Errorf("accepts Host %q", h)
				}
			}
		})
	}
}

func TestRouteDetailDir(t *testing.T) {
	for _, tc := range []struct {
		rt   route.Route
		want string
	}{
		{route.Route{Kind: route.KindDir, Dir: "pub"}, "pub"},
		{route.Route{Kind: route.KindDir, Dir: "pub", Listing: true}, "pub (listing)"},
		{route.Route{Kind: route.KindDir, Dir: "pub", Dotfiles: true}, "pub (dot files)"},
		{route.Route{Kind: route.KindDir, Dir: "pub", Listing: true, Dotfiles: true}, "pub (listing, dot files)"},
	} {
		if got := routeDetail(tc.rt); got != tc.want {
			t.Errorf("routeDetail(%+v) = %q; want %q", tc.rt, got, tc.want)
		}
	}
}

func TestRouteDetailRedirect(t *testing.T) {
	if got := routeDetail(route.Route{Kind: route.KindRedirect, Redirect: "/new"}); got != "to /new" {
		t.Errorf("routeDetail = %q", got)
	}
}

// TestMethods checks the methods of the admin's routes as RFC 9110 has
// them: HEAD wherever GET is, with GET's status and no body, and a 405 that
// says in Allow what the path does answer.
func TestMethods(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	for _, path := range []string{"/", "/livez", "/readyz", "/metrics", "/api/status", "/api/routes", "/api/requests", "/assets/app.js"} {
		res, err := http.Head(f.adminURL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") == "" {
			t.Errorf("HEAD %s: %d, Content-Type %q; want GET's 200 and head", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	for _, tc := range []struct{ method, path, allow string }{
		{"POST", "/metrics", "GET, HEAD"},
		{"POST", "/api/status", "GET, HEAD"},
		{"GET", "/api/reload", "POST"},
		{"PUT", "/api/drain", "POST, DELETE"},
		{"POST", "/livez", "GET, HEAD"},
		{"DELETE", "/assets/app.js", "GET, HEAD"},
	} {
		req, err := http.NewRequest(tc.method, f.adminURL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 405 || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want 405, Allow %q (%s)", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), tc.allow, body)
		}
	}
}

// TestAssetsServeNoPage checks that /assets/ serves the page's script and
// style with the page's security headers, and not the page itself, which
// only / serves with them.
func TestAssetsServeNoPage(t *testing.T) {
	f := newFixture(t, true, Options{Token: testToken})
	for _, path := range []string{"/assets/", "/assets/index.html", "/assets/./"} {
		if code, _ := f.do(t, "GET", path, nil); code != 404 {
			t.Errorf("GET %s: %d, want 404", path, code)
		}
	}
	res, err := http.Get(f.adminURL + "/assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("GET /assets/app.js: %d, headers %v", res.StatusCode, res.Header)
	}
}

// TestRouteLabelsFollowTheTable checks that the per-route counts keep only
// the routes of the current table: after a reload without /hello, neither
// /api/status nor /metrics shows it, so that labels stay bounded whatever
// the reloads.
func TestRouteLabelsFollowTheTable(t *testing.T) {
	f := newFixture(t, true, Options{})
	f.exchange(t, "GET /hello\n")
	f.waitExchanges(t, 1)
	if _, m := f.do(t, "GET", "/metrics", nil); !strings.Contains(m, `tinyhttpd_route_requests_total{route="/hello"} 1`) {
		t.Fatalf("metrics lack /hello's count:\n%s", m)
	}
	testenv.WriteFile(t, f.routes, "routes:\n  - path: /other\n    body: \"x\\n\"\n")
	if err := f.admin.opts.Reloader.Reload("test"); err != nil {
		t.Fatal(err)
	}
	f.exchange(t, "GET /other\n")
	f.waitExchanges(t, 2)
	_, m := f.do(t, "GET", "/metrics", nil)
	if strings.Contains(m, `route="/hello"`) || !strings.Contains(m, `tinyhttpd_route_requests_total{route="/other"} 1`) {
		t.Errorf("after the reload, metrics show:\n%s", m)
	}
	var s Status
	if _, body := f.do(t, "GET", "/api/status", nil); json.Unmarshal([]byte(body), &s) != nil || s.Routes["/hello"] != 0 || s.Routes["/other"] != 1 {
		t.Errorf("status routes %v", s.Routes)
	}
	if _, ok := s.Routes["/hello"]; ok {
		t.Errorf("status still lists /hello: %v", s.Routes)
	}
}
