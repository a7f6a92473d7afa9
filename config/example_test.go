package config_test

import (
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/tinyhttpd/tinyhttpd/config"
)

func ExampleLoad() {
	s, err := config.Load(map[string]string{
		"TINYHTTPD_ADDR":              ":8080",
		"TINYHTTPD_ADMIN_ADDR":        "", // no admin listener
		"TINYHTTPD_MAX_REQUEST_BYTES": "64KiB",
	})
	fmt.Println(s.Addr, s.AdminAddr == "", s.MaxRequestBytes, s.ReadTimeout, err)

	_, err = config.Load(map[string]string{
		"TINYHTTPD_READ_TIMEOUT":      "ten",
		"TINYHTTPD_MAX_REQUEST_BYTES": "1MB",
	})
	fmt.Println(err)
	// Output:
	// :8080 true 64KiB 10s <nil>
	// config: TINYHTTPD_READ_TIMEOUT="ten": invalid duration; want a number with a unit, such as 500ms, 10s or 1m30s
	// config: TINYHTTPD_MAX_REQUEST_BYTES="1MB": ambiguous unit "MB"; write MiB for binary multiples (1MiB = 1048576 bytes)
}

func ExampleParseRoutes() {
	files := fstest.MapFS{"public/hello.txt": {Data: []byte("hello\n")}}
	routes, err := config.ParseRoutes("routes.yaml", []byte(`
routes:
  - path: /hello
    body: "hello, world\n"
  - path: /files/
    dir: public
`), files, ".")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range routes.Routes {
		fmt.Println(r.Path, r.Kind, r.Prefix, r.Methods)
	}

	_, err = config.ParseRoutes("routes.yaml", []byte(`
routes:
  - path: hello
    body: "hello, world\n"
    colour: blue
`), files, ".")
	fmt.Println(err)
	// Output:
	// /hello body false [GET HEAD]
	// /files/ dir true [GET HEAD]
	// routes.yaml:3:11: path "hello" must start with "/"
	// routes.yaml:5:5: unknown key "colour" in route; known keys: path, methods, status, headers, delay, listing, dotfiles, body, file, dir, echo, index, fault, redirect
}

// WriteUsage writes a table with a row for each setting: its variable, its
// default and what it means. The variable and default of the first rows:
func ExampleWriteUsage() {
	var b strings.Builder
	config.WriteUsage(&b)
	for _, row := range strings.Split(b.String(), "\n")[:3] {
		f := strings.Fields(row)
		fmt.Println(f[0], f[1])
	}
	// Output:
	// VARIABLE DEFAULT
	// TINYHTTPD_ADDR 127.0.0.1:7070
	// TINYHTTPD_UNIX_MODE 0660
}
