//go:build !unix

package main

import (
	"io/fs"
	"path/filepath"
)

// resolveLinks returns the path name leads to, with every symbolic link in
// it followed; this system has no sticky directories.
func resolveLinks(name string) (resolved string, sticky bool, err error) {
	resolved, err = filepath.EvalSymlinks(name)
	return resolved, false, err
}

// othersInSticky reports false: this system has no sticky directories.
func othersInSticky(string, fs.FileInfo) bool { return false }
