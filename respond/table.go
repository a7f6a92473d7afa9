package respond

import (
	"cmp"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// Table is an immutable route table built from validated routes. Static
// replies are rendered once, when the table is built. A server swaps whole
// tables (SetRoutes), so an exchange finishes on the table it started with.
type Table struct {
	source   string
	loaded   time.Time
	files    fs.FS
	routes   []route.Route
	exact    map[string]*entry
	prefixes []*entry // longest path first
}

// entry is one route of a Table with what is derived from it once.
type entry struct {
	route.Route
	allow  string // the Allow header value for 405 replies
	static *staticReply
	// stored says that the route's headers name Content-Encoding: its
	// files are sent as they are stored, without a name.gz variant, and
	// listingHeaders, its headers without it, go on its listings.
	stored         bool
	listingHeaders []route.Header
}

// isContentEncoding reports whether h is a Content-Encoding header.
func isContentEncoding(h route.Header) bool { return strings.EqualFold(h.Name, "Content-Encoding") }

// staticReply is a pre-rendered reply: pre, the date, then full for GET or
// full[:headLen] for HEAD.
type staticReply struct {
	pre     []byte
	full    []byte // head.post followed by the body
	headLen int    // length of head.post within full
}

// NewTable builds a table from validated routes, as the config package
// returns them. A route without Methods or Status takes the defaults
// (route.Route.Normalize). An empty or nil rs gives a table that answers
// 404 to every path. A route of an unknown kind or fault, or a path listed
// twice, is an error.
func NewTable(rs *route.Routes) (*Table, error) {
	t := &Table{loaded: time.Now(), exact: make(map[string]*entry)}
	if rs == nil {
		return t, nil
	}
	t.source, t.files = rs.Source, rs.Files
	t.routes = make([]route.Route, len(rs.Routes))
	for i, rt := range rs.Routes {
		rt.Normalize()
		t.routes[i] = rt
	}
	for _, rt := range t.routes {
		r := &entry{Route: rt, allow: strings.Join(rt.Methods, ", ")}
		r.listingHeaders = slices.DeleteFunc(slices.Clone(rt.Headers), isContentEncoding)
		r.stored = len(r.listingHeaders) < len(rt.Headers)
		if route.NoContent(r.Status) && (r.Kind != route.KindBody || r.Body != "") {
			return nil, fmt.Errorf("respond: route %s: a %d reply has no body; only a body route with an empty body may have it", r.Path, r.Status)
		}
		switch r.Kind {
		case route.KindBody:
			r.static = newStaticReply(r.Status, []byte(r.Body), r.Headers)
		case route.KindIndex:
			r.static = newStaticReply(r.Status, []byte(indexText(t.indexSource(), t.routes)), r.Headers)
		case route.KindRedirect:
			headers := append([]route.Header{{Name: "Location", Value: r.Redirect}}, r.Headers...)
			r.static = newStaticReply(r.Status, []byte("redirect to "+r.Redirect+"\n"), headers)
		case route.KindFault:
			if !slices.Contains(route.Faults(), r.Fault) {
				return nil, fmt.Errorf("respond: route %s: unknown fault %q", r.Path, r.Fault)
			}
		case route.KindFile, route.KindDir, route.KindEcho:
		default:
			return nil, fmt.Errorf("respond: route %s: unknown kind %q", r.Path, r.Kind)
		}
		if _, dup := t.exact[r.Path]; dup || t.hasPrefix(r.Path) {
			return nil, fmt.Errorf("respond: route %s listed twice", r.Path)
		}
		if r.Prefix {
			t.prefixes = append(t.prefixes, r)
		} else {
			t.exact[r.Path] = r
		}
	}
	slices.SortStableFunc(t.prefixes, func(a, b *entry) int { return cmp.Compare(len(b.Path), len(a.Path)) })
	return t, nil
}

func (t *Table) hasPrefix(path string) bool {
	return slices.ContainsFunc(t.prefixes, func(r *entry) bool { return r.Path == path })
}

// Source says where the table's routes came from.
func (t *Table) Source() string { return t.source }

// Loaded is when the table was built.
func (t *Table) Loaded() time.Time { return t.loaded }

// Routes returns the table's routes in file order, with their defaults
// filled in. The caller must not modify them.
func (t *Table) Routes() []route.Route { return t.routes }

// lookup returns the route for a decoded path: an exact match, else the
// longest prefix route, else nil. A nil table has no routes.
func (t *Table) lookup(path string) *entry {
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

func (r *entry) allows(method string) bool {
	return slices.Contains(r.Methods, method)
}

func newStaticReply(status int, body []byte, headers []route.Header) *staticReply {
	h := wire.RenderHead(status, "text/plain; charset=utf-8", int64(len(body)), headers)
	if route.NoBody(status) {
		h = wire.RenderHead(status, "", -1, headers)
	}
	full := make([]byte, 0, len(h.Post)+len(body))
	full = append(append(full, h.Post...), body...)
	return &staticReply{pre: h.Pre, full: full, headLen: len(h.Post)}
}

// indexSource names the table's source for an index route: a routes
// file by its name alone, since the server's directories are not the
// client's business; embedded routes (t.files) as their source says.
func (t *Table) indexSource() string {
	if t.files == nil {
		return filepath.Base(t.source)
	}
	return t.source
}

// indexText is the body of index routes: one line per route.
func indexText(source string, routes []route.Route) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tinyhttpd %d routes from %s\n\n", len(routes), source)
	width, kindWidth := 0, 0
	for _, r := range routes {
		width = max(width, len(r.Path))
		kindWidth = max(kindWidth, len(r.Kind))
	}
	for _, r := range routes {
		fmt.Fprintf(&b, "%-*s  %-*s  %s\n", width, r.Path, kindWidth, r.Kind, strings.Join(r.Methods, ", "))
	}
	return b.String()
}
