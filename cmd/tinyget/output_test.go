package main

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestOutputTempFile checks that -o writes under a temporary name in the
// same directory while the transfer runs, and that a transfer that fails
// leaves neither that nor anything under the final name, where a file that
// was there stays as it was.
func TestOutputTempFile(t *testing.T) {
	release := make(chan struct{})
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nhalf of it")
		select {
		case <-release:
		case <-t.Context().Done():
		}
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() { done <- tinyget("", "-s", "-o", path, addr+"/") }()

	var temp string
	for deadline := time.Now().Add(5 * time.Second); temp == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		matches, _ := filepath.Glob(filepath.Join(dir, ".out.txt.tinyget-*"))
		if len(matches) == 1 {
			temp = matches[0]
		}
	}
	if temp == "" {
		close(release)
		t.Fatalf("no temporary file in %s while the transfer runs", dir)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the final name holds %q during the transfer", b)
	}
	close(release)
	if r := <-done; r.code != int(exitPartial) {
		t.Errorf("exit %d, want %d", r.code, exitPartial)
	}
	if _, err := os.Stat(temp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("a failed transfer changed the existing file to %q", b)
	}
}

// TestFailedRedirectKeepsFile follows, with -i, a redirect whose next hop
// fails (its connect refused, or one redirect too many): the headers of the
// first hop were written out, yet the transfer failed, so the file already
// under the name must stay as it was.
func TestFailedRedirectKeepsFile(t *testing.T) {
	refused := testenv.ClosedAddr(t)
	addr, _ := serveReply(t, "HTTP/1.0 302 Found\r\nLocation: http://"+refused+"/x\r\n\r\n")
	for _, tt := range []struct {
		args []string
		code exitCode
	}{
		{[]string{"-L", "-i"}, exitConnect},
		{[]string{"-L", "-I"}, exitConnect},
		{[]string{"-L", "-i", "--max-redirs", "0"}, exitTooManyRedirects},
	} {
		path := filepath.Join(t.TempDir(), "out.txt")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if r := tinyget("", append(tt.args, "-s", "-o", path, addr+"/")...); r.code != int(tt.code) {
			t.Errorf("%q: exit %d, want %d", tt.args, r.code, tt.code)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("%q: the failed transfer changed the file to %q", tt.args, b)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".out.txt.tinyget-*")); len(left) > 0 {
			t.Errorf("%q: temporary files left: %q", tt.args, left)
		}
	}
}

// TestOutputReplaces checks that a successful transfer replaces the file,
// which keeps its permissions, and that a symbolic link is followed and
// kept rather than replaced.
func TestOutputReplaces(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if r := tinyget("", "-o", path, addr+"/"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	info, err := os.Stat(path)
	if b, _ := os.ReadFile(path); err != nil || string(b) != "hello, world\n" || info.Mode().Perm() != 0o640 {
		t.Errorf("file holds %q with mode %v, %v", b, info.Mode(), err)
	}

	link := filepath.Join(dir, "link")
	if err := os.Symlink("out.txt", link); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, nil, 0o640)
	if r := tinyget("", "-o", link, addr+"/"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", info.Mode(), err)
	}
	if b, _ := os.ReadFile(path); string(b) != "hello, world\n" {
		t.Errorf("the link's target holds %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want the file and the link", len(entries))
	}
}

// TestOutputInPlace checks that paths that are not regular files are
// written in place: /dev/null, the classic curl -o target.
func TestOutputInPlace(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	if r := tinyget("", "-o", "/dev/null", addr+"/"); r.code != 0 || r.stdout != "" {
		t.Errorf("-o /dev/null: %+v", r)
	}
	if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v, %v", info.Mode(), err)
	}
}

func TestRemoteName(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	dir := t.TempDir()
	t.Chdir(dir)
	if r := tinyget("", "-O", addr+"/files/greeting.txt?x=1"); r.code != 0 || r.stdout != "" {
		t.Fatalf("%+v", r)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "greeting.txt")); err != nil || string(b) != "hello, world\n" {
		t.Errorf("greeting.txt holds %q, %v", b, err)
	}
	for _, u := range []string{addr + "/", addr + "/dir/", addr + "/a/.."} {
		r := tinyget("", "-O", u)
		if r.code != int(exitWriteError) || !strings.Contains(r.stderr, "Remote file name has no length") {
			t.Errorf("-O %s: %+v", u, r)
		}
	}
}

func TestCreateDirs(t *testing.T) {
	addr, _ := serveReply(t, helloReply)
	path := filepath.Join(t.TempDir(), "a", "b", "out")
	if r := tinyget("", "-o", path, addr+"/"); r.code != int(exitWriteError) || !strings.Contains(r.stderr, "no such file or directory") {
		t.Errorf("without --create-dirs: %+v", r)
	}
	if r := tinyget("", "--create-dirs", "-o", path, addr+"/"); r.code != 0 {
		t.Fatalf("--create-dirs: %+v", r)
	}
	if b, _ := os.ReadFile(path); string(b) != "hello, world\n" {
		t.Errorf("file holds %q", b)
	}
}

func TestFailWithBody(t *testing.T) {
	addr, _ := serveReply(t, "HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
	path := filepath.Join(t.TempDir(), "out")
	r := tinyget("", "--fail-with-body", addr+"/", "-o", path, addr+"/")
	if r.code != int(exitHTTPError) || r.stdout != "not found" {
		t.Errorf("%+v", r)
	}
	if strings.Count(r.stderr, "tinyget: (22) The requested URL returned error: 404\n") != 2 {
		t.Errorf("stderr %q", r.stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "not found" {
		t.Errorf("--fail-with-body -o: file holds %q", b)
	}
}

// TestSeveralURLs checks curl's rules for several URLs: each is its own
// exchange, the nth -o goes with the nth URL, those without one go to
// stdout, and the exit code is that of the last transfer that failed.
func TestSeveralURLs(t *testing.T) {
	hello, requests := serveReply(t, helloReply)
	empty, _ := serveReply(t, "")
	refused := testenv.ClosedAddr(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")

	r := tinyget("", "-o", a, hello+"/1", "-o", b, hello+"/2", hello+"/3")
	if r.code != 0 || r.stdout != "hello, world\n" {
		t.Fatalf("%+v", r)
	}
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != "hello, world\n" {
			t.Errorf("%s holds %q", p, got)
		}
	}
	for _, want := range []string{"/1", "/2", "/3"} {
		if req := <-requests; !strings.HasPrefix(req, "GET "+want+" ") {
			t.Errorf("request %q, want GET %s", req, want)
		}
	}

	tests := []struct {
		urls []string
		code exitCode
	}{
		{[]string{refused, empty, hello}, exitEmptyReply},
		{[]string{empty, refused}, exitConnect},
		{[]string{empty, hello, hello}, exitEmptyReply},
		{[]string{hello, hello}, exitOK},
	}
	for _, tt := range tests {
		if r := tinyget("", append([]string{"-s"}, tt.urls...)...); r.code != int(tt.code) {
			t.Errorf("%v: exit %d, want %d", tt.urls, r.code, tt.code)
		}
	}
	if r := tinyget("", "-o", a, "-o", b, hello); r.code != 0 || !strings.Contains(r.stderr, "Warning: Got more output options than URLs") {
		t.Errorf("two -o for one URL: %+v", r)
	}
}

// TestRemoveOnErrorInPlace resumes a file in place (-C -) from a server
// that stops short: with --remove-on-error the file goes, as curl has it,
// since what was appended cannot be taken back; without, it stays with
// the part that came.
func TestRemoveOnErrorInPlace(t *testing.T) {
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		io.WriteString(c, "HTTP/1.0 206 Partial Content\r\nContent-Range: bytes 4-99/100\r\nContent-Length: 96\r\n\r\nabc")
	})
	for _, remove := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "out")
		if err := os.WriteFile(path, []byte("0123"), 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{"-s", "-C", "-", "-o", path, addr + "/"}
		if remove {
			args = append([]string{"--remove-on-error"}, args...)
		}
		r := tinyget("", args...)
		b, err := os.ReadFile(path)
		switch {
		case r.code != int(exitPartial):
			t.Errorf("%q: exit %d, want %d", args, r.code, exitPartial)
		case remove && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("%q: the file holds %q, %v; want it removed", args, b, err)
		case !remove && string(b) != "0123abc":
			t.Errorf("%q: the file holds %q, %v; want 0123abc", args, b, err)
		}
	}
}

// TestResumeRetried resumes with -C past the end of a short file, or of
// none, from a server whose first reply stops short: the retry must drop
// what the failed attempt appended, so that the file ends as one whole
// attempt leaves it.
func TestResumeRetried(t *testing.T) {
	var attempts atomic.Int32
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		head := "HTTP/1.0 206 Partial Content\r\nContent-Range: bytes 990-999/1000\r\nContent-Length: 10\r\n\r\n"
		if attempts.Add(1)%2 == 1 {
			io.WriteString(c, head+"ABCD") // stops short
			return
		}
		io.WriteString(c, head+"ABCDEFGHIJ")
	})
	for _, seed := range []string{"abc", ""} {
		path := filepath.Join(t.TempDir(), "out")
		if seed != "" {
			if err := os.WriteFile(path, []byte(seed), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		r := tinyget("", "-sS", "-C", "990", "--retry", "1", "--retry-all-errors", "--retry-delay", "0.01", "-o", path, addr+"/")
		if b, err := os.ReadFile(path); r.code != 0 || string(b) != seed+"ABCDEFGHIJ" {
			t.Errorf("seed %q: exit %d, the file holds %q (%v); want %q: %s", seed, r.code, b, err, seed+"ABCDEFGHIJ", r.stderr)
		}
	}
}
