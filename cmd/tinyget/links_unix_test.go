//go:build unix

package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestResolveLinks checks that resolveLinks leads where
// filepath.EvalSymlinks does, through relative, absolute and directory
// links, says whether a link was in a sticky directory, and fails on a
// loop.
func TestResolveLinks(t *testing.T) {
	base := t.TempDir()
	for _, dir := range []string{"real/sub", "sticky"} {
		if err := os.MkdirAll(filepath.Join(base, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(base, "sticky"), 0o777|os.ModeSticky)
	os.WriteFile(filepath.Join(base, "real", "sub", "f"), nil, 0o644)
	for link, target := range map[string]string{
		"rel":        "real/sub/f",
		"chain":      "dirlink/../sub/f", // dirlink/.. is real, not base
		"dirlink":    "real/sub",
		"real/up":    "../real/./sub/f",
		"abs":        filepath.Join(base, "real", "sub", "f"),
		"sticky/l":   "../real/sub/f",
		"via-sticky": "sticky/l",
		"loop1":      "loop2",
		"loop2":      "loop1",
		// A regular file taken for a directory: the kernel's ENOTDIR.
		"through-file": "real/sub/f/../f",
		"file-slash":   "real/sub/f/",
	} {
		if err := os.Symlink(target, filepath.Join(base, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		sticky bool
	}{
		{"rel", false}, {"chain", false}, {"real/up", false}, {"abs", false}, {"dirlink/f", false},
		{"sticky/l", true}, {"via-sticky", true},
	} {
		name := filepath.Join(base, tc.name)
		want, err := filepath.EvalSymlinks(name)
		if err != nil {
			t.Fatal(err)
		}
		got, sticky, err := resolveLinks(name)
		if got != want || sticky != tc.sticky || err != nil {
			t.Errorf("resolveLinks(%s) = %s, %v, %v; want %s, %v", tc.name, got, sticky, err, want, tc.sticky)
		}
	}
	for _, bad := range []string{"loop1", "through-file", "file-slash", "real/sub/f/"} {
		if got, _, err := resolveLinks(base + "/" + bad); err == nil { // not Join, which drops a final "/"
			t.Errorf("resolveLinks(%s) = %s; want an error, as the kernel's", bad, got)
		}
	}
}
