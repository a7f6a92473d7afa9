package main

import (
	"errors"
	"strings"

	"github.com/tinyhttpd/tinyhttpd/client"
)

// target is a parsed URL.
type target = client.URL

// parseTarget parses a URL as client.ParseURL does and, unless pathAsIs
// (--path-as-is), resolves the "." and ".." segments of its path, as curl
// does. Its errors are *exitError: exitUnsupportedProtocol for a scheme
// other than tiny, tinys, http and https, exitMalformedURL for the rest.
func parseTarget(s string, pathAsIs bool) (target, error) {
	t, err := client.ParseURL(s)
	var ue *client.URLError
	switch {
	case err == nil:
		if !pathAsIs {
			t.Path = client.RemoveDotSegments(t.Path)
		}
		return t, nil
	case errors.As(err, &ue) && ue.Scheme != "":
		return target{}, fail(exitUnsupportedProtocol, "Protocol %q not supported: tinyget speaks tiny://, tinys://, http:// and https://", ue.Scheme)
	case ue != nil:
		return target{}, fail(exitMalformedURL, "URL rejected: %v", ue.Err) // without the URL, which may hold a password
	}
	return target{}, fail(exitMalformedURL, "URL rejected: %v", err)
}

// remoteName returns the name -O saves to: the last segment of the URL's
// path, without the query, as it appears in the URL (not percent-decoded,
// as curl does). It is "" when there is none, or when it is "." or "..".
func remoteName(t target) string {
	p, _, _ := strings.Cut(t.Path, "?")
	name := p[strings.LastIndexByte(p, '/')+1:]
	if name == "." || name == ".." {
		return ""
	}
	return name
}
