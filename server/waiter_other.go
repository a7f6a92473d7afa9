//go:build !unix

package server

// waitAndRun runs an exchange whose request is incomplete. Where
// connections cannot be read without waiting, none is ever parked: its
// goroutine's reads wait for the rest.
func (ex *exchange) waitAndRun() {
	clearLabels()
	ex.run()
}
