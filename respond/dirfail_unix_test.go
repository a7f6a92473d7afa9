//go:build unix

package respond

import (
	"path/filepath"
	"syscall"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/route"
	"github.com/tinyhttpd/tinyhttpd/wire"
)

// TestDirRouteFailures checks what a dir route on disk answers when it
// cannot serve a file, and which causes go to the log: a file a client
// names that is not there is the client's business; the route's directory
// gone, or a file that is not a regular one, is the operator's.
func TestDirRouteFailures(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(t.TempDir(), "gone")
	tbl, err := NewTable(&route.Routes{Source: "test", Routes: []route.Route{
		{Path: "/d/", Prefix: true, Kind: route.KindDir, Dir: dir},
		{Path: "/gone/", Prefix: true, Kind: route.KindDir, Dir: gone},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		target string
		status int
		logged bool
	}{
		{"/d/none.txt", 404, false},
		{"/d/pipe", 404, true},
		{"/gone/a.txt", 404, true},
	} {
		req, err := wire.ParseRequest([]byte("GET " + tc.target + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		rep := tbl.Reply(req, tbl.Lookup(req))
		if rep.File != nil {
			rep.File.Close()
		}
		if rep.Status != tc.status || (rep.Err != nil) != tc.logged {
			t.Errorf("%s: status %d, err %v; want %d, logged %v", tc.target, rep.Status, rep.Err, tc.status, tc.logged)
		}
	}
}
