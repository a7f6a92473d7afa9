package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// sink is where one attempt's output goes: stdout, or a file. A file is
// written under a temporary name in its directory and renamed to its own
// name by commit, so a failed transfer never leaves a partial file under the
// final name (nor destroys a file that was there). Paths that are not
// regular files, such as /dev/null or a FIFO, and files a rename would
// wrongly replace (see destination) are written in place.
type sink struct {
	w       io.Writer
	f       *os.File // nil for stdout
	name    string   // the file's name, as given
	temp    string   // temporary name being written; "" when in place
	written int64
}

// openStdout returns a sink writing to stdout. Unless binaryOK, output
// holding a NUL byte is refused when stdout is a terminal, as curl
// refuses it: it can leave the terminal in a state that needs a reset.
func openStdout(stdout io.Writer, binaryOK bool) *sink {
	if f, ok := stdout.(*os.File); ok && !binaryOK {
		if _, tty := terminalWidth(f); tty {
			return &sink{w: &textOnly{w: f}}
		}
	}
	return &sink{w: stdout}
}

// errBinaryOutput is the write error of output holding a NUL byte on a
// terminal.
var errBinaryOutput = errors.New("binary output refused on a terminal")

// textOnly writes to w, refusing a write that holds a NUL byte while the
// first binaryCheck bytes are written, as curl does: text output stays
// text, and a long stream is not cut for a late NUL.
type textOnly struct {
	w       io.Writer
	written int
}

// binaryCheck is how much output textOnly checks, as curl's 2000 bytes.
const binaryCheck = 2000

func (t *textOnly) Write(p []byte) (int, error) {
	if t.written < binaryCheck && bytes.IndexByte(p, 0) >= 0 {
		return 0, errBinaryOutput
	}
	n, err := t.w.Write(p)
	t.written += n
	return n, err
}

// openFile returns a sink writing to the file called name, creating its
// directories first if createDirs. Its errors are *exitError with
// exitWriteError.
func openFile(name string, createDirs bool) (*sink, error) {
	if createDirs {
		// Split, not Dir, which would clean "link/.." away by text where
		// the kernel goes to the link's real parent.
		if dir, _ := filepath.Split(name); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fail(exitWriteError, "Failed to create the directories for %s: %v", name, err)
			}
		}
	}
	dest, replaced, inPlace := destination(name)
	if inPlace {
		return openInPlace(name)
	}
	dir, base := filepath.Split(dest)
	for range 100 {
		var random [6]byte
		rand.Read(random[:])
		// Not filepath.Join, which would take dir's "link/.." away by
		// text where the kernel goes to the link's real parent.
		temp := dir + "." + base + ".tinyget-" + hex.EncodeToString(random[:])
		f, err := temps.create(temp)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if errors.Is(err, fs.ErrPermission) && replaced != nil {
			// A file that may be written, in a directory that may not:
			// written in place, as curl writes every file.
			return openInPlace(dest)
		}
		if err != nil {
			return nil, fail(exitWriteError, "Failed to open the file %s: %v", name, unwrapPath(err))
		}
		if replaced != nil {
			f.Chmod(replaced.Mode().Perm()) // a replaced file keeps its mode
			keepOwner(f, replaced)          // and, by root, its owner
		}
		return &sink{w: f, f: f, name: dest, temp: temp}, nil
	}
	return nil, fail(exitWriteError, "Failed to open the file %s: no free temporary name", name)
}

// openInPlace returns a sink writing to the file called name itself,
// truncated first.
func openInPlace(name string) (*sink, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, fail(exitWriteError, "Failed to open the file %s: %v", name, unwrapPath(err))
	}
	return &sink{w: f, f: f, name: name}, nil
}

// openAppend returns a sink appending to the file called name, whose first
// kept bytes are kept, for -C: the file is written in place, since a
// resumed download is the file's own continuation. Each attempt of a
// transfer cuts the file back to the same kept bytes, so that a retry
// drops what a failed attempt wrote; a file shorter than kept, which can
// only be one that has shrunk since, is never grown with zeros. An output
// that is not a regular file, such as /dev/null or a pipe, cannot be cut
// back and is written as it is, as curl writes it. Its errors are
// *exitError with exitWriteError.
func openAppend(name string, kept int64) (*sink, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE, 0o666)
	if err == nil {
		var info fs.FileInfo
		if info, err = f.Stat(); err == nil && info.Mode().IsRegular() {
			kept = min(kept, info.Size())
			if err = f.Truncate(kept); err == nil {
				_, err = f.Seek(kept, io.SeekStart)
			}
		}
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		return nil, fail(exitWriteError, "Failed to open the file %s to resume: %v", name, unwrapPath(err))
	}
	return &sink{w: f, f: f, name: name}, nil
}

// destination returns the path to rename the finished file to (name, or the
// file a symbolic link at name points to), the file it replaces (nil if
// none), and whether to write in place instead: name is not a regular
// file, a link that leads nowhere, a link whose chain passes through a
// sticky directory, another user's file (see ownedByOther), a file with
// more than one name outside a sticky directory (see hardLinked), or a file tinyget may not write,
// whose opening then fails as curl's does, where a rename in a directory
// that may be written would replace it. A link in a sticky directory such
// as /tmp may be another user's, set to make whoever writes through it
// replace a file of theirs; it is opened as it is, so that the kernel's
// rule for such links (Linux's fs.protected_symlinks) decides, as for
// curl.
func destination(name string) (dest string, replaced fs.FileInfo, inPlace bool) {
	info, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return name, nil, false
	case err != nil:
		return name, nil, true
	case info.Mode()&fs.ModeSymlink != 0:
		var sticky bool
		dest, sticky, err = resolveLinks(name)
		if err != nil || sticky {
			return name, nil, true
		}
		if info, err = os.Stat(dest); err != nil {
			return name, nil, true
		}
	default:
		dest = name
	}
	if !info.Mode().IsRegular() || ownedByOther(info) || hardLinked(dest, info) || !writable(dest) {
		return name, nil, true
	}
	return dest, info, false
}

// Write writes to the output and counts the bytes.
func (s *sink) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.written += int64(n)
	return n, err
}

// commit finishes the output: the file is closed and takes its name. Its
// errors are *exitError with exitWriteError.
func (s *sink) commit() error {
	if s.f == nil {
		return nil
	}
	if err := s.f.Close(); err != nil {
		s.remove()
		return fail(exitWriteError, "Failure writing output to %s: %v", s.name, unwrapPath(err))
	}
	if s.temp == "" {
		return nil
	}
	if err := temps.rename(s.temp, s.name); err != nil {
		s.remove()
		return fail(exitWriteError, "Failed to rename the output to %s: %v", s.name, unwrapPath(err))
	}
	s.temp = ""
	return nil
}

// abort drops the output: the temporary file is removed, and a file under
// the final name is left as it was.
func (s *sink) abort() {
	if s.f == nil {
		return
	}
	s.f.Close()
	s.remove()
}

// remove removes the temporary file, if any.
func (s *sink) remove() {
	if s.temp != "" {
		temps.remove(s.temp)
		s.temp = ""
	}
}

// temps are the temporary files being written, which temps.removeAll removes
// when a signal ends tinyget: an interrupted transfer leaves no hidden file
// behind.
var temps tempFiles

// tempFiles is a set of temporary files. Its lock makes their creation,
// a rename and the removal at a signal exclusive, so that no file is
// removed under its final name, and none is created, or left, once all
// were removed.
type tempFiles struct {
	mu    sync.Mutex
	files map[string]*os.File
	ended bool // removeAll ran
}

// errEnded is create's error once removeAll ran: a signal is ending
// tinyget.
var errEnded = errors.New("ending on a signal")

// create creates the temporary file name, which must not exist, for
// writing, unless removeAll ran.
func (t *tempFiles) create(name string) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return nil, errEnded
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, err
	}
	if t.files == nil {
		t.files = make(map[string]*os.File)
	}
	t.files[name] = f
	return f, nil
}

// rename gives the temporary file temp its final name.
func (t *tempFiles) rename(temp, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.files, temp)
	return os.Rename(temp, name)
}

// remove removes the temporary file name.
func (t *tempFiles) remove(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.files, name)
	os.Remove(name)
}

// removeAll removes every temporary file and refuses to create more. On
// Windows, which removes no open file, each is closed first; elsewhere it
// stays open, so that a transfer writing it meets no error before the
// signal ends tinyget.
func (t *tempFiles) removeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for name, f := range t.files {
		if runtime.GOOS == "windows" {
			f.Close()
		}
		os.Remove(name)
	}
	t.files, t.ended = nil, true
}

// ending reports whether removeAll ran: a signal is ending tinyget.
func (t *tempFiles) ending() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ended
}

// writeError returns the *exitError for a failed write of the output.
func (s *sink) writeError(err error) error {
	if err == errBinaryOutput {
		return fail(exitWriteError, "Binary output can mess up your terminal. Use \"--output -\" to tell tinyget to output it to your terminal anyway, or consider \"--output <FILE>\" to save to a file.")
	}
	if s.f == nil {
		return fail(exitWriteError, "Failure writing output to stdout: %v", unwrapPath(err))
	}
	return fail(exitWriteError, "Failure writing output to %s: %v", s.name, unwrapPath(err))
}

// unwrapPath returns the reason inside a *fs.PathError or *os.SyscallError,
// whose path or call the message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &se):
		return se.Err
	}
	return err
}
