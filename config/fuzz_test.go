package config

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/route"
)

func FuzzLoadRoutes(f *testing.F) {
	seeds := []string{
		"",
		"routes: []\n",
		"routes:\n  - path: /\n    index: true\n  - path: /hello\n    methods: [GET]\n    status: 201\n    headers: {X-A: b}\n    body: hi\n    delay: 1s\n",
		"routes:\n  - path: /f\n    file: logo.svg\n  - path: /d/\n    dir: public\n    listing: true\n    dotfiles: true\n  - path: /x\n    fault: reset\n",
		"routes:\n  - &a {path: /a, echo: true}\n  - *a\n",
		"routes:\n\t- path: /x\n",
		"routes: [{path: /a/../b, body: x, body: y}]\n---\nx: 1\n",
	}
	for _, s := range append(seeds, trickyYAML...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTokensCoverNodes(t, data)
		rt, err := ParseRoutes("fuzz.yaml", data, testFiles, ".")
		if err != nil {
			var re *RoutesError
			if !errors.As(err, &re) || len(re.Problems) == 0 || len(re.Problems) > maxProblems+1 || rt != nil {
				t.Fatalf("bad failure: %v, %#v", rt, err)
			}
			for _, p := range re.Problems {
				if strings.ContainsAny(p.Msg, "\r\n") {
					t.Errorf("problem message spans lines: %q", p.Msg)
				}
			}
			return
		}
		paths := make(map[string]bool)
		for _, r := range rt.Routes {
			checkFuzzedRoute(t, r)
			if paths[r.Path] {
				t.Errorf("duplicate path %q", r.Path)
			}
			paths[r.Path] = true
		}
	})
}

// checkFuzzedRoute fails t unless r is a route that ParseRoutes may return.
func checkFuzzedRoute(t *testing.T, r route.Route) {
	t.Helper()
	if !strings.HasPrefix(r.Path, "/") || strings.Contains(r.Path, "//") || pathProblem(r.Path, r.Kind) != "" {
		t.Errorf("invalid path %q", r.Path)
	}
	if slices.Contains(strings.Split(r.Path, "/"), "..") {
		t.Errorf("path %q has a .. segment", r.Path)
	}
	set := map[route.Kind]bool{
		route.KindBody:  r.Kind == route.KindBody,
		route.KindFile:  r.File != "",
		route.KindDir:   r.Dir != "",
		route.KindEcho:  r.Kind == route.KindEcho,
		route.KindIndex: r.Kind == route.KindIndex,
		route.KindFault: r.Fault != "",
	}
	for k, on := range set {
		if on != (k == r.Kind) {
			t.Errorf("route %q of kind %q: %s set = %v", r.Path, r.Kind, k, on)
		}
	}
	if r.Prefix != (r.Kind == route.KindDir) || (r.Listing || r.Dotfiles) && r.Kind != route.KindDir {
		t.Errorf("route %q of kind %q: Prefix %v, Listing %v, Dotfiles %v", r.Path, r.Kind, r.Prefix, r.Listing, r.Dotfiles)
	}
	if r.File != "" && !fs.ValidPath(r.File) || r.Dir != "" && !fs.ValidPath(r.Dir) {
		t.Errorf("route %q: paths %q, %q outside the file system", r.Path, r.File, r.Dir)
	}
	if r.Status < 200 || r.Status > 599 || len(r.Methods) == 0 || r.Delay < 0 || r.Delay > MaxRouteDelay {
		t.Errorf("route %q: status %d, methods %v, delay %v", r.Path, r.Status, r.Methods, r.Delay)
	}
}
