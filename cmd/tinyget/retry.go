package main

import (
	"errors"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxBackoff caps the doubling wait between retries, as curl's does.
const maxBackoff = 10 * time.Minute

// retryWait decides, as curl does, whether a transfer whose attempt ended
// with err is tried again, and after how long; backoff is the wait before
// any Retry-After is considered. When it retries, it prints the attempt's
// error and then curl's warning, as curl does.
//
// Retried are timeouts and unresolved names; refused connections with
// --retry-connrefused; replies 408, 429, 500, 502, 503 and 504, whether
// or not -f turned them into errors; and any failure with
// --retry-all-errors. --retry-max-time stops retries once that long has
// passed since the first attempt.
func (r *runner) retryWait(ti *transferInfo, err error, first time.Time, backoff time.Duration) (time.Duration, bool) {
	left := r.o.retry - ti.retries
	if left <= 0 || (r.o.retryMaxTime > 0 && time.Since(first) >= r.o.retryMaxTime) {
		return 0, false
	}
	code := codeOf(err)
	var why string
	switch {
	case code == exitTimeout || code == exitResolve:
		why = ": timeout"
	case code == exitConnect && r.o.retryRefused && errors.Is(err, syscall.ECONNREFUSED):
		why = ": connection refused"
	case (code == exitOK || code == exitHTTPError) && transientStatus(ti.status()):
		why = ": HTTP error"
	case code != exitOK && r.o.retryAll:
		why = "(retrying all errors)"
	default:
		return 0, false
	}
	wait := backoff
	if why == ": HTTP error" {
		if after, ok := retryAfter(ti.header("Retry-After").s, time.Now()); ok && after > 0 {
			wait = after // as in curl, even when --retry-delay is longer
			if r.o.retryMaxTime > 0 && time.Since(first)+wait > r.o.retryMaxTime {
				r.warn("The Retry-After: time would make this command line exceed the maximum allowed time for retries.")
				return 0, false
			}
		}
	}
	if err != nil {
		r.reportError(err)
	}
	secs := strconv.FormatInt(int64(wait/time.Second), 10) // whole seconds, as curl prints
	if wait < time.Second {
		secs = strconv.FormatFloat(wait.Round(time.Millisecond).Seconds(), 'f', -1, 64)
	}
	r.warn("Problem %s. Will retry in %s second%s. %d retr%s left.", why, secs, plural(secs != "1", "s", ""), left, plural(left > 1, "ies", "y"))
	return wait, true
}

// plural returns many or one.
func plural(isMany bool, many, one string) string {
	if isMany {
		return many
	}
	return one
}

// transientStatus reports whether a reply status is one that curl's
// --retry retries.
func transientStatus(code int) bool {
	switch code {
	case 408, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// retryAfter parses a Retry-After value, seconds or an HTTP date, into a
// wait from now.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return time.Duration(min(n, 1<<32)) * time.Second, true
	}
	if t, ok := parseDate(v); ok {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
