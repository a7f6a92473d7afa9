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
