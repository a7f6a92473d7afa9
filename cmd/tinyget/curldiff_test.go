package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tinyhttpd/tinyhttpd/internal/testenv"
)

// flagCase is a command line run against a fresh fake server (see
// fakeReply), by tinyget and by curl, with what both must produce. In args,
// {addr} is the server's address, {dir} a fresh directory that is also the
// working directory and $HOME, and {unix} a Unix domain socket on which the
// same server listens.
type flagCase struct {
	name   string
	args   []string
	stdin  string
	seed   map[string]string // files in {dir} before the run
	rc     string            // ~/.tinygetrc (and ~/.curlrc for curl)
	code   exitCode
	stdout string
	// curl, when set, is curl 7.88's stdout where tinyget differs on
	// purpose, for the reason docs/tinyget.md gives.
	curl  string
	files map[string]string // files in {dir} after the run; "" for "must not exist"
	mtime string            // -R: the files' modification time, RFC 3339
	// fileHas names files in {dir} after the run that must hold a string.
	fileHas map[string]string
	// together is how many requests to /barrier wait for each other.
	together int
}

// flagCases are the flags of issue 15 and the behaviours where tinyget
// used to differ from curl.
var flagCases = []flagCase{
	// -L and --max-redirs, with curl's rules for methods and bodies.
	{name: "-L 301 turns POST into GET", args: []string{"-sL", "-d", "a=1", "http://{addr}/redir/301?to=/echo"}, stdout: "GET /echo\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-L 302 turns POST into GET", args: []string{"-sL", "-d", "a=1", "http://{addr}/redir/302?to=/echo"}, stdout: "GET /echo\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-L 303 turns PUT into GET", args: []string{"-sL", "-T", "-", "http://{addr}/redir/303?to=/echo"}, stdin: "up", stdout: "GET /echo\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-L 307 keeps POST and its body", args: []string{"-sL", "-d", "a=1", "http://{addr}/redir/307?to=/echo"}, stdout: "POST /echo\nhost: {addr}\ncontent-type: application/x-www-form-urlencoded\naccept: */*\nbody: \"a=1\"\n"},
	{name: "-L 308 keeps PUT and its body", args: []string{"-sL", "-X", "PUT", "-d", "b", "http://{addr}/redir/308?to=/echo"}, stdout: "PUT /echo\nhost: {addr}\ncontent-type: application/x-www-form-urlencoded\naccept: */*\nbody: \"b\"\n"},
	{name: "-L absolute Location", args: []string{"-sL", "http://{addr}/redir/301?to=http://SELF/echo?x=1"}, stdout: "GET /echo?x=1\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-L relative Location", args: []string{"-sL", "http://{addr}/a/redir/302?to=../../echo"}, code: exitOK, stdout: "no such page\n"},
	{name: "without -L the redirect is the reply", args: []string{"-s", "-w", "%{http_code} %{num_redirects}", "http://{addr}/redir/302?to=/echo"}, stdout: "moved\n302 0"},
	{name: "-L -i shows each header section", args: []string{"-sLi", "http://{addr}/redir/307?to=/file", "-o", "/dev/null", "-D", "-"},
		stdout: "HTTP/1.1 307 Moved\r\nLocation: /file\r\nContent-Length: 6\r\n\r\nHTTP/1.1 200 OK\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Disposition: attachment; filename=\"../report.txt\"\r\nContent-Length: 1000\r\n\r\n"},
	{name: "-L -w url_effective", args: []string{"-sL", "-o", "/dev/null", "-w", "%{url_effective} %{num_redirects} %{http_code}", "http://{addr}/redir/301?to=/redir/302%3Fto=/echo"}, stdout: "http://{addr}/echo 2 200"},
	{name: "--max-redirs exceeded", args: []string{"-sL", "--max-redirs", "3", "http://{addr}/loop"}, code: exitTooManyRedirects},
	{name: "--max-redirs 0", args: []string{"-sL", "--max-redirs", "0", "http://{addr}/redir/301?to=/echo"}, code: exitTooManyRedirects},
	{name: "-L 302 with -X POST", args: []string{"-sL", "-X", "POST", "-d", "a=1", "http://{addr}/redir/302?to=/echo"}, stdout: "POST /echo\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-L -I 303 keeps HEAD", args: []string{"-sLI", "-o", "/dev/null", "-w", "%{method} %{http_code} %{num_redirects}", "http://{addr}/redir/303?to=/file"}, stdout: "HEAD 200 1"},
	{name: "-L to another host drops -u", args: []string{"-sL", "-u", "a:b", "http://{addr}/redir/302?to=http://localhost:{port}/echo"}, stdout: "GET /echo\nhost: localhost:{port}\naccept: */*\nbody: \"\"\n"},
	{name: "-L to another host drops -H Cookie", args: []string{"-sL", "-H", "Cookie: a=1", "http://{addr}/redir/302?to=http://localhost:{port}/echo"}, stdout: "GET /echo\nhost: localhost:{port}\naccept: */*\nbody: \"\"\n"},
	{name: "-L to the same host keeps -H Cookie", args: []string{"-sL", "-H", "Cookie: a=1", "http://{addr}/redir/302?to=/echo"}, stdout: "GET /echo\nhost: {addr}\ncookie: a=1\naccept: */*\nbody: \"\"\n"},
	{name: "-L to the same host keeps -H Host", args: []string{"-sL", "-H", "Host: foo.example", "http://{addr}/redir/307?to=/echo"}, stdout: "GET /echo\nhost: foo.example\naccept: */*\nbody: \"\"\n"},
	{name: "-L to another host drops -H Host", args: []string{"-sL", "-H", "Host: foo.example", "http://{addr}/redir/307?to=http://localhost:{port}/echo"}, stdout: "GET /echo\nhost: localhost:{port}\naccept: */*\nbody: \"\"\n"},
	{name: "-L back to the first host sends -H Host again", args: []string{"-sL", "-H", "Host: foo.example", "http://{addr}/redir/302?to=http://localhost:{port}/redir/302%3Fto=http://{addr}/echo"}, stdout: "GET /echo\nhost: foo.example\naccept: */*\nbody: \"\"\n"},
	{name: "-L to the same host keeps -u", args: []string{"-sL", "-u", "a:b", "http://{addr}/redir/302?to=/echo"}, stdout: "GET /echo\nhost: {addr}\nauthorization: Basic YTpi\naccept: */*\nbody: \"\"\n"},
	{name: "-L -w past --max-redirs", args: []string{"-sL", "--max-redirs", "2", "-w", "%{num_redirects} %{http_code} %{url_effective} %{redirect_url}", "http://{addr}/loop"}, code: exitTooManyRedirects, stdout: "2 302 http://{addr}/loop http://{addr}/loop"},
	{name: "-e URL;auto", args: []string{"-sL", "-e", "http://first/;auto", "http://{addr}/redir/302?to=/echo"}, stdout: "GET /echo\nhost: {addr}\nreferer: http://{addr}/redir/302?to=/echo\naccept: */*\nbody: \"\"\n"},
	{name: "-w filename_effective with --output-dir", args: []string{"-s", "--output-dir", "d", "--create-dirs", "-O", "-w", "%{filename_effective}", "http://{addr}/file"}, stdout: "d/file"},
	{name: "empty -o", args: []string{"-s", "-o", "", "http://{addr}/file"}, code: exitUsage},
	{name: "-OJ -w filename_effective", args: []string{"-s", "-OJ", "-w", "%{filename_effective}", "http://{addr}/file"}, stdout: "report.txt"},
	{name: "-u wins over user:password@", args: []string{"-s", "-u", "a:b", "http://c:d@{addr}/echo"}, stdout: "GET /echo\nhost: {addr}\nauthorization: Basic YTpi\naccept: */*\nbody: \"\"\n"},
	{name: "-L -e ;auto", args: []string{"-sL", "-e", ";auto", "http://{addr}/redir/302?to=/echo"}, stdout: "GET /echo\nhost: {addr}\nreferer: http://{addr}/redir/302?to=/echo\naccept: */*\nbody: \"\"\n"},

	// Request flags.
	{name: "-u", args: []string{"-s", "-u", "alice:s3cret", "http://{addr}/echo"}, stdout: "GET /echo\nhost: {addr}\nauthorization: Basic YWxpY2U6czNjcmV0\naccept: */*\nbody: \"\"\n"},
	{name: "user:password@ in the URL", args: []string{"-s", "http://u%40s:p%3Ass@{addr}/echo"}, stdout: "GET /echo\nhost: {addr}\nauthorization: Basic dUBzOnA6c3M=\naccept: */*\nbody: \"\"\n"},
	{name: "-G --data-urlencode", args: []string{"-sG", "--data-urlencode", "q=a b&c/é", "--data-urlencode", "=x y", "-d", "z=1", "http://{addr}/echo?p=1"},
		stdout: "GET /echo?p=1&q=a+b%26c%2F%C3%A9&x+y&z=1\nhost: {addr}\naccept: */*\nbody: \"\"\n",
		curl:   "GET /echo?p=1&q=a+b%26c%2f%c3%a9&x+y&z=1\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "--data-urlencode @file", args: []string{"-s", "--data-urlencode", "n@in.txt", "http://{addr}/echo"}, seed: map[string]string{"in.txt": "a=b\n"},
		stdout: "POST /echo\nhost: {addr}\ncontent-type: application/x-www-form-urlencoded\naccept: */*\nbody: \"n=a%3Db%0A\"\n"},
	{name: "--data-urlencode NAME=CONTENT with @ in NAME", args: []string{"-s", "--data-urlencode", "a@b=c d", "--data-urlencode", "@x=y", "http://{addr}/echo"},
		stdout: "POST /echo\nhost: {addr}\ncontent-type: application/x-www-form-urlencoded\naccept: */*\nbody: \"a@b=c+d&@x=y\"\n"},
	{name: "--json", args: []string{"-s", "--json", `{"a":1}`, "--json", "[2]", "http://{addr}/echo"}, stdout: "POST /echo\nhost: {addr}\ncontent-type: application/json\naccept: application/json\nbody: \"{\\\"a\\\":1}[2]\"\n"},
	{name: "-L -e ;auto leaves the user, password and fragment out", args: []string{"-sL", "-e", ";auto", "http://u:pw@{addr}/redir/302?to=/echo#part"}, stdout: "GET /echo\nhost: {addr}\nauthorization: Basic dTpwdw==\nreferer: http://{addr}/redir/302?to=/echo\naccept: */*\nbody: \"\"\n"},
	{name: "-w url_effective is the URL fetched", args: []string{"-s", "-o", "/dev/null", "-w", "%{url_effective}", "http://u:pw@{addr}/a/../echo#part"}, stdout: "http://{addr}/echo", curl: "http://u:pw@{addr}/echo#part"},
	{name: "-w url_effective of a request that cannot be made", args: []string{"-s", "-G", "--data-raw", "a b", "-w", "%{url_effective}", "http://u:pw@{addr}/x#f"}, code: exitMalformedURL, stdout: "http://{addr}/x", curl: "http://u:pw@{addr}/x?a b#f"},
	{name: "-G -w url_effective has the query", args: []string{"-s", "-G", "-d", "a=1", "-o", "/dev/null", "-w", "%{url_effective}", "http://{addr}/echo"}, stdout: "http://{addr}/echo?a=1"},
	{name: "-T -w url_effective has the file name", args: []string{"-s", "-T", "up.txt", "-o", "/dev/null", "-w", "%{url_effective}", "http://{addr}/up/"}, seed: map[string]string{"up.txt": "x"}, stdout: "http://{addr}/up/up.txt"},
	{name: "-L -w size_header counts every hop", args: []string{"-sL", "-o", "/dev/null", "-w", "%{size_header}", "http://{addr}/redir/302?to=/file"}, stdout: "204"},
	{name: "-e", args: []string{"-s", "-e", "http://ref/", "http://{addr}/echo"}, stdout: "GET /echo\nhost: {addr}\nreferer: http://ref/\naccept: */*\nbody: \"\"\n"},
	{name: "-T FILE to a directory URL", args: []string{"-s", "-T", "up.txt", "http://{addr}/up/"}, seed: map[string]string{"up.txt": "hi\n"}, stdout: "PUT /up/up.txt\nhost: {addr}\naccept: */*\nbody: \"hi\\n\"\n"},
	{name: "-T -", args: []string{"-s", "-T", "-", "http://{addr}/echo"}, stdin: "from stdin", stdout: "PUT /echo\nhost: {addr}\naccept: */*\nbody: \"from stdin\"\n"},
	{name: "-T FILE -C OFFSET resumes the upload", args: []string{"-s", "-T", "up.txt", "-C", "4", "http://{addr}/echo"}, seed: map[string]string{"up.txt": "0123456789"}, stdout: "PUT /echo\nhost: {addr}\ncontent-range: bytes 4-9/10\naccept: */*\nbody: \"456789\"\n"},
	{name: "-T FILE -C - sends the whole file", args: []string{"-s", "-T", "up.txt", "-C", "-", "http://{addr}/echo"}, seed: map[string]string{"up.txt": "0123456789"}, stdout: "PUT /echo\nhost: {addr}\ncontent-range: bytes 0-9/10\naccept: */*\nbody: \"0123456789\"\n"},
	{name: "-T FILE -C at its end", args: []string{"-s", "-T", "up.txt", "-C", "10", "http://{addr}/echo"}, seed: map[string]string{"up.txt": "0123456789"}, code: exitPartial},
	{name: "-r", args: []string{"-s", "-r", "10-19", "http://{addr}/range"}, stdout: "0123456789"},
	{name: "dot segments", args: []string{"-s", "http://{addr}/a/../echo/./x/.."}, stdout: "no such page\n"},
	{name: "--path-as-is", args: []string{"-s", "--path-as-is", "http://{addr}/a/../echo"}, stdout: "no such page\n"},
	{name: "-H @file", args: []string{"-s", "-H", "X-A: 0", "-H", "@hdrs", "http://{addr}/echo"}, seed: map[string]string{"hdrs": "X-A: 1\r\n\r\nCookie: c=1\r\nNoColon\nAccept:\nReferer;"},
		stdout: "GET /echo\nhost: {addr}\ncookie: c=1\nreferer: \nx-a: 1\nbody: \"\"\n"},
	{name: "-H @-", args: []string{"-s", "-H", "@-", "http://{addr}/echo"}, stdin: "X-A: 1\nCookie: c=1\n", stdout: "GET /echo\nhost: {addr}\ncookie: c=1\naccept: */*\nx-a: 1\nbody: \"\"\n"},
	{name: "-H @file in a config file", args: []string{"-s", "http://{addr}/echo"}, rc: "header = @hdrs\n", seed: map[string]string{"hdrs": "X-Rc: 1\n"}, stdout: "GET /echo\nhost: {addr}\naccept: */*\nx-rc: 1\nbody: \"\"\n"},
	{name: "-H @dir", args: []string{"-s", "-H", "@.", "http://{addr}/echo"}, code: exitReadError},
	{name: "-H without a colon", args: []string{"-s", "-H", "NoColon", "-H", "X-A: 1", "http://{addr}/echo"}, stdout: "GET /echo\nhost: {addr}\naccept: */*\nx-a: 1\nbody: \"\"\n"},

	{name: "-I", args: []string{"-sI", "http://{addr}/file"}, stdout: "HTTP/1.1 200 OK\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Disposition: attachment; filename=\"../report.txt\"\r\nContent-Length: 1000\r\n\r\n"},
	{name: "-f -w http_code", args: []string{"-sf", "-w", "%{http_code} %{exitcode}", "http://{addr}/missing"}, code: exitHTTPError, stdout: "404 22"},
	{name: "--json @file", args: []string{"-s", "--json", "@in.json", "http://{addr}/echo"}, seed: map[string]string{"in.json": "{\"a\":\n1}\n"}, stdout: "POST /echo\nhost: {addr}\ncontent-type: application/json\naccept: application/json\nbody: \"{\\\"a\\\":\\n1}\\n\"\n"},
	{name: "-H Host", args: []string{"-s", "-H", "Host: example.org", "http://{addr}/echo"}, stdout: "GET /echo\nhost: example.org\naccept: */*\nbody: \"\"\n"},
	{name: "-G -d @-", args: []string{"-sG", "-d", "@-", "http://{addr}/echo"}, stdin: "a=1\nb=2\n", stdout: "GET /echo?a=1b=2\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-r on a server without ranges", args: []string{"-s", "-r", "0-4", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "http://{addr}/file"}, stdout: "200 1000"},
	{name: "-G with a space", args: []string{"-sG", "-d", "a b", "http://{addr}/echo"}, code: exitMalformedURL},
	{name: "-d with -T -G", args: []string{"-sG", "-d", "q=1", "-T", "up.txt", "http://{addr}/up/"}, seed: map[string]string{"up.txt": "x"}, code: exitUsage},

	// Resuming.
	{name: "-C - resumes", args: []string{"-s", "-C", "-", "-o", "out", "http://{addr}/range"}, seed: map[string]string{"out": fakeContent[:400]}, files: map[string]string{"out": fakeContent}},
	{name: "-C - on a whole file", args: []string{"-s", "-C", "-", "-o", "out", "http://{addr}/range"}, seed: map[string]string{"out": fakeContent}, files: map[string]string{"out": fakeContent}},
	{name: "-C OFFSET", args: []string{"-s", "-C", "990", "http://{addr}/range"}, stdout: fakeContent[990:]},
	{name: "-C - on a 404", args: []string{"-s", "-C", "-", "-o", "out", "http://{addr}/missing"}, seed: map[string]string{"out": "0123"}, code: exitRangeError, files: map[string]string{"out": "0123"}},
	{name: "-C - on a 206 from another offset", args: []string{"-s", "-C", "-", "-o", "out", "http://{addr}/badrange"}, seed: map[string]string{"out": "0123"}, code: exitRangeError, files: map[string]string{"out": "0123"}},
	{name: "-C OFFSET on a reply as long as the offset", args: []string{"-s", "-C", "13", "-o", "out", "http://{addr}/missing"}, seed: map[string]string{"out": "whatever it was"}, files: map[string]string{"out": "whatever it was"}},
	{name: "-f -i -C OFFSET on a 404", args: []string{"-sfi", "-C", "5", "http://{addr}/missing"}, code: exitHTTPError, stdout: "HTTP/1.1 404 Not Found\r\nContent-Length: 13\r\n\r\n"},
	{name: "-f -C - on a 404", args: []string{"-sf", "-C", "-", "-o", "out", "http://{addr}/missing"}, seed: map[string]string{"out": "0123"}, code: exitHTTPError, files: map[string]string{"out": "0123"}},
	{name: "-C past the file's end appends", args: []string{"-s", "-C", "990", "-o", "out", "http://{addr}/range"}, seed: map[string]string{"out": "abc"}, files: map[string]string{"out": "abc" + fakeContent[990:]}},
	{name: "-C to a new file", args: []string{"-s", "-C", "990", "-o", "out", "http://{addr}/range"}, files: map[string]string{"out": fakeContent[990:]}},
	{name: "-C OFFSET to /dev/null", args: []string{"-s", "-C", "990", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "http://{addr}/range"}, stdout: "206 10"},
	{name: "-C - to /dev/null", args: []string{"-s", "-C", "-", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "http://{addr}/range"}, stdout: "200 1000"},
	{name: "-C - with -J", args: []string{"-s", "-O", "-J", "-C", "-", "http://{addr}/file"}, code: exitUsage},
	{name: "-C N with -J but -o", args: []string{"-s", "-J", "-C", "990", "-o", "out", "http://{addr}/range"}, seed: map[string]string{"out": fakeContent[:990]}, files: map[string]string{"out": fakeContent}},
	{name: "--remove-on-error -C without a server that resumes", args: []string{"-s", "--remove-on-error", "-C", "-", "-o", "out", "http://{addr}/file"}, seed: map[string]string{"out": "0123"}, code: exitRangeError, files: map[string]string{"out": ""}},
	{name: "-C - without a server that resumes", args: []string{"-s", "-C", "-", "-o", "out", "http://{addr}/file"}, seed: map[string]string{"out": "0123"}, code: exitRangeError, files: map[string]string{"out": "0123"}},

	// Replies.
	{name: "--compressed gzip", args: []string{"-s", "--compressed", "http://{addr}/gzip"}, stdout: fakeContent},
	{name: "--compressed deflate", args: []string{"-s", "--compressed", "http://{addr}/deflate"}, stdout: fakeContent},
	{name: "--compressed with a broken body", args: []string{"-s", "--compressed", "http://{addr}/badgzip"}, code: exitBadEncoding},
	{name: "--compressed with another coding", args: []string{"-s", "--compressed", "http://{addr}/coding?br"}, code: exitBadEncoding},
	{name: "--compressed with another coding and no body", args: []string{"-s", "--compressed", "http://{addr}/coding-empty?br"}, stdout: ""},
	{name: "without --compressed the body is as sent", args: []string{"-s", "http://{addr}/badgzip"}, stdout: "this is not gzip at all"},
	{name: "--max-filesize", args: []string{"-s", "--max-filesize", "999", "http://{addr}/file"}, code: exitFileTooLarge},
	{name: "--max-filesize large enough", args: []string{"-s", "--max-filesize", "1k", "-o", "/dev/null", "-w", "%{size_download}", "http://{addr}/file"}, stdout: "1000"},
	{name: "-f on 404", args: []string{"-sf", "http://{addr}/missing"}, code: exitHTTPError},
	{name: "-f -i on 404", args: []string{"-sfi", "http://{addr}/missing"}, code: exitHTTPError, stdout: "HTTP/1.1 404 Not Found\r\nContent-Length: 13\r\n\r\n"},

	// Output.
	{name: "-D FILE with a trailer", args: []string{"-s", "-D", "head.txt", "-o", "/dev/null", "http://{addr}/trailer"}, files: map[string]string{"head.txt": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nX-Trailer: t\r\n"}},
	{name: "-D FILE", args: []string{"-s", "-D", "head.txt", "-o", "/dev/null", "http://{addr}/missing"}, files: map[string]string{"head.txt": "HTTP/1.1 404 Not Found\r\nContent-Length: 13\r\n\r\n"}},
	{name: "--output-dir with -O", args: []string{"-s", "--output-dir", "sub", "--create-dirs", "-O", "http://{addr}/file"}, files: map[string]string{"sub/file": fakeContent}},
	{name: "-O -J", args: []string{"-s", "-OJ", "http://{addr}/file"}, files: map[string]string{"report.txt": fakeContent, "file": ""}},
	{name: "-O -J with -i", args: []string{"-s", "-O", "-J", "-i", "http://{addr}/file"}, code: exitUsage, files: map[string]string{"report.txt": "", "file": ""}},
	{name: "-O -J does not overwrite", args: []string{"-s", "-OJ", "http://{addr}/file"}, seed: map[string]string{"report.txt": "mine"}, code: exitWriteError, files: map[string]string{"report.txt": "mine", "file": ""}},
	{name: "-R", args: []string{"-sR", "-o", "out", "http://{addr}/file"}, files: map[string]string{"out": fakeContent}, mtime: "2015-10-21T07:28:00Z"},
	{name: "-R RFC 850 date", args: []string{"-sR", "-o", "out", "http://{addr}/dated?Wednesday,%2021-Oct-15%2007:28:00%20GMT"}, files: map[string]string{"out": fakeContent}, mtime: "2015-10-21T07:28:00Z"},
	{name: "-R asctime date", args: []string{"-sR", "-o", "out", "http://{addr}/dated?Wed%20Oct%2021%2007:28:00%202015"}, files: map[string]string{"out": fakeContent}, mtime: "2015-10-21T07:28:00Z"},
	{name: "-R lower-case date", args: []string{"-sR", "-o", "out", "http://{addr}/dated?wed,%2021%20oct%202015%2007:28:00%20gmt"}, files: map[string]string{"out": fakeContent}, mtime: "2015-10-21T07:28:00Z"},
	{name: "--remove-on-error", args: []string{"-s", "--fail-with-body", "--remove-on-error", "-o", "out", "http://{addr}/missing"}, code: exitHTTPError, files: map[string]string{"out": ""}},
	{name: "--fail-with-body keeps the file", args: []string{"-s", "--fail-with-body", "-o", "out", "http://{addr}/missing"}, code: exitHTTPError, files: map[string]string{"out": "no such page\n"}},
	{name: "--stderr", args: []string{"--stderr", "err.txt", "-sS", "http://{addr}/badgzip", "--compressed"}, code: exitBadEncoding, fileHas: map[string]string{"err.txt": "(61)"}},
	{name: "--no-location turns off ~/.tinygetrc's", args: []string{"-s", "--no-location", "http://{addr}/redir/302?to=/echo"}, rc: "location\n", stdout: "moved\n"},
	{name: "-K no-location turns off -L", args: []string{"-sL", "-K", "conf", "http://{addr}/redir/302?to=/echo"}, seed: map[string]string{"conf": "no-location\n"}, stdout: "moved\n"},
	{name: "--no-include", args: []string{"-si", "--no-include", "http://{addr}/missing"}, stdout: "no such page\n"},
	{name: "--no-output", args: []string{"-s", "--no-output", "http://{addr}/echo"}, code: exitUsage},
	{name: "-g", args: []string{"-sg", "http://{addr}/echo?a[1]=2"}, stdout: "GET /echo?a[1]=2\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-N", args: []string{"-sN", "http://{addr}/file"}, stdout: fakeContent},
	{name: "--limit-rate", args: []string{"-s", "--limit-rate", "4k", "-o", "/dev/null", "-w", "%{size_download}", "http://{addr}/file"}, stdout: "1000"},
	{name: "--url", args: []string{"-s", "--url", "http://{addr}/range", "-r", "0-1"}, stdout: "01"},
	{name: "--url keeps its place", args: []string{"-s", "-w", "%{urlnum}%{url} ", "http://{addr}/missing", "--url", "http://{addr}/loop"}, stdout: "no such page\n0http://{addr}/missing again\n1http://{addr}/loop "},
	{name: "--fail-early", args: []string{"-s", "--fail-early", "-f", "http://{addr}/missing", "http://{addr}/range"}, code: exitHTTPError},

	// Where to connect.
	{name: "--unix-socket", args: []string{"-s", "--unix-socket", "{unix}", "http://sock.invalid/echo"}, stdout: "GET /echo\nhost: sock.invalid\naccept: */*\nbody: \"\"\n"},
	{name: "--resolve", args: []string{"-s", "--resolve", "name.invalid:{port}:127.0.0.1", "http://name.invalid:{port}/echo"}, stdout: "GET /echo\nhost: name.invalid:{port}\naccept: */*\nbody: \"\"\n"},
	{name: "--resolve malformed", args: []string{"-s", "--resolve", "bad", "http://{addr}/echo"}, code: exitOptionSyntax},
	{name: "--connect-to malformed", args: []string{"-s", "--connect-to", "127.0.0.1:{port}:::1:{port}", "http://{addr}/echo"}, code: exitOptionSyntax},
	{name: "--resolve -HOST:PORT drops an entry", args: []string{"-s", "--resolve", "name.invalid:{port}:127.0.0.2", "--resolve", "-name.invalid:{port}", "--resolve", "name.invalid:{port}:127.0.0.1", "http://name.invalid:{port}/echo"}, stdout: "GET /echo\nhost: name.invalid:{port}\naccept: */*\nbody: \"\"\n"},
	{name: "--connect-to", args: []string{"-s", "--connect-to", "other.invalid:81:127.0.0.1:{port}", "http://other.invalid:81/echo"}, stdout: "GET /echo\nhost: other.invalid:81\naccept: */*\nbody: \"\"\n"},

	// Config files and parallel transfers.
	{name: "-K", args: []string{"-K", "conf"}, seed: map[string]string{"conf": "# a comment\nsilent\nurl = \"http://{addr}/echo\"\n--header \"X-A: from conf\"\n-d a=1\n"},
		stdout: "POST /echo\nhost: {addr}\ncontent-type: application/x-www-form-urlencoded\naccept: */*\nx-a: from conf\nbody: \"a=1\"\n"},
	{name: "-K - reads stdin", args: []string{"-K", "-", "http://{addr}/echo"}, stdin: "-s\nuser-agent \"\"\nheader: \"X-A: a \\\"quoted\\\" value\"\n",
		stdout: "GET /echo\nhost: {addr}\naccept: */*\nx-a: a \"quoted\" value\nbody: \"\"\n"},
	{name: "~/.tinygetrc with short flags grouped", args: []string{"http://{addr}/echo"}, rc: "-sSo out.txt\n-H\t\"X-Rc: 1\"\n-Lf\n", fileHas: map[string]string{"out.txt": "x-rc: 1\n"}},
	{name: "-K with a value attached to a short flag", args: []string{"-K", "conf", "http://{addr}/echo"}, seed: map[string]string{"conf": "-s\n-o/dev/null\n-w%{http_code}\n"}, stdout: "200"},
	{name: "~/.tinygetrc", args: []string{"-s", "http://{addr}/echo"}, rc: "header = \"X-Rc: 1\"\n", stdout: "GET /echo\nhost: {addr}\naccept: */*\nx-rc: 1\nbody: \"\"\n"},
	{name: "-qs skips ~/.tinygetrc", args: []string{"-qs", "http://{addr}/echo"}, rc: "header = \"X-Rc: 1\"\n", stdout: "GET /echo\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-sK in a run of short flags", args: []string{"-sK", "conf", "http://{addr}/echo"}, seed: map[string]string{"conf": "header = \"X-A: from conf\"\n"}, stdout: "GET /echo\nhost: {addr}\naccept: */*\nx-a: from conf\nbody: \"\"\n"},
	{name: "a value that starts with -K", args: []string{"-s", "--data-raw", "-Kfoo", "http://{addr}/echo"}, stdout: "POST /echo\nhost: {addr}\ncontent-type: application/x-www-form-urlencoded\naccept: */*\nbody: \"-Kfoo\"\n"},
	{name: "-q skips ~/.tinygetrc", args: []string{"-q", "-s", "http://{addr}/echo"}, rc: "header = \"X-Rc: 1\"\n", stdout: "GET /echo\nhost: {addr}\naccept: */*\nbody: \"\"\n"},
	{name: "-Z", args: []string{"-sZ", "--parallel-immediate", "http://{addr}/barrier", "http://{addr}/barrier", "http://{addr}/barrier"}, stdout: "together\ntogether\ntogether\n", together: 3},
}

// runCase runs one case with run, tinyget's or curl's, in a fresh
// directory against a fresh server, and checks the outcome.
func runCase(t *testing.T, tc flagCase, isCurl bool, run func(args []string, dir, stdin string) (int, string, string)) {
	if isCurl && tc.curl != "" {
		tc.stdout = tc.curl
	}
	dir := t.TempDir()
	var barrier sync.WaitGroup
	barrier.Add(tc.together)
	addr := serveFake(t, &barrier)
	_, port, _ := net.SplitHostPort(addr)
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	serveListener(t, ln, func(req *fakeRequest) string { return fakeReply(req, addr, nil) })
	expand := strings.NewReplacer("{addr}", addr, "{port}", port, "{dir}", dir, "{unix}", sock).Replace
	for name, content := range tc.seed {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(expand(content)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if tc.rc != "" {
		for _, name := range []string{".tinygetrc", ".curlrc"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(expand(tc.rc)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	args := make([]string, len(tc.args))
	for i, a := range tc.args {
		args[i] = expand(a)
	}
	code, stdout, stderr := run(args, dir, tc.stdin)
	if code != int(tc.code) || stdout != expand(tc.stdout) {
		t.Errorf("%q: exit %d, stdout %q; want exit %d, stdout %q; stderr %q", args, code, stdout, tc.code, expand(tc.stdout), stderr)
	}
	for name, want := range tc.files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case want == "" && err == nil:
			t.Errorf("%s exists", name)
		case want != "" && string(b) != want:
			t.Errorf("%s holds %q (%v), want %q", name, b, err, want)
		}
		if info, err := os.Stat(filepath.Join(dir, name)); err == nil && tc.mtime != "" {
			if got := info.ModTime().UTC().Format(time.RFC3339); got != tc.mtime {
				t.Errorf("%s modified at %s, want %s", name, got, tc.mtime)
			}
		}
	}
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Fatalf("%s is gone: %v", os.DevNull, err)
	}
	for name, want := range tc.fileHas {
		if b, err := os.ReadFile(filepath.Join(dir, name)); !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s holds %q (%v), want it to hold %q", name, b, err, want)
		}
	}
}

// TestFlags runs the flag cases with tinyget.
func TestFlags(t *testing.T) {
	for _, tc := range flagCases {
		t.Run(tc.name, func(t *testing.T) {
			runCase(t, tc, false, func(args []string, dir, stdin string) (int, string, string) {
				return runTinyget(t, args, dir, stdin)
			})
		})
	}
}

// TestCurlDiff runs the same cases with curl, so that where tinyget and
// curl part ways the case says which one moved.
func TestCurlDiff(t *testing.T) {
	curl := testenv.LookPath(t, "curl", "curl")
	for _, tc := range flagCases {
		t.Run(tc.name, func(t *testing.T) {
			runCase(t, tc, true, func(args []string, dir, stdin string) (int, string, string) {
				return runCurl(t, curl, args, dir, stdin)
			})
		})
	}
}

// runTinyget runs tinyget in-process in dir, which is also $HOME.
func runTinyget(t *testing.T, args []string, dir, stdin string) (int, string, string) {
	t.Setenv("HOME", dir)
	t.Chdir(dir)
	r := tinyget(stdin, args...)
	return r.code, r.stdout, r.stderr
}

// runCurl runs curl in dir, which is also $HOME.
func runCurl(t *testing.T, curl string, args []string, dir, stdin string) (int, string, string) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, curl, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "CURL_HOME="+dir)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestCurlDiffServers runs curl and tinyget with the same command lines
// against python3 -m http.server and nginx (on TCP and on a Unix domain
// socket), and compares their exit codes, stdout, and the files they
// leave.
func TestCurlDiffServers(t *testing.T) {
	curl := testenv.LookPath(t, "curl", "curl")
	python := testenv.LookPath(t, "python3", "python3")
	root := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	hello := strings.Repeat("hello, world\n", 20)
	for name, content := range map[string]string{"big.bin": string(big), "hello.txt": hello, "sub/index.html": "<p>index</p>\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	py := startPythonHTTP(t, python, root)
	ng, sock := startNginx(t, root)
	half := string(big[:len(big)/2])
	tests := []struct {
		name  string
		args  []string
		seed  map[string]string
		files []string // files to compare after the run
	}{
		{name: "python: GET", args: []string{"-s", "http://{py}/hello.txt"}},
		{name: "python: -f on 404", args: []string{"-sf", "http://{py}/missing"}},
		{name: "python: -L to the directory", args: []string{"-sL", "http://{py}/sub"}},
		{name: "python: the directory's 301", args: []string{"-s", "-w", "%{http_code} %{redirect_url}", "http://{py}/sub"}},
		{name: "python: -r on a server without ranges", args: []string{"-s", "-r", "0-9", "-o", "out", "http://{py}/big.bin"}, files: []string{"out"}},
		{name: "python: -C - on a server without ranges", args: []string{"-s", "-C", "-", "-o", "out", "http://{py}/big.bin"}, seed: map[string]string{"out": half}, files: []string{"out"}},
		{name: "python: -I", args: []string{"-sI", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "http://{py}/hello.txt"}},
		{name: "python: -R", args: []string{"-sR", "-o", "out", "http://{py}/hello.txt"}, files: []string{"out"}},
		{name: "python: -O --output-dir", args: []string{"-s", "-O", "--output-dir", "d", "--create-dirs", "http://{py}/hello.txt"}, files: []string{"d/hello.txt"}},
		{name: "nginx: -L return 301", args: []string{"-sL", "-o", "out", "-w", "%{num_redirects} %{url_effective}", "http://{ng}/old"}, files: []string{"out"}},
		{name: "nginx: -L two hops", args: []string{"-sL", "-o", "out", "-w", "%{num_redirects} %{http_code}", "http://{ng}/again"}, files: []string{"out"}},
		{name: "nginx: --max-redirs", args: []string{"-sL", "--max-redirs", "1", "http://{ng}/again"}},
		{name: "nginx: the 301 without -L", args: []string{"-s", "http://{ng}/old"}},
		{name: "nginx: -C - resumes", args: []string{"-s", "-C", "-", "-o", "out", "http://{ng}/big.bin"}, seed: map[string]string{"out": half}, files: []string{"out"}},
		{name: "nginx: -C - on a whole file", args: []string{"-s", "-C", "-", "-o", "out", "-w", "%{http_code}", "http://{ng}/big.bin"}, seed: map[string]string{"out": string(big)}, files: []string{"out"}},
		{name: "nginx: -C - on a longer file", args: []string{"-s", "-C", "-", "-o", "out", "http://{ng}/big.bin"}, seed: map[string]string{"out": string(big) + "more"}, files: []string{"out"}},
		{name: "nginx: -C OFFSET", args: []string{"-s", "-C", "1048500", "http://{ng}/big.bin"}},
		{name: "nginx: -r", args: []string{"-s", "-r", "100-199", "http://{ng}/big.bin"}},
		{name: "nginx: --compressed", args: []string{"-s", "--compressed", "-w", "%header{content-encoding} %{size_download}", "http://{ng}/hello.txt"}},
		{name: "nginx: --unix-socket", args: []string{"-s", "--unix-socket", "{sock}", "http://localhost/hello.txt"}},
		{name: "nginx: --unix-socket -L", args: []string{"-sL", "-o", "out", "--unix-socket", "{sock}", "http://localhost/old"}, files: []string{"out"}},
		{name: "nginx: -Z", args: []string{"-sZ", "--parallel-immediate", "-o", "a", "-o", "b", "http://{ng}/hello.txt", "http://{ng}/big.bin"}, files: []string{"a", "b"}},
		{name: "nginx: --limit-rate", args: []string{"-s", "--limit-rate", "8m", "-o", "out", "http://{ng}/big.bin"}, files: []string{"out"}},
		{name: "nginx: --max-filesize", args: []string{"-s", "--max-filesize", "1000", "http://{ng}/big.bin"}},
	}
	expand := strings.NewReplacer("{py}", py, "{ng}", ng, "{sock}", sock).Replace
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = expand(a)
			}
			type outcome struct {
				code   int
				stdout string
				files  map[string]string
				mtimes map[string]time.Time
			}
			runIn := func(run func(args []string, dir, stdin string) (int, string, string)) outcome {
				dir := t.TempDir()
				for name, content := range tt.seed {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				var o outcome
				o.code, o.stdout, _ = run(args, dir, "")
				o.files, o.mtimes = map[string]string{}, map[string]time.Time{}
				for _, name := range tt.files {
					b, _ := os.ReadFile(filepath.Join(dir, name))
					o.files[name] = string(b)
					if info, err := os.Stat(filepath.Join(dir, name)); err == nil {
						o.mtimes[name] = info.ModTime()
					}
				}
				return o
			}
			got := runIn(func(args []string, dir, stdin string) (int, string, string) { return runTinyget(t, args, dir, stdin) })
			want := runIn(func(args []string, dir, stdin string) (int, string, string) {
				return runCurl(t, curl, args, dir, stdin)
			})
			if got.code != want.code || got.stdout != want.stdout {
				t.Errorf("%q: tinyget exit %d, stdout %s; curl exit %d, stdout %s", args, got.code, short(got.stdout), want.code, short(want.stdout))
			}
			for _, name := range tt.files {
				if got.files[name] != want.files[name] {
					t.Errorf("%s: tinyget's holds %s, curl's %s", name, short(got.files[name]), short(want.files[name]))
				}
				if slices.Contains(args, "-sR") && !got.mtimes[name].Equal(want.mtimes[name]) {
					t.Errorf("%s: tinyget's modified at %v, curl's at %v", name, got.mtimes[name], want.mtimes[name])
				}
			}
		})
	}
}

// short quotes s, shortened if long.
func short(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%q... (%d bytes)", s[:200], len(s))
	}
	return fmt.Sprintf("%q", s)
}
