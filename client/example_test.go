package client_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// One exchange with a tinyhttpd on its default address, bounded as a whole by
// five seconds.
func ExampleClient_Do() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := &client.Client{ConnectTimeout: time.Second}
	req := &client.Request{Target: "/hello", Header: []client.Header{{Name: "Host", Value: "127.0.0.1:7070"}}}
	resp, err := c.Do(ctx, "127.0.0.1:7070", req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err, "kind:", client.KindOf(err))
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		fmt.Fprintln(os.Stderr, err, "kind:", client.KindOf(err))
	}
}
