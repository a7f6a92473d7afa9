package admin

import (
	"encoding/json"
	"errors"
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
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// writeJSONList writes a JSON object of fields and, under key, the n items
// item returns, encoding each as it is written: the memory it takes is one
// item's, however many there are, where writeJSON holds the whole body.
// fields must not be empty, and item's values must encode without error.
func writeJSONList(w http.ResponseWriter, status int, fields map[string]any, key string, n int, item func(i int) any) {
	head, err := json.Marshal(fields)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	k, _ := json.Marshal(key)
	// head ends in "}": the list goes in as its last member.
	if !write(w, head[:len(head)-1], []byte(","), k, []byte(":[\n")) {
		return
	}
	for i := range n {
		b, _ := json.Marshal(item(i))
		sep := []byte(",\n")
		if i == n-1 {
			sep = sep[1:]
		}
		if !write(w, b, sep) {
			return
		}
	}
	write(w, []byte("]}\n"))
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
