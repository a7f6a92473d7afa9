package admin

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/tinyhttpd/tinyhttpd/internal/version"
	"github.com/tinyhttpd/tinyhttpd/server"
)

// noRoute is the route label of exchanges that no route answered.
const noRoute = "(none)"

// durationBuckets for the exchange duration histogram, in seconds: from
// 100µs, past the defaults' 10s timeouts.
var durationBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("tinyhttpd_"+name, help, labels, nil)
}

// collector reads the server's counters when Prometheus scrapes, so the
// exchange path pays for no metric beyond its own atomic counters.
type collector struct {
	a                                       *Admin
	accepted, dropped, panics               *prometheus.Desc
	replies, ends, routes                   *prometheus.Desc
	bytesIn, bytesOut                       *prometheus.Desc
	conns, ready, reloads, loaded, numRoute *prometheus.Desc
	build                                   *prometheus.Desc
	acceptorAccepted, acceptorInline        *prometheus.Desc
	certExpiry, requestMemory               *prometheus.Desc
}

func newCollector(a *Admin) *collector {
	return &collector{
		a:                a,
		accepted:         desc("connections_accepted_total", "Connections accepted on the protocol listener."),
		dropped:          desc("connections_dropped_total", "Connections closed unanswered because MaxConns connections were already being answered 503."),
		panics:           desc("panics_total", "Exchanges that panicked and were answered 500."),
		replies:          desc("replies_total", "Replies by status; status \"none\" counts exchanges that ended without a reply.", "status"),
		ends:             desc("exchanges_total", "Exchanges by how they ended: delivered, client_gone, reset, write_timeout, file_error, fault, aborted, tls_handshake.", "end"),
		routes:           desc("route_requests_total", "Exchanges by the route that answered them; \"(none)\" when none did.", "route"),
		bytesIn:          desc("received_bytes_total", "Bytes read from protocol connections."),
		bytesOut:         desc("sent_bytes_total", "Bytes written to protocol connections."),
		conns:            desc("connections", "Protocol connections now open, by exchange state.", "state"),
		ready:            desc("ready", "1 when the server is listening and not draining, else 0."),
		reloads:          desc("route_reloads_total", "Route table reloads by result.", "result"),
		loaded:           desc("routes_loaded_timestamp_seconds", "When the route table being served was loaded, as a Unix time."),
		numRoute:         desc("routes", "Routes in the table being served."),
		requestMemory:    desc("request_memory_bytes", "Memory the requests being read or answered hold, as counted against MAX_REQUEST_MEMORY: what their buffers grew by past the pooled one each starts with."),
		build:            desc("build_info", "Always 1; the version label says which tinyhttpd runs.", "version"),
		acceptorAccepted: desc("acceptor_accepted_total", "Connections accepted, by acceptor goroutine.", "acceptor"),
		acceptorInline:   desc("acceptor_inline_total", "Exchanges an acceptor answered itself, without a goroutine, by acceptor.", "acceptor"),
		certExpiry:       desc("tls_certificate_expiry_timestamp_seconds", "When the certificate a TLS listener presents expires (its NotAfter), as a Unix time, by listener.", "listener"),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(c, ch)
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	srv := c.a.opts.Server
	st := srv.Stats()
	counter(c.accepted, st.Accepted)
	counter(c.dropped, st.Dropped)
	counter(c.panics, st.Panics)
	counter(c.bytesIn, st.BytesIn)
	counter(c.bytesOut, st.BytesOut)
	for status, n := range st.Replies {
		counter(c.replies, n, statusLabel(status))
	}
	for end, n := range st.Ends {
		counter(c.ends, n, end.String())
	}
	for route, n := range c.a.routeCounts() {
		counter(c.routes, n, route)
	}
	for _, acc := range st.Acceptors {
		id := strconv.Itoa(acc.ID)
		counter(c.acceptorAccepted, acc.Accepted, id)
		counter(c.acceptorInline, acc.Inline, id)
	}
	gauge(c.conns, float64(st.Reading), "reading")
	gauge(c.conns, float64(st.Writing), "writing")
	gauge(c.conns, float64(st.Lingering), "lingering")
	gauge(c.requestMemory, float64(st.RequestMemory))
	gauge(c.ready, boolGauge(srv.Ready()))
	if r := c.a.opts.Reloader; r != nil {
		ok, failed := r.Counts()
		counter(c.reloads, ok, "ok")
		counter(c.reloads, failed, "error")
	}
	if t := srv.Routes(); t != nil {
		gauge(c.loaded, float64(t.Loaded().UnixNano())/1e9)
		gauge(c.numRoute, float64(len(t.Routes())))
	}
	for _, cert := range c.a.certs() {
		gauge(c.certExpiry, float64(cert.Leaf().NotAfter.Unix()), cert.Name)
	}
	gauge(c.build, 1, version.Release)
}

func statusLabel(status int) string {
	if status == 0 {
		return "none"
	}
	return strconv.Itoa(status)
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// newRegistry registers tinyhttpd's metrics, the exchange duration
// histogram, and the Go runtime and process collectors.
func newRegistry(a *Admin) (*prometheus.Registry, prometheus.Histogram) {
	reg := prometheus.NewRegistry()
	duration := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "tinyhttpd_exchange_duration_seconds",
		Help:    "Time from accept to close of each exchange.",
		Buckets: durationBuckets,
	})
	reg.MustRegister(newCollector(a), duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg, duration
}

var _ prometheus.Collector = (*collector)(nil)

// failed reports whether an exchange counts as an error on the
// dashboard: a 5xx reply, or none at all.
func failed(e *server.Exchange) bool {
	return e.Status == 0 || e.Status >= 500
}
