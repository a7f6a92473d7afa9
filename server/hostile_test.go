package server

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// hostileDir holds the hostile request corpus and its README, whose table
// says what each file must be answered.
const hostileDir = "../testdata/hostile"

// hostileCase is one row of the corpus table.
type hostileCase struct {
	file   string
	status int
	reason string
}

// readHostileTable reads the table in the corpus README: rows of
// | `file` | status | `reason` | what it tries |.
func readHostileTable(t *testing.T) []hostileCase {
	t.Helper()
	f, err := os.Open(filepath.Join(hostileDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []hostileCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) < 3 {
			t.Fatalf("malformed table row: %s", line)
		}
		status, err := strconv.Atoi(strings.TrimSpace(cells[1]))
		if err != nil {
			t.Fatalf("bad status in row: %s", line)
		}
		cases = append(cases, hostileCase{
			file:   strings.Trim(strings.TrimSpace(cells[0]), "`"),
			status: status,
			reason: strings.Trim(strings.TrimSpace(cells[2]), "`"),
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestHostileRequests sends every file of the hostile corpus over a real
// connection, writing while it reads as a client streaming a large request
// would, and checks the status and reason its README documents.
func TestHostileRequests(t *testing.T) {
	cases := readHostileTable(t)
	files, err := filepath.Glob(filepath.Join(hostileDir, "*.req"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 50 || len(files) != len(cases) {
		t.Fatalf("%d files and %d table rows in %s; want the same number, at least 50", len(files), len(cases), hostileDir)
	}
	routes, err := config.DefaultRoutes()
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{MaxRequestBytes: 64 << 10}
	addr := startServer(t, srv, routes)
	for _, tc := range cases {
		t.Run(strings.TrimSuffix(tc.file, ".req"), func(t *testing.T) {
			if !strings.HasPrefix(tc.file, strconv.Itoa(tc.status)+"-") {
				t.Errorf("file name %s does not start with its status %d", tc.file, tc.status)
			}
			req, err := os.ReadFile(filepath.Join(hostileDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			c := dial(t, addr)
			go func() {
				c.Write(req)
				c.CloseWrite()
			}()
			raw, err := io.ReadAll(c)
			if err != nil {
				t.Fatalf("reading reply: %v (got %q)", err, raw)
			}
			r := parseReply(t, string(raw))
			checkFramed(t, r)
			if r.status != tc.status || !strings.Contains(r.body, tc.reason) {
				t.Errorf("got %d %q, want %d with %q", r.status, r.body, tc.status, tc.reason)
			}
			if strings.Count(r.body, "\n") != 1 || !strings.HasSuffix(r.body, "\n") {
				t.Errorf("body %q is not one line", r.body)
			}
			if r.header["Connection"] != "close" {
				t.Errorf("Connection %q, want close", r.header["Connection"])
			}
		})
	}
	if p := srv.Stats().Panics; p != 0 {
		t.Errorf("%d exchanges panicked", p)
	}
}
