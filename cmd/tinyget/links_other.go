//go:build !unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
)

// resolveLinks returns the path name leads to, with every symbolic link in
// it followed; this system has no sticky directories.
func resolveLinks(name string) (resolved string, sticky bool, err error) {
	resolved, err = filepath.EvalSymlinks(name)
	return resolved, false, err
}

// ownedByOther reports false: owners are not compared on this system.
func ownedByOther(fs.FileInfo) bool { return false }

// hardLinked reports false: links are not counted on this system.
func hardLinked(string, fs.FileInfo) bool { return false }

// keepOwner does nothing: owners are not kept on this system.
func keepOwner(*os.File, fs.FileInfo) {}
