// Package version holds the release of tinyhttpd and its tools.
package version

// Release is the release of tinyhttpd, tinyget and tinyload, sent in the
// Server and User-Agent headers and printed by -version.
const Release = "0.1.0"
