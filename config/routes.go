package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tinyhttpd/tinyhttpd"
	"github.com/tinyhttpd/tinyhttpd/internal/fileerr"
	"github.com/tinyhttpd/tinyhttpd/internal/httpsyntax"
	"github.com/tinyhttpd/tinyhttpd/internal/regfile"
	"github.com/tinyhttpd/tinyhttpd/route"
	"go.yaml.in/yaml/v3"
)

// Limits on routes files, so that a mistake (or a hostile file) cannot make
// a loader use unbounded memory or print unbounded output.
const (
	// MaxRoutes is the largest number of routes in one routes file.
	MaxRoutes = 10000
	// MaxRoutesFileSize is the size in bytes of the largest routes file.
	MaxRoutesFileSize = 16 << 20
	// MaxRoutesTokens is the most YAML tokens a routes file may hold. They
	// are counted before yaml builds its nodes, which for a file of many
	// small nodes take many times its size in memory. Scalars, aliases,
	// anchors, tags, comments and the indicators "," "[" "]" "{" "}" count
	// one each; "-" and ":" two, as each may also stand for an empty node,
	// and "?" three. It allows 48 a route: a path, three methods, a status,
	// a delay, a body and three headers in a flow mapping take 47.
	MaxRoutesTokens = 48 * MaxRoutes
	// MaxRouteDelay is the longest delay a route may have.
	MaxRouteDelay = time.Minute

	// maxProblems is the number of problems reported before giving up.
	maxProblems = 20
)

// defaultSource is the Routes.Source of DefaultRoutes.
const defaultSource = "embedded default (testdata/routes.yaml)"

// RoutesProblem is one problem found in a routes file.
type RoutesProblem struct {
	File string
	// Line and Col locate the offending YAML node, 1-based; both are zero
	// for problems with the file as a whole, such as a read error.
	Line, Col int
	Msg       string
}

// String returns "file:line:col: msg", or "file: msg" without a position.
func (p RoutesProblem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Msg)
}

// RoutesError reports why a routes file was rejected: every problem found,
// in file order, up to 20, followed by a "too many errors" problem.
type RoutesError struct {
	Problems []RoutesProblem
}

// Error returns the problems one per line.
func (e *RoutesError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// LoadRoutes returns DefaultRoutes when file is "", and LoadRoutesFile(file)
// otherwise.
func LoadRoutes(file string) (*route.Routes, error) {
	if file == "" {
		return DefaultRoutes()
	}
	return LoadRoutesFile(file)
}

// DefaultRoutes returns the route table built into the binary from
// testdata/routes.yaml, serving files from tinyhttpd.DefaultFiles.
func DefaultRoutes() (*route.Routes, error) {
	files, err := fs.Sub(tinyhttpd.DefaultFiles, "testdata")
	if err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(files, "routes.yaml")
	if err != nil {
		return nil, err
	}
	return ParseRoutes(defaultSource, data, files, ".")
}

// LoadRoutesFile reads and parses the routes file at file on the operating
// system's file system. Paths in it are resolved against the file's
// directory. Every error is a *RoutesError.
func LoadRoutesFile(file string) (*route.Routes, error) {
	fail := func(msg string) error {
		return &RoutesError{[]RoutesProblem{{File: file, Msg: msg}}}
	}
	data, err := regfile.Read(file, MaxRoutesFileSize)
	if err != nil {
		return nil, fail("cannot read routes file: " + fileerr.Cause(err).Error())
	}
	return ParseRoutes(file, data, nil, filepath.Dir(file))
}

// ParseRoutes parses and validates the routes file data; name is used as
// Routes.Source and in error positions. File and dir paths in data are
// resolved against base and checked: in files, with slash-separated paths,
// when files is not nil; on the operating system otherwise, where the
// result is an absolute path. Every error is a *RoutesError.
func ParseRoutes(name string, data []byte, files fs.FS, base string) (*route.Routes, error) {
	p := &routesParser{name: name, files: files, base: base, paths: make(map[string]int)}
	if len(data) > MaxRoutesFileSize {
		p.problem(0, 0, fmt.Sprintf("routes file is larger than %s", ByteSize(MaxRoutesFileSize)))
	} else if _, at := yamlTokens(data, MaxRoutesTokens); at >= 0 {
		line, col := position(data, at)
		p.problem(line, col, fmt.Sprintf("too many YAML tokens: more than %d in a routes file", MaxRoutesTokens))
	} else if root := p.document(data); root != nil {
		p.table(root)
	}
	if len(p.problems) > 0 {
		// Checks that need a whole route report after its fields: restore
		// file order.
		slices.SortStableFunc(p.problems[:min(len(p.problems), maxProblems)], func(a, b RoutesProblem) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
		})
		return nil, &RoutesError{p.problems}
	}
	return &route.Routes{Source: name, Files: files, Routes: p.routes}, nil
}

// routesParser walks a routes file's YAML nodes, collecting routes and
// problems.
type routesParser struct {
	name     string
	files    fs.FS
	base     string
	routes   []route.Route
	paths    map[string]int // route path to the line that first set it
	problems []RoutesProblem
}

func (p *routesParser) problem(line, col int, msg string) {
	switch {
	case len(p.problems) < maxProblems:
		p.problems = append(p.problems, RoutesProblem{p.name, line, col, msg})
	case len(p.problems) == maxProblems:
		p.problems = append(p.problems, RoutesProblem{p.name, line, col, "too many errors"})
	}
}

func (p *routesParser) errorf(n *yaml.Node, format string, args ...any) {
	p.problem(n.Line, n.Column, fmt.Sprintf(format, args...))
}

// document parses data into YAML nodes and returns the top-level node, or
// nil after reporting why there is none.
func (p *routesParser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			p.problem(1, 1, `empty routes file; want a mapping with a "routes" list`)
		} else {
			p.yamlError(data, err)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		at := &next
		if len(next.Content) > 0 {
			at = next.Content[0]
		}
		p.errorf(at, "only one YAML document is allowed in a routes file")
	case err != io.EOF:
		p.yamlError(data, err)
	}
	return doc.Content[0]
}

// yamlLine matches the position yaml puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError reports a YAML syntax error as a problem. yaml gives a line and
// no column, and for some errors not even a line, so the position is
// refined from data when the message says which character is at fault.
func (p *routesParser) yamlError(data []byte, err error) {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	var bad func(rune) bool
	switch {
	case strings.Contains(msg, "tab character"), strings.Contains(msg, "cannot start any token"):
		bad = func(r rune) bool { return r == '\t' }
	case strings.Contains(msg, "control characters"):
		bad = func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }
	case strings.Contains(msg, "UTF-8"):
		bad = func(r rune) bool { return r == invalidUTF8 }
	}
	// yaml reports some errors on the line before the offending character.
	from, to := line, line+1
	if line == 0 {
		from, to = 1, math.MaxInt
	}
	l, c := findRune(data, from, to, bad)
	if l == 0 {
		l, c = problemAt(data, max(line, 1), msg)
	}
	if msg == "found incompatible YAML document" {
		msg += ": routes files are YAML 1.1 (a %YAML 1.1 directive, or none)"
	}
	p.problem(l, c, msg)
}

// problemAt returns the line and column of a syntax error that yaml
// reports with msg at line from, which for many errors is where the
// enclosing block starts rather than where the problem is: the first line,
// from there on, at which the file cut short fails with the same message,
// and the column of that line's first character. Cut after the problem,
// the file fails as a whole does; cut before it, it parses or fails
// otherwise: so the line is found by parses of the file cut at lines ever
// further from from, then halving the span between the last two, a number
// of parses that grows with the logarithm of the distance. When no cut
// fails with msg, it returns from, column 1.
func problemAt(data []byte, from int, msg string) (line, col int) {
	texts := [][]byte{nil}
	ends := []int{0} // ends[n]: the end of line n in data, with its break
	for text, end := range lines(data) {
		texts, ends = append(texts, text), append(ends, end)
	}
	failsWithMsg := func(n int) bool {
		var doc yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(data[:ends[n]])).Decode(&doc)
		if err == nil || err == io.EOF {
			return false
		}
		got := err.Error()
		if m := yamlLine.FindStringSubmatch(got); m != nil {
			got = got[len(m[0]):]
		}
		return strings.TrimPrefix(got, "yaml: ") == msg
	}
	last := len(texts) - 1
	if from > last {
		return from, 1
	}
	// ok is a line known, or taken, not to fail; bad one that fails.
	ok, bad := from-1, from
	for step := 1; !failsWithMsg(bad); step *= 2 {
		if bad == last {
			return from, 1
		}
		ok, bad = bad, min(bad+step, last)
	}
	for bad-ok > 1 {
		if mid := ok + (bad-ok)/2; failsWithMsg(mid) {
			bad = mid
		} else {
			ok = mid
		}
	}
	text := texts[bad]
	return bad, utf8.RuneCount(text[:len(text)-len(bytes.TrimLeft(text, " "))]) + 1
}

// lineBreakLen returns the length of the line break at i in d, or 0 if
// there is none. yaml breaks lines at CR, LF and CRLF, and at NEL, LS and
// PS too.
func lineBreakLen(d []byte, i int) int {
	switch {
	case i >= len(d):
		return 0
	case d[i] == '\r' && i+1 < len(d) && d[i+1] == '\n':
		return 2
	case d[i] == '\r' || d[i] == '\n':
		return 1
	case d[i] == 0xC2 && i+1 < len(d) && d[i+1] == 0x85:
		return 2
	case d[i] == 0xE2 && i+2 < len(d) && d[i+1] == 0x80 && (d[i+2] == 0xA8 || d[i+2] == 0xA9):
		return 3
	}
	return 0
}

// lines yields the lines of data as yaml counts them, each without its
// line break, with the offset at which the next line starts. The last is
// what follows the last break, empty if data ends with one.
func lines(data []byte) iter.Seq2[[]byte, int] {
	return func(yield func([]byte, int) bool) {
		start := 0
		for i := 0; i < len(data); {
			n := lineBreakLen(data, i)
			if n == 0 {
				i++
				continue
			}
			if !yield(data[start:i], i+n) {
				return
			}
			i += n
			start = i
		}
		yield(data[start:], len(data))
	}
}

// position returns the 1-based line and column of byte at in data.
// Columns count runes, as yaml does.
func position(data []byte, at int) (line, col int) {
	var last []byte
	for text := range lines(data[:at]) {
		line, last = line+1, text
	}
	return line, utf8.RuneCount(last) + 1
}

// invalidUTF8 stands for a byte that is not valid UTF-8 in findRune.
const invalidUTF8 = -1

// findRune returns the 1-based line and column of the first rune in data,
// on lines from to to, for which bad is true; zero if there is none or bad
// is nil. Columns count runes, as yaml does.
func findRune(data []byte, from, to int, bad func(rune) bool) (line, col int) {
	if bad == nil {
		return 0, 0
	}
	for text := range lines(data) {
		if line++; line > to {
			break
		}
		if line < from {
			continue
		}
		for col = 1; len(text) > 0; col++ {
			r, size := utf8.DecodeRune(text)
			if r == utf8.RuneError && size == 1 {
				r = invalidUTF8
			}
			if bad(r) {
				return line, col
			}
			text = text[size:]
		}
	}
	return 0, 0
}

// table reads the top-level mapping, which holds the routes list.
func (p *routesParser) table(n *yaml.Node) {
	entries, ok := p.mapping(n, "routes file", []string{"routes"})
	if !ok {
		return
	}
	list := lookup(entries, "routes")
	if list == nil {
		p.errorf(n, `missing "routes": want a list of routes`)
		return
	}
	if list.Kind != yaml.SequenceNode {
		p.errorf(list, "routes: want a list of routes, got %s", describe(list))
		return
	}
	if len(list.Content) > MaxRoutes {
		p.errorf(list, "too many routes: %d, at most %d", len(list.Content), MaxRoutes)
		return
	}
	for _, item := range list.Content {
		if r, ok := p.route(item); ok {
			p.routes = append(p.routes, r)
		}
	}
}

// kinds are the reply kinds; each is also the key that selects it.
var kinds = []route.Kind{route.KindBody, route.KindFile, route.KindDir, route.KindEcho, route.KindIndex, route.KindFault, route.KindRedirect}

// kindList names the kinds for messages: "body, file, ... or redirect".
func kindList() string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// routeKeys are the keys a route may have.
var routeKeys = []string{
	"path", "methods", "status", "headers", "delay", "listing", "dotfiles",
	string(route.KindBody), string(route.KindFile), string(route.KindDir), string(route.KindEcho), string(route.KindIndex), string(route.KindFault),
	string(route.KindRedirect),
}

// dirKeys are the keys only a dir route may have.
var dirKeys = []string{"listing", "dotfiles"}

// route reads one entry of the routes list; ok is false if it has problems.
func (p *routesParser) route(n *yaml.Node) (r route.Route, ok bool) {
	before := len(p.problems)
	entries, isMapping := p.mapping(n, "route", routeKeys)
	if !isMapping {
		return route.Route{}, false
	}
	r = route.Route{Line: n.Line, Column: n.Column}
	var kindKey *yaml.Node
	for _, e := range entries {
		if k := route.Kind(e.key.Value); slices.Contains(kinds, k) {
			if !p.selects(k, e.value) {
				continue
			}
			if kindKey != nil {
				p.errorf(e.key, "%s and %s both set; a route has exactly one of %s", kindKey.Value, k, kindList())
				continue
			}
			kindKey, r.Kind = e.key, k
		}
		p.field(&r, e.key.Value, e.value)
	}
	if kindKey == nil {
		p.errorf(n, "route has no reply; set one of %s", kindList())
	}
	if r.Kind == route.KindRedirect {
		p.redirectRoute(&r, entries)
	}
	if v := lookup(entries, "status"); v != nil && route.NoContent(r.Status) && r.Kind != "" && r.Kind != route.KindRedirect && (r.Kind != route.KindBody || r.Body != "") {
		p.errorf(v, `status: a %d reply has no body; only a body route with body: "" may have it`, r.Status)
	}
	for _, key := range dirKeys {
		if v := lookup(entries, key); v != nil && r.Kind != "" && r.Kind != route.KindDir {
			p.errorf(v, "%s is only valid on dir routes", key)
		}
	}
	if v := lookup(entries, "headers"); v != nil && (r.Kind == route.KindFile || r.Kind == route.KindDir) && (r.Status == 0 || r.Status == 200) {
		p.checkFileHeaders(v, r.Kind)
	}
	if v := lookup(entries, "path"); v == nil {
		p.errorf(n, "route has no path")
	} else if s, ok := p.str(v, "path"); ok {
		r.Path = s
		p.checkPath(v, s, r.Kind)
	}
	r.Prefix = r.Kind == route.KindDir
	r.Normalize()
	return r, len(p.problems) == before
}

// selects reports whether the key of kind k, set to v, selects that kind:
// "echo: false" and "index: false" do not. A bad value selects its kind, so
// that the route is not also reported as having none.
func (p *routesParser) selects(k route.Kind, v *yaml.Node) bool {
	if k != route.KindEcho && k != route.KindIndex {
		return true
	}
	b, ok := p.flag(v, string(k))
	return b || !ok
}

// field sets the route field named key from the node v. The kind and the
// path are set by route.
func (p *routesParser) field(r *route.Route, key string, v *yaml.Node) {
	switch key {
	case "methods":
		r.Methods = p.methods(v)
	case "status":
		r.Status = p.status(v)
	case "headers":
		r.Headers = p.headers(v)
	case "delay":
		r.Delay = p.delay(v)
	case "listing":
		r.Listing, _ = p.flag(v, key)
	case "dotfiles":
		r.Dotfiles, _ = p.flag(v, key)
	case "body":
		r.Body, _ = p.str(v, key)
	case "file":
		r.File = p.resolve(v, key, false)
	case "dir":
		r.Dir = p.resolve(v, key, true)
	case "fault":
		r.Fault = p.fault(v)
	case "redirect":
		r.Redirect = p.redirect(v)
	}
}

// entry is one key and value of a YAML mapping.
type entry struct{ key, value *yaml.Node }

// lookup returns the value of key in entries, or nil.
func lookup(entries []entry, key string) *yaml.Node {
	for _, e := range entries {
		if e.key.Value == key {
			return e.value
		}
	}
	return nil
}

// mapping checks that n is a mapping whose keys are strings, each set once
// and, when known is not nil, listed in known. It returns the valid entries
// in file order; ok is false when n is not a mapping at all.
func (p *routesParser) mapping(n *yaml.Node, what string, known []string) (entries []entry, ok bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping, got %s", what, describe(n))
		return nil, false
	}
	first := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		switch {
		case key.Kind != yaml.ScalarNode || key.ShortTag() == "!!null":
			p.errorf(key, "%s: keys must be strings, got %s", what, describe(key))
		case key.ShortTag() == "!!merge":
			p.errorf(key, "%s: merge keys (<<) are not supported: write the keys out", what)
		case first[key.Value] != nil:
			p.errorf(key, "duplicate key %q (first at line %d)", key.Value, first[key.Value].Line)
		case known != nil && !slices.Contains(known, key.Value):
			p.errorf(key, "unknown key %q in %s; known keys: %s", key.Value, what, strings.Join(known, ", "))
			first[key.Value] = key
		default:
			first[key.Value] = key
			entries = append(entries, entry{key, value})
		}
	}
	return entries, true
}

// describe names what n is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return "an empty list"
		}
		return "a list"
	case yaml.AliasNode:
		return "an alias (*" + n.Value + "); aliases are not supported"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		if r := []rune(n.Value); len(r) > 40 {
			return strconv.Quote(string(r[:40])) + "..."
		}
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// str returns the string in scalar node v; ok is false, after reporting a
// problem, when v is not a string.
func (p *routesParser) str(v *yaml.Node, what string) (s string, ok bool) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
		p.errorf(v, "%s: want a string, got %s", what, describe(v))
		return "", false
	}
	if v.ShortTag() == "!!binary" {
		if err := v.Decode(&s); err != nil {
			p.errorf(v, "%s: invalid !!binary value", what)
			return "", false
		}
		return s, true
	}
	return v.Value, true
}

// flag returns the boolean in v; ok is false, after reporting a problem,
// when v is not a boolean.
func (p *routesParser) flag(v *yaml.Node, what string) (b, ok bool) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" || v.Decode(&b) != nil {
		p.errorf(v, "%s: want true or false, got %s", what, describe(v))
		return false, false
	}
	return b, true
}

func (p *routesParser) status(v *yaml.Node) int {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int" {
		if n, err := strconv.Atoi(v.Value); err == nil && n >= 200 && n <= 599 {
			return n
		}
	}
	p.errorf(v, "status: want an integer from 200 to 599, got %s", describe(v))
	return 0
}

func (p *routesParser) delay(v *yaml.Node) time.Duration {
	s, ok := p.str(v, "delay")
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		p.errorf(v, "delay: want a duration such as 500ms or 2s, got %q", s)
	case d < 0 || d > MaxRouteDelay:
		p.errorf(v, "delay: %q is out of range; want 0s to %s", s, MaxRouteDelay)
	}
	return d
}

// redirect returns the target of a redirect route: a path starting with
// "/" or an absolute http or https URL, as sent in the Location header.
func (p *routesParser) redirect(v *yaml.Node) string {
	s, ok := p.str(v, "redirect")
	if !ok {
		return ""
	}
	if msg := redirectProblem(s); msg != "" {
		p.errorf(v, "redirect %q %s", s, msg)
	}
	return s
}

// redirectProblem says what is wrong with a redirect target, or returns "".
func redirectProblem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("must not contain white space, control or non-ASCII characters (found %q); percent-encode them", r)
	}
	if strings.ContainsRune(s, '\\') {
		return `must not contain "\", which browsers read as "/" (so "/\host" names another host); percent-encode it as %5C`
	}
	if strings.HasPrefix(s, "/") {
		if strings.HasPrefix(s, "//") {
			return `must not start with "//"; write an absolute URL with its scheme`
		}
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a valid URL: " + unwrapURLError(err).Error()
	case u.Scheme != "http" && u.Scheme != "https":
		return `must be a path starting with "/" or an absolute http:// or https:// URL`
	case u.Host == "":
		return "has no host"
	case u.User != nil:
		return "must not contain user information"
	}
	return ""
}

// unwrapURLError returns the cause inside a *url.Error, whose URL the
// caller already prints.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redirectRoute checks what a redirect route needs as a whole: a redirect
// status, and no Location header of its own.
func (p *routesParser) redirectRoute(r *route.Route, entries []entry) {
	if v := lookup(entries, "status"); v != nil && r.Status != 0 && !slices.Contains(route.RedirectStatuses(), r.Status) {
		p.errorf(v, "status: a redirect route's status is one of 301, 302, 303, 307 or 308, got %d", r.Status)
	}
	if v := lookup(entries, "headers"); v != nil {
		for i := 0; i+1 < len(v.Content); i += 2 {
			if k := v.Content[i]; strings.EqualFold(k.Value, "Location") {
				p.errorf(k, "header %q is set by the redirect and cannot be configured", k.Value)
			}
		}
	}
}

func (p *routesParser) fault(v *yaml.Node) string {
	s, ok := p.str(v, "fault")
	if ok && !slices.Contains(route.Faults(), s) {
		p.errorf(v, "fault: unknown fault %q; want %s", s, strings.Join(route.Faults(), ", "))
	}
	return s
}

func (p *routesParser) methods(v *yaml.Node) []string {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		p.errorf(v, "methods: want a list of one or more methods such as [GET, HEAD], got %s", describe(v))
		return nil
	}
	var methods []string
	for _, m := range v.Content {
		s, ok := p.str(m, "method")
		switch {
		case !ok:
		case !httpsyntax.IsToken(s):
			p.errorf(m, "method %q is not an HTTP token", s)
		case strings.ToUpper(s) != s:
			p.errorf(m, "method %q must be upper case: %s", s, strings.ToUpper(s))
		case slices.Contains(methods, s):
			p.errorf(m, "duplicate method %q", s)
		default:
			methods = append(methods, s)
		}
	}
	return methods
}

// serverHeaders are set by the server on every reply and may not be given
// in a routes file.
var serverHeaders = []string{"Connection", "Content-Length", "Date", "Transfer-Encoding"}

// fileHeaders are set by the server, from the file and the request, on the
// replies of file and dir routes whose status is 200, and may not be given
// for those routes.
var fileHeaders = []string{"Accept-Ranges", "Content-Range", "ETag", "Last-Modified"}

// checkFileHeaders reports the fileHeaders among the headers v of a route
// of kind k whose status is 200.
func (p *routesParser) checkFileHeaders(v *yaml.Node, k route.Kind) {
	if v.Kind != yaml.MappingNode {
		return // reported by headers
	}
	for i := 0; i < len(v.Content); i += 2 {
		key := v.Content[i]
		if slices.ContainsFunc(fileHeaders, func(h string) bool { return strings.EqualFold(h, key.Value) }) {
			p.errorf(key, "header %q is set by the server on %s routes of status 200 and cannot be configured there", key.Value, k)
		}
	}
}

func (p *routesParser) headers(v *yaml.Node) []route.Header {
	entries, ok := p.mapping(v, "headers", nil)
	if !ok {
		return nil
	}
	var headers []route.Header
	seen := make(map[string]bool)
	for _, e := range entries {
		key, value, name := e.key, e.value, e.key.Value
		canonical := strings.ToLower(name)
		switch {
		case !httpsyntax.IsToken(name):
			p.errorf(key, "header name %q is not an HTTP token", name)
		case slices.ContainsFunc(serverHeaders, func(h string) bool { return strings.EqualFold(h, name) }):
			p.errorf(key, "header %q is set by the server and cannot be configured", name)
		case seen[canonical]:
			p.errorf(key, "duplicate header %q", name)
		}
		seen[canonical] = true
		s, ok := p.str(value, "header "+strconv.Quote(name))
		if !ok {
			continue
		}
		if c, found := firstControl(s); found {
			p.errorf(value, "header %q: value must not contain control character %q", name, c)
			continue
		}
		headers = append(headers, route.Header{Name: name, Value: s})
	}
	return headers
}

// firstControl returns the first control character in s other than tab;
// found is false if there is none.
func firstControl(s string) (c rune, found bool) {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' {
			return r, true
		}
	}
	return 0, false
}

// checkPath reports what is wrong with the path s of a route of kind k.
func (p *routesParser) checkPath(v *yaml.Node, s string, k route.Kind) {
	if msg := pathProblem(s, k); msg != "" {
		p.errorf(v, "path %q %s", s, msg)
		return
	}
	if line, dup := p.paths[s]; dup {
		p.errorf(v, "duplicate path %q (first at line %d)", s, line)
		return
	}
	p.paths[s] = v.Line
}

// pathProblem says what is wrong with the path s of a route of kind k, or
// returns "" if nothing is. The trailing "/" is not checked when k is "".
func pathProblem(s string, k route.Kind) string {
	if !strings.HasPrefix(s, "/") {
		return `must start with "/"`
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("must not contain white space or control characters (found %q)", r)
	}
	if strings.ContainsAny(s, "?#") {
		return `must not contain "?" or "#": a route matches the path only`
	}
	if strings.Contains(s, "//") {
		return `must not contain "//"`
	}
	if decoded, err := url.PathUnescape(s); err == nil && decoded != s {
		return fmt.Sprintf("looks percent-encoded: requests are matched after decoding, so write %q", decoded)
	}
	for seg := range strings.SplitSeq(s, "/") {
		if seg == "." || seg == ".." {
			return `must not contain "." or ".." segments`
		}
	}
	switch {
	case k == route.KindDir && !strings.HasSuffix(s, "/"):
		return `must end in "/" on a dir route, which serves everything under it`
	case k != route.KindDir && k != "" && s != "/" && strings.HasSuffix(s, "/"):
		return `must not end in "/": only dir routes match a prefix`
	}
	return ""
}

// resolve returns the path of the file or directory named in v, resolved
// as the package doc describes, after checking that it exists and is a
// regular file (dir false) or a directory (dir true).
func (p *routesParser) resolve(v *yaml.Node, what string, dir bool) string {
	name, ok := p.str(v, what)
	if !ok {
		return ""
	}
	if name == "" {
		p.errorf(v, "%s: empty path", what)
		return ""
	}
	var full string
	var info fs.FileInfo
	var err error
	if p.files == nil {
		full = name
		if !filepath.IsAbs(full) {
			full = filepath.Join(p.base, full)
		}
		if full, err = filepath.Abs(full); err == nil {
			info, err = os.Stat(full)
		}
	} else {
		full = path.Join(p.base, name)
		if path.IsAbs(name) || !fs.ValidPath(full) {
			p.errorf(v, "%s %q: want a relative path that stays inside the file tree", what, name)
			return ""
		}
		info, err = fs.Stat(p.files, full)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.errorf(v, "%s %q: %q does not exist", what, name, full)
	case err != nil:
		p.errorf(v, "%s %q: %v", what, name, fileerr.Cause(err))
	case dir && !info.IsDir():
		p.errorf(v, "%s %q: %q is not a directory", what, name, full)
	case !dir && info.IsDir():
		p.errorf(v, "%s %q: %q is a directory; serve it with dir", what, name, full)
	case !dir && !info.Mode().IsRegular():
		p.errorf(v, "%s %q: %q is not a regular file", what, name, full)
	}
	return full
}
