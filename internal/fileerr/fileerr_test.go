package fileerr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCause(t *testing.T) {
	_, err := os.ReadFile(filepath.Join(t.TempDir(), "missing"))
	if got := Cause(err); !errors.Is(got, fs.ErrNotExist) || errors.As(got, new(*fs.PathError)) {
		t.Errorf("Cause(%v) = %v; want the errno alone", err, got)
	}
	if got := Cause(fmt.Errorf("reading: %w", err)); errors.As(got, new(*fs.PathError)) {
		t.Errorf("Cause of a wrapped PathError kept the PathError: %v", got)
	}
	other := errors.New("not a path error")
	if got := Cause(other); got != other {
		t.Errorf("Cause(%v) = %v; want it unchanged", other, got)
	}
}
