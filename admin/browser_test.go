package admin

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tinyhttpd/tinyhttpd/internal/reload"
	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
	"github.com/tinyhttpd/tinyhttpd/internal/tlscert"
)

// artifactsVar names the directory where the browser test saves its
// screenshot; by default a directory under the system's temporary one.
const artifactsVar = "TINYHTTPD_ARTIFACTS"

// TestDashboardInBrowser loads the dashboard in headless Chromium, makes
// real exchanges against the protocol port, and waits for the page's
// counters, chart and tables to show them without a reload; then it
// reloads the routes through the page's button.
func TestDashboardInBrowser(t *testing.T) {
	chromium := testenv.LookPath(t, "chromium", "chromium")
	x := testenv.NewTLS(t)
	cert, err := tlscert.NewStore("protocol", x.CertFile, x.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, true, Options{Token: testToken, Reloader: &reload.Reloader{Certs: []*tlscert.Store{cert}}})

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 1000),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	defer cancelBrowser()

	poll := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(10*time.Second))
	}
	text := func(id string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("reading #%s: %v", id, err)
		}
		return v
	}

	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.adminURL+"/"),
		chromedp.WaitVisible(chromedp.ID("rps-chart")),
		poll(`document.getElementById("state").textContent === "ready"`),
	); err != nil {
		t.Fatalf("loading the dashboard: %v", err)
	}
	if before := text("accepted"); before != "0" {
		t.Errorf("accepted before any exchange: %q", before)
	}

	const n = 25
	for range n {
		f.exchange(t, "GET /hello\n")
	}
	f.exchange(t, "GET /missing\n")

	want := strconv.Itoa(n + 1)
	if err := chromedp.Do(ctx,
		poll(`document.getElementById("accepted").textContent === "`+want+`"`),
		poll(`Number(document.getElementById("rps-chart").dataset.total) >= `+want),
		poll(`document.querySelectorAll("#recent tr").length === `+want),
		// The route table's request counts follow as quickly.
		poll(`[...document.querySelectorAll("#routes tr")].some((tr) =>
			tr.cells[0].textContent === "/hello" && tr.cells[4].textContent === "`+strconv.Itoa(n)+`")`),
	); err != nil {
		t.Fatalf("waiting for the page to show the exchanges: %v", err)
	}
	total, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("rps-chart"), "data-total"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := strconv.Atoi(total.Value); got != n+1 {
		t.Errorf("chart total %s, want %d", total.Value, n+1)
	}
	// The charts say in words what they draw, for screen readers.
	for id, want := range map[string]string{"rps-chart": "errors in all", "latency-chart": "latest p50 "} {
		label, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID(id), "aria-label"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(label.Value, want) {
			t.Errorf("#%s aria-label %q lacks %q", id, label.Value, want)
		}
	}
	if replies := text("replies"); !strings.Contains(replies, "200") || !strings.Contains(replies, strconv.Itoa(n)) || !strings.Contains(replies, "404") {
		t.Errorf("replies table %q", replies)
	}
	if routes := text("routes"); !strings.Contains(routes, "/hello") || !strings.Contains(routes, "/slow") {
		t.Errorf("routes table %q", routes)
	}
	if certs := text("tls"); !strings.Contains(certs, "protocol") || !strings.Contains(certs, "CN=localhost,O=tinyhttpd") ||
		!strings.Contains(certs, "days left") {
		t.Errorf("TLS certificates table %q", certs)
	}

	// A large request held open shows the memory it holds.
	held, err := net.Dial("tcp", f.protoAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	held.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(held, "PUT /hello\n\n"+strings.Repeat("x", 200<<10))
	if err := chromedp.Do(ctx, poll(`document.getElementById("conn-memory").textContent.endsWith(" KiB")`)); err != nil {
		t.Errorf("request memory %q while a 200 KiB request is held (server counts %d bytes): %v", text("conn-memory"), f.srv.Stats().RequestMemory, err)
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveArtifact(t, "dashboard.png", shot)

	// A phone's width: the page must not need sideways scrolling.
	var overflow bool
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if overflow, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil {
		t.Fatal(err)
	}
	if overflow {
		t.Error("the dashboard is wider than a phone's screen")
	}
	if shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "dashboard-phone.png", shot)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1000)); err != nil {
		t.Fatal(err)
	}

	testenv.WriteFile(t, f.routes, "routes:\n  - path: /hello\n    body: \"hi\\n\"\n")
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem("tinyhttpd-token", "`+testToken+`")`),
		chromedp.Click(chromedp.ID("reload")),
		poll(`!document.getElementById("message").hidden`),
	); err != nil {
		t.Fatalf("reload button: %v", err)
	}
	if message := text("message"); !strings.Contains(message, "Reloaded 1 routes") {
		t.Errorf("reload message %q", message)
	}
	if r := f.exchange(t, "GET /hello\n"); !strings.HasSuffix(r, "\r\n\r\nhi\n") {
		t.Errorf("after the page's reload: %q", r)
	}

	// A reload that fails by the button: the page says so, and shows the
	// error, dated, above the routes still served.
	testenv.WriteFile(t, f.routes, "routes:\n  - path: /hello\n    bodyy: x\n")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("reload")),
		poll(`document.getElementById("message").textContent.startsWith("Reload failed: the routes served are unchanged")`),
		poll(`document.getElementById("reload-error").textContent.includes("admin API")`),
	); err != nil {
		t.Fatalf("a failed reload by the button: %v (message %q, reload error %q)", err, text("message"), text("reload-error"))
	}
	if failed := text("reload-error"); !strings.Contains(failed, `unknown key "bodyy"`) {
		t.Errorf("failed reload shown as %q", failed)
	}
	// A later reload, failing by SIGHUP, takes its place, and the
	// button's report goes; a good one then clears the error.
	testenv.WriteFile(t, f.routes, "routes:\n  - path: /hello\n    body: x\n    delay: soon\n")
	if err := f.admin.opts.Reloader.Reload("SIGHUP"); err == nil {
		t.Fatal("a bad routes file reloaded")
	}
	if err := chromedp.Do(ctx, poll(`document.getElementById("message").hidden &&
		document.getElementById("reload-error").textContent.includes("SIGHUP")`)); err != nil {
		t.Errorf("after a later failed reload: message %q, reload error %q: %v", text("message"), text("reload-error"), err)
	}
	if failed := text("reload-error"); !strings.Contains(failed, "delay") {
		t.Errorf("the later failed reload shown as %q", failed)
	}
	testenv.WriteFile(t, f.routes, "routes:\n  - path: /hello\n    body: \"hi\\n\"\n")
	if err := f.admin.opts.Reloader.Reload("SIGHUP"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, poll(`document.getElementById("reload-error").hidden`)); err != nil {
		t.Errorf("after a good reload: reload error %q: %v", text("reload-error"), err)
	}

	// An outage the page sees (its requests failing), a click on Reload
	// meanwhile, and the endpoint back: the page says so, then recovers.
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`window.realFetch = window.fetch; window.fetch = () => Promise.reject(new TypeError("Failed to fetch"))`),
		poll(`document.body.classList.contains("stale")`),
		chromedp.Click(chromedp.ID("reload")),
		poll(`document.getElementById("message").textContent.includes("unreachable since")`),
		chromedp.Evaluate[chromedp.Void](`window.fetch = window.realFetch`),
		poll(`!document.body.classList.contains("stale") && document.getElementById("message").hidden`),
	); err != nil {
		t.Fatalf("an outage and its end: %v (message %q)", err, text("message"))
	}

	// When the endpoint goes away, the page says so and greys the figures
	// it last read.
	f.stopAdmin()
	if err := chromedp.Do(ctx,
		poll(`document.body.classList.contains("stale") && !document.getElementById("message").hidden`),
	); err != nil {
		t.Fatalf("waiting for the page to show the endpoint gone: %v", err)
	}
	if message := text("message"); !strings.Contains(message, "unreachable since") || text("state") != "unreachable" {
		t.Errorf("endpoint gone: message %q, state %q", message, text("state"))
	}
	if shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "dashboard-unreachable.png", shot)
}

func saveArtifact(t *testing.T, name string, data []byte) {
	t.Helper()
	dir := os.Getenv(artifactsVar)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tinyhttpd-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot saved to %s", path)
}
