package main

import (
	"bytes"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/config"
	"github.com/tinyhttpd/tinyhttpd/route"
)

// resumeSize is the file TestResumeFromTinyhttpd downloads: 32 MiB keeps
// the test quick; docs/tinyget.md gives the figures of a 256 MiB run.
const resumeSize = 32 << 20

// TestResumeFromTinyhttpd cuts a download from tinyhttpd in the middle
// (--limit-rate with -m: exit 28 with part of the file received), resumes
// it with -C -, which tinyhttpd answers with 206 from the file's offset,
// and compares the result with the file byte for byte.
func TestResumeFromTinyhttpd(t *testing.T) {
	dir := t.TempDir()
	want := make([]byte, resumeSize)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < len(want); i += 8 {
		v := rng.Uint64()
		for j := range 8 {
			want[i+j] = byte(v >> (8 * j))
		}
	}
	big := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(big, want, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveTinyhttpd(t, &route.Routes{Source: "test", Routes: []route.Route{{Path: "/big.bin", Kind: route.KindFile, File: big}}}, l, nil)
	url := "tiny://" + l.Addr().String() + "/big.bin"
	out := filepath.Join(dir, "out")

	// tinyget never leaves a partial file under its name (docs/tinyget.md),
	// so the cut transfer writes to stdout, and what it wrote there until
	// the cut becomes the file to resume.
	var stdout, stderr bytes.Buffer
	code := run([]string{"-s", "-S", "--limit-rate", "4M", "-m", "1", url}, nil, &stdout, &stderr)
	part := stdout.Len()
	if code != int(exitTimeout) || part == 0 || part >= resumeSize || !bytes.Equal(stdout.Bytes(), want[:part]) {
		t.Fatalf("first transfer: exit %d (%s) after %d bytes; want exit 28 with the start of the file", code, stderr.String(), part)
	}
	if err := os.WriteFile(out, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("cut after %d of %d bytes", part, resumeSize)

	stdout.Reset()
	stderr.Reset()
	code = run([]string{"-s", "-S", "-C", "-", "-w", "%{http_code} %{size_download}", "-o", out, url}, nil, &stdout, &stderr)
	if code != int(exitOK) {
		t.Fatalf("resume: exit %d: %s", code, stderr.String())
	}
	if wantOut := "206 " + strconv.Itoa(resumeSize-part); stdout.String() != wantOut {
		t.Errorf("resume wrote %q, want %q", stdout.String(), wantOut)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("resumed file differs from the original at byte %d (%d bytes, want %d)", i, len(got), len(want))
	}
}

// TestUnixSocketToTinyhttpd fetches from a tinyhttpd listening on a Unix
// domain socket with --unix-socket: a body, an echo that needs the
// half-close, and a redirect followed over the same socket.
func TestUnixSocketToTinyhttpd(t *testing.T) {
	routes, err := config.DefaultRoutes()
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "t.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	serveTinyhttpd(t, routes, l, nil)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"tiny://localhost/hello"}, "hello, world\n"},
		{[]string{"-d", "over a socket", "tiny://localhost/echo"}, "over a socket"},
		{[]string{"-L", "-w", "%{num_redirects}", "tiny://localhost/moved/twice"}, "hello, world\n2"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"-s", "-S", "--unix-socket", sock}, tt.args...), nil, &stdout, &stderr)
		if code != int(exitOK) || stdout.String() != tt.want {
			t.Errorf("%v: exit %d, %q (%s); want %q", tt.args, code, stdout.String(), stderr.String(), tt.want)
		}
	}
}
