//go:build unix

package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestOutputInUnwritableDirectory writes -o to a file that may be written
// in a directory that may not, where no temporary file can be made: the
// file is written in place, as curl writes it, rather than refused. As
// root, for whom every directory may be written, tinyget runs as nobody.
func TestOutputInUnwritableDirectory(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	dir, err := os.MkdirTemp("", "tinyget-unwritable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755); os.RemoveAll(dir) })
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(out, []byte("old"), 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(out, 0o666) // whatever the umask
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	code := tinygetNotRoot(t, "-sS", "-o", out, addr+"/")
	if b, _ := os.ReadFile(out); code != 0 || string(b) != "hello, world\n" {
		t.Errorf("exit %d, file holds %q; want 0 and the body", code, b)
	}
}

// nobody is the user ID tinygetNotRoot runs tinyget as when the tests run
// as root.
const nobody = 65534

// tinygetNotRoot runs tinyget with args, which must hold no spaces, and
// returns its exit code. As root, for whom every file may be written, it
// runs a copy of the test binary, put where nobody may run it, as nobody.
func tinygetNotRoot(t *testing.T, args ...string) int {
	t.Helper()
	if os.Geteuid() != 0 {
		return tinyget("", args...).code
	}
	dir, err := os.MkdirTemp("", "tinyget-bin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "tinyget.test")
	copyFile(t, os.Args[0], exe)
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), argsVar+"="+strings.Join(args, " "))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Logf("tinyget as nobody: %v\n%s", err, b)
	}
	return cmd.ProcessState.ExitCode()
}

// TestOutputReadOnlyFile writes -o to a file its user may not write, in a
// directory the user may write, where a rename would replace it: tinyget
// fails with exit 23 and leaves the file as it was, as curl and the
// shell's > do.
func TestOutputReadOnlyFile(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	dir, err := os.MkdirTemp("", "tinyget-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(out, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		for _, name := range []string{dir, out} {
			if err := os.Chown(name, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}
	}
	code := tinygetNotRoot(t, "-sS", "-o", out, addr+"/")
	if b, _ := os.ReadFile(out); code != int(exitWriteError) || string(b) != "old" {
		t.Errorf("exit %d, file holds %q; want %d and the file as it was", code, b, exitWriteError)
	}
}

// TestWritable checks the rule for the user the tests run as: a read-only
// file may be written by root alone.
func TestWritable(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []fs.FileMode{0o644, 0o444} {
		name := filepath.Join(dir, mode.String())
		if err := os.WriteFile(name, nil, mode); err != nil {
			t.Fatal(err)
		}
		if got, want := writable(name), mode&0o200 != 0 || os.Geteuid() == 0; got != want {
			t.Errorf("writable(%v file) = %v as uid %d; want %v", mode, got, os.Geteuid(), want)
		}
	}
}

// TestOutputHardLink writes -o to a file with a second name: the file is
// written in place, as curl writes it, so that both names hold the body.
func TestOutputHardLink(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	dir := t.TempDir()
	out, other := filepath.Join(dir, "out"), filepath.Join(dir, "other")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(out, other); err != nil {
		t.Fatal(err)
	}
	if r := tinyget("", "-sS", "-o", out, addr+"/"); r.code != 0 {
		t.Fatalf("-o %s: %+v", out, r)
	}
	for _, name := range []string{out, other} {
		if b, _ := os.ReadFile(name); string(b) != "hello, world\n" {
			t.Errorf("%s holds %q; want the body", name, b)
		}
	}
}

// TestOutputHardLinkInStickyDirectory writes -o to a file with a second
// name in a sticky directory, where that name may be another user's, planted
// to make tinyget write a file of the caller's: the name is given a new file
// and the other keeps the old content.
func TestOutputHardLinkInStickyDirectory(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	base := t.TempDir()
	dir := filepath.Join(base, "sticky")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	target, planted := filepath.Join(base, "mine"), filepath.Join(dir, "out")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(target, planted); err != nil {
		t.Fatal(err)
	}
	if r := tinyget("", "-sS", "-o", planted, addr+"/"); r.code != 0 {
		t.Fatalf("-o %s: %+v", planted, r)
	}
	if b, _ := os.ReadFile(planted); string(b) != "hello, world\n" {
		t.Errorf("%s holds %q; want the body", planted, b)
	}
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Errorf("the other name's file holds %q; want it untouched", b)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestResumeToFIFO resumes with -C into a named pipe, which cannot be cut
// back to the kept bytes: as curl does, tinyget sends the Range and writes
// the rest of the body to the pipe.
func TestResumeToFIFO(t *testing.T) {
	addr, requests := serveReply(t, "HTTP/1.0 206 Partial Content\r\nContent-Range: bytes 990-999/1000\r\nContent-Length: 10\r\n\r\nABCDEFGHIJ")
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until tinyget opens the other end
		if err != nil {
			got <- []byte(err.Error())
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	r := tinyget("", "-sS", "-C", "990", "-o", fifo, addr+"/")
	// Should tinyget not have opened the pipe, the reader still waits.
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
	if b := <-got; r.code != 0 || string(b) != "ABCDEFGHIJ" {
		t.Errorf("exit %d, the pipe read %q; want 0 and the body: %s", r.code, b, r.stderr)
	}
	if req := <-requests; !strings.Contains(req, "\r\nRange: bytes=990-\r\n") {
		t.Errorf("request %q has no Range: bytes=990-", req)
	}
}

// stickyLink makes a file holding "old" and a symbolic link to it in a
// sticky directory, and returns the file's path, the link's and the
// directory's.
func stickyLink(t *testing.T) (target, link, sticky string) {
	dir := t.TempDir()
	target, sticky = filepath.Join(dir, "target"), filepath.Join(dir, "sticky")
	link = filepath.Join(sticky, "link")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sticky, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sticky, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return target, link, sticky
}

// TestOutputLinkInStickyDirectory writes -o through a symbolic link in a
// sticky directory in place, with open, so that the kernel's rule for
// links in such directories applies, rather than renaming a file over the
// link's target: the target keeps its inode.
func TestOutputLinkInStickyDirectory(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	target, link, sticky := stickyLink(t)
	// A link elsewhere whose chain passes through the sticky one.
	chain := filepath.Join(t.TempDir(), "chain")
	if err := os.Symlink(link, chain); err != nil {
		t.Fatal(err)
	}
	inode := func() uint64 {
		info, err := os.Stat(target)
		if err != nil {
			t.Fatal(err)
		}
		return info.Sys().(*syscall.Stat_t).Ino
	}
	for _, name := range []string{link, chain} {
		os.WriteFile(target, []byte("old"), 0o644)
		before := inode()
		if r := tinyget("", "-o", name, addr+"/"); r.code != 0 {
			t.Fatalf("-o %s: %+v", name, r)
		}
		if b, _ := os.ReadFile(target); string(b) != "hello, world\n" {
			t.Errorf("-o %s: the link's target holds %q", name, b)
		}
		if after := inode(); after != before {
			t.Errorf("-o %s: the link's target was replaced by a rename (inode %d, was %d): the kernel's rule for the link was never asked", name, after, before)
		}
	}
	if entries, _ := os.ReadDir(sticky); len(entries) != 1 {
		t.Errorf("the sticky directory holds %d entries, want the link alone", len(entries))
	}
}

// TestOutputLinkInStickyDirectoryFlags checks -R and --remove-on-error on
// an output written through a link in a sticky directory, in place: -R
// sets the target's times, and --remove-on-error, which removes regular
// files only, leaves the link and its target.
func TestOutputLinkInStickyDirectoryFlags(t *testing.T) {
	target, link, _ := stickyLink(t)
	dated, _ := serveReply(t, "HTTP/1.0 200 OK\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Length: 3\r\n\r\nnew")
	if r := tinyget("", "-R", "-o", link, dated+"/"); r.code != 0 {
		t.Fatalf("-R: %+v", r)
	}
	if info, err := os.Stat(target); err != nil || !info.ModTime().Equal(time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)) {
		t.Errorf("-R through the link: the target's mtime is %v, %v", info.ModTime(), err)
	}

	short, _ := serveReply(t, "HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
	if r := tinyget("", "--remove-on-error", "-o", link, short+"/"); r.code != int(exitPartial) {
		t.Fatalf("a short reply: exit %d, want %d; %+v", r.code, exitPartial, r)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("--remove-on-error removed the link: %v", err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("--remove-on-error removed the link's target: %v", err)
	}
}

// TestRemoveOnErrorRegularFilesOnly checks that --remove-on-error removes
// the file it was given when that is a regular file, and neither a link
// nor what it leads to: a link may lead to /proc/self/fd/1 or to a file
// of someone's.
func TestRemoveOnErrorRegularFilesOnly(t *testing.T) {
	addr, _ := serveReply(t, "HTTP/1.0 500 Oops\r\nContent-Length: 5\r\n\r\noops\n")
	dir := t.TempDir()
	target, link, plain := filepath.Join(dir, "target"), filepath.Join(dir, "link"), filepath.Join(dir, "plain")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink("target", link); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{link, plain} {
		if r := tinyget("", "-s", "--fail-with-body", "--remove-on-error", "-o", name, addr+"/"); r.code != int(exitHTTPError) {
			t.Errorf("-o %s: exit %d, want %d", name, r.code, exitHTTPError)
		}
	}
	if _, err := os.Lstat(plain); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the regular file was left: %v", err)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the link's target was removed: %v", err)
	}
}

// TestOutputLinkChainsThroughStickyDirectory checks chains that reach a
// link in a sticky directory other than by their last name: as a directory
// of a link's target, and through a relative target read in the directory
// the link is really in. Each is written in place, so that the kernel
// follows the chain; a rename over the file would replace it (a new inode).
func TestOutputLinkChainsThroughStickyDirectory(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	base := t.TempDir()
	mkdir := func(path string, mode os.FileMode) string {
		p := filepath.Join(base, path)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := func(target, path string) string {
		p := filepath.Join(base, path)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sticky := mkdir("sticky", 0o777|os.ModeSticky)
	mkdir("sticky/sub", 0o755)
	victims := mkdir("victims", 0o755)
	mkdir("home", 0o755)

	// home/out -> sticky/d/f, where sticky/d -> victims.
	link(victims, "sticky/d")
	viaDir := link(filepath.Join(sticky, "d", "f"), "home/out")
	// home/dirlink/l, where home/dirlink -> sticky/sub, sticky/sub/l ->
	// ../evil (sticky/evil, not home/evil) and sticky/evil -> victims/g.
	link(filepath.Join(victims, "g"), "sticky/evil")
	link("../evil", "sticky/sub/l")
	link(filepath.Join(sticky, "sub"), "home/dirlink")
	if err := os.WriteFile(filepath.Join(base, "home", "evil"), []byte("decoy"), 0o644); err != nil {
		t.Fatal(err)
	}
	viaRelative := filepath.Join(base, "home", "dirlink", "l")

	for name, file := range map[string]string{viaDir: "f", viaRelative: "g"} {
		victim := filepath.Join(victims, file)
		if err := os.WriteFile(victim, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		before, err := os.Stat(victim)
		if err != nil {
			t.Fatal(err)
		}
		if r := tinyget("", "-o", name, addr+"/"); r.code != 0 {
			t.Fatalf("-o %s: %+v", name, r)
		}
		after, err := os.Stat(victim)
		if b, _ := os.ReadFile(victim); err != nil || string(b) != "hello, world\n" {
			t.Errorf("-o %s: %s holds %q, %v", name, victim, b, err)
		}
		if err == nil && !os.SameFile(before, after) {
			t.Errorf("-o %s: %s was replaced by a rename: the kernel's rule for the sticky directory's link was never asked", name, victim)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(base, "home", "evil")); string(b) != "decoy" {
		t.Errorf("home/evil, which the relative link does not lead to, holds %q", b)
	}
}

// TestOutputThroughLinkParent writes -o LINK/../NAME, where LINK leads to a
// directory on another file system: the kernel takes LINK/.. for the
// link's real parent, and the temporary file must be made there too, not
// in the directory "LINK/.." is by text, or the rename crosses devices.
func TestOutputThroughLinkParent(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	here := t.TempDir()
	there, err := os.MkdirTemp("/dev/shm", "tinyget-test-")
	if err != nil {
		testenv.Unavailable(t, "no /dev/shm to put a directory on another file system: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(there) })
	a, _ := os.Stat(here)
	b, _ := os.Stat(there)
	if a.Sys().(*syscall.Stat_t).Dev == b.Sys().(*syscall.Stat_t).Dev {
		testenv.Unavailable(t, "/dev/shm is on the same file system as %s", here)
	}
	if err := os.Mkdir(filepath.Join(there, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(here, "link")
	if err := os.Symlink(filepath.Join(there, "sub"), link); err != nil {
		t.Fatal(err)
	}
	if r := tinyget("", "-o", link+"/../out", addr+"/"); r.code != 0 {
		t.Fatalf("-o LINK/../out: %+v", r)
	}
	if b, err := os.ReadFile(filepath.Join(there, "out")); err != nil || string(b) != "hello, world\n" {
		t.Errorf("the link's real parent holds %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(here); len(entries) != 1 {
		t.Errorf("%s holds %d entries, want the link alone", here, len(entries))
	}
}

// TestCreateDirsThroughLinkParent makes --create-dirs -o LINK/../DIR/NAME
// create DIR in the link's real parent, where the kernel then looks for
// it, not in the directory "LINK/.." is by text.
func TestCreateDirsThroughLinkParent(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	here, there := t.TempDir(), t.TempDir()
	if err := os.Mkdir(filepath.Join(there, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(here, "link")
	if err := os.Symlink(filepath.Join(there, "sub"), link); err != nil {
		t.Fatal(err)
	}
	if r := tinyget("", "--create-dirs", "-o", link+"/../made/out", addr+"/"); r.code != 0 {
		t.Fatalf("--create-dirs -o LINK/../made/out: %+v", r)
	}
	if b, err := os.ReadFile(filepath.Join(there, "made", "out")); err != nil || string(b) != "hello, world\n" {
		t.Errorf("the link's real parent's made/out holds %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(here); len(entries) != 1 {
		t.Errorf("%s holds %d entries, want the link alone", here, len(entries))
	}
}

// TestOutputOthersFileKeepsOwner writes -o over another user's file, in a
// plain directory and in a sticky one, as root: the file keeps its owner,
// group and mode, which a bare rename of root's temporary file would not.
func TestOutputOthersFileKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root; TestOwnedByOther covers the rule for other users")
	}
	addr, _ := serveReply(t, helloReply)
	_, _, sticky := stickyLink(t)
	for _, dir := range []string{t.TempDir(), sticky} {
		name := filepath.Join(dir, "theirs")
		if err := os.WriteFile(name, []byte("old"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(name, nobody, nobody); err != nil {
			t.Fatal(err)
		}
		if r := tinyget("", "-o", name, addr+"/"); r.code != 0 {
			t.Fatalf("-o %s: %+v", name, r)
		}
		info, err := os.Stat(name)
		if b, _ := os.ReadFile(name); err != nil || string(b) != "hello, world\n" {
			t.Fatalf("%s holds %q, %v", name, b, err)
		}
		if st := info.Sys().(*syscall.Stat_t); st.Uid != nobody || st.Gid != nobody || info.Mode().Perm() != 0o640 {
			t.Errorf("%s is %d:%d %v; want %d:%d -rw-r-----", name, st.Uid, st.Gid, info.Mode(), nobody, nobody)
		}
	}
}

// ownerInfo is a fs.FileInfo of a file owned by uid.
type ownerInfo struct {
	fs.FileInfo
	uid uint32
}

func (o ownerInfo) Sys() any { return &syscall.Stat_t{Uid: o.uid} }

// TestOwnedByOther checks the rule for the user the tests run as: a file
// of one's own is replaced by a rename; another user's is written in
// place, unless one is root, who renames and keeps its owner.
func TestOwnedByOther(t *testing.T) {
	euid := uint32(os.Geteuid())
	if ownedByOther(ownerInfo{uid: euid}) {
		t.Error("one's own file is taken for another user's")
	}
	if got, want := ownedByOther(ownerInfo{uid: euid + 1}), euid != 0; got != want {
		t.Errorf("ownedByOther(another user's file) = %v as uid %d; want %v", got, euid, want)
	}
}
