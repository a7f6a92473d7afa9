package main

// usage returns the --help text.
func usage() string {
	return `Usage: tinyget [flags] URL

Sends one request and writes the reply's body to stdout, with curl's flags
and exit codes.

URL forms:
  tiny://HOST[:PORT]/PATH   the tiny protocol, default port 7070: tinyget
  HOST[:PORT]/PATH          writes the request, half-closes (shutdown
                            SHUT_WR), and reads the reply until the server
                            closes. The half-close is how a tiny server knows
                            the request is complete.
  http://HOST[:PORT]/PATH   plain HTTP, default port 80: no half-close, and
                            "Connection: close" is sent. HTTP servers find the
                            request's end by Content-Length, and some (nginx)
                            take a half-close for the client hanging up and cut
                            a large reply short.
  IPv6 addresses go in brackets: tiny://[::1]:7070/hello

Flags:
` + newFlagSet(new(options)).FlagUsages() + `
Exit codes (curl's):
` + exitCodeHelp()
}
