package admin

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// dashboardFiles is the dashboard: one page, its script and its style,
// with no dependency fetched at build or run time.
//
//go:embed dashboard
var dashboardFiles embed.FS

// assetHandler serves the page's script and style under /assets/ (with
// the prefix stripped). The page itself is served at / only, with its
// security headers: a directory or index.html here is not found, where a
// file server would serve the page without them.
func assetHandler() http.Handler {
	sub, err := fs.Sub(dashboardFiles, "dashboard")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == "" || strings.HasSuffix(p, "/") || path.Base(p) == "index.html" {
			http.NotFound(w, r)
			return
		}
		setSecurityHeaders(w)
		files.ServeHTTP(w, r)
	})
}

func (a *Admin) dashboard(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w)
	http.ServeFileFS(w, r, dashboardFiles, "dashboard/index.html")
}

// setSecurityHeaders keeps the dashboard's files to their own origin and
// out of other sites' frames, and their types as sent.
func setSecurityHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
}
