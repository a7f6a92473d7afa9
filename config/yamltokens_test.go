package config

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"go.yaml.in/yaml/v3"
)

// yamlNodes returns the number of nodes yaml builds for the documents of
// data it reads before an error, if any.
func yamlNodes(data []byte) int {
	var count func(*yaml.Node) int
	count = func(n *yaml.Node) int {
		c := 1
		for _, k := range n.Content {
			c += count(k)
		}
		return c
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	total := 0
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return total
		}
		total += count(&doc)
	}
}

// checkTokensCoverNodes fails t if yamlTokens counts fewer than the nodes
// yaml builds for data.
func checkTokensCoverNodes(t *testing.T, data []byte) {
	t.Helper()
	if n, nodes := must(yamlTokens(data, MaxRoutesTokens)), yamlNodes(data); n < nodes {
		t.Errorf("yamlTokens(%q) = %d, fewer than the %d nodes yaml builds", data, n, nodes)
	}
}

func must(n, _ int) int { return n }

// trickyYAML are streams where a count that followed yaml less closely
// would skip nodes: quotes and block scalars that are, or are not, what
// they look like.
var trickyYAML = []string{
	// A plain scalar continued by lines that start with a quote or a tag.
	"k: v\n  \"\nb: [a,a,a,a,a,a]\nw: v\n  \"\n",
	"k: v\n  !x \"q\nz: [a,a,a,a]\nw: v\n  !x \"\n",
	"a: x\n\n  \"q\nb: [a,a,a,a]\nc: x\n  \"\n",
	"é: x\n  \"\nb: [a,a,a,a]\nc: x\n  \"\n",
	"key:\n  value\n  \"more\nb: [a,a,a,a]\nc: x\n  \"\n",
	"- &a#\n  \"x\n- [a,a,a,a]\n- \"\n",
	"- a\n  'b\n- [a,a,a,a]\n- x\n  '\n",
	// Block scalars whose content is not indented enough to be theirs.
	"- - |\n  - [a,a,a,a]\n",
	"x: |\ny: [a,a,a,a]\n",
	"key: |9\n  [a,a,a,a]\n",
	"? |\n  x\n: [a,a,a,a]\n",
	"a: >-\n\n   \n  x\n  [a,a]\nb: [a,a,a,a]\n",
	"--- |\nfoo\n--- [a,a,a,a]\n",
	"- !!str |\n   x\n  - [a,a,a,a]\n",
	"- !!str |\n  \"x\n- [a,a,a,a,a,a]\n",
	// Plain scalars on their own line, whose continuation depends on the
	// indentation of collections started on earlier lines.
	"a:\n  b:\n    x\n  c: [a,a,a,a]\n",
	"- a: \"x\n   y\" \n  b:\n    z\n  c: [a,a,a,a]\n",
	"? a\n: - b\n  - c\n    d\n  - [a,a,a,a]\n",
	// Quotes inside tags, plain scalars and other quotes.
	"[!a,'x, [a,a,a], 'y']\n",
	"{a:\"x, \", b: [a,a,a,a], c: \",z\"}\n",
	"[a\n\"b, c]\n",
	"a: \"x\\\"y, [a,a]\"\nb: [a,a,a,a]\n",
	"a: 'it''s [a,a,a]'\nb: [a,a,a,a]\n",
	"- \"a\n  b\" \n- [a,a,a,a]\n",
	"a: !<tag:x,y> [a,a,a,a]\n",
	"a: b\"c, 'd\nx: [a,a,a,a]\ny: '\n",
	// Line breaks other than LF.
	"# c\u2028[a,a,a,a]\n",
	"a: b # c\u0085- [a,a,a]\n",
	"a: b\r\n  \"c\r\nd: [a,a,a,a]\r\ne: f\r\n  \"\r\n",
	// Empty nodes.
	"- \n-\n- - -\n",
	"? \n: \n?\n",
	"{a, b, c}\n",
	"[a: b, c: d, : e]\n",
	"---\n---\n...\n---\n",
	"%YAML 1.2\n---\n[a,a,a,a]\n",
	"a: &x [a,a]\nb: *x\nc: [*x, *x, *x]\n",
}

func TestYAMLTokensCoverNodes(t *testing.T) {
	for _, src := range trickyYAML {
		checkTokensCoverNodes(t, []byte(src))
	}
	// yaml reads a stream with a UTF-16 byte order mark as UTF-16.
	units := utf16.Encode([]rune("\uFEFF[a, b, c, d]\n"))
	le := make([]byte, 0, 2*len(units))
	for _, u := range units {
		le = append(le, byte(u), byte(u>>8))
	}
	checkTokensCoverNodes(t, le)
	if n, _ := yamlTokens(le, MaxRoutesTokens); n != 2+9 {
		t.Errorf("UTF-16 stream: %d tokens, want %d", n, 2+9)
	}
}

func TestYAMLTokensWeights(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{"", 2},
		{"# a comment\n", 3},
		{"[a, b]\n", 2 + 5},
		{"{a: b}\n", 2 + 6},
		{"- a\n- b\n", 2 + 6},
		{"? a\n", 2 + 4},
		{"a: &x !!str 'b'\n", 2 + 6},
		{"body: |\n  [a, b, c] - a: b\n  # not a comment\nx: \"[a, b]\"\n", 2 + 4 + 4},
		{"---\nroutes: []\n", 2 + 2 + 5},
		// A route with a path, three methods, a status, a delay, a body
		// and three headers: 47, as MaxRoutesTokens says.
		{"- path: /r\n  methods: [GET, HEAD, POST]\n  status: 201\n  delay: 1ms\n  body: hello\n  headers: {X-A: a, X-B: b, X-C: c}\n", 2 + 47},
	} {
		if n, over := yamlTokens([]byte(c.src), MaxRoutesTokens); n != c.want || over != -1 {
			t.Errorf("yamlTokens(%q) = %d, %d; want %d, -1", c.src, n, over, c.want)
		}
	}
	if _, over := yamlTokens([]byte("[a, b]\n"), 2+4); over != 5 {
		t.Errorf("over the limit at %d, want 5", over)
	}
}

func TestParseRoutesTooManyTokens(t *testing.T) {
	for name, src := range pathologicalRoutes() {
		t.Run(name, func(t *testing.T) {
			_, err := parseTest(t, src)
			var re *RoutesError
			if !errors.As(err, &re) || len(re.Problems) != 1 || !strings.HasSuffix(err.Error(), ": too many YAML tokens: more than 480000 in a routes file") {
				t.Fatalf("err = %.200v, want one problem: too many YAML tokens", err)
			}
		})
	}
	// The problem is at the token that goes over the limit: here the
	// document counts 2, "routes", ":" and "[" 4, and each "a," 2.
	_, err := parseTest(t, "routes: ["+strings.Repeat("a,", MaxRoutesTokens/2)+"a]\n")
	checkProblems(t, err, []string{"1:480004: too many YAML tokens: more than 480000 in a routes file"})
}

func TestParseRoutesLargest(t *testing.T) {
	rt, err := parseTest(t, largestRoutes())
	if err != nil {
		t.Fatal(err)
	}
	if len(rt.Routes) != MaxRoutes || len(rt.Routes[MaxRoutes-1].Headers) != 3 {
		t.Errorf("%d routes, the last with %d headers; want %d with 3", len(rt.Routes), len(rt.Routes[MaxRoutes-1].Headers), MaxRoutes)
	}

	// A body in a block scalar is one token, however many its text would
	// be outside it.
	text := strings.Repeat("[a, b, c] - a: b, {c: d} ? e # f\n", MaxRoutesTokens/10)
	if _, over := yamlTokens([]byte(text), MaxRoutesTokens); over < 0 {
		t.Fatal("the body's text is within MaxRoutesTokens outside a block scalar")
	}
	indented := "      " + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n      ") + "\n"
	rt, err = parseTest(t, "routes:\n  - path: /big\n    body: |\n"+indented)
	if err != nil {
		t.Fatal(err)
	}
	if rt.Routes[0].Body != text {
		t.Errorf("body of %d bytes, want %d", len(rt.Routes[0].Body), len(text))
	}
}

func TestYAMLTokensReadsThrough(t *testing.T) {
	// yaml stops at a NUL; counting stops there too.
	if n, _ := yamlTokens([]byte("[a]\x00[a,a,a]"), MaxRoutesTokens); n != 2+3 {
		t.Errorf("count = %d, want %d", n, 2+3)
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(strings.NewReader("[a]\x00[a,a,a]")).Decode(&doc); err == nil || err == io.EOF {
		t.Errorf("yaml read past a NUL: %v", err)
	}
}

// TestYAMLTokensRealisticFiles checks that the count of files people write
// stays near the nodes yaml builds: the weights count a "key: value" 4 for
// its 2 nodes, so such a file counts about twice its nodes, while a body
// counted word by word, or indicator by indicator, would count many times
// more.
func TestYAMLTokensRealisticFiles(t *testing.T) {
	for name, src := range realisticRoutes() {
		t.Run(name, func(t *testing.T) {
			if _, err := parseTest(t, src); err != nil {
				t.Fatal(err)
			}
			n, nodes := must(yamlTokens([]byte(src), MaxRoutesTokens)), yamlNodes([]byte(src))
			t.Logf("%d tokens, %d nodes", n, nodes)
			if n < nodes || n > 3*nodes {
				t.Errorf("%d tokens for %d nodes, want from %[2]d to %d", n, nodes, 3*nodes)
			}
		})
	}
}
