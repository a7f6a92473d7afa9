package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// httpError is an error with the status it is answered with.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, msg string) error { return &httpError{status: status, msg: msg} }

// errorBody is the one shape of every error the admin API returns.
type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns a handlerFunc into an http.HandlerFunc that renders any
// error as JSON with its status: 500 unless it is an httpError.
func handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeError(w, err)
		}
	}
}

func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var he *httpError
	if errors.As(err, &he) {
		status = he.status
	}
	writeJSON(w, status, errorBody{Error: err.Error(), Status: status})
}

// writeJSON writes v as the JSON body. An error writing it means the client
// went away, and there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONHeader(w, status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// writeJSONList writes head, which must encode as a JSON object without a
// member named key, with key added as its last member: an array of the n
// values item returns, or, if named, an object of the n members item
// returns, names and values; indented as writeJSON indents. Each entry is
// encoded as it is written, so the memory this takes is one entry's,
// however many there are, where writeJSON holds the whole body. item's
// values must encode: one that does not ends the reply short, with the
// connection, so that the client sees it failed.
func writeJSONList(w http.ResponseWriter, status int, head any, key string, named bool, n int, item func(i int) (string, any)) {
	h, err := json.MarshalIndent(head, "", "  ")
	if err != nil || len(h) < 2 || h[0] != '{' {
		writeError(w, fmt.Errorf("encoding the head of %s: %v", key, err))
		return
	}
	open, end := " [", "  ]\n}\n"
	if named {
		open, end = " {", "  }\n}\n"
	}
	if h = bytes.TrimSuffix(h, []byte("\n}")); len(h) > 2 { // not {}: members precede
		h = append(h, ',')
	} else {
		h = h[:1]
	}
	k, _ := json.Marshal(key)
	writeJSONHeader(w, status)
	if !write(w, h, []byte("\n  "), k, []byte(":"+open)) {
		return
	}
	sep := []byte("\n    ")
	for i := range n {
		name, v := item(i)
		b, err := json.MarshalIndent(v, "    ", "  ")
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		var nb []byte
		if named {
			nb, _ = json.Marshal(name)
			nb = append(nb, ": "...)
		}
		if !write(w, sep, nb, b) {
			return
		}
		sep = []byte(",\n    ")
	}
	write(w, []byte("\n"+end))
}

// writeJSONHeader sends the header of a JSON reply with status.
func writeJSONHeader(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
}

// write writes each of parts to w, and reports whether all were written:
// an error means the client went away.
func write(w io.Writer, parts ...[]byte) bool {
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return false
		}
	}
	return true
}
