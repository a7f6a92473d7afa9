package server

import (
	"cmp"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// Table is an immutable route table built from validated routes. Static
// replies are rendered once, when the table is built. A Server swaps whole
// tables (SetRoutes), so an exchange finishes on the table it started with.
type Table struct {
	source   string
	loaded   time.Time
	files    fs.FS
	routes   []config.Route
	exact    map[string]*route
	prefixes []*route // longest path first
}

// route is one entry of a Table with what is derived from it once.
type route struct {
	config.Route
	allow  string // the Allow header value for 405 replies
	static *staticReply
}

// staticReply is a pre-rendered reply: head.pre, the date, then full for GET
// or full[:headLen] for HEAD.
type staticReply struct {
	pre     []byte
	full    []byte // head.post followed by the body
	headLen int    // length of head.post within full
}

// NewTable builds a table from validated routes. An empty or nil rs gives a
// table that answers 404 to every path.
func NewTable(rs *config.Routes) (*Table, error) {
	t := &Table{loaded: time.Now(), exact: make(map[string]*route)}
	if rs == nil {
		return t, nil
	}
	t.source, t.files, t.routes = rs.Source, rs.Files, rs.Routes
	for i := range rs.Routes {
		cr := rs.Routes[i]
		r := &route{Route: cr, allow: strings.Join(cr.Methods, ", ")}
		if len(r.Methods) == 0 {
			r.Methods = []string{"GET", "HEAD"}
			r.allow = "GET, HEAD"
		}
		if r.Status == 0 {
			r.Status = 200
		}
		switch r.Kind {
		case config.KindBody:
			r.static = newStaticReply(r.Status, []byte(r.Body), r.Headers)
		case config.KindIndex:
			r.static = newStaticReply(r.Status, []byte(indexText(rs)), r.Headers)
		}
		if _, dup := t.exact[r.Path]; dup || t.hasPrefix(r.Path) {
			return nil, fmt.Errorf("server: route %s listed twice", r.Path)
		}
		if r.Prefix {
			t.prefixes = append(t.prefixes, r)
		} else {
			t.exact[r.Path] = r
		}
	}
	slices.SortStableFunc(t.prefixes, func(a, b *route) int { return cmp.Compare(len(b.Path), len(a.Path)) })
	return t, nil
}

func (t *Table) hasPrefix(path string) bool {
	return slices.ContainsFunc(t.prefixes, func(r *route) bool { return r.Path == path })
}

// Source says where the table's routes came from.
func (t *Table) Source() string { return t.source }

// Loaded is when the table was built.
func (t *Table) Loaded() time.Time { return t.loaded }

// Routes returns the table's routes in file order. The caller must not
// modify them.
func (t *Table) Routes() []config.Route { return t.routes }

// lookup returns the route for a decoded path: an exact match, else the
// longest prefix route, else nil. A nil table has no routes.
func (t *Table) lookup(path string) *route {
	if t == nil {
		return nil
	}
	if r, ok := t.exact[path]; ok {
		return r
	}
	for _, r := range t.prefixes {
		if strings.HasPrefix(path, r.Path) {
			return r
		}
	}
	return nil
}

func (r *route) allows(method string) bool {
	return slices.Contains(r.Methods, method)
}

func newStaticReply(status int, body []byte, headers []config.Header) *staticReply {
	h := renderHead(status, "text/plain; charset=utf-8", int64(len(body)), headers)
	full := make([]byte, 0, len(h.post)+len(body))
	full = append(append(full, h.post...), body...)
	return &staticReply{pre: h.pre, full: full, headLen: len(h.post)}
}

// indexText is the body of index routes: one line per route.
func indexText(rs *config.Routes) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tinyhttpd %d routes from %s\n\n", len(rs.Routes), rs.Source)
	width := 0
	for _, r := range rs.Routes {
		width = max(width, len(r.Path))
	}
	for _, r := range rs.Routes {
		methods := "GET, HEAD"
		if len(r.Methods) > 0 {
			methods = strings.Join(r.Methods, ", ")
		}
		fmt.Fprintf(&b, "%-*s  %-*s  %s\n", width, r.Path, 6, r.Kind, methods)
	}
	return b.String()
}
