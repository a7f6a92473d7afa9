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
  tinys://HOST[:PORT]/PATH  tiny:// over TLS, default port 7070 (tinyhttpd
                            serves TLS on its one listener): the half-close
                            is TLS's close_notify alert.
  https://HOST[:PORT]/PATH  http:// over TLS, default port 443: no half-close.
  IPv6 addresses go in brackets: tiny://[::1]:7070/hello

Flags:
` + newFlagSet(new(options)).FlagUsagesWrapped(helpWidth) + `
Each flag above without a value that is on or off is turned off by its form
with --no- (--no-silent, --no-location), or, for a flag called --no-NAME, by
--NAME (--buffer, --progress-meter): so is a flag of ~/.tinygetrc for one run.

Output files (-o, -O) are written under a temporary name in the same
directory and renamed when the transfer succeeds, so a failed transfer never
leaves a partial file under the final name. Paths that are not regular
files, such as /dev/null, are written in place.

The progress meter shows on stderr when stderr is a terminal and the body
does not go to a terminal.

With several URLs, the nth -o or -O goes with the nth URL, and the exit
code is that of the last transfer that failed.

Flags are read from ~/.tinygetrc first (curl's config syntax, as -K reads),
unless -q is the first flag.

curl flags tinyget does not have (docs/tinyget.md says why): TLS flags
beyond those above (--tlsv1.0, --tls-max, --ciphers, --pass, ...), HTTP/2 and HTTP/3
(--http2, --http3), proxies (-x, --noproxy, --socks5, -p), cookies (-b,
-c, -j), forms (-F), authentication other than Basic (--digest, --ntlm,
--negotiate, --anyauth, --oauth2-bearer, --aws-sigv4), --location-trusted,
--post301, --post302, --post303, URL globbing ({a,b} and [1-9] are sent
as they are; -g is not needed), -: (--next), -a (--append), -z
(--time-cond), --etag-save, --etag-compare, -Y and -y (speed limits),
--trace, --trace-ascii, --libcurl, -M, --interface, --local-port,
--dns-servers, --doh-url, --expect100-timeout, --ignore-content-length,
--raw, --tr-encoding, --proto, --proto-redir, --xattr, --hsts, --alt-svc,
-B, -l, -P, -Q and the other FTP, SMTP, IMAP, LDAP, telnet and SSH flags.

Exit codes (curl's):
` + exitCodeHelp()
}
