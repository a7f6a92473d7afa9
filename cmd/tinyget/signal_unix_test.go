//go:build unix

package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// TestSignalRemovesTempFile interrupts, by each of SIGINT, SIGTERM and
// SIGHUP, a tinyget process writing -o while its reply streams in: the
// temporary file must go, the file already under the name stay as it was,
// and the process end by the signal, as a shell expects, rather than by
// an error its cleanup caused in the transfer still writing.
func TestSignalRemovesTempFile(t *testing.T) {
	addr := testenv.Serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c)
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 1099511627776\r\n\r\n")
		chunk := make([]byte, 32<<10)
		for t.Context().Err() == nil {
			if _, err := c.Write(chunk); err != nil {
				return // tinyget is gone
			}
		}
	})
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		if signal.Ignored(sig) {
			continue // ignored here, so in tinyget too, which keeps it so
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "out.txt")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), argsVar+"=-sS -o "+path+" "+addr+"/")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var temps []string
		for deadline := time.Now().Add(10 * time.Second); len(temps) == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			temps, _ = filepath.Glob(filepath.Join(dir, ".out.txt.tinyget-*"))
		}
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		if len(temps) == 0 {
			t.Fatalf("%v: no temporary file while the transfer ran", sig)
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != sig {
			t.Errorf("%v: tinyget ended with %v; want killed by the signal", sig, err)
		}
		if stderr.Len() > 0 {
			t.Errorf("%v: tinyget wrote %q; want nothing, as the signal ends it", sig, stderr.String())
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".out.txt.tinyget-*")); len(left) > 0 {
			t.Errorf("%v: temporary files left: %q", sig, left)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("%v: the file under the name holds %q", sig, b)
		}
	}
}
