package admin

import (
	"embed"
	"io/fs"
	"net/http"
)

// dashboardFiles is the dashboard: one page, its script and its style,
// with no dependency fetched at build or run time.
//
//go:embed dashboard
var dashboardFiles embed.FS

func assetHandler() http.Handler {
	sub, err := fs.Sub(dashboardFiles, "dashboard")
	if err != nil {
		panic(err)
	}
	return http.FileServerFS(sub)
}

func (a *Admin) dashboard(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, dashboardFiles, "dashboard/index.html")
}
