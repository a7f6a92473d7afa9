// Package admin is tinyhttpd's admin HTTP endpoint: health checks, status
// and route APIs, Prometheus metrics, reload and drain, pprof, and a live
// dashboard for the browser.
//
// It is safe by default: reload, drain and pprof need a bearer token; the
// Host header must name the admin listener when it is bound to loopback
// (DNS-rebinding defence), and a write that carries an Origin must come
// from that same host (CSRF defence), as Caddy's admin API does.
package admin
