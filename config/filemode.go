package config

import (
	"fmt"
	"io/fs"
	"strconv"
)

// FileMode is a file's permission bits, written in octal (0660).
type FileMode fs.FileMode

// UnmarshalText parses an octal mode from 0 to 0777.
func (m *FileMode) UnmarshalText(b []byte) error {
	n, err := strconv.ParseUint(string(b), 8, 32)
	if err != nil || n > 0o777 {
		return &fileModeError{"want permissions in octal from 0 to 0777, such as 0660"}
	}
	*m = FileMode(n)
	return nil
}

// String returns the mode in octal with a leading 0, as it is written.
func (m FileMode) String() string { return fmt.Sprintf("%#o", uint32(m)) }

type fileModeError struct{ reason string }

func (e *fileModeError) Error() string { return e.reason }
