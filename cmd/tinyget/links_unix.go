//go:build unix

package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinks bounds the symbolic links followed in one path, as Linux's
// MAXSYMLINKS does.
const maxLinks = 40

// resolveLinks returns the path name leads to, with every symbolic link in
// it followed, as filepath.EvalSymlinks does, and whether any of those
// links, in name or in a link's target, is in a sticky directory such as
// /tmp: the kernel's rule for such links (fs.protected_symlinks) holds only
// for what the kernel itself follows, and a path resolved here is not.
// Each link's target is read relative to the directory the link is
// really in.
func resolveLinks(name string) (resolved string, sticky bool, err error) {
	done, rest := ".", name
	if filepath.IsAbs(name) {
		done = "/"
	}
	for links := 0; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, "/")
		switch part {
		case "", ".":
			continue
		case "..":
			done = filepath.Join(done, "..") // done holds no link: its parent is textual
			continue
		}
		next := filepath.Join(done, part)
		info, err := os.Lstat(next)
		if err != nil {
			return "", false, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", false, errors.New("too many levels of symbolic links")
		}
		if dir, err := os.Stat(done); err != nil || dir.Mode()&fs.ModeSticky != 0 {
			sticky = true
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", false, err
		}
		if filepath.IsAbs(target) {
			done = "/"
		}
		rest = target + "/" + rest
	}
	return done, sticky, nil
}
