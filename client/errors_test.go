package client

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestKindOf(t *testing.T) {
	wrapped := fmt.Errorf("fetching: %w", &Error{Kind: Truncated, Op: "read body", Err: io.ErrUnexpectedEOF})
	tests := []struct {
		err  error
		want Kind
	}{
		{nil, Unknown},
		{errors.New("other"), Unknown},
		{&Error{Kind: Reset, Op: "read body", Err: io.ErrClosedPipe}, Reset},
		{wrapped, Truncated},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) {
		t.Error("Error does not unwrap")
	}
}

func TestErrorString(t *testing.T) {
	err := &Error{Kind: Empty, Op: "read header", Err: errEmpty}
	const want = "client: read header: server closed the connection without replying"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
}

func TestKindString(t *testing.T) {
	for k := Unknown; k <= HeaderTooLarge; k++ {
		if k.String() == "" || (k != Unknown && k.String() == "unknown") {
			t.Errorf("Kind(%d) has no name", k)
		}
	}
	if Kind(-1).String() != "unknown" || (HeaderTooLarge+1).String() != "unknown" {
		t.Error("out-of-range kinds are not unknown")
	}
}
