package main

// helpWidth is the width --help wraps the flags' descriptions to.
const helpWidth = 100

// usage returns the --help text. Its flag part comes from the flag set, and
// docs/tinyget.md covers every flag and exit code in it (a test checks).
func usage() string {
	return `Usage: tinyget [flags] URL...

Sends one request per URL and writes each reply's body to stdout, with
curl's flags and exit codes. Each URL is its own exchange.

URL forms:
  tiny://HOST[:PORT]/PATH   the tiny protocol, default port 7070: tinyget
  HOST[:PORT]/PATH          writes the request, half-closes (shutdown
                            SHUT_WR), and reads the reply until the server
                            closes. The half-close is how a tiny server knows
                            the request is complete.
  http://HOST[:PORT]/PATH   plain HTTP (HTTP/1.1, "Connection: close"),
                            default port 80, for servers such as nginx or
                            python3 -m http.server: no half-close, because
                            they find the request's end by Content-Length and
                            some (nginx) take a half-close for the client
                            hanging up and cut a large reply short. Chunked
                            replies are decoded.
  IPv6 addresses go in brackets: tiny://[::1]:7070/hello

Flags:
` + newFlagSet(new(options)).FlagUsagesWrapped(helpWidth) + `
Output files (-o, -O) are written under a temporary name in the same
directory and renamed when the transfer succeeds, so a failed transfer never
leaves a partial file under the final name. Paths that are not regular
files, such as /dev/null, are written in place.

The progress meter shows on stderr when stderr is a terminal and the body
does not go to a terminal.

With several URLs, the nth -o or -O goes with the nth URL, and the exit
code is that of the last transfer that failed.

Exit codes (curl's):
` + exitCodeHelp()
}
