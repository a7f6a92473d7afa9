// Command tinyget fetches one URL over the half-close exchange, or over plain
// HTTP, with curl's flags and exit codes. Run "tinyget --help" for the URL
// forms and flags.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
