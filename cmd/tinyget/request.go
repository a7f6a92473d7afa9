package main

import (
	"strconv"
	"strings"

	tinyhttpd "github.com/tinyhttpd/tinyhttpd"
	"github.com/tinyhttpd/tinyhttpd/client"
)

// userAgent is the User-Agent header's default value.
const userAgent = "tinyget/" + tinyhttpd.Version

// field is a request header, marked when it is one of tinyget's defaults,
// which -H replaces or removes.
type field struct {
	client.Header
	builtin bool
}

// buildRequest builds the request from the options, the target and the -d
// body. Its errors are *exitError with exitUsage.
func buildRequest(o *options, t target, body []byte) (*client.Request, error) {
	hasData := len(o.data) > 0
	method := "GET"
	switch {
	case o.method != "":
		method = o.method
	case o.head:
		method = "HEAD"
	case hasData:
		method = "POST"
	}
	fields := []field{
		{client.Header{Name: "Host", Value: t.hostHeader()}, true},
		{client.Header{Name: "User-Agent", Value: userAgent}, true},
		{client.Header{Name: "Accept", Value: "*/*"}, true},
	}
	if hasData {
		fields = append(fields,
			field{client.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}, true},
			field{client.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))}, true})
	}
	if !t.halfClose() {
		fields = append(fields, field{client.Header{Name: "Connection", Value: "close"}, true})
	}
	for _, h := range o.headers {
		var err error
		if fields, err = applyHeader(fields, h); err != nil {
			return nil, err
		}
	}
	header := make([]client.Header, len(fields))
	for i, f := range fields {
		header[i] = f.Header
	}
	return &client.Request{
		Method:      method,
		Target:      t.path,
		Header:      header,
		Body:        body,
		NoHalfClose: !t.halfClose(),
	}, nil
}

// applyHeader applies one -H value to fields, as curl does: "Name: value"
// replaces the default header of that name or is added, "Name:" removes the
// default, and "Name;" sends the header with an empty value.
func applyHeader(fields []field, h string) ([]field, error) {
	name, value, colon := strings.Cut(h, ":")
	if !colon {
		var semicolon bool
		name, value, semicolon = strings.Cut(h, ";")
		if !semicolon || strings.TrimSpace(value) != "" {
			return nil, fail(exitUsage, "header %q has no colon", h)
		}
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if name == "" || strings.ContainsAny(name, " \t\r\n") || strings.ContainsAny(value, "\r\n\x00") {
		return nil, fail(exitUsage, "bad header %q", h)
	}
	i := indexBuiltin(fields, name)
	switch {
	case colon && value == "" && i >= 0:
		return append(fields[:i], fields[i+1:]...), nil
	case colon && value == "":
		return fields, nil
	case i >= 0:
		fields[i] = field{Header: client.Header{Name: name, Value: value}}
		return fields, nil
	}
	return append(fields, field{Header: client.Header{Name: name, Value: value}}), nil
}

// indexBuiltin returns the index of the default header called name, or -1.
func indexBuiltin(fields []field, name string) int {
	for i, f := range fields {
		if f.builtin && strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}
