package proxyprotocol

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/pires/go-proxyproto"
)

// FuzzHeader feeds arbitrary bytes to the PROXY header parser a trusted
// proxy's connection goes through, and to validate: whatever a peer sends
// must end in a header or an error, never a panic, which would end the
// server.
func FuzzHeader(f *testing.F) {
	for _, seed := range []string{
		"PROXY TCP4 192.0.2.1 192.0.2.2 40000 80\r\nGET / HTTP/1.0\r\n\r\n",
		"PROXY TCP6 2001:db8::1 2001:db8::2 40000 80\r\n",
		"PROXY UNKNOWN\r\n",
		"PROXY TCP4\r\n",
		"\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c\xc0\x00\x02\x01\xc0\x00\x02\x02\x9c\x40\x00\x50",
		"\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00",
		"\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x00",
		"\r\n\r\n\x00\r\nQUIT\n\x21\x21\x00\x24" + string(make([]byte, 36)),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := proxyproto.Read(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		if validate(h) == nil && h.SourceAddr != nil {
			_ = h.SourceAddr.String() // the remote address of the exchange's record
		}
	})
}
