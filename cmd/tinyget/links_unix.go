//go:build unix

package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
// really in, and a name that does not end the path must be a directory, as
// for the kernel. Any sticky directory counts, where the kernel's rule
// holds for world-writable ones only: the cost is a write in place.
func resolveLinks(name string) (resolved string, sticky bool, err error) {
	done, rest := ".", name
	if filepath.IsAbs(name) {
		done = "/"
	}
	for links := 0; rest != ""; {
		var part string
		var more bool // a "/" follows part
		part, rest, more = strings.Cut(rest, "/")
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
			if more && !info.IsDir() {
				return "", false, errors.New("not a directory: " + next)
			}
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
		switch {
		case err != nil:
			return "", false, err
		case target == "":
			return "", false, errors.New("empty symbolic link: " + next)
		case filepath.IsAbs(target):
			done = "/"
		}
		if more {
			target += "/" + rest
		}
		rest = target
	}
	return done, sticky, nil
}

// ownedByOther reports whether info, a file tinyget is to replace, is
// another user's while tinyget does not run as root. A rename would put a
// file of tinyget's user in its place, or be refused in a sticky directory
// such as /tmp; the file is written in place instead, as curl writes it,
// and keeps its owner, where the kernel allows (fs.protected_regular may
// not, in a sticky directory). Root renames, and keepOwner gives the new
// file the old one's owner.
func ownedByOther(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	euid := os.Geteuid()
	return ok && euid != 0 && int(st.Uid) != euid
}

// hardLinked reports whether info, the file at name, has more than one
// name, in a directory that is not sticky: a rename would give the name a
// new file and leave the others with the old one, where writing in place,
// as curl does, changes it under every name. In a sticky directory such as
// /tmp the file is replaced instead: a second name there may have been
// planted by another user to make tinyget write a file of the caller's
// (where fs.protected_hardlinks is off).
func hardLinked(name string, info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st.Nlink < 2 {
		return false
	}
	dir, err := os.Stat(filepath.Dir(name))
	return err == nil && dir.Mode()&fs.ModeSticky == 0
}

// keepOwner gives f the owner and group of replaced, the file it is to
// replace, when tinyget runs as root; others cannot, and write another
// user's file in place (ownedByOther).
func keepOwner(f *os.File, replaced fs.FileInfo) {
	if st, ok := replaced.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 {
		f.Chown(int(st.Uid), int(st.Gid))
	}
}
