package config

import (
	"strconv"
	"strings"
)

// pathologicalRoutes are routes files just over MaxRoutesTokens, each of
// many small nodes of one kind.
func pathologicalRoutes() map[string]string {
	rep := func(head, unit string, weight int) string {
		return head + strings.Repeat(unit, MaxRoutesTokens/weight+1)
	}
	return map[string]string{
		"flow sequence":  rep("routes: [", "a,", 2) + "a]\n",
		"block sequence": rep("routes:\n", "- a\n", 3),
		"empty entries":  rep("routes:\n", "-\n", 2),
		"headers":        rep("routes:\n- path: /x\n  body: x\n  headers:\n", "    a: b\n", 4),
		"empty keys":     rep("routes:\n- path: /x\n  body: x\n  headers:\n", "    ?\n", 3),
		"aliases":        rep("a: &a [x, x, x, x, x, x, x, x]\nroutes:\n", "- *a\n", 3),
		"comments":       rep("routes:\n", "- a #\n", 4),
		"flow pairs":     rep("routes: [", "a: a,", 5) + "a]\n",
	}
}

// largestRoutes returns a routes file of MaxRoutes routes, each with as
// many tokens as MaxRoutesTokens allows on average.
func largestRoutes() string {
	var b strings.Builder
	b.WriteString("routes:\n")
	for i := range MaxRoutes {
		b.WriteString("  - path: /r" + strconv.Itoa(i) + "\n    methods: [GET, HEAD, POST]\n    status: 201\n    delay: 1ms\n    body: hello\n    headers: {X-A: a, X-B: b, X-C: c}\n")
	}
	return b.String()
}

// withinRoutes are the routes files of pathologicalRoutes cut to just
// within MaxRoutesTokens: the ones that need the most memory to parse of
// those yamlTokens lets through.
func withinRoutes() map[string]string {
	rep := func(head, unit string, weight int) string {
		return head + strings.Repeat(unit, (MaxRoutesTokens-1000)/weight)
	}
	return map[string]string{
		"comments":   rep("routes:\n", "- a #\n", 4),
		"empty keys": rep("routes:\n- path: /x\n  body: x\n  headers:\n", "    ?\n", 3),
	}
}

// realisticRoutes are routes files as people write them, in several
// styles, with text beyond ASCII before quoted, flow and block scalars.
func realisticRoutes() map[string]string {
	gen := func(head string, n int, route func(i int) string) string {
		var b strings.Builder
		b.WriteString("# Routes of the site.\nroutes:\n" + head)
		for i := range n {
			b.WriteString(route(i))
		}
		return b.String()
	}
	html := strings.Repeat("      <p class=\"x\">Año [1], {a: b} - c: d, 'e' # f | g > h</p>\n", 8)
	return map[string]string{
		"block bodies after a path beyond ASCII": gen("", 300, func(i int) string {
			return "  - path: /español/" + strconv.Itoa(i) + "\n    headers: {Content-Type: text/html}\n    body: |\n" + html
		}),
		"plain body on its own line": gen("  - path: /a\n    body:\n      hello\n    headers: {Content-Type: text/plain}\n", 300,
			func(i int) string { return "  - path: /b" + strconv.Itoa(i) + "\n    body: |\n" + html }),
		"quoted JSON bodies": gen("", 300, func(i int) string {
			return "  - path: /café/" + strconv.Itoa(i) + "\n    headers: {Content-Type: application/json}\n" +
				"    body: \"{\\\"id\\\": " + strconv.Itoa(i) + ", \\\"name\\\": \\\"café [a, b]: {c}\\\", \\\"tags\\\": [\\\"a\\\", \\\"b\\\"]}\"\n"
		}),
		"mixed styles": gen("", 300, func(i int) string {
			n := strconv.Itoa(i)
			return "  # Route " + n + ", für Gäste.\n" +
				"  - \"path\": /ünïcödé/" + n + " # the path\n" +
				"    'methods': [GET, HEAD]\n" +
				"    headers:\n      X-Senal: \"sí, [1]\"\n      X-Note: 'it''s {ok}'\n" +
				"# a comment at the left\n" +
				"    body: >\n      Un texto plegado,\n      con «comillas» y [corchetes].\n\n" +
				"  - path: /plain/" + n + "\n    body: una línea\n      que sigue \"aquí\" [y] {allí}\n" +
				"      y termina aquí\n    status: 200\n" +
				"  - path: /quoted/" + n + "\n    body: \"varias\n      líneas, 'citas' y |barras|\"\n    delay: 1ms\n"
		}),
	}
}
