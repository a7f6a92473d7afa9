package deploy

import (
	"bytes"
	"os"
	"testing"
)

// The example renderings: three instances on one host, each on its own
// loopback address with the same ports, and the proxy on 127.0.0.1:7080.
var (
	exampleInstances = []*instance{
		{Name: "t1", Addr: "127.0.0.2:7070"},
		{Name: "t2", Addr: "127.0.0.3:7070"},
		{Name: "t3", Addr: "127.0.0.4:7070"},
	}
	exampleHAProxy = haproxyData{
		Listen:      "127.0.0.1:7080",
		StatsSocket: "/run/haproxy/tinyhttpd.sock",
		AdminPort:   7071,
		Servers:     exampleInstances,
	}
	exampleNginx = nginxData{
		Listen:  "127.0.0.1:7080",
		Servers: exampleInstances,
	}
)

// TestExamples checks that each .example file is its template rendered with
// the example values; go test ./deploy -run TestExamples -update rewrites
// them.
func TestExamples(t *testing.T) {
	for _, ex := range []struct {
		tmpl, example string
		data          any
	}{
		{"haproxy/haproxy.cfg.tmpl", "haproxy/haproxy.cfg.example", exampleHAProxy},
		{"nginx/tinyhttpd-stream.conf.tmpl", "nginx/tinyhttpd-stream.conf.example", exampleNginx},
	} {
		got, err := renderBytes(ex.tmpl, ex.data)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(ex.example, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(ex.example)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not %s rendered with the example values; run go test ./deploy -run TestExamples -update", ex.example, ex.tmpl)
		}
	}
}
