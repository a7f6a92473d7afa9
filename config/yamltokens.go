package config

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// yamlTokens counts the tokens of the YAML stream data as
// go.yaml.in/yaml/v3's scanner splits it, weighted as MaxRoutesTokens
// describes, and returns the count and the offset in data of the token
// that takes it over limit, or -1 if it stays within it; past the limit
// it stops counting. The count starts at 2, for the first document and its
// node, and a document marker adds 2 more.
//
// The count bounds the number of nodes yaml builds, which for a file of
// many small nodes take many times its size in memory, before yaml builds
// them. It may count more than yaml's tokens but never fewer. Whether a
// line continues a plain scalar, and which lines a block scalar holds,
// depend on the indentation of the innermost block collection, which it
// keeps as yaml's scanner does.
func yamlTokens(data []byte, limit int) (n, over int) {
	if u, ok := utf16Text(data); ok {
		// yaml reads a stream that starts with a UTF-16 byte order mark
		// as UTF-16; count what it reads. An offset in u is not one in
		// data, so the token over the limit is placed at the start.
		n, over := yamlTokens(u, limit)
		return n, min(over, 0)
	}
	s := &tokenScan{data: data, limit: limit, over: -1}
	s.count(0, 2)
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		s.i = 3
	}
	for s.i < len(s.data) && s.over < 0 {
		s.line()
	}
	return s.n, s.over
}

// utf16Text returns data, which starts with a UTF-16 byte order mark,
// decoded to UTF-8; ok is false if it does not start with one.
func utf16Text(data []byte) (text []byte, ok bool) {
	var big bool
	switch {
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		big = true
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
	default:
		return nil, false
	}
	units := make([]uint16, (len(data)-2)/2)
	for i := range units {
		a, b := uint16(data[2+2*i]), uint16(data[3+2*i])
		if big {
			units[i] = a<<8 | b
		} else {
			units[i] = b<<8 | a
		}
	}
	var out []byte
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, true
}

// tokenScan is the state of yamlTokens.
type tokenScan struct {
	data  []byte
	i     int // the next byte
	col   int // the column of i in characters, from 0
	n     int // the weighted count so far
	limit int
	over  int // where n went over limit, or -1
	flow  int // the depth of flow collections

	// indents holds the columns of the block collections the scan is in,
	// the innermost last, as yaml's scanner keeps them.
	indents []int

	// The line being read, in block context.
	indent    int // the column of its first token
	nodeStart int // the column of the first token of the node being read on it, or -1

	// afterPlain is set by a plain scalar that ended at a line break in
	// block context, which the following lines continue if they are
	// indented beyond the innermost block collection.
	afterPlain bool
}

// count adds weight to the count for the token at byte at.
func (s *tokenScan) count(at, weight int) {
	s.n += weight
	if s.n > s.limit && s.over < 0 {
		s.over = at
	}
}

// startsNode notes a token that can start a node at column col.
func (s *tokenScan) startsNode(col int) {
	if s.nodeStart < 0 {
		s.nodeStart = col
	}
}

// blockIndent returns the column of the innermost block collection, or -1
// outside any.
func (s *tokenScan) blockIndent() int {
	if len(s.indents) == 0 {
		return -1
	}
	return s.indents[len(s.indents)-1]
}

// unroll leaves the block collections indented beyond col, as yaml's
// scanner does before each token in block context.
func (s *tokenScan) unroll(col int) {
	for s.blockIndent() > col {
		s.indents = s.indents[:len(s.indents)-1]
	}
}

// roll enters a block collection at column col, unless the innermost one
// is there or beyond.
func (s *tokenScan) roll(col int) {
	if s.blockIndent() < col {
		s.indents = append(s.indents, col)
	}
}

// breakLen returns the length of the line break at i, or 0 if there is
// none.
func (s *tokenScan) breakLen(i int) int { return lineBreakLen(s.data, i) }

func (s *tokenScan) blank(i int) bool {
	return i < len(s.data) && (s.data[i] == ' ' || s.data[i] == '\t')
}

// blankz reports whether i is a blank, a line break or the end of data.
func (s *tokenScan) blankz(i int) bool {
	return i >= len(s.data) || s.blank(i) || s.breakLen(i) > 0 || s.data[i] == 0
}

// advance moves past n bytes that are not line breaks.
func (s *tokenScan) advance(n int) {
	for range n {
		s.step()
	}
}

// step moves past the byte at i, which is not a line break.
func (s *tokenScan) step() {
	b := s.data[s.i]
	if b&0xC0 != 0x80 {
		s.col++
	}
	s.i++
}

// newline moves past the line break at i.
func (s *tokenScan) newline() {
	s.i += s.breakLen(s.i)
	s.col, s.nodeStart = 0, -1
}

func (s *tokenScan) skipBlanks() {
	for s.blank(s.i) {
		s.advance(1)
	}
}

// byteSet is a set of bytes.
type byteSet [256]bool

func newByteSet(chars string) *byteSet {
	var set byteSet
	for i := range len(chars) {
		set[chars[i]] = true
	}
	return &set
}

var (
	// breakStart holds the first bytes of line breaks.
	breakStart = newByteSet("\r\n\xC2\xE2")
	// quotedStop holds the bytes a quoted scalar's scan stops at.
	quotedStop = newByteSet("\r\n\xC2\xE2\"'\\")
)

// skipUntil moves to the next byte in stop, or to the end.
func (s *tokenScan) skipUntil(stop *byteSet) {
	for s.i < len(s.data) && !stop[s.data[s.i]] {
		s.step()
	}
}

// skipLine moves to the start of the next line.
func (s *tokenScan) skipLine() {
	for s.i < len(s.data) {
		if s.skipUntil(breakStart); s.breakLen(s.i) > 0 {
			s.newline()
			return
		}
		if s.i < len(s.data) {
			s.advance(1)
		}
	}
}

// docMarker reports whether a document marker, "---" or "...", is at i.
func (s *tokenScan) docMarker() bool {
	d := s.data[s.i:]
	return s.col == 0 && (bytes.HasPrefix(d, []byte("---")) || bytes.HasPrefix(d, []byte("..."))) && s.blankz(s.i+3)
}

// line reads a line from its start.
func (s *tokenScan) line() {
	s.col = 0
	s.skipBlanks()
	if s.i >= len(s.data) {
		return
	}
	if s.breakLen(s.i) > 0 {
		s.newline() // a blank line continues a plain scalar, if any
		return
	}
	s.indent, s.nodeStart = s.col, -1
	if s.data[s.i] == '#' {
		s.afterPlain = false // a comment line ends a plain scalar
		s.count(s.i, 1)
		s.skipLine()
		return
	}
	if s.afterPlain && s.flow == 0 {
		s.afterPlain = false
		// The plain scalar goes on, up to a ": " or a comment.
		if s.indent > s.blockIndent() && !s.docMarker() && s.plain() {
			return
		}
	}
	s.tokens()
}

// tokens reads the tokens on a line, from its first, to the start of the
// next line.
func (s *tokenScan) tokens() {
	for s.i < len(s.data) && s.over < 0 {
		s.skipBlanks()
		if s.i >= len(s.data) {
			return
		}
		if s.breakLen(s.i) > 0 {
			s.newline()
			return
		}
		at, col, c := s.i, s.col, s.data[s.i]
		if s.flow == 0 && c != '#' {
			s.unroll(col)
		}
		switch {
		case c == 0:
			// yaml stops at a NUL, which it does not allow.
			s.i = len(s.data)
		case c == '#':
			s.count(at, 1)
			s.afterPlain = false
			s.skipLine()
			return
		case c == '"' || c == '\'':
			s.count(at, 1)
			s.startsNode(col)
			s.quoted(c)
		case (c == '|' || c == '>') && s.flow == 0:
			s.count(at, 1)
			s.blockScalar()
			return
		case c == '[' || c == '{':
			s.count(at, 1)
			s.startsNode(col)
			s.flow++
			s.advance(1)
		case c == ']' || c == '}' || c == ',':
			s.count(at, 1)
			if c != ',' && s.flow > 0 {
				s.flow--
			}
			s.advance(1)
		case (c == '-' || c == '.') && s.docMarker():
			s.count(at, 2)
			s.indents = s.indents[:0]
			s.advance(3)
		case c == '-' && s.blankz(s.i+1), c == '?' && (s.flow > 0 || s.blankz(s.i+1)):
			s.count(at, indicatorWeight(c))
			if s.flow == 0 {
				s.roll(col)
				s.nodeStart = -1
			}
			s.advance(1)
		case c == ':' && (s.flow > 0 || s.blankz(s.i+1)):
			s.count(at, indicatorWeight(c))
			if s.flow == 0 {
				// The key starts the collection, or the ":" if there
				// is none on its line.
				if s.nodeStart >= 0 {
					col = s.nodeStart
				}
				s.roll(col)
				s.nodeStart = -1
			}
			s.advance(1)
		case c == '%' && col == 0 && s.flow == 0:
			s.count(at, 1) // a directive, which ends its line
			s.indents = s.indents[:0]
			s.skipLine()
			return
		case c == '*' || c == '&':
			s.count(at, 1)
			s.startsNode(col)
			s.advance(1)
			for s.i < len(s.data) && isAnchorChar(s.data[s.i]) {
				s.advance(1)
			}
		case c == '!':
			s.count(at, 1)
			s.startsNode(col)
			s.tag()
		default:
			s.count(at, 1)
			s.startsNode(col)
			if s.plain() {
				return
			}
		}
	}
}

// indicatorWeight returns the weight of the indicator c in the count:
// with "-", ":" and "?" it counts the empty nodes each may stand for, an
// entry, a value, and a key and its value.
func indicatorWeight(c byte) int {
	switch c {
	case '-', ':':
		return 2
	case '?':
		return 3
	}
	return 1
}

// isAnchorChar reports whether yaml takes c as part of an anchor or alias
// name.
func isAnchorChar(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-'
}

// tag moves past a tag. A verbatim tag ends at its ">"; any other at a
// blank, where yaml fails on any other character that ends its tag.
func (s *tokenScan) tag() {
	s.advance(1)
	if s.i < len(s.data) && s.data[s.i] == '<' {
		for s.i < len(s.data) && s.data[s.i] != '>' && !s.blankz(s.i) {
			s.advance(1)
		}
		if s.i < len(s.data) && s.data[s.i] == '>' {
			s.advance(1)
		}
		return
	}
	for !s.blankz(s.i) {
		s.advance(1)
	}
}

// quoted moves past the quoted scalar that starts with the quote q at i,
// which may take several lines.
func (s *tokenScan) quoted(q byte) {
	s.advance(1)
	for s.i < len(s.data) {
		if s.skipUntil(quotedStop); s.i >= len(s.data) {
			return
		}
		c := s.data[s.i]
		switch {
		case s.breakLen(s.i) > 0:
			s.newline()
			continue
		case q == '"' && c == '\\':
			s.advance(1)
			if s.i < len(s.data) && s.breakLen(s.i) == 0 {
				s.advance(1)
			}
			continue
		case c == q && q == '\'' && s.i+1 < len(s.data) && s.data[s.i+1] == '\'':
			s.advance(2)
			continue
		case c == q:
			s.advance(1)
			return
		}
		s.advance(1)
	}
}

// plain moves past a plain scalar, or the rest of one; it reports whether
// the scalar ended the line, in block context, where the next line may
// continue it.
func (s *tokenScan) plain() bool {
	for {
		for !s.blankz(s.i) {
			c := s.data[s.i]
			if c == ':' && s.blankz(s.i+1) || s.flow > 0 && bytes.IndexByte([]byte(",?[]{}"), c) >= 0 {
				return false
			}
			s.advance(1)
		}
		lines := false
		for s.blank(s.i) || s.breakLen(s.i) > 0 {
			if s.blank(s.i) {
				s.advance(1)
				continue
			}
			if s.flow == 0 {
				s.afterPlain = true
				s.newline()
				return true
			}
			s.newline()
			lines = true
		}
		switch {
		case s.i >= len(s.data):
			return true
		case s.data[s.i] == 0 || s.data[s.i] == '#' || lines && s.docMarker():
			return false
		}
	}
}

// blockScalar moves past a literal or folded block scalar, whose
// indicator is at i, to the start of the line after it. Its content is
// the lines indented as the first that is not empty, which must be beyond
// the innermost block collection, or as its indicator of indentation
// says.
func (s *tokenScan) blockScalar() {
	n := s.blockIndent()
	s.afterPlain = false
	s.advance(1)
	explicit := 0
	for range 2 {
		if s.i >= len(s.data) {
			break
		}
		c := s.data[s.i]
		if '1' <= c && c <= '9' {
			explicit = int(c - '0')
		} else if c != '+' && c != '-' {
			break
		}
		s.advance(1)
	}
	s.skipBlanks()
	if s.i < len(s.data) && s.data[s.i] == '#' {
		s.count(s.i, 1)
	}
	s.skipLine()
	spaces := func() (sp int, empty bool) {
		for s.i+sp < len(s.data) && s.data[s.i+sp] == ' ' {
			sp++
		}
		return sp, s.i+sp >= len(s.data) || s.breakLen(s.i+sp) > 0
	}
	indent := 0
	for s.i < len(s.data) {
		sp, empty := spaces()
		indent = max(indent, sp)
		if empty {
			s.skipLine()
			continue
		}
		if explicit > 0 {
			indent = max(n, 0) + explicit
		}
		if indent = max(indent, n+1, 1); sp < indent {
			return
		}
		break
	}
	for s.i < len(s.data) {
		if sp, empty := spaces(); !empty && sp < indent {
			return
		}
		s.skipLine()
	}
}
